// SPDX-License-Identifier: GPL-2.0
/*
 * The names of the uapi's numbers, indexed by the numbers themselves, so
 * that a table and its enum cannot drift apart unnoticed.  See names.h.
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "names.h"

static const char *const stage_names[VELOX_STAGES] = {
	[VELOX_STAGE_MATCH] = "match",
	[VELOX_STAGE_BUNDLE] = "bundle",
	[VELOX_STAGE_EGRESS] = "egress",
	[VELOX_STAGE_E2E] = "e2e",
	[VELOX_STAGE_SERVICE] = "service",
};

/* From which moment to which each stage's latency runs. */
static const char *const stage_whats[VELOX_STAGES] = {
	[VELOX_STAGE_MATCH] = "intended ingress time -> matched",
	[VELOX_STAGE_BUNDLE] = "matched -> bundle flushed",
	[VELOX_STAGE_EGRESS] = "bundle flushed -> output",
	[VELOX_STAGE_E2E] = "intended ingress time -> output",
	[VELOX_STAGE_SERVICE] = "generated -> output",
};

static const char *const flush_names[VELOX_FLUSH_REASONS] = {
	[VELOX_FLUSH_FULL] = "full",
	[VELOX_FLUSH_TIMEOUT] = "timeout",
	[VELOX_FLUSH_DRAIN] = "drain",
};

static const char *const state_names[] = {
	[VELOX_STATE_STOPPED] = "stopped",
	[VELOX_STATE_RUNNING] = "running",
	[VELOX_STATE_STOPPING] = "stopping",
};

static const char *const stop_reason_names[VELOX_STOP_REASONS] = {
	[VELOX_STOP_NONE] = "none",
	[VELOX_STOP_USER] = "user",
	[VELOX_STOP_CPU_OFFLINE] = "cpu-offline",
};

static const char *const backoff_names[VELOX_BACKOFF_POLICIES] = {
	[VELOX_BACKOFF_SPIN] = "spin",
	[VELOX_BACKOFF_YIELD] = "yield",
	[VELOX_BACKOFF_SLEEP] = "sleep",
};

static const char *const policy_names[VELOX_POLICIES] = {
	[VELOX_POLICY_DROP] = "drop",
	[VELOX_POLICY_BLOCK] = "block",
};

/* The keys of a spike's "stages" in velox-ctl tail --json. */
static const char *const part_names[VELOX_PARTS] = {
	[VELOX_PART_GENERATOR] = "generator",
	[VELOX_PART_QUEUE_MATCHER] = "queue_matcher",
	[VELOX_PART_MATCHING] = "matching",
	[VELOX_PART_QUEUE_BUNDLER] = "queue_bundler",
	[VELOX_PART_BUNDLE_WAIT] = "bundle_wait",
	[VELOX_PART_OUTPUT] = "output",
};

/* The cause names of velox-ctl tail (a contract: scripts read them). */
static const char *const cause_names[VELOX_CAUSES] = {
	[VELOX_CAUSE_GENERATOR] = "generator",
	[VELOX_CAUSE_QUEUEING] = "queueing",
	[VELOX_CAUSE_MATCHING] = "matching",
	[VELOX_CAUSE_BUNDLE_WAIT] = "bundle_wait",
	[VELOX_CAUSE_OUTPUT] = "output",
	[VELOX_CAUSE_IRQ] = "irq",
	[VELOX_CAUSE_SOFTIRQ] = "softirq",
	[VELOX_CAUSE_NMI] = "nmi",
	[VELOX_CAUSE_PREEMPTED] = "preempted",
};

#define WORD(field)	(offsetof(struct velox_counters, field) / sizeof(__u64))

/* The keys debugfs stats and velox-ctl status --json print. */
static const char *const counter_names[] = {
	[WORD(generated)] = "generated",
	[WORD(delivered)] = "delivered",
	[WORD(dropped)] = "dropped",
	[WORD(sampled)] = "sampled",
	[WORD(seq_errors)] = "seq_errors",
	[WORD(bundles)] = "bundles",
	[WORD(flushes) + VELOX_FLUSH_FULL] = "flush_full",
	[WORD(flushes) + VELOX_FLUSH_TIMEOUT] = "flush_timeout",
	[WORD(flushes) + VELOX_FLUSH_DRAIN] = "flush_drain",
	[WORD(orders)] = "orders",
	[WORD(rejected)] = "rejected",
	[WORD(submitted_qty)] = "submitted_qty",
	[WORD(rejected_qty)] = "rejected_qty",
	[WORD(fills)] = "fills",
	[WORD(filled_qty)] = "filled_qty",
	[WORD(rested_qty)] = "rested_qty",
	[WORD(cancelled_qty)] = "cancelled_qty",
	[WORD(expired_qty)] = "expired_qty",
	[WORD(resting_qty)] = "resting_qty",
	[WORD(cas_retries)] = "cas_retries",
	[WORD(full_waits)] = "full_waits",
	[WORD(idle_yields)] = "idle_yields",
	[WORD(idle_sleeps)] = "idle_sleeps",
	[WORD(tail_captured)] = "tail_captured",
	[WORD(tail_lost)] = "tail_lost",
	[WORD(tail_partial)] = "tail_partial",
};

/*
 * A counter taken from __reserved makes the table one name short.  (A gap
 * in the middle would move the fields after it, which the ABI forbids;
 * the KUnit suite velox_report still checks that no name is missing.)
 */
static_assert(ARRAY_SIZE(counter_names) == VELOX_NR_COUNTERS,
	      "every counter of struct velox_counters has a name");
static_assert(sizeof(struct velox_counters) % sizeof(__u64) == 0,
	      "struct velox_counters is made of u64 words");
static_assert(ARRAY_SIZE(state_names) == VELOX_STATE_STOPPING + 1,
	      "every state has a name");
/* A noise source's cause is VELOX_CAUSE_IRQ + the source. */
static_assert(VELOX_CAUSE_IRQ + VELOX_NOISE_PREEMPTED == VELOX_CAUSE_PREEMPTED &&
	      VELOX_CAUSE_PREEMPTED + 1 == VELOX_CAUSES,
	      "the interference causes follow enum velox_noise_source");

static const char *name_of(const char *const *names, unsigned int n,
			   unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

static int parse(const char *const *names, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -EINVAL;
}

/**
 * velox_stage_name() - the short name of a stage, as --stage takes it
 * @stage: enum velox_stage
 *
 * Return: "match", "bundle", "egress" or "e2e"; "?" for another number.
 */
const char *velox_stage_name(unsigned int stage)
{
	return name_of(stage_names, ARRAY_SIZE(stage_names), stage);
}

/**
 * velox_stage_what() - what a stage's latency measures
 * @stage: enum velox_stage
 *
 * Return: from which moment to which, e.g. "intended ingress time ->
 * output" for e2e; "?" for another number.
 */
const char *velox_stage_what(unsigned int stage)
{
	return name_of(stage_whats, ARRAY_SIZE(stage_whats), stage);
}

/**
 * velox_stage_parse() - the stage a name stands for
 * @name: as velox_stage_name() gives it
 *
 * Return: enum velox_stage, or -EINVAL for an unknown name.
 */
int velox_stage_parse(const char *name)
{
	return parse(stage_names, ARRAY_SIZE(stage_names), name);
}

/**
 * velox_flush_name() - why bundles of this reason were flushed, in a word
 * @reason: enum velox_flush_reason
 *
 * Return: "full", "timeout" or "drain"; "?" for another number.
 */
const char *velox_flush_name(unsigned int reason)
{
	return name_of(flush_names, ARRAY_SIZE(flush_names), reason);
}

/**
 * velox_state_name() - the pipeline's state in a word
 * @state: enum velox_state, as the stats area holds it
 *
 * Return: "stopped", "running" or "stopping"; "?" for another number.
 */
const char *velox_state_name(unsigned int state)
{
	return name_of(state_names, ARRAY_SIZE(state_names), state);
}

/**
 * velox_stop_reason_name() - why the run stopped, in a word
 * @reason: enum velox_stop_reason, as the stats area holds it
 *
 * Return: "none", "user" or "cpu-offline"; "?" for another number.
 */
const char *velox_stop_reason_name(unsigned int reason)
{
	return name_of(stop_reason_names, ARRAY_SIZE(stop_reason_names),
		       reason);
}

/**
 * velox_backoff_name() - the name of a backoff policy
 * @backoff: enum velox_backoff_policy
 *
 * Return: "spin", "yield" or "sleep"; "?" for another number.
 */
const char *velox_backoff_name(unsigned int backoff)
{
	return name_of(backoff_names, ARRAY_SIZE(backoff_names), backoff);
}

/**
 * velox_backoff_parse() - the backoff policy a name stands for
 * @name: as the backoff module parameter and velox-ctl --backoff take it
 *
 * Return: enum velox_backoff_policy, or -EINVAL for an unknown name.
 */
int velox_backoff_parse(const char *name)
{
	return parse(backoff_names, ARRAY_SIZE(backoff_names), name);
}

/**
 * velox_policy_name() - the name of a full-ring policy
 * @policy: enum velox_policy
 *
 * Return: "drop" or "block"; "?" for another number.
 */
const char *velox_policy_name(unsigned int policy)
{
	return name_of(policy_names, ARRAY_SIZE(policy_names), policy);
}

/**
 * velox_policy_parse() - the full-ring policy a name stands for
 * @name: as the policy module parameter and velox-ctl --policy take it
 *
 * Return: enum velox_policy, or -EINVAL for an unknown name.
 */
int velox_policy_parse(const char *name)
{
	return parse(policy_names, ARRAY_SIZE(policy_names), name);
}

/**
 * velox_counter_name() - the key a counter is printed under
 * @word: the counter's u64 word in struct velox_counters
 *
 * Return: the field's name ("generated"), or "flush_<reason>" for a word
 * of flushes[]; "?" from VELOX_NR_COUNTERS on.
 */
const char *velox_counter_name(unsigned int word)
{
	return name_of(counter_names, ARRAY_SIZE(counter_names), word);
}

/**
 * velox_counter_value() - the value of the counter velox_counter_name() names
 * @c: the counters
 * @word: the counter's u64 word in @c
 *
 * Return: the counter, or 0 from VELOX_NR_COUNTERS on.
 */
u64 velox_counter_value(const struct velox_counters *c, unsigned int word)
{
	u64 v;

	if (word >= VELOX_NR_COUNTERS)
		return 0;
	memcpy(&v, (const char *)c + word * sizeof(v), sizeof(v));
	return v;
}

/**
 * velox_part_name() - the name of a part of a spike's time
 * @part: enum velox_part
 *
 * Return: "generator", "queue_matcher", ... "output"; "?" for another
 * number.
 */
const char *velox_part_name(unsigned int part)
{
	return name_of(part_names, ARRAY_SIZE(part_names), part);
}

/**
 * velox_cause_name() - the name of a cause of a spike's time
 * @cause: enum velox_cause
 *
 * Return: "generator", "queueing", ... "preempted"; "?" for another
 * number.
 */
const char *velox_cause_name(unsigned int cause)
{
	return name_of(cause_names, ARRAY_SIZE(cause_names), cause);
}

/**
 * velox_noise_name() - the name of an interference source
 * @source: enum velox_noise_source
 *
 * Return: "irq", "softirq", "nmi" or "preempted" (its cause's name); "?"
 * for another number.
 */
const char *velox_noise_name(unsigned int source)
{
	return source < VELOX_NOISES ? velox_cause_name(VELOX_CAUSE_IRQ + source) :
				       "?";
}

/**
 * velox_offender_name() - who took a CPU, as text a person reads
 * @buf: room for VELOX_OFFENDER_LEN bytes
 * @len: its size
 * @source: what kind of time it took (enum velox_noise_source)
 * @o: the offender
 *
 * A task is "comm[pid]" ("sh[93]"), an IRQ its action's name ("ttyS0", or
 * "timer" for the APIC timer), a softirq its name ("TIMER"); one without a
 * name is its source and number ("irq 11").
 *
 * Return: @buf.
 */
const char *velox_offender_name(char *buf, size_t len, unsigned int source,
				const struct velox_offender *o)
{
	int n = strnlen(o->name, sizeof(o->name));

	if (source == VELOX_NOISE_PREEMPTED)
		snprintf(buf, len, "%.*s[%u]", n, o->name, o->id);
	else if (n)
		snprintf(buf, len, "%.*s", n, o->name);
	else
		snprintf(buf, len, "%s %u", velox_noise_name(source), o->id);
	return buf;
}
