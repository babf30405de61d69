// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: /dev/velox and its ioctls, each failure said in one line that
 * names the likely fix (load the module, be root, stop first).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libvelox.h"

#define DEV_PATH "/dev/" VELOX_DEVICE_NAME

int vx_open(void)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		vx_err(DEV_PATH, "module not loaded (insmod velox.ko)");
		break;
	case EACCES:
	case EPERM:
		vx_err(DEV_PATH, "permission denied (needs root)");
		break;
	default:
		vx_err(DEV_PATH, "%s", strerror(errno));
	}
	return -1;
}

int vx_get_info(int fd, struct velox_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, VELOX_IOC_GET_INFO, info) < 0) {
		vx_err("GET_INFO", "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A CPU set sized as this velox.ko wants one.  A module that gives no size
 * (or one past the uapi's limit) is not the one the tools were built for.
 */
__u64 *vx_cpu_set_alloc(const struct velox_info *info)
{
	__u64 *set;

	if (!info->cpu_set_size || info->cpu_set_size % sizeof(__u64) ||
	    info->cpu_set_size > VELOX_CPU_SET_SIZE_MAX) {
		vx_err("GET_INFO", "a CPU set of %u bytes: module ABI %u, tools ABI %u: build both from one tree",
		       info->cpu_set_size, info->abi_version,
		       VELOX_ABI_VERSION);
		return NULL;
	}
	set = calloc(1, info->cpu_set_size);
	if (!set)
		vx_err("cpu set", "out of memory");
	return set;
}

int vx_get_config(int fd, struct velox_config *cfg, __u64 *cpu_set,
		  __u32 cpu_set_size)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	cfg->cpu_set = (uintptr_t)cpu_set;
	cfg->cpu_set_size = cpu_set_size;
	if (ioctl(fd, VELOX_IOC_GET_CONFIG, cfg) < 0) {
		vx_err("GET_CONFIG", "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Why an ioctl that needs CAP_SYS_ADMIN failed, in one line. */
static void admin_err(const char *what, int err, bool starting)
{
	switch (err) {
	case EPERM:
		vx_err(what, "not permitted (needs CAP_SYS_ADMIN)");
		break;
	case EBUSY:
		vx_err(what, starting ?
		       "the pipeline is already running (velox-ctl stop)" :
		       "the pipeline is running (velox-ctl stop first)");
		break;
	default:
		vx_err(what, "%s", strerror(err));
	}
}

/*
 * On EINVAL nothing is printed: the caller knows the config and can say
 * which field is out of range.  errno stays the ioctl's, for that.
 */
int vx_start(int fd, struct velox_config *cfg)
{
	int err;

	if (ioctl(fd, VELOX_IOC_START, cfg) == 0)
		return 0;
	err = errno;
	if (err != EINVAL)
		admin_err("start", err, true);
	errno = err;
	return -1;
}

int vx_stop(int fd)
{
	if (ioctl(fd, VELOX_IOC_STOP) == 0)
		return 0;
	admin_err("stop", errno, false);
	return -1;
}

int vx_reset(int fd)
{
	if (ioctl(fd, VELOX_IOC_RESET_STATS) == 0)
		return 0;
	admin_err("reset", errno, false);
	return -1;
}
