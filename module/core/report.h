/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text a person reads: durations with a unit chosen per value, the list
 * of percentiles every printer shows, and a stage's histogram report
 * (numbers, then a log2 bar chart in the manner of bcc's runqlat).
 *
 * The same code prints debugfs's histogram file in velox.ko and velox-ctl
 * hist and velox-trace in userspace, so the three read alike.  It knows
 * neither seq_file nor stdio: it builds each piece of text in a buffer of
 * its own and hands it to the caller's velox_emit_fn, which debugfs points
 * at seq_puts() and the tools at fputs().
 *
 * Only integer arithmetic, so that the kernel can run it.
 */
#ifndef VELOX_CORE_REPORT_H
#define VELOX_CORE_REPORT_H

#include <linux/types.h>

#include "hist.h"

/* Takes each piece of text, NUL-terminated, in order; @ctx is the caller's. */
typedef void (*velox_emit_fn)(void *ctx, const char *text);

/**
 * struct velox_percentile - one percentile the reports show
 * @ppm: its rank in parts per million (999000 is p99.9)
 * @label: what text calls it ("p99.9")
 * @json: its JSON key, in nanoseconds ("p999_ns")
 */
struct velox_percentile {
	u32 ppm;
	const char *label;
	const char *json;
};

/* Indices into velox_percentiles, for a printer that shows only some. */
enum {
	VELOX_P50,
	VELOX_P90,
	VELOX_P99,
	VELOX_P999,
	VELOX_P9999,
	VELOX_PERCENTILES
};

extern const struct velox_percentile velox_percentiles[VELOX_PERCENTILES];

/* Room for any duration velox_fmt_duration() writes, NUL included. */
#define VELOX_DURATION_LEN	24

const char *velox_fmt_duration(char *buf, size_t len, u64 ns);
void velox_report_percentiles(const struct velox_hist *h, velox_emit_fn emit,
			      void *ctx);
void velox_report_chart(const struct velox_hist *h, velox_emit_fn emit,
			void *ctx);
void velox_report_hist(const struct velox_hist *h, const char *lead,
		       velox_emit_fn emit, void *ctx);
void velox_report_causes(const u64 *cause_ns,
			 const struct velox_offender *top, unsigned int most,
			 velox_emit_fn emit, void *ctx);
void velox_report_spike_header(velox_emit_fn emit, void *ctx);
void velox_report_spike(const struct velox_spike *s, velox_emit_fn emit,
			void *ctx);

#endif /* VELOX_CORE_REPORT_H */
