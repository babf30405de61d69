// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: runs kept in a file and read back.  velox-ctl run --save
 * writes everything needed to read a run later beside another: the
 * machine, the config, doctor's findings, every counter and every
 * histogram (sparse buckets, so percentiles can be recomputed exactly as
 * velox-ctl hist computes them); velox-ctl compare reads it back.  The
 * schema is in Documentation/velox-ctl.rst; VX_RESULT_VERSION moves when
 * a reader of the last one would misread a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "libvelox.h"

static __u64 counter_of(const struct velox_stats *st, unsigned int word)
{
	return velox_counter_value(&st->total, word);
}

/* Seconds from @from's publication to @st's end (its stop, or now). */
static double seconds_between(const struct velox_stats *from,
			      const struct velox_stats *st)
{
	__u64 begin = from ? from->publish_ns : st->start_ns;
	__u64 end = st->stop_ns ? st->stop_ns : st->publish_ns;

	return end > begin ? (end - begin) / 1e9 : 0;
}

/**
 * vx_result_run_fill() - a run's result from its snapshots
 * @r: the result, zeroed or filled before (its steps are kept)
 * @end: the run's snapshot once stopped
 * @warm: its snapshot at the end of the warm-up, or NULL for none
 *
 * What the measured part added is @end less @warm: counters and
 * histograms (vx_hist_sub()).  Whole-run counters and lanes are @end's.
 *
 * Return: 0, or -1 out of memory after saying so.
 */
int vx_result_run_fill(struct vx_result_run *r, const struct velox_stats *end,
		       const struct velox_stats *warm)
{
	const unsigned int resting = offsetof(struct velox_counters,
					      resting_qty) / sizeof(__u64);
	const struct velox_lane_counters *lanes = velox_stats_lanes(end);
	unsigned int i, n = end->config.lanes < end->slots ?
			    end->config.lanes : end->slots;
	struct velox_hist now, then;

	r->run = end->run;
	snprintf(r->state, sizeof(r->state), "%s",
		 velox_state_name(end->state));
	snprintf(r->stop_reason, sizeof(r->stop_reason), "%s",
		 velox_stop_reason_name(end->stop_reason));
	r->whole_s = seconds_between(NULL, end);
	r->seconds = seconds_between(warm, end);
	r->warmup_s = warm ? r->whole_s - r->seconds : 0;
	for (i = 0; i < VELOX_NR_COUNTERS; i++) {
		r->whole[i] = counter_of(end, i);
		r->counters[i] = r->whole[i] - (warm ? counter_of(warm, i) : 0);
	}
	/* A level, not a count: what rests at the end, as in the whole run. */
	r->counters[resting] = r->whole[resting];
	for (i = 0; i < VELOX_STAGES; i++) {
		vx_stats_hist(end, i, &now);
		if (!warm) {
			r->hist[i] = now;
			continue;
		}
		vx_stats_hist(warm, i, &then);
		vx_hist_sub(&r->hist[i], &now, &then);
	}
	free(r->lanes);
	r->lanes = calloc(n ? n : 1, sizeof(*r->lanes));
	if (!r->lanes) {
		vx_err("result", "out of memory");
		return -1;
	}
	memcpy(r->lanes, lanes, n * sizeof(*lanes));
	r->nlanes = n;
	return 0;
}

/**
 * vx_result_run_step() - keep one --interval step of the measured part
 * @r: the run's result
 * @t_s: seconds from the measured part's start to the step's end
 * @now: the snapshot at the step's end
 * @then: the one at its start, of the same run
 *
 * Return: 0, or -1 out of memory after saying so.
 */
int vx_result_run_step(struct vx_result_run *r, double t_s,
		       const struct velox_stats *now,
		       const struct velox_stats *then)
{
	struct vx_result_interval *iv, *s;
	struct velox_hist a, b, d;
	unsigned int stage, p;

	iv = realloc(r->iv, (r->niv + 1) * sizeof(*iv));
	if (!iv) {
		vx_err("result", "out of memory");
		return -1;
	}
	r->iv = iv;
	s = &iv[r->niv++];
	memset(s, 0, sizeof(*s));
	s->t_s = t_s;
	s->seconds = seconds_between(then, now);
	s->delivered = now->total.delivered - then->total.delivered;
	s->dropped = now->total.dropped - then->total.dropped;
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		vx_stats_hist(now, stage, &a);
		vx_stats_hist(then, stage, &b);
		vx_hist_sub(&d, &a, &b);
		s->count[stage] = d.count;
		for (p = 0; p < VELOX_PERCENTILES; p++)
			s->pct[stage][p] = velox_hist_quantile(&d,
						velox_percentiles[p].ppm);
	}
	return 0;
}

void vx_result_run_release(struct vx_result_run *r)
{
	free(r->lanes);
	free(r->iv);
	r->lanes = NULL;
	r->iv = NULL;
	r->nlanes = 0;
	r->niv = 0;
}

/* The first line of @path, its newline cut, into @buf ("" if none). */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* /proc/cpuinfo's first "model name", into @buf ("" if none). */
static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256], *colon;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (colon) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
		}
		break;
	}
	fclose(f);
}

/* How many CPUs the sysfs list @which ("online") names, 0 if unread. */
static unsigned long cpus_in(const char *which)
{
	__u64 set[VELOX_CPU_SET_SIZE_MAX / 8];
	unsigned long beyond;

	if (vx_cpu_set_sysfs(which, set, sizeof(set), &beyond))
		return 0;
	return vx_cpu_set_count(set, sizeof(set));
}

static void print_machine(FILE *out, const struct velox_info *info)
{
	char model[160], version[64], host[128];
	struct utsname u;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	cpu_model(model, sizeof(model));
	read_line("/sys/module/velox/version", version, sizeof(version));
	if (gethostname(host, sizeof(host)))
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	fputs("\"machine\":{\"kernel\":", out);
	vx_print_json_string(out, u.release, sizeof(u.release));
	fputs(",\"host\":", out);
	vx_print_json_string(out, host, sizeof(host));
	fputs(",\"module_version\":", out);
	vx_print_json_string(out, version, sizeof(version));
	fprintf(out, ",\"abi_version\":%u,\"cpu_model\":", info->abi_version);
	vx_print_json_string(out, model, sizeof(model));
	fprintf(out, ",\"cpus_online\":%lu,\"cpus_possible\":%lu}",
		cpus_in("online"), cpus_in("possible"));
}

/* One stage's histogram: its summary, its percentiles, its buckets. */
static void print_hist(FILE *out, const struct velox_hist *h)
{
	bool first = true;
	unsigned int i;

	fprintf(out, "{\"count\":%llu,\"sum_ns\":%llu,\"min_ns\":%llu"
		",\"mean_ns\":%llu,\"max_ns\":%llu", h->count, h->sum,
		h->count ? h->min : 0, velox_hist_mean(h), h->max);
	for (i = 0; i < VELOX_PERCENTILES; i++)
		fprintf(out, ",\"%s\":%llu", velox_percentiles[i].json,
			velox_hist_quantile(h, velox_percentiles[i].ppm));
	/* Sparse: [lower edge in ns, count] for each bucket in use. */
	fputs(",\"buckets\":[", out);
	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		fprintf(out, "%s[%llu,%llu]", first ? "" : ",",
			velox_hist_bucket_lo(i), h->buckets[i]);
		first = false;
	}
	fputs("]}", out);
}

static void print_counters(FILE *out, const __u64 *c)
{
	unsigned int i;

	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "",
			velox_counter_name(i), c[i]);
}

static void print_step(FILE *out, const struct vx_result_interval *s)
{
	unsigned int stage, p;

	fprintf(out, "{\"t_s\":%.6f,\"seconds\":%.6f,\"delivered\":%llu"
		",\"dropped\":%llu,\"stages\":{", s->t_s, s->seconds,
		s->delivered, s->dropped);
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		fprintf(out, "%s\"%s\":{\"count\":%llu", stage ? "," : "",
			velox_stage_name(stage), s->count[stage]);
		for (p = 0; p < VELOX_PERCENTILES; p++)
			fprintf(out, ",\"%s\":%llu", velox_percentiles[p].json,
				s->pct[stage][p]);
		fputc('}', out);
	}
	fputs("}}", out);
}

static void print_run(FILE *out, const struct vx_result_run *r)
{
	unsigned int i;
	size_t k;

	const struct vx_metric tput = { .kind = VX_METRIC_THROUGHPUT };

	fprintf(out, "{\"run\":%llu,\"state\":\"%s\",\"stop_reason\":\"%s\""
		",\"seconds\":%.6f,\"warmup_s\":%.6f,\"whole_s\":%.6f"
		",\"throughput\":%.1f,\"counters\":{", r->run, r->state,
		r->stop_reason, r->seconds, r->warmup_s, r->whole_s,
		vx_metric_value(r, &tput));
	print_counters(out, r->counters);
	fputs("},\"whole_run\":{", out);
	print_counters(out, r->whole);
	fputs("},\"stages\":{", out);
	for (i = 0; i < VELOX_STAGES; i++) {
		fprintf(out, "%s\"%s\":", i ? "," : "", velox_stage_name(i));
		print_hist(out, &r->hist[i]);
	}
	fputs("},\"lanes\":[", out);
	for (i = 0; i < r->nlanes; i++)
		fprintf(out, "%s{\"generated\":%llu,\"delivered\":%llu"
			",\"dropped\":%llu}", i ? "," : "",
			r->lanes[i].generated, r->lanes[i].delivered,
			r->lanes[i].dropped);
	fputs("],\"intervals\":[", out);
	for (k = 0; k < r->niv; k++) {
		fputs(k ? "," : "", out);
		print_step(out, &r->iv[k]);
	}
	fputs("]}", out);
}

static void print_spread(FILE *out, const char *key,
			 const struct vx_result_run *runs, size_t n,
			 const struct vx_metric *m)
{
	struct vx_spread s;

	vx_metric_spread(runs, n, m, &s);
	fprintf(out, "\"%s\":{\"median\":%.17g,\"min\":%.17g,\"max\":%.17g}",
		key, s.median, s.min, s.max);
}

/* Each percentile, max and count per stage, over the runs. */
static void print_summary(FILE *out, const struct vx_result_run *runs,
			  size_t n)
{
	struct vx_metric m = { .kind = VX_METRIC_STAGE };
	unsigned int stage;
	char key[32];

	fprintf(out, "\"summary\":{\"runs\":%zu,\"stages\":{", n);
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		fprintf(out, "%s\"%s\":{", stage ? "," : "",
			velox_stage_name(stage));
		m.stage = stage;
		for (m.stat = 0; m.stat < VX_STATS; m.stat++) {
			/* "e2e.p99" less its stage and dot. */
			vx_metric_name(key, sizeof(key), &m);
			if (m.stat)
				fputc(',', out);
			print_spread(out, strchr(key, '.') + 1, runs, n, &m);
		}
		fputc('}', out);
	}
	fputs("},", out);
	m.kind = VX_METRIC_THROUGHPUT;
	print_spread(out, "throughput", runs, n, &m);
	m.kind = VX_METRIC_COUNTER;
	for (m.counter = 0; m.counter < VELOX_NR_COUNTERS; m.counter++) {
		fputc(',', out);
		print_spread(out, velox_counter_name(m.counter), runs, n, &m);
	}
	fputc('}', out);
}

static void print_result(FILE *out, const struct vx_result_setup *setup,
			 const struct vx_result_run *runs, size_t n)
{
	char created[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime_r(&now, &tm));
	fprintf(out, "{\"schema\":\"%s\",\"version\":%d,\"tool\":",
		VX_RESULT_SCHEMA, VX_RESULT_VERSION);
	vx_print_json_string(out, setup->tool, strlen(setup->tool));
	fprintf(out, ",\"created\":\"%s\",", created);
	print_machine(out, setup->info);
	fputs(",\"config\":", out);
	vx_print_config_json(out, setup->cfg, setup->cpu_set,
			     setup->cpu_set_size);
	fputs(",\"doctor\":", out);
	if (setup->doctor)
		vx_doctor_print_json(out, setup->doctor);
	else
		fputs("null", out);
	fprintf(out, ",\"duration_s\":%.6f,\"warmup_s\":%.6f,\"interval_s\":"
		"%.6f,\"histogram\":{\"buckets\":%d,\"sub_bits\":%d"
		",\"limit_shift\":%d},\"runs\":[", setup->duration_s,
		setup->warmup_s, setup->interval_s, VELOX_HIST_BUCKETS,
		VELOX_HIST_SUB_BITS, VELOX_HIST_LIMIT_SHIFT);
	/* A run a line, so that line tools can pick runs out. */
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", out);
		print_run(out, &runs[i]);
	}
	fputs("\n],\n", out);
	print_summary(out, runs, n);
	fputs("}\n", out);
}

/*
 * A temporary file beside @path, open for writing, its name in a buffer
 * at *@tmp to free(); -1 after saying why.
 */
static int create_beside(const char *path, char **tmp)
{
	size_t len = strlen(path) + 16;
	int fd;

	*tmp = malloc(len);
	if (!*tmp) {
		vx_err("--save", "out of memory");
		return -1;
	}
	snprintf(*tmp, len, "%s.XXXXXX", path);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		vx_err("--save", "%s: cannot create a file there: %s", path,
		       strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/**
 * vx_result_can_save() - will vx_result_save() be able to write @path?
 * @path: the file
 *
 * Tried before the runs, so that they are not run for nothing: @path is
 * not a directory, and a file can be created beside it (and is removed).
 *
 * Return: 0, or -1 after saying why.
 */
int vx_result_can_save(const char *path)
{
	struct stat sb;
	char *tmp;
	int fd;

	if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) {
		vx_err("--save", "%s: a directory, not a file", path);
		return -1;
	}
	fd = create_beside(path, &tmp);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(tmp);
	free(tmp);
	return 0;
}

/**
 * vx_result_save() - write runs to @path, whole or not at all
 * @path: the file
 * @setup: how they ran
 * @runs: the runs
 * @n: how many
 *
 * The file is written beside @path and renamed over it, so a reader
 * never sees half of one.
 *
 * Return: 0, or -1 after saying why.
 */
int vx_result_save(const char *path, const struct vx_result_setup *setup,
		   const struct vx_result_run *runs, size_t n)
{
	mode_t mask;
	char *tmp;
	FILE *out;
	int fd;

	fd = create_beside(path, &tmp);
	if (fd < 0)
		return -1;
	/*
	 * mkstemp()'s 0600 is for secrets: a result is read by others, as
	 * a file open() created would be (0666 less the umask).
	 */
	mask = umask(0);
	umask(mask);
	out = fchmod(fd, 0666 & ~mask) ? NULL : fdopen(fd, "w");
	if (!out) {
		close(fd);
		goto fail;
	}
	print_result(out, setup, runs, n);
	/* On disk before it has the name: a crash leaves the old file. */
	if (fflush(out) || fsync(fileno(out)) || ferror(out)) {
		fclose(out);
		goto fail;
	}
	if (fclose(out))
		goto fail;
	if (rename(tmp, path))
		goto fail;
	free(tmp);
	return 0;
fail:
	vx_err("--save", "%s: %s", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
}

/* The largest file read back: far above any --repeat's (about 100 KB a run). */
#define VX_RESULT_FILE_MAX	(256u << 20)

/* @path's whole text, NUL-terminated, to free(); NULL after saying why. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	size_t len = 0, cap = 1 << 16, got;
	char *text = NULL, *more;

	if (!f) {
		vx_err(path, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		more = realloc(text, cap + 1);
		if (!more) {
			vx_err(path, "out of memory");
			goto fail;
		}
		text = more;
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		if (cap >= VX_RESULT_FILE_MAX) {
			vx_err(path, "larger than %u MiB: not a saved run",
			       VX_RESULT_FILE_MAX >> 20);
			goto fail;
		}
		cap *= 2;
	}
	if (ferror(f)) {
		vx_err(path, "%s", strerror(errno));
		goto fail;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		vx_err(path, "a NUL byte at %zu: not a saved run", strlen(text));
		free(text);
		return NULL;
	}
	return text;
fail:
	fclose(f);
	free(text);
	return NULL;
}

/* What a load failed on, for its one line: "runs[0].stages.e2e.count". */
struct loader {
	const char *path;
	char where[96];
};

/* "runs[0].stages.e2e.count is missing: not a Velox result ..." */
static int bad(const struct loader *ld, const char *key, const char *what)
{
	vx_err(ld->path, "%s%s%s %s: not a Velox result of version %d",
	       ld->where, *ld->where && *key ? "." : "", key, what,
	       VX_RESULT_VERSION);
	return -1;
}

static int get_u64(const struct loader *ld, const struct vx_json *obj,
		   const char *key, __u64 *v)
{
	const struct vx_json *j = vx_json_get(obj, key);

	if (!j || j->type != VX_JSON_NUMBER || !j->is_u64)
		return bad(ld, key, j ? "is not a whole number" : "is missing");
	*v = j->u64;
	return 0;
}

static int get_num(const struct loader *ld, const struct vx_json *obj,
		   const char *key, double *v)
{
	const struct vx_json *j = vx_json_get(obj, key);

	if (!j || j->type != VX_JSON_NUMBER)
		return bad(ld, key, j ? "is not a number" : "is missing");
	*v = j->num;
	return 0;
}

static int get_str(const struct loader *ld, const struct vx_json *obj,
		   const char *key, char *buf, size_t len)
{
	const struct vx_json *j = vx_json_get(obj, key);

	if (!j || j->type != VX_JSON_STRING)
		return bad(ld, key, j ? "is not a string" : "is missing");
	snprintf(buf, len, "%s", j->str);
	return 0;
}

/* A histogram back from its buckets; they must add up to its count. */
static int load_hist(const struct loader *ld, const struct vx_json *obj,
		     struct velox_hist *h)
{
	const struct vx_json *b = vx_json_get(obj, "buckets");
	__u64 sum = 0, lo, n;
	unsigned int idx;
	size_t i;

	velox_hist_init(h);
	if (!obj || obj->type != VX_JSON_OBJECT)
		return bad(ld, "", "is missing");
	if (get_u64(ld, obj, "count", &h->count) ||
	    get_u64(ld, obj, "sum_ns", &h->sum) ||
	    get_u64(ld, obj, "min_ns", &h->min) ||
	    get_u64(ld, obj, "max_ns", &h->max))
		return -1;
	if (!b || b->type != VX_JSON_ARRAY)
		return bad(ld, "buckets", "is missing");
	for (i = 0; i < b->n; i++) {
		const struct vx_json *e = &b->items[i];

		if (e->type != VX_JSON_ARRAY || e->n != 2 ||
		    !e->items[0].is_u64 || !e->items[1].is_u64)
			return bad(ld, "buckets", "has an entry not [ns, count]");
		lo = e->items[0].u64;
		n = e->items[1].u64;
		idx = velox_hist_index(lo);
		if (velox_hist_bucket_lo(idx) != lo)
			return bad(ld, "buckets", "has an edge no bucket has");
		/* Each bucket once, lowest first, as they are written. */
		if (i && lo <= b->items[i - 1].items[0].u64)
			return bad(ld, "buckets", "are not in rising order");
		if (__builtin_add_overflow(sum, n, &sum))
			return bad(ld, "buckets", "add up past 2^64");
		h->buckets[idx] = n;
	}
	if (sum != h->count)
		return bad(ld, "buckets", "do not add up to its count");
	if (!h->count)
		h->min = U64_MAX;
	return 0;
}

static int load_counters(const struct loader *ld, const struct vx_json *obj,
			 __u64 *c)
{
	unsigned int i;

	if (!obj || obj->type != VX_JSON_OBJECT)
		return bad(ld, "", "is missing");
	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		if (get_u64(ld, obj, velox_counter_name(i), &c[i]))
			return -1;
	return 0;
}

/* The --interval steps: each stage's count and percentiles. */
static int load_steps(struct loader *ld, const struct vx_json *arr,
		      struct vx_result_run *r)
{
	size_t at = strlen(ld->where), k;
	unsigned int stage, p;

	if (!arr || arr->type != VX_JSON_ARRAY)
		return bad(ld, "intervals", "is missing");
	r->iv = calloc(arr->n ? arr->n : 1, sizeof(*r->iv));
	if (!r->iv) {
		vx_err(ld->path, "out of memory");
		return -1;
	}
	for (k = 0; k < arr->n; k++, r->niv++) {
		const struct vx_json *obj = &arr->items[k];
		struct vx_result_interval *s = &r->iv[k];

		snprintf(ld->where + at, sizeof(ld->where) - at,
			 ".intervals[%zu]", k);
		if (get_num(ld, obj, "t_s", &s->t_s) ||
		    get_num(ld, obj, "seconds", &s->seconds) ||
		    get_u64(ld, obj, "delivered", &s->delivered) ||
		    get_u64(ld, obj, "dropped", &s->dropped))
			return -1;
		for (stage = 0; stage < VELOX_STAGES; stage++) {
			const struct vx_json *st = vx_json_get(vx_json_get(obj,
				"stages"), velox_stage_name(stage));

			snprintf(ld->where + at, sizeof(ld->where) - at,
				 ".intervals[%zu].stages.%s", k,
				 velox_stage_name(stage));
			if (get_u64(ld, st, "count", &s->count[stage]))
				return -1;
			for (p = 0; p < VELOX_PERCENTILES; p++)
				if (get_u64(ld, st, velox_percentiles[p].json,
					    &s->pct[stage][p]))
					return -1;
		}
	}
	ld->where[at] = '\0';
	return 0;
}

static int load_run(struct loader *ld, const struct vx_json *obj,
		    struct vx_result_run *r)
{
	const struct vx_json *stages = vx_json_get(obj, "stages");
	size_t at = strlen(ld->where);
	unsigned int i;

	if (get_u64(ld, obj, "run", &r->run) ||
	    get_str(ld, obj, "state", r->state, sizeof(r->state)) ||
	    get_str(ld, obj, "stop_reason", r->stop_reason,
		    sizeof(r->stop_reason)) ||
	    get_num(ld, obj, "seconds", &r->seconds) ||
	    get_num(ld, obj, "warmup_s", &r->warmup_s) ||
	    get_num(ld, obj, "whole_s", &r->whole_s))
		return -1;
	snprintf(ld->where + at, sizeof(ld->where) - at, ".counters");
	if (load_counters(ld, vx_json_get(obj, "counters"), r->counters))
		return -1;
	snprintf(ld->where + at, sizeof(ld->where) - at, ".whole_run");
	if (load_counters(ld, vx_json_get(obj, "whole_run"), r->whole))
		return -1;
	for (i = 0; i < VELOX_STAGES; i++) {
		snprintf(ld->where + at, sizeof(ld->where) - at, ".stages.%s",
			 velox_stage_name(i));
		if (load_hist(ld, vx_json_get(stages, velox_stage_name(i)),
			      &r->hist[i]))
			return -1;
	}
	ld->where[at] = '\0';
	return load_steps(ld, vx_json_get(obj, "intervals"), r);
}

/* The same histogram as this velox-ctl's, or percentiles would differ. */
static int check_geometry(struct loader *ld, const struct vx_json *doc)
{
	const struct vx_json *g = vx_json_get(doc, "histogram");
	__u64 buckets, sub_bits, limit_shift;

	snprintf(ld->where, sizeof(ld->where), "histogram");
	if (!g || g->type != VX_JSON_OBJECT)
		return bad(ld, "", "is missing");
	if (get_u64(ld, g, "buckets", &buckets) ||
	    get_u64(ld, g, "sub_bits", &sub_bits) ||
	    get_u64(ld, g, "limit_shift", &limit_shift))
		return -1;
	if (buckets != VELOX_HIST_BUCKETS || sub_bits != VELOX_HIST_SUB_BITS ||
	    limit_shift != VELOX_HIST_LIMIT_SHIFT) {
		vx_err(ld->path, "histograms of %llu buckets (%llu sub-bucket bits, limit 2^%llu ns); this velox-ctl's have %d (%d, 2^%d)",
		       buckets, sub_bits, limit_shift, VELOX_HIST_BUCKETS,
		       VELOX_HIST_SUB_BITS, VELOX_HIST_LIMIT_SHIFT);
		return -1;
	}
	return 0;
}

/* Its schema and version first: anything else is not ours to read. */
static int check_schema(struct loader *ld, const struct vx_json *doc)
{
	const struct vx_json *schema = vx_json_get(doc, "schema");
	const struct vx_json *version = vx_json_get(doc, "version");

	if (!schema || schema->type != VX_JSON_STRING ||
	    strcmp(schema->str, VX_RESULT_SCHEMA)) {
		vx_err(ld->path, "not a Velox result (no \"schema\": \"%s\"; velox-ctl run --save writes one)",
		       VX_RESULT_SCHEMA);
		return -1;
	}
	if (!version || !version->is_u64) {
		vx_err(ld->path, "no schema version; this velox-ctl reads version %d",
		       VX_RESULT_VERSION);
		return -1;
	}
	if (version->u64 != VX_RESULT_VERSION) {
		vx_err(ld->path, "schema version %llu; this velox-ctl reads version %d",
		       version->u64, VX_RESULT_VERSION);
		return -1;
	}
	return 0;
}

/**
 * vx_result_load() - a file vx_result_save() wrote, read back
 * @path: the file
 *
 * Every run's counters and histograms are checked as they are read: a
 * histogram whose buckets do not add up to its count is refused.
 *
 * Return: the result, to vx_result_free(); NULL after one line saying
 * why (no such file, not JSON, not a result, another schema version).
 */
struct vx_result *vx_result_load(const char *path)
{
	struct loader ld = { .path = path };
	const struct vx_json *runs;
	struct vx_result *r;
	char why[128];
	char *text;
	size_t i;

	text = slurp(path);
	if (!text)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		vx_err(path, "out of memory");
		free(text);
		return NULL;
	}
	r->path = strdup(path);
	r->doc = vx_json_parse(text, why, sizeof(why));
	free(text);
	if (!r->doc) {
		vx_err(path, "not JSON: %s", why);
		goto fail;
	}
	if (!r->path || check_schema(&ld, r->doc) ||
	    check_geometry(&ld, r->doc))
		goto fail;
	runs = vx_json_get(r->doc, "runs");
	if (!runs || runs->type != VX_JSON_ARRAY || !runs->n ||
	    runs->n > VX_RESULT_RUNS_MAX) {
		snprintf(ld.where, sizeof(ld.where), "runs");
		bad(&ld, "", runs && runs->type == VX_JSON_ARRAY && runs->n ?
			"has too many runs" : "is missing, empty or no array");
		goto fail;
	}
	r->runs = calloc(runs->n, sizeof(*r->runs));
	if (!r->runs) {
		vx_err(path, "out of memory");
		goto fail;
	}
	for (i = 0; i < runs->n; i++) {
		snprintf(ld.where, sizeof(ld.where), "runs[%zu]", i);
		/* Counted first: a run that fails half-way is freed too. */
		r->n = i + 1;
		if (load_run(&ld, &runs->items[i], &r->runs[i]))
			goto fail;
	}
	return r;
fail:
	vx_result_free(r);
	return NULL;
}

void vx_result_free(struct vx_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		vx_result_run_release(&r->runs[i]);
	free(r->runs);
	vx_json_free(r->doc);
	free(r->path);
	free(r);
}
