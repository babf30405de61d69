// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: talking to /dev/velox, and saying in one line why it failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/velox.h>

#include "ctl.h"

#define DEV_PATH "/dev/" VELOX_DEVICE_NAME

void ctl_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "velox-ctl: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int dev_open(void)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		ctl_err(DEV_PATH, "module not loaded (insmod velox.ko)");
		break;
	case EACCES:
	case EPERM:
		ctl_err(DEV_PATH, "permission denied (needs root)");
		break;
	default:
		ctl_err(DEV_PATH, "%s", strerror(errno));
	}
	return -1;
}

int dev_get_info(int fd, struct velox_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, VELOX_IOC_GET_INFO, info) < 0) {
		ctl_err("GET_INFO", "%s", strerror(errno));
		return -1;
	}
	return 0;
}
