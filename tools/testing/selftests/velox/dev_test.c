// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/velox with the module loaded: the node, GET_INFO and its size rules,
 * and the errors every other use must get.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/velox.h>

#include "ktap.h"

#define DEV "/dev/" VELOX_DEVICE_NAME
#define NOBODY 65534

static int dev_fd;

/* ioctl() returning 0 or -errno, so a case states what it expects. */
static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(dev_fd, cmd, arg) < 0 ? -errno : 0;
}

static bool expect_ret(const char *what, int got, int want)
{
	if (got == want)
		return true;
	ktap_diag("%s: expected %s, got %s", what,
		  want ? strerror(-want) : "success",
		  got ? strerror(-got) : "success");
	return false;
}

static bool node_is_char_device_mode_0600(void)
{
	struct stat st;

	if (stat(DEV, &st)) {
		ktap_diag("stat %s: %s", DEV, strerror(errno));
		return false;
	}
	if (!S_ISCHR(st.st_mode) || (st.st_mode & 07777) != 0600 ||
	    st.st_uid != 0) {
		ktap_diag("expected a root-owned char device, mode 0600; got mode %o uid %u",
			  (unsigned int)st.st_mode, (unsigned int)st.st_uid);
		return false;
	}
	return true;
}

static bool get_info_reports_abi_version(void)
{
	struct velox_info info = { .size = sizeof(info) };

	if (!expect_ret("GET_INFO", xioctl(VELOX_IOC_GET_INFO, &info), 0))
		return false;
	if (info.abi_version != VELOX_ABI_VERSION || info.size != sizeof(info)) {
		ktap_diag("expected abi_version %u size %zu, got %u size %u",
			  VELOX_ABI_VERSION, sizeof(info), info.abi_version,
			  info.size);
		return false;
	}
	return true;
}

static bool get_info_shorter_than_v1_is_einval(void)
{
	struct velox_info info = { .size = sizeof(__u32) };

	return expect_ret("GET_INFO size 4", xioctl(VELOX_IOC_GET_INFO, &info),
			  -EINVAL);
}

/* A newer caller's longer struct is fine while the unknown tail is zero. */
static bool get_info_longer_with_zero_tail_succeeds(void)
{
	struct {
		struct velox_info info;
		__u64 future[64];
	} big;

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	if (!expect_ret("GET_INFO long", xioctl(VELOX_IOC_GET_INFO, &big), 0))
		return false;
	for (size_t i = 0; i < 64; i++) {
		if (big.future[i]) {
			ktap_diag("tail word %zu was written: %llx", i,
				  (unsigned long long)big.future[i]);
			return false;
		}
	}
	return big.info.abi_version == VELOX_ABI_VERSION;
}

static bool get_info_nonzero_unknown_tail_is_e2big(void)
{
	struct {
		struct velox_info info;
		__u32 future;
	} big = { .info.size = sizeof(big), .future = 1 };

	return expect_ret("GET_INFO tail", xioctl(VELOX_IOC_GET_INFO, &big),
			  -E2BIG);
}

static bool get_info_bad_pointer_is_efault(void)
{
	return expect_ret("GET_INFO NULL", xioctl(VELOX_IOC_GET_INFO, NULL),
			  -EFAULT);
}

static bool unknown_ioctls_are_enotty(void)
{
	static const unsigned long cmds[] = {
		_IO(VELOX_IOC_TYPE, VELOX_CMD_BASE - 1),
		_IO(VELOX_IOC_TYPE, 0xff),
		_IO(VELOX_IOC_TYPE + 1, VELOX_CMD_GET_INFO),
		/* The right number with a size encoded is another ioctl. */
		_IOWR(VELOX_IOC_TYPE, VELOX_CMD_GET_INFO, struct velox_info),
		0,
	};
	struct velox_info info = { .size = sizeof(info) };
	bool ok = true;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "ioctl %#lx", cmds[i]);
		ok &= expect_ret(what, xioctl(cmds[i], &info), -ENOTTY);
	}
	return ok;
}

/* A child drops to nobody and reports open()'s errno as its exit code. */
static bool non_root_cannot_open(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(255);
		_exit(open(DEV, O_RDWR) < 0 ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ktap_diag("child did not exit");
		return false;
	}
	if (WEXITSTATUS(status) != EACCES) {
		ktap_diag("expected open as uid %d to fail with EACCES, got exit code %d",
			  NOBODY, WEXITSTATUS(status));
		return false;
	}
	return true;
}

static const struct {
	const char *name;
	bool (*fn)(void);
} cases[] = {
	{ "node_is_char_device_mode_0600", node_is_char_device_mode_0600 },
	{ "get_info_reports_abi_version", get_info_reports_abi_version },
	{ "get_info_shorter_than_v1_is_einval", get_info_shorter_than_v1_is_einval },
	{ "get_info_longer_with_zero_tail_succeeds", get_info_longer_with_zero_tail_succeeds },
	{ "get_info_nonzero_unknown_tail_is_e2big", get_info_nonzero_unknown_tail_is_e2big },
	{ "get_info_bad_pointer_is_efault", get_info_bad_pointer_is_efault },
	{ "unknown_ioctls_are_enotty", unknown_ioctls_are_enotty },
	{ "non_root_cannot_open", non_root_cannot_open },
};

int main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	ktap_plan(n);
	dev_fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		ktap_diag("open %s: %s (is velox.ko loaded?)", DEV, strerror(errno));
	for (i = 0; i < n; i++)
		ktap_result(dev_fd >= 0 && cases[i].fn(), cases[i].name);
	return ktap_finish();
}
