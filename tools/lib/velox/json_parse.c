// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: JSON (RFC 8259) into a tree, for the files velox-ctl saves
 * and later compares.  Small on purpose: the documents are our own, a few
 * hundred kilobytes at most, and the machines it runs on have no JSON
 * library to lean on.  Integers keep their exact value up to 2^64 - 1
 * (counters are 64-bit; a double is exact only to 2^53).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"

/* Deeper than any file we write; keeps the recursion's stack bounded. */
#define VX_JSON_DEPTH_MAX	64

struct parser {
	const char *p;
	const char *start;
	char *why;
	size_t len;
	int depth;
};

static bool fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool fail(struct parser *ps, const char *fmt, ...)
{
	char msg[96];
	va_list ap;

	/* The innermost failure is the one to report. */
	if (ps->why[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->why, ps->len, "%s at byte %zu", msg,
		 (size_t)(ps->p - ps->start));
	return false;
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static int hex4(const char *s)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* @cp as UTF-8 into @out (room for 4); returns the bytes written. */
static size_t utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* A \u escape at ps->p (past the 'u'), a surrogate pair as one. */
static bool unicode_escape(struct parser *ps, unsigned int *cp)
{
	int hi = hex4(ps->p), lo;

	if (hi < 0)
		return fail(ps, "bad \\u escape");
	ps->p += 4;
	if (hi < 0xd800 || hi > 0xdfff) {
		*cp = hi;
		return true;
	}
	if (hi > 0xdbff || ps->p[0] != '\\' || ps->p[1] != 'u' ||
	    (lo = hex4(ps->p + 2)) < 0xdc00 || lo > 0xdfff)
		return fail(ps, "unpaired surrogate in a \\u escape");
	ps->p += 6;
	*cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	return true;
}

/* A string at ps->p (its quote), decoded into a new buffer at *out. */
static bool string(struct parser *ps, char **out)
{
	const char *q;
	size_t n = 0;
	char *s;

	if (*ps->p != '"')
		return fail(ps, "expected a string");
	/* Decoded, it is never longer than it is escaped. */
	for (q = ps->p + 1; *q && *q != '"'; q++)
		if (*q == '\\' && q[1])
			q++;
	s = malloc(q - ps->p);
	if (!s)
		return fail(ps, "out of memory");
	ps->p++;
	while (*ps->p != '"') {
		unsigned char c = *ps->p;
		unsigned int cp = 0;

		if (!c) {
			free(s);
			return fail(ps, "unterminated string");
		}
		if (c < 0x20) {
			free(s);
			return fail(ps, "control character in a string");
		}
		ps->p++;
		if (c != '\\') {
			s[n++] = c;
			continue;
		}
		c = *ps->p++;
		switch (c) {
		case '"': case '\\': case '/':
			s[n++] = c;
			break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			if (!unicode_escape(ps, &cp)) {
				free(s);
				return false;
			}
			/* Our strings are C strings: a NUL would cut one. */
			if (!cp) {
				free(s);
				return fail(ps, "\\u0000 in a string");
			}
			n += utf8(s + n, cp);
			break;
		default:
			ps->p--;
			free(s);
			return fail(ps, "bad escape");
		}
	}
	ps->p++;
	s[n] = '\0';
	*out = s;
	return true;
}

static bool digits(struct parser *ps)
{
	if (*ps->p < '0' || *ps->p > '9')
		return fail(ps, "expected a digit");
	while (*ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return true;
}

/* A number, as RFC 8259 spells it; exact as well if a whole >= 0. */
static bool number(struct parser *ps, struct vx_json *j)
{
	const char *begin = ps->p;
	bool whole = true;
	char *end;

	if (*ps->p == '-') {
		ps->p++;
		whole = false;
	}
	if (*ps->p == '0')
		ps->p++;
	else if (!digits(ps))
		return false;
	if (*ps->p == '.') {
		ps->p++;
		whole = false;
		if (!digits(ps))
			return false;
	}
	if (*ps->p == 'e' || *ps->p == 'E') {
		ps->p++;
		whole = false;
		if (*ps->p == '+' || *ps->p == '-')
			ps->p++;
		if (!digits(ps))
			return false;
	}
	j->type = VX_JSON_NUMBER;
	errno = 0;
	j->num = strtod(begin, NULL);
	/* 1e400: JSON allows it, a double cannot hold it. */
	if (errno == ERANGE && (j->num > 1 || j->num < -1))
		return fail(ps, "a number beyond a double's range");
	if (whole) {
		errno = 0;
		j->u64 = strtoull(begin, &end, 10);
		j->is_u64 = !errno && end == ps->p;
	}
	return true;
}

static bool value(struct parser *ps, struct vx_json *j);

/* Room for one more item in @j (an array or an object). */
static bool grow(struct parser *ps, struct vx_json *j, size_t *cap)
{
	struct vx_json *items;
	char **keys;

	if (j->n < *cap)
		return true;
	*cap = *cap ? *cap * 2 : 8;
	items = realloc(j->items, *cap * sizeof(*items));
	if (!items)
		return fail(ps, "out of memory");
	j->items = items;
	if (j->type == VX_JSON_OBJECT) {
		keys = realloc(j->keys, *cap * sizeof(*keys));
		if (!keys)
			return fail(ps, "out of memory");
		j->keys = keys;
	}
	return true;
}

/* An array or an object, ps->p at its '[' or '{'. */
static bool container(struct parser *ps, struct vx_json *j, char close)
{
	size_t cap = 0;

	j->type = close == ']' ? VX_JSON_ARRAY : VX_JSON_OBJECT;
	if (++ps->depth > VX_JSON_DEPTH_MAX)
		return fail(ps, "nested deeper than %d", VX_JSON_DEPTH_MAX);
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		if (!grow(ps, j, &cap))
			return false;
		memset(&j->items[j->n], 0, sizeof(j->items[0]));
		if (j->type == VX_JSON_OBJECT) {
			j->keys[j->n] = NULL;
			skip_ws(ps);
			if (!string(ps, &j->keys[j->n])) {
				j->n++;
				return false;
			}
			skip_ws(ps);
			if (*ps->p != ':') {
				j->n++;
				return fail(ps, "expected ':'");
			}
			ps->p++;
		}
		/* Counted before it is parsed: vx_json_free() frees a half. */
		j->n++;
		if (!value(ps, &j->items[j->n - 1]))
			return false;
		skip_ws(ps);
		if (*ps->p == close)
			break;
		if (*ps->p != ',')
			return fail(ps, "expected ',' or '%c'", close);
		ps->p++;
	}
	ps->p++;
	ps->depth--;
	return true;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(ps->p, word, n))
		return fail(ps, "unexpected '%c'", *ps->p ? *ps->p : '?');
	ps->p += n;
	return true;
}

static bool value(struct parser *ps, struct vx_json *j)
{
	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return container(ps, j, '}');
	case '[':
		return container(ps, j, ']');
	case '"':
		j->type = VX_JSON_STRING;
		return string(ps, &j->str);
	case 't':
		j->type = VX_JSON_BOOL;
		j->b = true;
		return literal(ps, "true");
	case 'f':
		j->type = VX_JSON_BOOL;
		return literal(ps, "false");
	case 'n':
		j->type = VX_JSON_NULL;
		return literal(ps, "null");
	case '\0':
		return fail(ps, "unexpected end");
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return number(ps, j);
		return fail(ps, "unexpected '%c'", *ps->p);
	}
}

static void json_release(struct vx_json *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		json_release(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
}

/**
 * vx_json_parse() - one JSON document into a tree
 * @text: the document, NUL-terminated
 * @why: set to why it is not JSON, with the byte offset
 * @len: room at @why
 *
 * Return: the tree, to vx_json_free(); NULL with @why set if @text is not
 * one JSON value (white space around it allowed) or memory ran out.
 */
struct vx_json *vx_json_parse(const char *text, char *why, size_t len)
{
	struct parser ps = { .p = text, .start = text, .why = why, .len = len };
	struct vx_json *j = calloc(1, sizeof(*j));

	why[0] = '\0';
	if (!j) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	if (value(&ps, j)) {
		skip_ws(&ps);
		if (!*ps.p)
			return j;
		fail(&ps, "more after the document");
	}
	vx_json_free(j);
	return NULL;
}

void vx_json_free(struct vx_json *j)
{
	if (!j)
		return;
	json_release(j);
	free(j);
}

/* The member @key of object @j; NULL if @j is not an object or lacks it. */
const struct vx_json *vx_json_get(const struct vx_json *j, const char *key)
{
	size_t i;

	if (!j || j->type != VX_JSON_OBJECT)
		return NULL;
	for (i = 0; i < j->n; i++)
		if (!strcmp(j->keys[i], key))
			return &j->items[i];
	return NULL;
}
