// SPDX-License-Identifier: GPL-2.0
/*
 * json_valid KEY...: read one JSON document on stdin; exit 0 if it is
 * valid JSON (RFC 8259), an object, and has every KEY at its top level.
 * Otherwise print why on stderr and exit 1.  The guest has no JSON tool,
 * and velox-ctl's --json output must parse.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;
static const char *why;
static char keys[64][64];
static int nkeys;

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static bool fail(const char *msg)
{
	if (!why)
		why = msg;
	return false;
}

static bool string(char *out, size_t len)
{
	size_t n = 0;

	if (*p++ != '"')
		return fail("expected a string");
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return fail("control character in a string");
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return fail("bad \\u escape");
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return fail("bad escape");
			}
		}
		if (out && n + 1 < len)
			out[n++] = *p;
		p++;
	}
	p++;
	if (out)
		out[n] = 0;
	return true;
}

static bool number(void)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return fail("bad number");
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return fail("bad fraction");
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return fail("bad exponent");
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > s;
}

static bool value(int depth);

static bool object(int depth)
{
	char key[64];

	p++;
	ws();
	if (*p == '}') {
		p++;
		return true;
	}
	for (;;) {
		ws();
		if (!string(key, sizeof(key)))
			return false;
		if (depth == 0 && nkeys < 64)
			strcpy(keys[nkeys++], key);
		ws();
		if (*p++ != ':')
			return fail("expected ':'");
		if (!value(depth + 1))
			return false;
		ws();
		if (*p == '}') {
			p++;
			return true;
		}
		if (*p++ != ',')
			return fail("expected ',' or '}'");
	}
}

static bool array(int depth)
{
	p++;
	ws();
	if (*p == ']') {
		p++;
		return true;
	}
	for (;;) {
		if (!value(depth + 1))
			return false;
		ws();
		if (*p == ']') {
			p++;
			return true;
		}
		if (*p++ != ',')
			return fail("expected ',' or ']'");
	}
}

static bool value(int depth)
{
	ws();
	if (depth > 32)
		return fail("nested too deep");
	switch (*p) {
	case '{':
		return object(depth);
	case '[':
		return array(depth);
	case '"':
		return string(NULL, 0);
	case 't':
		return strncmp(p, "true", 4) ? fail("bad literal") : (p += 4, true);
	case 'f':
		return strncmp(p, "false", 5) ? fail("bad literal") : (p += 5, true);
	case 'n':
		return strncmp(p, "null", 4) ? fail("bad literal") : (p += 4, true);
	default:
		return number();
	}
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);

	buf[n] = 0;
	p = buf;
	ws();
	if (*p != '{') {
		fprintf(stderr, "json_valid: not a JSON object\n");
		return 1;
	}
	if (!value(0)) {
		fprintf(stderr, "json_valid: %s at offset %ld\n", why,
			(long)(p - buf));
		return 1;
	}
	ws();
	if (*p) {
		fprintf(stderr, "json_valid: trailing text at offset %ld\n",
			(long)(p - buf));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		int k;

		for (k = 0; k < nkeys && strcmp(keys[k], argv[i]); k++)
			;
		if (k == nkeys) {
			fprintf(stderr, "json_valid: no top-level key \"%s\"\n",
				argv[i]);
			return 1;
		}
	}
	return 0;
}
