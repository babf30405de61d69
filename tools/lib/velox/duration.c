// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: a duration as a person types it, "200us", "1.5ms", "2s",
 * "500ns", to nanoseconds; the other way is module/core's
 * velox_fmt_duration(), so what a tool prints it also reads.
 */
#include <stdint.h>
#include <string.h>

#include "libvelox.h"

static const struct {
	const char *suffix;
	__u64 ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\u00b5s", 1000 },	/* µs, as velox_fmt_duration's readers may type it */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/**
 * vx_parse_duration() - nanoseconds from "200us", "1.5ms", "2s", "500ns"
 * @s: decimal digits, optionally a point and more digits, then a unit:
 *	ns, us (or µs), ms or s.  "0" needs no unit.  Nothing else: no sign,
 *	no blanks, no exponent.
 * @ns: the duration, set on success
 *
 * Counted in integers, so "1.1ms" is exactly 1100000; a value finer than
 * a nanosecond ("1.5ns") or beyond 64 bits of them is refused.
 *
 * Return: 0, or -1 if @s is not such a duration.
 */
int vx_parse_duration(const char *s, __u64 *ns)
{
	__u64 whole = 0, frac = 0, scale = 1, mult = 0;
	const char *p = s, *f = NULL, *last;
	size_t i;

	if (!is_digit(*p))
		return -1;
	for (; is_digit(*p); p++) {
		if (whole > (UINT64_MAX - (*p - '0')) / 10)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		f = ++p;
		if (!is_digit(*p))
			return -1;
		while (is_digit(*p))
			p++;
	}
	if (!*p && !f && !whole) {
		*ns = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].suffix))
			mult = units[i].ns;
	if (!mult)
		return -1;
	/* Trailing zeros add nothing: "1.50ms" is "1.5ms". */
	for (last = p; f && last > f && last[-1] == '0'; last--)
		;
	for (; f && f < last; f++) {
		/* Finer than a nanosecond even in seconds. */
		if (scale == mult)
			return -1;
		frac = frac * 10 + (*f - '0');
		scale *= 10;
	}
	if (whole > UINT64_MAX / mult ||
	    whole * mult > UINT64_MAX - frac * (mult / scale))
		return -1;
	*ns = whole * mult + frac * (mult / scale);
	return 0;
}
