/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Velox's tracepoints, system "velox", for perf, bpftrace and velox-trace.
 *
 * Arguments are plain numbers, never pointers into the lane, so a raw
 * tracepoint program (velox-trace, no module BTF needed) reads them as
 * ctx[0], ctx[1], ... in the order of TP_PROTO.  That order is therefore
 * an interface: add arguments at the end only.
 *
 * Disabled tracepoints cost a static branch.  The per-transaction event
 * fires only for sampled transactions, the same ones the histograms hold.
 *
 * It lives where the kernel keeps a subsystem's events,
 * include/trace/events/<system>.h, found through -I module/include: the
 * stage steps in module/core include it as <trace/events/velox.h>, and in
 * userspace tools/lib's linux/tracepoint.h turns each event into an empty
 * inline function.  module/trace.c defines the events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM velox

#if !defined(VELOX_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VELOX_TRACE_H

#include <linux/tracepoint.h>
#include <linux/velox.h>

/* So that perf and trace-cmd print the reasons' names too. */
TRACE_DEFINE_ENUM(VELOX_FLUSH_FULL);
TRACE_DEFINE_ENUM(VELOX_FLUSH_TIMEOUT);
TRACE_DEFINE_ENUM(VELOX_FLUSH_DRAIN);

#define velox_show_flush_reason(r)					\
	__print_symbolic(r, { VELOX_FLUSH_FULL, "full" },		\
			 { VELOX_FLUSH_TIMEOUT, "timeout" },		\
			 { VELOX_FLUSH_DRAIN, "drain" })

/* A run started (VELOX_IOC_START or autostart). */
TRACE_EVENT(velox_engine_start,
	    TP_PROTO(u64 run, u32 lanes, u32 threads, u32 rate, u32 sample),
	    TP_ARGS(run, lanes, threads, rate, sample),
	    TP_STRUCT__entry(__field(u64, run)
			     __field(u32, lanes)
			     __field(u32, threads)
			     __field(u32, rate)
			     __field(u32, sample)),
	    TP_fast_assign(__entry->run = run;
			   __entry->lanes = lanes;
			   __entry->threads = threads;
			   __entry->rate = rate;
			   __entry->sample = sample;),
	    TP_printk("run=%llu lanes=%u threads=%u rate=%u sample=%u",
		      __entry->run, __entry->lanes, __entry->threads,
		      __entry->rate, __entry->sample)
);

/* A run drained and stopped: its final counts. */
TRACE_EVENT(velox_engine_stop,
	    TP_PROTO(u64 run, u64 generated, u64 delivered, u64 dropped,
		     u64 elapsed_ns),
	    TP_ARGS(run, generated, delivered, dropped, elapsed_ns),
	    TP_STRUCT__entry(__field(u64, run)
			     __field(u64, generated)
			     __field(u64, delivered)
			     __field(u64, dropped)
			     __field(u64, elapsed_ns)),
	    TP_fast_assign(__entry->run = run;
			   __entry->generated = generated;
			   __entry->delivered = delivered;
			   __entry->dropped = dropped;
			   __entry->elapsed_ns = elapsed_ns;),
	    TP_printk("run=%llu generated=%llu delivered=%llu dropped=%llu elapsed_ns=%llu",
		      __entry->run, __entry->generated, __entry->delivered,
		      __entry->dropped, __entry->elapsed_ns)
);

/*
 * The bundler closed a bundle.  @wait_ns: how long its first transaction
 * had been in it, what the flush timeout is measured against.
 */
TRACE_EVENT(velox_bundle_flush,
	    TP_PROTO(u32 lane, u64 seq, u32 count, u32 reason, u64 wait_ns),
	    TP_ARGS(lane, seq, count, reason, wait_ns),
	    TP_STRUCT__entry(__field(u64, seq)
			     __field(u64, wait_ns)
			     __field(u32, lane)
			     __field(u32, count)
			     __field(u32, reason)),
	    TP_fast_assign(__entry->seq = seq;
			   __entry->wait_ns = wait_ns;
			   __entry->lane = lane;
			   __entry->count = count;
			   __entry->reason = reason;),
	    TP_printk("lane=%u seq=%llu count=%u reason=%s wait_ns=%llu",
		      __entry->lane, __entry->seq, __entry->count,
		      velox_show_flush_reason(__entry->reason), __entry->wait_ns)
);

/*
 * A sampled transaction left the pipeline; its latency per stage, as the
 * histograms record it (the first three sum to @e2e_ns; @service_ns is
 * @e2e_ns less how late ingress generated it, 0 while tail capture is off).
 */
TRACE_EVENT(velox_txn_egress,
	    TP_PROTO(u32 lane, u64 id, u64 match_ns, u64 bundle_ns, u64 egress_ns,
		     u64 e2e_ns, u64 service_ns),
	    TP_ARGS(lane, id, match_ns, bundle_ns, egress_ns, e2e_ns, service_ns),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, match_ns)
			     __field(u64, bundle_ns)
			     __field(u64, egress_ns)
			     __field(u64, e2e_ns)
			     __field(u64, service_ns)
			     __field(u32, lane)),
	    TP_fast_assign(__entry->id = id;
			   __entry->match_ns = match_ns;
			   __entry->bundle_ns = bundle_ns;
			   __entry->egress_ns = egress_ns;
			   __entry->e2e_ns = e2e_ns;
			   __entry->service_ns = service_ns;
			   __entry->lane = lane;),
	    TP_printk("lane=%u id=%llu match_ns=%llu bundle_ns=%llu egress_ns=%llu e2e_ns=%llu service_ns=%llu",
		      __entry->lane, __entry->id, __entry->match_ns,
		      __entry->bundle_ns, __entry->egress_ns, __entry->e2e_ns,
		      __entry->service_ns)
);

/*
 * A spike was captured (velox_config.tail_ns): its end-to-end time and
 * where it went, by enum velox_cause (the nine add up to @e2e_ns).  The
 * whole record, with its parts, CPUs and offenders, is read() from
 * /dev/velox.
 */
TRACE_EVENT(velox_tail,
	    TP_PROTO(u32 lane, u64 id, u64 e2e_ns, u64 generator_ns,
		     u64 queueing_ns, u64 matching_ns, u64 bundle_wait_ns,
		     u64 output_ns, u64 irq_ns, u64 softirq_ns, u64 nmi_ns,
		     u64 preempted_ns),
	    TP_ARGS(lane, id, e2e_ns, generator_ns, queueing_ns, matching_ns,
		    bundle_wait_ns, output_ns, irq_ns, softirq_ns, nmi_ns,
		    preempted_ns),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, e2e_ns)
			     __field(u64, generator_ns)
			     __field(u64, queueing_ns)
			     __field(u64, matching_ns)
			     __field(u64, bundle_wait_ns)
			     __field(u64, output_ns)
			     __field(u64, irq_ns)
			     __field(u64, softirq_ns)
			     __field(u64, nmi_ns)
			     __field(u64, preempted_ns)
			     __field(u32, lane)),
	    TP_fast_assign(__entry->id = id;
			   __entry->e2e_ns = e2e_ns;
			   __entry->generator_ns = generator_ns;
			   __entry->queueing_ns = queueing_ns;
			   __entry->matching_ns = matching_ns;
			   __entry->bundle_wait_ns = bundle_wait_ns;
			   __entry->output_ns = output_ns;
			   __entry->irq_ns = irq_ns;
			   __entry->softirq_ns = softirq_ns;
			   __entry->nmi_ns = nmi_ns;
			   __entry->preempted_ns = preempted_ns;
			   __entry->lane = lane;),
	    TP_printk("lane=%u id=%llu e2e_ns=%llu generator=%llu queueing=%llu matching=%llu bundle_wait=%llu output=%llu irq=%llu softirq=%llu nmi=%llu preempted=%llu",
		      __entry->lane, __entry->id, __entry->e2e_ns,
		      __entry->generator_ns, __entry->queueing_ns,
		      __entry->matching_ns, __entry->bundle_wait_ns,
		      __entry->output_ns, __entry->irq_ns, __entry->softirq_ns,
		      __entry->nmi_ns, __entry->preempted_ns)
);

/* Ingress dropped @count transactions, ids @first_id on, on a full ring. */
TRACE_EVENT(velox_drop,
	    TP_PROTO(u32 lane, u64 first_id, u32 count),
	    TP_ARGS(lane, first_id, count),
	    TP_STRUCT__entry(__field(u64, first_id)
			     __field(u32, lane)
			     __field(u32, count)),
	    TP_fast_assign(__entry->first_id = first_id;
			   __entry->lane = lane;
			   __entry->count = count;),
	    TP_printk("lane=%u first_id=%llu count=%u",
		      __entry->lane, __entry->first_id, __entry->count)
);

#endif /* VELOX_TRACE_H */

/* define_trace.h finds this file again as <trace/events/velox.h>. */
#include <trace/define_trace.h>
