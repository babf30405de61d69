// SPDX-License-Identifier: GPL-2.0
/*
 * legacy_get_config: GET_CONFIG as a caller built before ABI 3 makes it,
 * with the 64-byte struct and no CPU set.  Prints "cpus 0x<bits>", or the
 * errno's name ("EOVERFLOW": the set names a CPU past 63, which such a
 * caller cannot hold) and exits 1.  many_cpus_test.sh runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/velox.h>

int main(void)
{
	struct velox_config c;
	int fd = open("/dev/" VELOX_DEVICE_NAME, O_RDONLY);

	if (fd < 0) {
		perror("/dev/" VELOX_DEVICE_NAME);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.size = offsetof(struct velox_config, snapshot_ns) +
		 sizeof(c.snapshot_ns);
	if (ioctl(fd, VELOX_IOC_GET_CONFIG, &c)) {
		printf("%s\n", errno == EOVERFLOW ? "EOVERFLOW" :
		       strerror(errno));
		return 1;
	}
	printf("cpus %#llx\n", (unsigned long long)c.cpus);
	return 0;
}
