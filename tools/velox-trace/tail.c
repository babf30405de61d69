// SPDX-License-Identifier: GPL-2.0
/*
 * velox-trace -T: each spike as velox.ko captures it, from the velox_tail
 * events the BPF side puts in the "spikes" ring buffer, one line each,
 * with the causes in the words of velox-ctl tail (libvelox).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "vt.h"
#include "velox_trace.skel.h"

static int print_spike(void *ctx, void *data, size_t len)
{
	const struct vt_spike *s = data;
	char when[16], d[VELOX_DURATION_LEN];
	time_t now = time(NULL);

	(void)ctx;
	if (len < sizeof(*s))
		return 0;
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	printf("%-8s %4u %12llu %10s  ", when, s->lane,
	       (unsigned long long)s->id,
	       velox_fmt_duration(d, sizeof(d), s->e2e_ns));
	vx_print_causes(stdout, s->cause_ns, NULL, 3);
	putchar('\n');
	fflush(stdout);
	return 0;
}

/*
 * Print spikes until a signal sets *@exiting or, with -x, the pipeline
 * stops (its last spikes printed first).  Returns the exit status.
 */
int vt_print_spikes(struct velox_trace *skel, const struct vt_opts *o,
		    volatile sig_atomic_t *exiting)
{
	__u64 stops0 = vt_events(skel, VT_STOPS), lost;
	struct ring_buffer *rb;
	int err = 0;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.spikes), print_spike,
			      NULL, NULL);
	if (!rb) {
		vx_err("ring buffer", "%s", strerror(errno));
		return VX_EXIT_FAIL;
	}
	printf("Tracing velox events... Hit Ctrl-C to end.\n");
	printf("%-8s %4s %12s %10s  %s\n", "time", "lane", "id", "e2e",
	       "causes, largest first");
	fflush(stdout);
	while (!*exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0)
			break;
		err = 0;
		if (o->exit_on_stop && vt_events(skel, VT_STOPS) != stops0) {
			/* The stop comes after the run's last spike. */
			ring_buffer__consume(rb);
			break;
		}
	}
	ring_buffer__free(rb);
	if (err < 0) {
		vx_err("ring buffer", "%s", strerror(-err));
		return VX_EXIT_FAIL;
	}
	lost = vt_events(skel, VT_SPIKES_LOST);
	if (lost)
		printf("%llu spikes not shown: the ring buffer was full\n",
		       (unsigned long long)lost);
	return VX_EXIT_OK;
}
