// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: a string from the kernel as a JSON string.  The names of
 * stages and causes are plain words, but a task's comm or an IRQ action's
 * name is whatever someone chose, quotes and control characters included.
 */
#include <stdio.h>

#include "libvelox.h"

/**
 * vx_print_json_string() - @s, quoted and escaped, as one JSON string
 * @out: where to print it
 * @s: the text; it ends at a NUL or after @max bytes, whichever is first
 *	(a comm fills its 16 bytes without one)
 * @max: the most bytes of @s to read
 *
 * Quotes and backslashes are escaped, control characters and every byte
 * from 0x7f up become \u00XX: the kernel does not promise UTF-8, and
 * this keeps the output valid JSON whatever the bytes.
 */
void vx_print_json_string(FILE *out, const char *s, size_t max)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
