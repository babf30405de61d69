/* SPDX-License-Identifier: GPL-2.0 */
/* velox-ctl: what the command files share. */
#ifndef VELOX_CTL_H
#define VELOX_CTL_H

#include <stdbool.h>

struct velox_info;

/* Exit codes, as the man page gives them. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ctl_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

extern const struct ctl_cmd cmd_info;

/* One line "velox-ctl: <what>: <why>" on stderr. */
void ctl_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Opens /dev/velox; on failure prints why and returns -1. */
int dev_open(void);
/* VELOX_IOC_GET_INFO; on failure prints why and returns -1. */
int dev_get_info(int fd, struct velox_info *info);

#endif /* VELOX_CTL_H */
