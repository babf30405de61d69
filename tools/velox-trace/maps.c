// SPDX-License-Identifier: GPL-2.0
/*
 * velox-trace: reading the BPF maps.  A per-CPU array's lookup returns one
 * value per possible CPU, which these sum; a plain array's (the per-lane
 * maps of -L) one value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "vt.h"
#include "velox_trace.skel.h"

/* Values a lookup in @map returns: one per possible CPU, or one. */
static int map_copies(const struct bpf_map *map)
{
	if (bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY)
		return libbpf_num_possible_cpus();
	return 1;
}

/* Every copy of @key's value in @map, into a buffer the caller frees. */
static void *lookup_all(const struct bpf_map *map, __u32 key, size_t size,
			int *ncpus)
{
	void *buf;
	int err;

	*ncpus = map_copies(map);
	if (*ncpus <= 0)
		return NULL;
	buf = calloc(*ncpus, size);
	if (!buf)
		return NULL;
	err = bpf_map__lookup_elem(map, &key, sizeof(key), buf,
				   (size_t)*ncpus * size, 0);
	if (err) {
		vx_err(bpf_map__name(map), "lookup: %s", strerror(-err));
		free(buf);
		return NULL;
	}
	return buf;
}

__u64 vt_events(const struct velox_trace *skel, enum vt_event ev)
{
	__u64 *v, sum = 0;
	int n, i;

	v = lookup_all(skel->maps.events, ev, sizeof(*v), &n);
	if (!v)
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	free(v);
	return sum;
}

int vt_hist(const struct velox_trace *skel, __u32 slot, int stage,
	    struct velox_hist *h)
{
	struct velox_hist *v;
	int n, i;

	v = lookup_all(skel->maps.hists, slot * VELOX_STAGES + stage,
		       sizeof(*v), &n);
	if (!v)
		return -1;
	velox_hist_init(h);
	for (i = 0; i < n; i++)
		/* A CPU that recorded nothing has min 0, not "empty". */
		if (v[i].count)
			velox_hist_merge(h, &v[i]);
	free(v);
	return 0;
}

int vt_flushes(const struct velox_trace *skel, __u32 slot,
	       struct vt_flush f[VELOX_FLUSH_REASONS])
{
	struct vt_flush *v;
	int r, n, i;

	for (r = 0; r < VELOX_FLUSH_REASONS; r++) {
		v = lookup_all(skel->maps.flushes,
			       slot * VELOX_FLUSH_REASONS + r, sizeof(*v), &n);
		if (!v)
			return -1;
		f[r] = (struct vt_flush){ 0 };
		for (i = 0; i < n; i++) {
			f[r].bundles += v[i].bundles;
			f[r].txns += v[i].txns;
			f[r].wait_ns += v[i].wait_ns;
		}
		free(v);
	}
	return 0;
}

int vt_drops(const struct velox_trace *skel, __u32 slot, __u64 *drops)
{
	__u64 *v;
	int n, i;

	v = lookup_all(skel->maps.drops, slot, sizeof(*v), &n);
	if (!v)
		return -1;
	for (*drops = 0, i = 0; i < n; i++)
		*drops += v[i];
	free(v);
	return 0;
}

/* Zero one map's @nkeys entries from @first, every copy. */
static int clear_map(const struct bpf_map *map, __u32 first, __u32 nkeys)
{
	size_t size = bpf_map__value_size(map) * map_copies(map);
	void *zero = calloc(1, size);
	__u32 key;
	int err = 0;

	if (!zero)
		return -ENOMEM;
	for (key = first; key < first + nkeys && !err; key++)
		err = bpf_map__update_elem(map, &key, sizeof(key), zero, size,
					   BPF_ANY);
	free(zero);
	return err;
}

/*
 * Start the next interval from zero.  Events landing between the read and
 * the clear are lost to both intervals, as with runqlat's per-key delete.
 */
int vt_clear(const struct velox_trace *skel, __u32 slots)
{
	int err;

	err = clear_map(skel->maps.hists, 0, slots * VELOX_STAGES);
	if (!err)
		err = clear_map(skel->maps.flushes, 0,
				slots * VELOX_FLUSH_REASONS);
	if (!err)
		err = clear_map(skel->maps.drops, 0, slots);
	/* What lanes past the maps did is per interval too (-L). */
	if (!err)
		err = clear_map(skel->maps.events, VT_LANE_BEYOND, 1);
	if (err)
		vx_err("clear maps", "%s", strerror(-err));
	return err ? -1 : 0;
}
