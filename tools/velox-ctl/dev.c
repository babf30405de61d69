// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: talking to /dev/velox, and saying in one line why it failed
 * (velox-trace links this too: errors name the program that runs).
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

static void vreport(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ctl_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(what, fmt, ap);
	va_end(ap);
}

int ctl_usage_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(what, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
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

int dev_get_config(int fd, struct velox_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	if (ioctl(fd, VELOX_IOC_GET_CONFIG, cfg) < 0) {
		ctl_err("GET_CONFIG", "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Why an ioctl that needs CAP_SYS_ADMIN failed, in one line. */
static void admin_err(const char *what, int err, bool starting)
{
	switch (err) {
	case EPERM:
		ctl_err(what, "not permitted (needs CAP_SYS_ADMIN)");
		break;
	case EBUSY:
		ctl_err(what, starting ?
			"the pipeline is already running (velox-ctl stop)" :
			"the pipeline is running (velox-ctl stop first)");
		break;
	default:
		ctl_err(what, "%s", strerror(err));
	}
}

/*
 * On EINVAL nothing is printed: the caller knows the config and can say
 * which field is out of range.
 */
int dev_start(int fd, const struct velox_config *cfg)
{
	if (ioctl(fd, VELOX_IOC_START, cfg) == 0)
		return 0;
	if (errno != EINVAL)
		admin_err("start", errno, true);
	return -1;
}

int dev_stop(int fd)
{
	if (ioctl(fd, VELOX_IOC_STOP) == 0)
		return 0;
	admin_err("stop", errno, false);
	return -1;
}

int dev_reset(int fd)
{
	if (ioctl(fd, VELOX_IOC_RESET_STATS) == 0)
		return 0;
	admin_err("reset", errno, false);
	return -1;
}
