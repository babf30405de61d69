// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs role: read every file under /sys/kernel/debug/velox to the
 * end, over and over, while the module runs, stops and comes and goes.
 * Only the outcomes are counted: a file that vanishes under a read fails
 * it, which is the point of reading it then.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "torture.h"

static int read_file(const char *path)
{
	static char buf[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0);
	close(fd);
	return n < 0 ? errno : 0;
}

static void read_all(void)
{
	char path[512];
	struct dirent *de;
	DIR *dir;

	dir = opendir(TT_DEBUGFS);
	if (!dir) {
		tt_op_begin(TT_OP_DEBUGFS_READ);
		tt_op_end(TT_OP_DEBUGFS_READ, errno);
		tt_sleep_us(tt_rand_range(1000, 20000));
		return;
	}
	while ((de = readdir(dir)) && tt_running() && !tt_quiet()) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", TT_DEBUGFS, de->d_name);
		tt_op_begin(TT_OP_DEBUGFS_READ);
		tt_op_end(TT_OP_DEBUGFS_READ, read_file(path));
		if (tt_chance(30))
			tt_sleep_us(tt_rand_range(0, 10000));
	}
	closedir(dir);
}

void tt_debugfs_reader(void)
{
	while (tt_running()) {
		if (tt_quiet()) {
			tt_sleep_us(10000);
			continue;
		}
		read_all();
	}
}
