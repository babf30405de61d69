// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox's JSON reader, which velox-ctl compare trusts with saved runs:
 * every kind of value, counters exact to 2^64 - 1, escapes decoded, and
 * what RFC 8259 does not allow refused with where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "libvelox.h"

static struct vx_json *parse(const char *text)
{
	char why[128];

	return vx_json_parse(text, why, sizeof(why));
}

TEST(values_of_every_kind)
{
	struct vx_json *j = parse(" {\"a\": [1, -2.5e1, true, false, null,"
				  " \"x\", {}], \"b\": {\"c\": \"d\"} }\n");
	const struct vx_json *a, *c;

	ASSERT_NE(NULL, j);
	ASSERT_EQ(VX_JSON_OBJECT, j->type);
	ASSERT_EQ(2, j->n);
	a = vx_json_get(j, "a");
	ASSERT_NE(NULL, a);
	ASSERT_EQ(VX_JSON_ARRAY, a->type);
	ASSERT_EQ(7, a->n);
	EXPECT_EQ(VX_JSON_NUMBER, a->items[0].type);
	EXPECT_TRUE(a->items[0].is_u64);
	EXPECT_EQ(1, a->items[0].u64);
	EXPECT_EQ(-25.0, a->items[1].num);
	EXPECT_FALSE(a->items[1].is_u64);
	EXPECT_EQ(VX_JSON_BOOL, a->items[2].type);
	EXPECT_TRUE(a->items[2].b);
	EXPECT_FALSE(a->items[3].b);
	EXPECT_EQ(VX_JSON_NULL, a->items[4].type);
	EXPECT_STREQ("x", a->items[5].str);
	EXPECT_EQ(VX_JSON_OBJECT, a->items[6].type);
	EXPECT_EQ(0, a->items[6].n);
	c = vx_json_get(vx_json_get(j, "b"), "c");
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("d", c->str);
	EXPECT_EQ(NULL, vx_json_get(j, "z"));
	EXPECT_EQ(NULL, vx_json_get(a, "a"));
	vx_json_free(j);
}

/* A double holds 2^53 + 1 as 2^53: counters must not lose it. */
TEST(whole_numbers_are_exact_to_the_top_of_u64)
{
	static const struct {
		const char *text;
		bool is_u64;
		unsigned long long u64;
	} nums[] = {
		{ "0", true, 0 },
		{ "9007199254740993", true, 9007199254740993ull },
		{ "18446744073709551615", true, 18446744073709551615ull },
		{ "18446744073709551616", false, 0 },
		{ "-1", false, 0 },
		{ "1.0", false, 0 },
		{ "1e3", false, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct vx_json *j = parse(nums[i].text);

		ASSERT_NE(NULL, j) TH_LOG("%s refused", nums[i].text);
		EXPECT_EQ(nums[i].is_u64, j->is_u64) TH_LOG("%s", nums[i].text);
		if (nums[i].is_u64)
			EXPECT_EQ(nums[i].u64, j->u64) TH_LOG("%s", nums[i].text);
		vx_json_free(j);
	}
}

TEST(escapes_decode)
{
	struct vx_json *j = parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t"
				  " \\u00e9 \\u20ac \\ud83d\\ude00\"");

	ASSERT_NE(NULL, j);
	EXPECT_STREQ("q\" b\\ s/ \b\f\n\r\t \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		     j->str);
	vx_json_free(j);
}

TEST(what_is_not_json_is_refused_with_where)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}",
		"{\"a\":1,}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1",
		"\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
		"\"\\udc00x\"", "\"\\u0000\"", "tru", "nul", "[1] [2]", "1 2",
		"[1}", "{\"a\":1]", "NaN", "Infinity", "1e400", "-1e400",
	};
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vx_json *j = vx_json_parse(bad[i], why, sizeof(why));

		EXPECT_EQ(NULL, j) TH_LOG("'%s' accepted", bad[i]);
		vx_json_free(j);
		EXPECT_NE(NULL, strstr(why, "at byte"))
			TH_LOG("'%s': why '%s'", bad[i], why);
	}
}

/* Nesting is bounded: a hostile file cannot exhaust the stack. */
TEST(nesting_is_bounded)
{
	char deep[256];
	char why[128];
	struct vx_json *j;
	int depth;

	for (depth = 64; depth <= 65; depth++) {
		memset(deep, '[', depth);
		memset(deep + depth, ']', depth);
		deep[2 * depth] = '\0';
		j = vx_json_parse(deep, why, sizeof(why));
		if (depth == 64) {
			EXPECT_NE(NULL, j) TH_LOG("64 deep: %s", why);
		} else {
			EXPECT_EQ(NULL, j);
		}
		vx_json_free(j);
	}
}

/* A failure half-way frees what it built (ASan and valgrind see it). */
TEST(a_half_parsed_document_is_freed)
{
	EXPECT_EQ(NULL, parse("{\"a\":[1,{\"b\":\"c\",\"d\":[true,"));
	EXPECT_EQ(NULL, parse("{\"a\":1,\"b"));
}

TEST_HARNESS_MAIN
