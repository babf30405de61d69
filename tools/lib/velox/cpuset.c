// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: CPU sets as the uapi lays them out (velox_config.cpu_set, the
 * stats area's set): __u64 words, bit n % 64 of word n / 64 is CPU n, of
 * any size; and as people and sysfs write them, cpulists ("0-3,8,64-71").
 * Sizes are in bytes, whole words.  Nothing here prints: the callers say
 * what a failure means to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvelox.h"

#define WORD_BITS	64

/* Bytes of a set that can name CPUs 0 .. @ncpus - 1: whole words. */
size_t vx_cpu_set_size(unsigned long ncpus)
{
	return (ncpus + WORD_BITS - 1) / WORD_BITS * sizeof(__u64);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A CPU id: decimal digits only; false past ULONG_MAX or without any. */
static bool parse_id(const char **p, unsigned long *id)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		if (v > (ULONG_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*p = s;
	*id = v;
	return true;
}

/**
 * vx_cpulist_parse() - a cpulist into a CPU set
 * @list: "0-3,8,64-71": CPU ids and ranges a-b (a <= b), comma-separated,
 *	nothing else (no blanks, no trailing comma); "" is the empty set
 * @set: the set, @size bytes, cleared first
 * @size: bytes at @set, a multiple of 8; 0 (@set NULL) checks @list alone
 * @beyond: if not NULL and the list names CPUs @set cannot hold (from
 *	@size * 8 up), set to the lowest of them
 *
 * Return: 0; -EINVAL if @list is not a cpulist (@set then holds a part of
 * it); -ERANGE if it names a CPU beyond @set (every other one is set).
 */
int vx_cpulist_parse(const char *list, __u64 *set, size_t size,
		     unsigned long *beyond)
{
	unsigned long nbits = size / sizeof(__u64) * WORD_BITS;
	unsigned long a, b, low = 0;
	bool past = false;
	const char *p = list;

	if (size)
		memset(set, 0, size);
	while (*p) {
		if (!parse_id(&p, &a))
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (!parse_id(&p, &b) || b < a)
				return -EINVAL;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
		/* The lowest CPU of the range that the set cannot hold. */
		if (b >= nbits && (!past || (a > nbits ? a : nbits) < low)) {
			low = a > nbits ? a : nbits;
			past = true;
		}
		for (; a <= b && a < nbits; a++)
			set[a / WORD_BITS] |= 1ull << (a % WORD_BITS);
	}
	if (!past)
		return 0;
	if (beyond)
		*beyond = low;
	return -ERANGE;
}

/* The first CPU of @set from @cpu on, or -1. */
static long next_cpu(const __u64 *set, size_t size, unsigned long cpu)
{
	size_t words = size / sizeof(__u64), i = cpu / WORD_BITS;
	__u64 w;

	if (i >= words)
		return -1;
	w = set[i] & (~0ull << (cpu % WORD_BITS));
	while (!w) {
		if (++i >= words)
			return -1;
		w = set[i];
	}
	return (long)(i * WORD_BITS + __builtin_ctzll(w));
}

/**
 * vx_cpulist_format() - a CPU set as a cpulist, as sysfs writes one
 * @buf: where to write it, NUL-terminated, cut short to fit (may be NULL
 *	if @len is 0)
 * @len: bytes at @buf
 * @set: the set
 * @size: its bytes, a multiple of 8
 *
 * Runs of two or more CPUs are ranges ("0-1", "4-7"); an empty set is "".
 *
 * Return: the length of the whole list, as snprintf() counts it.
 */
size_t vx_cpulist_format(char *buf, size_t len, const __u64 *set, size_t size)
{
	size_t n = 0;
	long a, b;
	int k;

	if (len)
		buf[0] = '\0';
	for (a = next_cpu(set, size, 0); a >= 0; a = next_cpu(set, size, b + 1)) {
		for (b = a; next_cpu(set, size, b + 1) == b + 1; b++)
			;
		if (a == b)
			k = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%ld", n ? "," : "", a);
		else
			k = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%ld-%ld", n ? "," : "", a, b);
		n += k;
	}
	return n;
}

/* The cpulist of @set in a buffer to free(); NULL if out of memory. */
char *vx_cpulist(const __u64 *set, size_t size)
{
	size_t len = vx_cpulist_format(NULL, 0, set, size) + 1;
	char *s = malloc(len);

	if (s)
		vx_cpulist_format(s, len, set, size);
	return s;
}

/* CPUs in @set. */
unsigned long vx_cpu_set_count(const __u64 *set, size_t size)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < size / sizeof(__u64); i++)
		n += __builtin_popcountll(set[i]);
	return n;
}

/**
 * vx_cpu_set_first_not_in() - the lowest CPU of one set missing from another
 * @set: the set looked at, @size bytes
 * @size: its bytes
 * @of: the set it should lie in, @of_size bytes: the CPUs past its end
 *	are not in it
 * @of_size: its bytes
 *
 * Return: that CPU, or -1 if every CPU of @set is in @of.
 */
long vx_cpu_set_first_not_in(const __u64 *set, size_t size, const __u64 *of,
			     size_t of_size)
{
	size_t i, of_words = of_size / sizeof(__u64);

	for (i = 0; i < size / sizeof(__u64); i++) {
		__u64 w = set[i] & ~(i < of_words ? of[i] : 0);

		if (w)
			return (long)(i * WORD_BITS + __builtin_ctzll(w));
	}
	return -1;
}

/**
 * vx_cpu_set_sysfs() - one of sysfs's CPU lists as a set
 * @which: "online", "possible", "present" (/sys/devices/system/cpu/@which)
 * @set: the set, @size bytes
 * @size: its bytes
 * @beyond: as vx_cpulist_parse()'s
 *
 * Return: as vx_cpulist_parse(), or the negative errno of opening or
 * reading the file (-EIO if it was empty).
 */
int vx_cpu_set_sysfs(const char *which, __u64 *set, size_t size,
		     unsigned long *beyond)
{
	char path[96], *text = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s", which);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A list of many CPUs may be longer than a page: read it all. */
	do {
		if (cap - len < 256) {
			char *more = realloc(text, cap + 4096);

			if (!more) {
				ret = -ENOMEM;
				goto out_close;
			}
			text = more;
			cap += 4096;
		}
		n = read(fd, text + len, cap - len - 1);
		if (n < 0) {
			ret = -errno;
			goto out_close;
		}
		len += n;
	} while (n > 0);
	text[len] = '\0';
	text[strcspn(text, "\n")] = '\0';
	ret = len ? vx_cpulist_parse(text, set, size, beyond) : -EIO;
out_close:
	close(fd);
	free(text);
	return ret;
}
