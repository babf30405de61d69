// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox's CPU sets without velox.ko: cpulists ("0-3,8,64-71") parsed
 * into the uapi's __u64 words and formatted back as sysfs writes them,
 * of any size, and the lowest CPU of one set missing from another, which
 * velox-ctl names when it refuses a --cpus.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "libvelox.h"

/* Sets of up to 4 words: CPUs 0-255. */
#define WORDS	4
#define SIZE	(WORDS * sizeof(__u64))

static const struct {
	const char *list;
	__u64 set[WORDS];
} lists[] = {
	{ "", { 0 } },
	{ "0", { 0x1 } },
	{ "0-1,3", { 0xb } },
	{ "63", { 1ull << 63 } },
	{ "64", { 0, 0x1 } },
	{ "62-65", { 3ull << 62, 0x3 } },
	{ "0-3,8,64-71", { 0x10f, 0xff } },
	{ "255", { 0, 0, 0, 1ull << 63 } },
	{ "0-255", { ~0ull, ~0ull, ~0ull, ~0ull } },
	/* Overlaps and disorder: the set is the same. */
	{ "5,1-2,2-3", { 0x2e } },
	{ "7-7", { 0x80 } },
};

static const char *const not_lists[] = {
	"x", "-1", "1-", "-", ",", "0,", ",0", "0,,1", "3-2", " 0", "0 ",
	"0\n", "+1", "0x10", "1.5", "0-1:2/4", "99999999999999999999999",
};

TEST(cpulists_parse_into_their_words)
{
	__u64 set[WORDS];
	unsigned long beyond;
	size_t i, w;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		memset(set, 0xa5, sizeof(set));
		EXPECT_EQ(0, vx_cpulist_parse(lists[i].list, set, SIZE, &beyond))
			TH_LOG("'%s' refused", lists[i].list);
		for (w = 0; w < WORDS; w++) {
			EXPECT_EQ(lists[i].set[w], set[w])
				TH_LOG("'%s', word %zu: expected %#llx, got %#llx",
				       lists[i].list, w, lists[i].set[w], set[w]);
		}
	}
}

TEST(malformed_cpulists_are_refused)
{
	__u64 set[WORDS];
	size_t i;

	/* The harness's checks are two statements: braces under a for. */
	for (i = 0; i < sizeof(not_lists) / sizeof(not_lists[0]); i++) {
		EXPECT_EQ(-EINVAL, vx_cpulist_parse(not_lists[i], set, SIZE, NULL))
			TH_LOG("'%s' taken", not_lists[i]);
	}
}

/* What sysfs would write: runs of two or more as ranges, "" for none. */
TEST(sets_format_as_sysfs_writes_cpulists)
{
	static const char *const canonical[] = {
		"", "0", "0-1,3", "63", "64", "62-65", "0-3,8,64-71", "255",
		"0-255",
	};
	char buf[64];
	size_t i, len;

	for (i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
		len = vx_cpulist_format(buf, sizeof(buf), lists[i].set, SIZE);
		EXPECT_STREQ(canonical[i], buf);
		EXPECT_EQ(strlen(canonical[i]), len);
	}
	len = vx_cpulist_format(buf, sizeof(buf), lists[9].set, SIZE);
	EXPECT_STREQ("1-3,5", buf);
}

/* Every other CPU of 256: longer than a small buffer holds. */
TEST(a_long_list_is_cut_short_and_counted_whole)
{
	__u64 set[WORDS];
	char buf[8], *whole;
	size_t len;

	memset(set, 0x55, sizeof(set));
	len = vx_cpulist_format(buf, sizeof(buf), set, SIZE);
	EXPECT_STREQ("0,2,4,6", buf);
	whole = vx_cpulist(set, SIZE);
	ASSERT_NE(NULL, whole);
	EXPECT_EQ(strlen(whole), len);
	EXPECT_EQ(0, strncmp(whole, "0,2,4,6,8,10,", 13)) TH_LOG("%s", whole);
	EXPECT_EQ(0, strcmp(whole + len - 8, ",252,254")) TH_LOG("%s", whole);
	free(whole);
	EXPECT_EQ(0, vx_cpulist_format(NULL, 0, set, 0));
}

TEST(formatted_lists_parse_back_to_the_same_set)
{
	__u64 set[WORDS], back[WORDS];
	unsigned int seed = 1;
	char *list;
	size_t w;
	int i;

	for (i = 0; i < 200; i++) {
		for (w = 0; w < WORDS; w++)
			set[w] = (__u64)rand_r(&seed) << 33 ^
				 (__u64)rand_r(&seed) << 11 ^ rand_r(&seed);
		list = vx_cpulist(set, SIZE);
		ASSERT_NE(NULL, list);
		ASSERT_EQ(0, vx_cpulist_parse(list, back, SIZE, NULL))
			TH_LOG("'%s'", list);
		EXPECT_EQ(0, memcmp(set, back, SIZE)) TH_LOG("'%s'", list);
		free(list);
	}
}

/* A CPU past the set's words: the rest is kept, the lowest named. */
TEST(cpus_past_the_set_are_named_and_the_rest_kept)
{
	__u64 set[2];
	unsigned long beyond = 0;
	char big[32];

	EXPECT_EQ(-ERANGE, vx_cpulist_parse("0,4000,130,127", set, sizeof(set),
					    &beyond));
	EXPECT_EQ(130, beyond);
	EXPECT_EQ(1, set[0]);
	EXPECT_EQ(1ull << 63, set[1]);
	/* A range across the end: its first CPU past it. */
	EXPECT_EQ(-ERANGE, vx_cpulist_parse("120-4000", set, sizeof(set),
					    &beyond));
	EXPECT_EQ(128, beyond);
	EXPECT_EQ(0xffull << 56, set[1]);
	/* No room at all: any CPU is past it; syntax is still checked. */
	EXPECT_EQ(-ERANGE, vx_cpulist_parse("7", NULL, 0, &beyond));
	EXPECT_EQ(7, beyond);
	/* The largest id there is is past any set too. */
	snprintf(big, sizeof(big), "%lu", ULONG_MAX);
	EXPECT_EQ(-ERANGE, vx_cpulist_parse(big, set, sizeof(set), &beyond));
	EXPECT_EQ(ULONG_MAX, beyond);
	EXPECT_EQ(0, vx_cpulist_parse("", NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, vx_cpulist_parse("7,", NULL, 0, NULL));
}

TEST(the_first_cpu_not_in_another_set_is_found)
{
	__u64 online[1] = { 0x3 }, set[WORDS] = { 0x3 };

	EXPECT_EQ(-1, vx_cpu_set_first_not_in(set, SIZE, online, sizeof(online)));
	set[0] = 0xb;
	EXPECT_EQ(3, vx_cpu_set_first_not_in(set, SIZE, online, sizeof(online)));
	/* Past the other set's words: not in it. */
	set[0] = 0x1;
	set[2] = 0x10;
	EXPECT_EQ(132, vx_cpu_set_first_not_in(set, SIZE, online,
					       sizeof(online)));
	EXPECT_EQ(-1, vx_cpu_set_first_not_in(set, 0, online, sizeof(online)));
}

TEST(sets_count_their_cpus_and_sizes_round_up_to_words)
{
	__u64 set[WORDS] = { 0x10f, 0xff, 0, 1ull << 63 };

	EXPECT_EQ(14, vx_cpu_set_count(set, SIZE));
	EXPECT_EQ(5, vx_cpu_set_count(set, 8));
	EXPECT_EQ(0, vx_cpu_set_size(0));
	EXPECT_EQ(8, vx_cpu_set_size(1));
	EXPECT_EQ(8, vx_cpu_set_size(64));
	EXPECT_EQ(16, vx_cpu_set_size(65));
	EXPECT_EQ(16, vx_cpu_set_size(72));
	EXPECT_EQ(64, vx_cpu_set_size(512));
}

/* This machine's own lists, as velox-ctl reads them. */
TEST(sysfs_lists_read_as_sets)
{
	__u64 *online = calloc(1, VELOX_CPU_SET_SIZE_MAX);
	__u64 *possible = calloc(1, VELOX_CPU_SET_SIZE_MAX);
	char text[4096] = "";
	FILE *f;

	ASSERT_NE(NULL, online);
	ASSERT_NE(NULL, possible);
	ASSERT_EQ(0, vx_cpu_set_sysfs("online", online, VELOX_CPU_SET_SIZE_MAX,
				      NULL));
	ASSERT_EQ(0, vx_cpu_set_sysfs("possible", possible,
				      VELOX_CPU_SET_SIZE_MAX, NULL));
	EXPECT_LE(1, vx_cpu_set_count(online, VELOX_CPU_SET_SIZE_MAX));
	EXPECT_EQ(-1, vx_cpu_set_first_not_in(online, VELOX_CPU_SET_SIZE_MAX,
					      possible, VELOX_CPU_SET_SIZE_MAX));
	/* Formatted back, it is what sysfs wrote. */
	f = fopen("/sys/devices/system/cpu/online", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(text, sizeof(text), f));
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	vx_cpulist_format(text + 2048, 2048, online, VELOX_CPU_SET_SIZE_MAX);
	EXPECT_STREQ(text, text + 2048);
	EXPECT_EQ(-ENOENT, vx_cpu_set_sysfs("no-such-list", online, 8, NULL));
	free(possible);
	free(online);
}

TEST_HARNESS_MAIN
