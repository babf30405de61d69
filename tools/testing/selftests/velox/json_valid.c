// SPDX-License-Identifier: GPL-2.0
/*
 * json_valid KEY...: read one JSON document on stdin; exit 0 if it is
 * valid JSON (RFC 8259), an object, and has every KEY at its top level.
 * Otherwise print why on stderr and exit 1.  The guest has no JSON tool,
 * and velox-ctl's --json output must parse; the parser is libvelox's, the
 * one velox-ctl compare reads saved runs with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"

/* All of stdin, NUL-terminated, to free(); NULL if out of memory. */
static char *read_all(void)
{
	size_t len = 0, cap = 1 << 16, got;
	char *buf = NULL, *more;

	do {
		cap *= 2;
		more = realloc(buf, cap + 1);
		if (!more) {
			free(buf);
			return NULL;
		}
		buf = more;
		got = fread(buf + len, 1, cap - len, stdin);
		len += got;
	} while (len == cap);
	buf[len] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	char *text = read_all(), why[128];
	struct vx_json *doc;
	int i, ret = 1;

	if (!text) {
		fprintf(stderr, "json_valid: out of memory\n");
		return 1;
	}
	doc = vx_json_parse(text, why, sizeof(why));
	if (!doc)
		fprintf(stderr, "json_valid: %s\n", why);
	else if (doc->type != VX_JSON_OBJECT)
		fprintf(stderr, "json_valid: not a JSON object\n");
	else
		ret = 0;
	for (i = 1; !ret && i < argc; i++)
		if (!vx_json_get(doc, argv[i])) {
			fprintf(stderr, "json_valid: no top-level key \"%s\"\n",
				argv[i]);
			ret = 1;
		}
	vx_json_free(doc);
	free(text);
	return ret;
}
