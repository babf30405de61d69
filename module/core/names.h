/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of what the uapi numbers: stages, flush reasons, states,
 * backoff and full-ring policies, and the counters of the stats area.
 *
 * Said once, here, for everything that prints or parses them: debugfs and
 * the module parameters in velox.ko, velox-ctl and velox-trace through
 * libvelox.  A name is the same word in text, in JSON keys and on the
 * command line, so a user who read one can type it into another.
 *
 * Each *_name() returns "?" for a number the table does not know (a newer
 * module, a corrupt snapshot), so a printer never has to check; each
 * *_parse() returns the number, or -EINVAL for a name it does not know.
 */
#ifndef VELOX_CORE_NAMES_H
#define VELOX_CORE_NAMES_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "sink.h"

const char *velox_stage_name(unsigned int stage);
const char *velox_stage_what(unsigned int stage);
int velox_stage_parse(const char *name);

const char *velox_flush_name(unsigned int reason);

const char *velox_state_name(unsigned int state);
const char *velox_stop_reason_name(unsigned int reason);

const char *velox_backoff_name(unsigned int backoff);
int velox_backoff_parse(const char *name);

const char *velox_policy_name(unsigned int policy);
int velox_policy_parse(const char *name);

const char *velox_part_name(unsigned int part);
const char *velox_cause_name(unsigned int cause);
const char *velox_noise_name(unsigned int source);

/* Room for any name velox_offender_name() writes: "comm[pid]", NUL too. */
#define VELOX_OFFENDER_LEN	32
const char *velox_offender_name(char *buf, size_t len, unsigned int source,
				const struct velox_offender *o);

/*
 * Counter word i of struct velox_counters (sink.h: VELOX_NR_COUNTERS of
 * them) has name i; names.c fails to build when a counter has no name.
 */
const char *velox_counter_name(unsigned int word);
u64 velox_counter_value(const struct velox_counters *c, unsigned int word);

#endif /* VELOX_CORE_NAMES_H */
