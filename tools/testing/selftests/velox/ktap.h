/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The least of KTAP (Documentation/dev-tools/ktap.rst) a test program
 * needs: a plan, one result line per case, diagnostics as "# " lines.
 */
#ifndef VELOX_KTAP_H
#define VELOX_KTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int ktap_nr, ktap_failed;

static inline void ktap_plan(unsigned int cases)
{
	printf("KTAP version 1\n1..%u\n", cases);
	fflush(stdout);
}

/* Diagnostic line, e.g. what was expected and what came instead. */
__attribute__((format(printf, 1, 2)))
static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static inline void ktap_result(bool ok, const char *name)
{
	ktap_nr++;
	if (!ok)
		ktap_failed++;
	printf("%sok %u %s\n", ok ? "" : "not ", ktap_nr, name);
	fflush(stdout);
}

/* Exit status of a test program: 0 only if every case passed. */
static inline int ktap_finish(void)
{
	printf("%u passed, %u failed\n", ktap_nr - ktap_failed, ktap_failed);
	return ktap_failed ? 1 : 0;
}

#endif /* VELOX_KTAP_H */
