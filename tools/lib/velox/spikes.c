// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: the spikes velox.ko captured (struct velox_spike), read from
 * /dev/velox.
 *
 * read() on /dev/velox returns whole records of the current or last run,
 * in capture order, from a byte offset that is a multiple of the record
 * size, and 0 at the end of what is captured so far; it consumes nothing,
 * so these use pread() from an offset of their own.  A velox.ko without
 * tail capture has no read() at all: -EINVAL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvelox.h"

/* Spikes asked for in one read(): 84 KiB. */
#define READ_CHUNK	256

/**
 * vx_tail_check() - say so if the loaded velox.ko cannot capture spikes
 * @info: from vx_get_info()
 * @what: what needed it, for the error line
 *
 * A module older than tail capture writes back a struct velox_info that
 * ends before @tail_spikes, which therefore stays 0.
 *
 * Return: 0 if it can, -1 after one line on stderr if not.
 */
int vx_tail_check(const struct velox_info *info, const char *what)
{
	if (info->tail_spikes)
		return 0;
	vx_err(what, "this velox.ko has no tail capture");
	return -1;
}

/**
 * vx_read_spikes_at() - the spikes captured from number @first on
 * @fd: /dev/velox
 * @first: the first spike to read, counted from 0 in capture order
 * @buf: room for @max spikes
 * @max: the most to read
 * @got: how many were read; fewer than @max means that was all
 *
 * Return: 0, or -1 after one line on stderr.
 */
int vx_read_spikes_at(int fd, size_t first, struct velox_spike *buf,
		      size_t max, size_t *got)
{
	size_t want = max * sizeof(*buf), done = 0;

	while (done < want) {
		ssize_t r = pread(fd, (char *)buf + done, want - done,
				  (off_t)(first * sizeof(*buf) + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EINVAL) {
			vx_err("tail", "read /dev/velox: %s: this velox.ko has no tail capture, or its spikes are not the tools' (rebuild them)",
			       strerror(errno));
			return -1;
		}
		if (r < 0) {
			vx_err("tail", "read /dev/velox: %s", strerror(errno));
			return -1;
		}
		if (!r)
			break;
		done += r;
	}
	if (done % sizeof(*buf)) {
		vx_err("tail", "read %zu bytes, not whole spikes of %zu: velox.ko and the tools differ (rebuild them)",
		       done, sizeof(*buf));
		return -1;
	}
	*got = done / sizeof(*buf);
	return 0;
}

/**
 * vx_read_spikes() - every spike captured so far, oldest first
 * @fd: /dev/velox
 * @out: set to an array the caller frees (NULL if @n is 0)
 * @n: set to its length
 *
 * Reads until read() returns 0.  While a run goes on, more may be
 * captured meanwhile; what this returns is a prefix of the capture.
 *
 * Return: 0, or -1 after one line on stderr.
 */
int vx_read_spikes(int fd, struct velox_spike **out, size_t *n)
{
	struct velox_spike *all = NULL, *more;
	size_t len = 0, got;

	do {
		more = realloc(all, (len + READ_CHUNK) * sizeof(*all));
		if (!more) {
			vx_err("tail", "out of memory for %zu spikes",
			       len + READ_CHUNK);
			goto out_free;
		}
		all = more;
		if (vx_read_spikes_at(fd, len, all + len, READ_CHUNK, &got))
			goto out_free;
		len += got;
	} while (got == READ_CHUNK);
	if (!len) {
		free(all);
		all = NULL;
	}
	*out = all;
	*n = len;
	return 0;
out_free:
	free(all);
	return -1;
}
