// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox doctor: what on this machine spoils a latency measurement on
 * some CPUs, read from procfs, sysfs, /dev/cpu_dma_latency and the
 * kernel's config, each finding with the command or boot parameter that
 * fixes it (doctor.h lists the checks and their levels).
 *
 * A check that looks at each CPU on its own (governor, idle states) adds
 * one finding per CPU and add_cpu() merges equal ones, so that CPUs set
 * alike share one line; their text says "{cpus}" ("CPUs 0-1") and
 * "{list}" ("0-1") where the merged CPUs go.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvelox.h"

#define CPU_DIR		"sys/devices/system/cpu"
/* PM_QOS_CPU_LATENCY_DEFAULT_VALUE: nobody asks for a limit. */
#define QOS_NONE	2000000000L
/* Files larger than this are not sysfs or procfs text worth reading. */
#define TEXT_MAX	(16 << 20)

struct item {
	enum vx_doctor_level level;
	const char *check;
	char *what;
	char *fix;
	__u64 *set;	/* its CPUs; NULL: the machine's */
	bool per_cpu;	/* by add_cpu(): merged, "{cpus}" in its text */
	char *cpus;	/* the set as a cpulist, once the checks are done */
};

struct vx_doctor {
	char *cpus;
	struct item *items;
	struct vx_doctor_finding *findings;
	size_t n, cap;
};

/* What the checks share while they run. */
struct ctx {
	const char *root;
	size_t size;		/* bytes of each set below */
	__u64 *set;		/* the CPUs checked */
	__u64 *online;
	__u64 *others;		/* online, not in the set */
	__u64 *isolated;	/* isolcpus= and isolated cpuset partitions */
	__u64 *nohz;		/* nohz_full; empty without */
	bool nohz_known;	/* this kernel has nohz_full */
	char *cmdline;
	long qos;		/* /dev/cpu_dma_latency's value, -1 unread */
	int qos_err;		/* why it was not read */
	struct vx_doctor *d;
	bool oom;
};

/* Sets: @size bytes of __u64 words, bit n % 64 of word n / 64 is CPU n. */

static bool has_cpu(const __u64 *s, size_t size, unsigned long cpu)
{
	return cpu < size * 8 && (s[cpu / 64] >> (cpu % 64) & 1);
}

static void set_cpu(__u64 *s, size_t size, unsigned long cpu)
{
	if (cpu < size * 8)
		s[cpu / 64] |= 1ull << (cpu % 64);
}

static long next_cpu(const __u64 *s, size_t size, unsigned long from)
{
	for (; from < size * 8; from++)
		if (has_cpu(s, size, from))
			return (long)from;
	return -1;
}

#define for_each_cpu(cpu, s, size) \
	for (long cpu = next_cpu(s, size, 0); cpu >= 0; \
	     cpu = next_cpu(s, size, cpu + 1))

static bool set_empty(const __u64 *s, size_t size)
{
	return next_cpu(s, size, 0) < 0;
}

/* @dst = @a & ~@b, or with @or: @a | @b; any may be the same set. */
static void set_andnot(__u64 *dst, const __u64 *a, const __u64 *b,
		       size_t size)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		dst[i] = a[i] & ~b[i];
}

static void set_or(__u64 *dst, const __u64 *a, const __u64 *b, size_t size)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		dst[i] = a[i] | b[i];
}

static void set_and(__u64 *dst, const __u64 *a, const __u64 *b, size_t size)
{
	size_t i;

	for (i = 0; i < size / 8; i++)
		dst[i] = a[i] & b[i];
}

/* Memory: every allocation failure is remembered, and said once at the end. */

static void *oom_check(struct ctx *c, void *p)
{
	if (!p)
		c->oom = true;
	return p;
}

static __u64 *set_new(struct ctx *c)
{
	return oom_check(c, calloc(1, c->size));
}

__attribute__((format(printf, 2, 3)))
static char *fmt(struct ctx *c, const char *f, ...)
{
	char *s;
	va_list ap;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	return oom_check(c, n < 0 ? NULL : s);
}

static char *cpulist(struct ctx *c, const __u64 *s)
{
	return oom_check(c, vx_cpulist(s, c->size));
}

/* "CPU 1" or "CPUs 0-1". */
static char *cpu_words(struct ctx *c, const __u64 *s, size_t size)
{
	char *list = oom_check(c, vx_cpulist(s, size));
	char *w = list ? fmt(c, "CPU%s %s", vx_cpu_set_count(s, size) == 1 ?
			     "" : "s", list) : NULL;

	free(list);
	return w;
}

/* Files, each under the root. */

static char *read_fd(int fd, size_t *len)
{
	size_t cap = 0, n = 0;
	char *text = NULL;
	ssize_t got;

	do {
		if (cap - n < 1024) {
			char *more = cap < TEXT_MAX ? realloc(text, cap + 16384) :
				     NULL;

			if (!more) {
				free(text);
				errno = ENOMEM;
				return NULL;
			}
			text = more;
			cap += 16384;
		}
		got = read(fd, text + n, cap - n - 1);
		if (got < 0) {
			free(text);
			return NULL;
		}
		n += got;
	} while (got > 0);
	text[n] = '\0';
	*len = n;
	return text;
}

/* The text of @f under the root, without its last newline; NULL, errno. */
__attribute__((format(printf, 2, 0)))
static char *vread_text(struct ctx *c, const char *f, va_list ap)
{
	char path[PATH_MAX], *text;
	int n, fd, err;
	size_t len;

	n = snprintf(path, sizeof(path), "%s/", c->root);
	vsnprintf(path + n, sizeof(path) - n, f, ap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	text = read_fd(fd, &len);
	err = errno;
	close(fd);
	if (!text) {
		if (err == ENOMEM)
			c->oom = true;
		errno = err;
		return NULL;
	}
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

__attribute__((format(printf, 2, 3)))
static char *read_text(struct ctx *c, const char *f, ...)
{
	va_list ap;
	char *text;

	va_start(ap, f);
	text = vread_text(c, f, ap);
	va_end(ap);
	return text;
}

/* A cpulist into @s; "" and "(null)" (no mask at all) are empty. */
static int parse_list(struct ctx *c, const char *text, __u64 *s)
{
	int ret;

	if (!strcmp(text, "(null)")) {
		memset(s, 0, c->size);
		return 0;
	}
	ret = vx_cpulist_parse(text, s, c->size, NULL);
	/* CPUs past the set's end cannot be among those checked. */
	return ret == -ERANGE ? 0 : ret;
}

/* A file holding a cpulist into @s: 0 or a negative errno. */
__attribute__((format(printf, 3, 4)))
static int read_list(struct ctx *c, __u64 *s, const char *f, ...)
{
	char *text;
	va_list ap;
	int ret;

	va_start(ap, f);
	text = vread_text(c, f, ap);
	va_end(ap);
	if (!text)
		return -errno;
	ret = parse_list(c, text, s);
	free(text);
	return ret;
}

/* A file holding one integer: 0, or -1 (not there, not a number). */
__attribute__((format(printf, 3, 4)))
static int read_long(struct ctx *c, long *v, const char *f, ...)
{
	char *text, *end;
	va_list ap;
	int ret = -1;

	va_start(ap, f);
	text = vread_text(c, f, ap);
	va_end(ap);
	if (!text)
		return -1;
	errno = 0;
	*v = strtol(text, &end, 10);
	if (end != text && !*end && !errno)
		ret = 0;
	free(text);
	return ret;
}

/*
 * The last NAME on the kernel command line: its value after '=', "" for a
 * bare NAME, NULL if absent; into @buf.  Init's arguments (after "--")
 * are not the kernel's.
 */
static const char *cmdline_param(const struct ctx *c, const char *name,
				 char *buf, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = c->cmdline, *found = NULL, *tok;
	size_t flen = 0, tlen;

	if (!p)
		return NULL;
	for (;;) {
		p += strspn(p, " \t\n");
		if (!*p)
			break;
		tok = p;
		tlen = strcspn(p, " \t\n");
		p += tlen;
		if (tlen == 2 && !strncmp(tok, "--", 2))
			break;
		if (strncmp(tok, name, nlen) || (tlen > nlen && tok[nlen] != '='))
			continue;
		if (tlen == nlen) {
			found = tok + nlen;
			flen = 0;
		} else {
			found = tok + nlen + 1;
			flen = tlen - nlen - 1;
		}
	}
	if (!found)
		return NULL;
	if (flen >= 2 && found[0] == '"' && found[flen - 1] == '"') {
		found++;
		flen -= 2;
	}
	snprintf(buf, len, "%.*s", (int)flen, found);
	return buf;
}

/* Findings. */

static void add(struct ctx *c, enum vx_doctor_level level, const char *check,
		const __u64 *cpus, char *what, char *fix, bool per_cpu)
{
	struct vx_doctor *d = c->d;
	__u64 *set = NULL;

	if (!what || !fix)
		goto out_oom;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct item *more = realloc(d->items, cap * sizeof(*more));

		if (!more)
			goto out_oom;
		d->items = more;
		d->cap = cap;
	}
	if (cpus) {
		set = malloc(c->size);
		if (!set)
			goto out_oom;
		memcpy(set, cpus, c->size);
	}
	d->items[d->n++] = (struct item){
		.level = level, .check = check, .what = what, .fix = fix,
		.set = set, .per_cpu = per_cpu,
	};
	return;
out_oom:
	c->oom = true;
	free(what);
	free(fix);
}

/* One CPU's finding, merged into an equal one of another CPU. */
static void add_cpu(struct ctx *c, enum vx_doctor_level level,
		    const char *check, long cpu, char *what, char *fix)
{
	struct vx_doctor *d = c->d;
	__u64 *one;
	size_t i;

	for (i = 0; what && fix && i < d->n; i++) {
		struct item *it = &d->items[i];

		if (it->per_cpu && it->check == check && it->level == level &&
		    !strcmp(it->what, what) && !strcmp(it->fix, fix)) {
			set_cpu(it->set, c->size, cpu);
			free(what);
			free(fix);
			return;
		}
	}
	one = set_new(c);
	if (one)
		set_cpu(one, c->size, cpu);
	add(c, level, check, one, what, fix, true);
	free(one);
}

/* @s with "{cpus}" as @words and "{list}" as @list, to free(). */
static char *expand(struct ctx *c, const char *s, const char *words,
		    const char *list)
{
	const char *p = s, *w, *l;
	size_t len = 0;
	char *out = NULL;
	FILE *f = oom_check(c, open_memstream(&out, &len));

	if (!f)
		return NULL;
	for (;;) {
		w = strstr(p, "{cpus}");
		l = strstr(p, "{list}");
		if (!w && !l)
			break;
		if (!w || (l && l < w)) {
			fprintf(f, "%.*s%s", (int)(l - p), p, list);
			p = l + 6;
		} else {
			fprintf(f, "%.*s%s", (int)(w - p), p, words);
			p = w + 6;
		}
	}
	fputs(p, f);
	if (fclose(f)) {
		free(out);
		return oom_check(c, NULL);
	}
	return out;
}

/* The cpulists, and the per-CPU findings' text for their merged CPUs. */
static void finish(struct ctx *c)
{
	struct vx_doctor *d = c->d;
	size_t i;

	d->cpus = cpulist(c, c->set);
	d->findings = oom_check(c, calloc(d->n ? d->n : 1,
					  sizeof(*d->findings)));
	for (i = 0; i < d->n && d->findings; i++) {
		struct item *it = &d->items[i];

		it->cpus = it->set ? cpulist(c, it->set) : fmt(c, "%s", "");
		if (it->per_cpu && it->cpus) {
			char *words = cpu_words(c, it->set, c->size);
			char *what = words ? expand(c, it->what, words, it->cpus) : NULL;
			char *fix = words ? expand(c, it->fix, words, it->cpus) : NULL;

			if (what && fix) {
				free(it->what);
				free(it->fix);
				it->what = what;
				it->fix = fix;
			} else {
				free(what);
				free(fix);
			}
			free(words);
		}
		d->findings[i] = (struct vx_doctor_finding){
			.level = it->level, .check = it->check,
			.cpus = it->cpus ? it->cpus : "", .what = it->what,
			.fix = it->fix,
		};
	}
}

/* The checks, in doctor.h's order. */

static void check_isolated(struct ctx *c)
{
	__u64 *off = set_new(c), *want = set_new(c);
	char *words, *list;

	if (!off || !want)
		goto out_free;
	set_andnot(off, c->set, c->isolated, c->size);
	if (set_empty(off, c->size)) {
		words = cpu_words(c, c->set, c->size);
		add(c, VX_DOCTOR_OK, "isolated", c->set,
		    fmt(c, "%s isolated: no task runs there unless placed", words),
		    fmt(c, "%s", ""), false);
		free(words);
		goto out_free;
	}
	set_or(want, c->isolated, c->set, c->size);
	words = cpu_words(c, off, c->size);
	list = cpulist(c, want);
	add(c, VX_DOCTOR_WARN, "isolated", off,
	    fmt(c, "%s not isolated: the scheduler runs any task there%s",
		words, set_empty(c->others, c->size) ?
		" (and the set is every online CPU: leave one out)" : ""),
	    fmt(c, "boot with isolcpus=%s, or make them an isolated cpuset partition (cgroup v2: cpuset.cpus.partition=isolated)",
		list), false);
	free(list);
	free(words);
out_free:
	free(want);
	free(off);
}

static void check_nohz_full(struct ctx *c)
{
	__u64 *off = set_new(c), *want = set_new(c);
	char *words, *list;

	if (!off || !want)
		goto out_free;
	if (!c->nohz_known) {
		list = cpulist(c, c->set);
		add(c, VX_DOCTOR_INFO, "nohz_full", c->set,
		    fmt(c, "%s", "this kernel has no nohz_full (CONFIG_NO_HZ_FULL off): the tick runs on every CPU"),
		    fmt(c, "a kernel with CONFIG_NO_HZ_FULL=y, booted with nohz_full=%s",
			list), false);
		free(list);
		goto out_free;
	}
	set_andnot(off, c->set, c->nohz, c->size);
	if (set_empty(off, c->size)) {
		words = cpu_words(c, c->set, c->size);
		add(c, VX_DOCTOR_OK, "nohz_full", c->set,
		    fmt(c, "%s nohz_full: no tick while one task runs", words),
		    fmt(c, "%s", ""), false);
		free(words);
		goto out_free;
	}
	set_or(want, c->nohz, c->set, c->size);
	words = cpu_words(c, off, c->size);
	list = cpulist(c, want);
	add(c, VX_DOCTOR_WARN, "nohz_full", off,
	    fmt(c, "%s not nohz_full: the scheduler tick interrupts them while they run",
		words),
	    fmt(c, "boot with nohz_full=%s", list), false);
	free(list);
	free(words);
out_free:
	free(want);
	free(off);
}

static void check_rcu_nocbs(struct ctx *c)
{
	__u64 *nocb = set_new(c), *off = set_new(c);
	char buf[4096], *words, *list;
	const char *arg;

	if (!nocb || !off)
		goto out_free;
	/* nohz_full= offloads its CPUs' callbacks too. */
	memcpy(nocb, c->nohz, c->size);
	arg = cmdline_param(c, "rcu_nocbs", buf, sizeof(buf));
	if (arg && (!*arg || !strcmp(arg, "all"))) {
		memcpy(nocb, c->online, c->size);
		set_or(nocb, nocb, c->set, c->size);
	} else if (arg) {
		__u64 *given = set_new(c);

		if (given && parse_list(c, arg, given)) {
			words = cpu_words(c, c->set, c->size);
			add(c, VX_DOCTOR_INFO, "rcu_nocbs", c->set,
			    fmt(c, "rcu_nocbs=%s: a list doctor cannot read, for %s",
				arg, words),
			    fmt(c, "%s", ""), false);
			free(words);
			free(given);
			goto out_free;
		}
		if (given)
			set_or(nocb, nocb, given, c->size);
		free(given);
	}
	set_andnot(off, c->set, nocb, c->size);
	if (set_empty(off, c->size)) {
		words = cpu_words(c, c->set, c->size);
		add(c, VX_DOCTOR_OK, "rcu_nocbs", c->set,
		    fmt(c, "%s: RCU callbacks offloaded (rcu_nocbs= or nohz_full=)",
			words),
		    fmt(c, "%s", ""), false);
		free(words);
		goto out_free;
	}
	set_or(nocb, nocb, c->set, c->size);
	words = cpu_words(c, off, c->size);
	list = cpulist(c, nocb);
	add(c, VX_DOCTOR_WARN, "rcu_nocbs", off,
	    fmt(c, "%s: RCU callbacks run there, in softirq", words),
	    fmt(c, "boot with rcu_nocbs=%s (nohz_full= implies it)", list),
	    false);
	free(list);
	free(words);
out_free:
	free(off);
	free(nocb);
}

/*
 * /proc/interrupts: the action names of IRQ @irq (after the chip, the
 * hardware IRQ and the trigger, set off by two blanks or more), into
 * @buf; false if the IRQ is not listed (no handler, never fired).
 */
static bool irq_name(const char *interrupts, long irq, char *buf, size_t len)
{
	const char *line, *p, *eol, *name;
	int cols = 0, i;
	char *end;

	if (!interrupts)
		return false;
	/* The header names one column per online CPU. */
	for (p = interrupts; *p && *p != '\n'; p++)
		if (!strncmp(p, "CPU", 3) && (p == interrupts || p[-1] == ' '))
			cols++;
	for (line = strchr(interrupts, '\n'); line; line = strchr(line, '\n')) {
		line++;
		p = line + strspn(line, " ");
		if (strtol(p, &end, 10) != irq || end == p || *end != ':')
			continue;
		p = end + 1;
		for (i = 0; i < cols; i++) {
			p += strspn(p, " ");
			p += strspn(p, "0123456789");
		}
		p += strspn(p, " ");
		eol = p + strcspn(p, "\n");
		while (eol > p && eol[-1] == ' ')
			eol--;
		/* After the last run of two blanks or more. */
		for (name = p; p + 1 < eol; p++)
			if (p[0] == ' ' && p[1] == ' ')
				name = p + strspn(p, " ");
		snprintf(buf, len, "%.*s", (int)(eol - name), name);
		return true;
	}
	return false;
}

static void check_irq(struct ctx *c)
{
	__u64 *aff = set_new(c), *hit = set_new(c);
	char *interrupts = read_text(c, "proc/interrupts");
	char path[PATH_MAX], name[256], *others, *list, *words;
	const char *file;
	unsigned int irqs = 0, hits = 0;
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/proc/irq", c->root);
	dir = opendir(path);
	others = cpulist(c, c->others);
	if (!aff || !hit || !others)
		goto out_free;
	if (!dir) {
		add(c, VX_DOCTOR_INFO, "irq_affinity", NULL,
		    fmt(c, "cannot read /proc/irq: %s", strerror(errno)),
		    fmt(c, "%s", ""), false);
		goto out_free;
	}
	while ((e = readdir(dir))) {
		char *end;
		long irq = strtol(e->d_name, &end, 10);

		if (end == e->d_name || *end || !irq_name(interrupts, irq, name,
							  sizeof(name)))
			continue;
		irqs++;
		/* Where it goes; an IRQ not started yet has none: where it may. */
		file = "effective_affinity_list";
		if (read_list(c, aff, "proc/irq/%ld/%s", irq, file) ||
		    set_empty(aff, c->size)) {
			file = "smp_affinity_list";
			if (read_list(c, aff, "proc/irq/%ld/%s", irq, file))
				continue;
		}
		set_and(hit, aff, c->set, c->size);
		if (set_empty(hit, c->size))
			continue;
		hits++;
		words = cpu_words(c, hit, c->size);
		list = cpulist(c, aff);
		add(c, VX_DOCTOR_WARN, "irq_affinity", hit,
		    fmt(c, "IRQ %ld %s %s %s (%s %s)", irq, name,
			*file == 'e' ? "is delivered to" : "may be delivered to",
			words, file, list),
		    *others ? fmt(c, "echo %s > /proc/irq/%ld/smp_affinity_list (at boot, for every IRQ: irqaffinity=%s)",
				  others, irq, others) :
			      fmt(c, "%s", "no online CPU outside the set to send it to: leave one out of the set"),
		    false);
		free(list);
		free(words);
	}
	closedir(dir);
	if (!hits) {
		words = cpu_words(c, c->set, c->size);
		add(c, VX_DOCTOR_OK, "irq_affinity", c->set,
		    fmt(c, "none of %u IRQs with a handler is delivered to %s",
			irqs, words),
		    fmt(c, "%s", ""), false);
		free(words);
	}
out_free:
	free(others);
	free(interrupts);
	free(hit);
	free(aff);
}

static void check_smt(struct ctx *c)
{
	__u64 *sib = set_new(c), *pair = set_new(c);
	size_t before = c->d->n;
	bool any = false;
	char *words;

	if (!sib || !pair)
		goto out_free;
	for_each_cpu(cpu, c->set, c->size) {
		if (read_list(c, sib, CPU_DIR "/cpu%ld/topology/thread_siblings_list",
			      cpu))
			continue;
		for_each_cpu(s, sib, c->size) {
			if (s == cpu)
				continue;
			any = true;
			memset(pair, 0, c->size);
			set_cpu(pair, c->size, cpu);
			if (has_cpu(c->set, c->size, s)) {
				/* Said once, by the lower of the two. */
				if (s < cpu)
					continue;
				set_cpu(pair, c->size, s);
				add(c, VX_DOCTOR_WARN, "smt", pair,
				    fmt(c, "CPUs %ld and %ld share a core (SMT siblings), both in the set",
					cpu, s),
				    fmt(c, "one CPU per core in the set (leave %ld out), or SMT off: echo off > /sys/devices/system/cpu/smt/control (boot: nosmt)",
					s), false);
			} else if (has_cpu(c->online, c->size, s) &&
				   !has_cpu(c->isolated, c->size, s)) {
				add(c, VX_DOCTOR_WARN, "smt", pair,
				    fmt(c, "CPU %ld's SMT sibling %ld is online and not isolated: other tasks run on its core",
					cpu, s),
				    fmt(c, "echo 0 > /sys/devices/system/cpu/cpu%ld/online, or isolate it too (isolcpus=), or SMT off (boot: nosmt)",
					s), false);
			}
		}
	}
	if (c->d->n == before) {
		words = cpu_words(c, c->set, c->size);
		add(c, VX_DOCTOR_OK, "smt", c->set,
		    any ? fmt(c, "%s: SMT siblings offline or isolated", words) :
			  fmt(c, "%s: no SMT sibling (one thread per core)", words),
		    fmt(c, "%s", ""), false);
		free(words);
	}
out_free:
	free(pair);
	free(sib);
}

/* A frequency in kHz as MHz: "3600", or "1234.5" when not whole. */
static char *mhz(char *buf, size_t len, long khz)
{
	if (khz % 1000)
		snprintf(buf, len, "%ld.%ld", khz / 1000, khz % 1000 / 100);
	else
		snprintf(buf, len, "%ld", khz / 1000);
	return buf;
}

static void check_governor(struct ctx *c)
{
	char lo[24], hi[24], hw[24];
	long min, max, hwmax;
	bool perf, capped;
	char *gov;

	for_each_cpu(cpu, c->set, c->size) {
		gov = read_text(c, CPU_DIR "/cpu%ld/cpufreq/scaling_governor", cpu);
		if (!gov) {
			add_cpu(c, VX_DOCTOR_INFO, "governor", cpu,
				fmt(c, "%s", "no cpufreq on {cpus}: nothing to set (a VM, or no cpufreq driver)"),
				fmt(c, "%s", ""));
			continue;
		}
		if (read_long(c, &min, CPU_DIR "/cpu%ld/cpufreq/scaling_min_freq", cpu))
			min = -1;
		if (read_long(c, &max, CPU_DIR "/cpu%ld/cpufreq/scaling_max_freq", cpu))
			max = -1;
		if (read_long(c, &hwmax, CPU_DIR "/cpu%ld/cpufreq/cpuinfo_max_freq", cpu))
			hwmax = -1;
		perf = !strcmp(gov, "performance");
		capped = max > 0 && hwmax > max;
		mhz(lo, sizeof(lo), min);
		mhz(hi, sizeof(hi), max);
		mhz(hw, sizeof(hw), hwmax);
		if (perf && !capped)
			add_cpu(c, VX_DOCTOR_OK, "governor", cpu,
				fmt(c, "{cpus}: governor performance, %s-%s MHz", lo, hi),
				fmt(c, "%s", ""));
		else if (hwmax % 1000)
			add_cpu(c, VX_DOCTOR_WARN, "governor", cpu,
				fmt(c, "{cpus}: governor %s, %s-%s MHz of the CPU's %s MHz",
				    gov, lo, hi, hw),
				fmt(c, "cpupower -c {list} frequency-set%s%s%ldkHz",
				    perf ? "" : " -g performance",
				    capped ? " -u " : "", capped ? hwmax : 0));
		else
			add_cpu(c, VX_DOCTOR_WARN, "governor", cpu,
				fmt(c, "{cpus}: governor %s, %s-%s MHz of the CPU's %s MHz",
				    gov, lo, hi, hw),
				capped ? fmt(c, "cpupower -c {list} frequency-set%s -u %sMHz",
					     perf ? "" : " -g performance", hw) :
					 fmt(c, "%s", "cpupower -c {list} frequency-set -g performance"));
		free(gov);
	}
}

static void check_idle_states(struct ctx *c)
{
	long lat, off, deepest;
	char *name, *best;
	int k;

	for_each_cpu(cpu, c->set, c->size) {
		best = NULL;
		deepest = -1;
		for (k = 0; (name = read_text(c, CPU_DIR "/cpu%ld/cpuidle/state%d/name",
					      cpu, k)); k++) {
			if (read_long(c, &lat, CPU_DIR "/cpu%ld/cpuidle/state%d/latency",
				      cpu, k) ||
			    read_long(c, &off, CPU_DIR "/cpu%ld/cpuidle/state%d/disable",
				      cpu, k) ||
			    off || (c->qos >= 0 && lat > c->qos) || lat < deepest) {
				free(name);
				continue;
			}
			free(best);
			best = name;
			deepest = lat;
		}
		if (!k)
			add_cpu(c, VX_DOCTOR_INFO, "idle_states", cpu,
				fmt(c, "%s", "no cpuidle on {cpus}: idle is the architecture's default (HLT on x86)"),
				fmt(c, "%s", "boot with idle=poll to keep idle CPUs polling (costs power)"));
		else if (!best)
			add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				fmt(c, "%s", "{cpus}: every idle state disabled"),
				fmt(c, "%s", ""));
		else if (!deepest)
			add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				fmt(c, "{cpus}: the deepest idle state allowed is %s (exit latency 0 us)",
				    best),
				fmt(c, "%s", ""));
		else
			add_cpu(c, VX_DOCTOR_WARN, "idle_states", cpu,
				fmt(c, "{cpus}: may enter idle state %s (exit latency %ld us)%s",
				    best, deepest, c->qos >= 0 && c->qos < QOS_NONE ?
				    ", within cpu_dma_latency's limit" : ""),
				fmt(c, "%s", "cpupower -c {list} idle-set -D 1, or hold /dev/cpu_dma_latency at 0 (see cpu_dma_latency)"));
		free(best);
	}
}

static void check_cpu_dma_latency(struct ctx *c)
{
	static const char hold[] = "exec 3<>/dev/cpu_dma_latency; printf '\\000\\000\\000\\000' >&3 (in the shell that measures: held while fd 3 is open), or tuned-adm profile latency-performance";

	if (c->qos < 0)
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    fmt(c, "cannot read /dev/cpu_dma_latency: %s%s",
			strerror(c->qos_err), c->qos_err == EACCES ||
			c->qos_err == EPERM ? " (run doctor as root)" : ""),
		    fmt(c, "%s", ""), false);
	else if (!c->qos)
		add(c, VX_DOCTOR_OK, "cpu_dma_latency", NULL,
		    fmt(c, "%s", "held at 0 us: no CPU enters an idle state with an exit latency above 0 us"),
		    fmt(c, "%s", ""), false);
	else if (c->qos >= QOS_NONE)
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    fmt(c, "%s", "no request: how deep CPUs idle is cpuidle's choice (see idle_states)"),
		    fmt(c, "%s", hold), false);
	else
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    fmt(c, "held at %ld us: idle states with exit latencies up to %ld us may be entered",
			c->qos, c->qos),
		    fmt(c, "%s", hold), false);
}

static void check_rt_throttling(struct ctx *c)
{
	long runtime, period;

	if (read_long(c, &runtime, "proc/sys/kernel/sched_rt_runtime_us") ||
	    read_long(c, &period, "proc/sys/kernel/sched_rt_period_us"))
		add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		    fmt(c, "%s", "cannot read /proc/sys/kernel/sched_rt_runtime_us and sched_rt_period_us"),
		    fmt(c, "%s", ""), false);
	else if (runtime < 0 || runtime >= period)
		add(c, VX_DOCTOR_OK, "rt_throttling", NULL,
		    fmt(c, "off (sched_rt_runtime_us %ld)", runtime),
		    fmt(c, "%s", ""), false);
	else
		add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		    fmt(c, "on: SCHED_FIFO/RR tasks run %ld us of every %ld us, then wait (velox's workers are SCHED_OTHER: it matters to real-time tasks, as chrt makes)",
			runtime, period),
		    fmt(c, "%s", "sysctl -w kernel.sched_rt_runtime_us=-1"), false);
}

static void check_watchdog(struct ctx *c)
{
	long wd, soft = 0, nmi = 0, thresh = 10;
	__u64 *mask = set_new(c), *on = set_new(c), *rest = set_new(c);
	char *words, *list, *which;

	if (!mask || !on || !rest)
		goto out_free;
	/* "watchdog" turns both off; without it, only an NMI one is built. */
	if (read_long(c, &wd, "proc/sys/kernel/watchdog"))
		wd = 1;
	if (!wd || read_long(c, &soft, "proc/sys/kernel/soft_watchdog"))
		soft = 0;
	if (!wd || read_long(c, &nmi, "proc/sys/kernel/nmi_watchdog"))
		nmi = 0;
	read_long(c, &thresh, "proc/sys/kernel/watchdog_thresh");
	if (read_list(c, mask, "proc/sys/kernel/watchdog_cpumask"))
		memcpy(mask, c->online, c->size);
	set_and(on, c->set, mask, c->size);
	if (!(soft || nmi) || set_empty(on, c->size)) {
		words = cpu_words(c, c->set, c->size);
		list = cpulist(c, mask);
		add(c, VX_DOCTOR_OK, "watchdog", c->set,
		    soft || nmi ? fmt(c, "lockup detectors on, but not on %s (watchdog_cpumask %s)",
				      words, list) :
				  fmt(c, "%s", "lockup detectors off"),
		    fmt(c, "%s", ""), false);
		free(list);
		free(words);
		goto out_free;
	}
	set_andnot(rest, mask, c->set, c->size);
	words = cpu_words(c, on, c->size);
	list = cpulist(c, rest);
	/* The soft one's timer (every 2/5 of the threshold) wakes the stopper. */
	which = soft && nmi ?
		fmt(c, "soft lockup detector (a timer and the stopper thread every %ld.%ld s) and NMI watchdog (an NMI about every %ld s)",
		    thresh * 2 / 5, thresh * 2 % 5 * 2, thresh) : soft ?
		fmt(c, "soft lockup detector (a timer and the stopper thread every %ld.%ld s)",
		    thresh * 2 / 5, thresh * 2 % 5 * 2) :
		fmt(c, "NMI watchdog (an NMI about every %ld s)", thresh);
	add(c, VX_DOCTOR_WARN, "watchdog", on,
	    fmt(c, "%s on %s", which ? which : "", words),
	    fmt(c, "sysctl -w kernel.%s=0 (boot: %s)%s%s",
		soft ? "watchdog" : "nmi_watchdog",
		soft ? "nowatchdog" : "nmi_watchdog=0",
		list && *list ? "; or off these CPUs only: sysctl -w kernel.watchdog_cpumask=" : "",
		list && *list ? list : ""), false);
	free(which);
	free(list);
	free(words);
out_free:
	free(rest);
	free(on);
	free(mask);
}

static void check_timer_migration(struct ctx *c)
{
	__u64 *moved = set_new(c);
	long on;
	char *words;

	if (!moved)
		return;
	if (read_long(c, &on, "proc/sys/kernel/timer_migration")) {
		add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		    fmt(c, "%s", "no /proc/sys/kernel/timer_migration: this kernel does not move timers"),
		    fmt(c, "%s", ""), false);
	} else if (!on) {
		add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		    fmt(c, "%s", "off: timers stay on the CPU that armed them"),
		    fmt(c, "%s", ""), false);
	} else {
		/* Timers move only to housekeeping CPUs: not nohz_full ones. */
		set_andnot(moved, c->set, c->nohz, c->size);
		if (set_empty(moved, c->size)) {
			words = cpu_words(c, c->set, c->size);
			add(c, VX_DOCTOR_OK, "timer_migration", c->set,
			    fmt(c, "on, but %s nohz_full: no timer is moved there",
				words),
			    fmt(c, "%s", ""), false);
		} else {
			words = cpu_words(c, moved, c->size);
			add(c, VX_DOCTOR_INFO, "timer_migration", moved,
			    fmt(c, "on: timers armed on idle CPUs may be moved to %s while busy",
				words),
			    fmt(c, "%s", "sysctl -w kernel.timer_migration=0"), false);
		}
		free(words);
	}
	free(moved);
}

/*
 * The kernel's config: /boot/config-<release> as distributions install
 * it, else /proc/config.gz (CONFIG_IKCONFIG_PROC) through gzip -dc.  Into
 * @from the file it came from; NULL if neither can be read.
 */
static char *kernel_config(struct ctx *c, char *from, size_t len)
{
	static char *const argv[] = { "gzip", "-dc", NULL };
	posix_spawn_file_actions_t acts;
	char *release, *text = NULL;
	int pipefd[2], status, err;
	size_t n;
	pid_t pid;

	release = read_text(c, "proc/sys/kernel/osrelease");
	if (release) {
		snprintf(from, len, "/boot/config-%s", release);
		free(release);
		text = read_text(c, "%s", from + 1);
		if (text)
			return text;
	}
	snprintf(from, len, "%s/proc/config.gz", c->root);
	if (access(from, R_OK) || pipe2(pipefd, O_CLOEXEC))
		return NULL;
	posix_spawn_file_actions_init(&acts);
	posix_spawn_file_actions_addopen(&acts, 0, from, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&acts, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&acts, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, "gzip", &acts, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&acts);
	close(pipefd[1]);
	if (!err) {
		text = read_fd(pipefd[0], &n);
		if (!text && errno == ENOMEM)
			c->oom = true;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			free(text);
			text = NULL;
		}
	}
	close(pipefd[0]);
	snprintf(from, len, "/proc/config.gz");
	return text;
}

/* CONFIG_@opt=y in @config. */
static bool config_on(const char *config, const char *opt)
{
	size_t len = strlen(opt);
	const char *p;

	for (p = config; (p = strstr(p, opt)); p += len)
		if (p - config >= 7 && !strncmp(p - 7, "CONFIG_", 7) &&
		    (p == config + 7 || p[-8] == '\n') && !strncmp(p + len, "=y", 2) &&
		    (p[len + 2] == '\n' || !p[len + 2]))
			return true;
	return false;
}

static void check_debug_kernel(struct ctx *c)
{
	/* What makes a kernel's latencies another kernel's. */
	static const char *const debug[] = {
		"KASAN", "KCSAN", "KMSAN", "PROVE_LOCKING", "LOCK_STAT",
		"DEBUG_KMEMLEAK", "DEBUG_OBJECTS", "DEBUG_PAGEALLOC_ENABLE_DEFAULT",
	};
	char from[PATH_MAX], path[PATH_MAX], found[256] = "", *config;
	bool lockdep;
	size_t i, n = 0;

	config = kernel_config(c, from, sizeof(from));
	for (i = 0; config && i < sizeof(debug) / sizeof(debug[0]); i++)
		if (config_on(config, debug[i]))
			n += snprintf(found + n, n < sizeof(found) ? sizeof(found) - n : 0,
				      "%s%s", n ? ", " : "", debug[i]);
	/* Lockdep shows itself, config or not. */
	snprintf(path, sizeof(path), "%s/proc/lockdep", c->root);
	lockdep = !access(path, F_OK);
	if (lockdep && !strstr(found, "PROVE_LOCKING") && !strstr(found, "LOCK_STAT"))
		n += snprintf(found + n, n < sizeof(found) ? sizeof(found) - n : 0,
			      "%slockdep (/proc/lockdep)", n ? ", " : "");
	if (n)
		add(c, VX_DOCTOR_WARN, "debug_kernel", NULL,
		    config ? fmt(c, "a debug kernel: %s (%s): its latencies are not the machine's",
				 found, from) :
			     fmt(c, "a debug kernel: %s: its latencies are not the machine's",
				 found),
		    fmt(c, "%s", "boot a kernel built without them (the distribution's)"),
		    false);
	else if (config)
		add(c, VX_DOCTOR_OK, "debug_kernel", NULL,
		    fmt(c, "no KASAN, KCSAN, lockdep or other costly debugging (%s)",
			from),
		    fmt(c, "%s", ""), false);
	else
		add(c, VX_DOCTOR_INFO, "debug_kernel", NULL,
		    fmt(c, "%s", "no lockdep; no kernel config to read (/boot/config-<release>, /proc/config.gz), so KASAN and the like cannot be ruled out"),
		    fmt(c, "%s", ""), false);
	free(config);
}

/* The largest CPU id sysfs calls possible, + 1; 0 if unknown. */
static unsigned long possible_cpus(struct ctx *c)
{
	char *text = read_text(c, CPU_DIR "/possible"), *last;
	unsigned long n = 0;

	if (!text)
		return 0;
	last = strrchr(text, '-');
	if (!last || strrchr(text, ',') > last)
		last = strrchr(text, ',');
	n = strtoul(last ? last + 1 : text, NULL, 10) + 1;
	free(text);
	return n;
}

/* What every check reads: the sets, the command line, the QoS value. */
static int setup(struct ctx *c, const __u64 *set, size_t size)
{
	size_t need = vx_cpu_set_size(possible_cpus(c));
	__s32 qos;
	char path[PATH_MAX];
	__u64 *part;
	int fd;

	c->size = need > size ? need : size;
	if (!c->size)
		c->size = sizeof(__u64);
	c->set = set_new(c);
	c->online = set_new(c);
	c->others = set_new(c);
	c->isolated = set_new(c);
	c->nohz = set_new(c);
	part = set_new(c);
	if (c->oom) {
		free(part);
		return -1;
	}
	memcpy(c->set, set, size);
	/* Without an online list, the checked CPUs are all there is. */
	if (read_list(c, c->online, CPU_DIR "/online"))
		memcpy(c->online, c->set, c->size);
	set_andnot(c->others, c->online, c->set, c->size);
	read_list(c, c->isolated, CPU_DIR "/isolated");
	/* cgroup v2's isolated partitions (Linux 6.7 on). */
	if (!read_list(c, part, "sys/fs/cgroup/cpuset.cpus.isolated"))
		set_or(c->isolated, c->isolated, part, c->size);
	free(part);
	c->nohz_known = !read_list(c, c->nohz, CPU_DIR "/nohz_full");
	c->cmdline = read_text(c, "proc/cmdline");

	c->qos = -1;
	snprintf(path, sizeof(path), "%s/dev/cpu_dma_latency", c->root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		c->qos_err = errno;
	} else {
		if (read(fd, &qos, sizeof(qos)) == sizeof(qos))
			c->qos = qos < 0 ? 0 : qos;
		else
			c->qos_err = EIO;
		close(fd);
	}
	return c->oom ? -1 : 0;
}

struct vx_doctor *vx_doctor_check(const char *root, const __u64 *set,
				  size_t size)
{
	struct vx_doctor *d = calloc(1, sizeof(*d));
	struct ctx c = {
		.root = root && strcmp(root, "/") ? root : "",
		.d = d,
		.oom = !d,
	};

	if (d && !setup(&c, set, size)) {
		check_isolated(&c);
		check_nohz_full(&c);
		check_rcu_nocbs(&c);
		check_irq(&c);
		check_smt(&c);
		check_governor(&c);
		check_idle_states(&c);
		check_cpu_dma_latency(&c);
		check_rt_throttling(&c);
		check_watchdog(&c);
		check_timer_migration(&c);
		check_debug_kernel(&c);
		finish(&c);
	}
	free(c.cmdline);
	free(c.nohz);
	free(c.isolated);
	free(c.others);
	free(c.online);
	free(c.set);
	if (c.oom) {
		vx_doctor_free(d);
		vx_err("doctor", "out of memory");
		return NULL;
	}
	return d;
}

void vx_doctor_free(struct vx_doctor *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].what);
		free(d->items[i].fix);
		free(d->items[i].set);
		free(d->items[i].cpus);
	}
	free(d->items);
	free(d->findings);
	free(d->cpus);
	free(d);
}

size_t vx_doctor_count(const struct vx_doctor *d, enum vx_doctor_level level)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->findings[i].level == level;
	return n;
}

size_t vx_doctor_findings(const struct vx_doctor *d,
			  const struct vx_doctor_finding **findings)
{
	*findings = d->findings;
	return d->n;
}

const char *vx_doctor_level_name(enum vx_doctor_level level)
{
	switch (level) {
	case VX_DOCTOR_OK:
		return "OK";
	case VX_DOCTOR_INFO:
		return "INFO";
	case VX_DOCTOR_WARN:
		return "WARN";
	}
	return "?";
}

const char *vx_doctor_cpus(const struct vx_doctor *d)
{
	return d->cpus;
}

/* The check column is as wide as the longest name, "cpu_dma_latency". */
#define CHECK_WIDTH	15

void vx_doctor_print(FILE *out, const struct vx_doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct vx_doctor_finding *f = &d->findings[i];

		fprintf(out, "%-4s  %-*s  %s\n", vx_doctor_level_name(f->level),
			CHECK_WIDTH, f->check, f->what);
		if (*f->fix)
			fprintf(out, "      fix: %s\n", f->fix);
	}
}

void vx_doctor_print_json(FILE *out, const struct vx_doctor *d)
{
	size_t i;

	fputs("{\"cpus\":", out);
	vx_print_json_string(out, d->cpus, SIZE_MAX);
	fprintf(out, ",\"warn\":%zu,\"info\":%zu,\"ok\":%zu,\"findings\":[",
		vx_doctor_count(d, VX_DOCTOR_WARN),
		vx_doctor_count(d, VX_DOCTOR_INFO),
		vx_doctor_count(d, VX_DOCTOR_OK));
	for (i = 0; i < d->n; i++) {
		const struct vx_doctor_finding *f = &d->findings[i];

		fprintf(out, "%s{\"level\":\"%s\",\"check\":\"%s\",\"cpus\":",
			i ? "," : "", vx_doctor_level_name(f->level), f->check);
		vx_print_json_string(out, f->cpus, SIZE_MAX);
		fputs(",\"what\":", out);
		vx_print_json_string(out, f->what, SIZE_MAX);
		fputs(",\"fix\":", out);
		vx_print_json_string(out, f->fix, SIZE_MAX);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

size_t vx_doctor_warn_summary(const struct vx_doctor *d, char *buf,
			      size_t len)
{
	size_t i, j, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < d->n; i++) {
		const char *check = d->findings[i].check;

		if (d->findings[i].level != VX_DOCTOR_WARN)
			continue;
		for (j = 0; j < i; j++)
			if (d->findings[j].level == VX_DOCTOR_WARN &&
			    !strcmp(d->findings[j].check, check))
				break;
		if (j < i)
			continue;
		n += snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			      "%s%s", n ? ", " : "", check);
	}
	return n;
}

__u64 *vx_doctor_sysfs_set(const char *root, const char *which,
			   size_t *size)
{
	struct ctx c = { .root = root && strcmp(root, "/") ? root : "" };
	__u64 *set;
	int ret;

	c.size = vx_cpu_set_size(possible_cpus(&c));
	if (!c.size)
		c.size = vx_cpu_set_size(sysconf(_SC_NPROCESSORS_CONF) > 0 ?
					 sysconf(_SC_NPROCESSORS_CONF) : 1);
	set = set_new(&c);
	if (!set) {
		vx_err("doctor", "out of memory");
		return NULL;
	}
	ret = read_list(&c, set, CPU_DIR "/%s", which);
	if (ret) {
		vx_err("doctor", "%s/" CPU_DIR "/%s: %s", c.root, which,
		       strerror(-ret));
		free(set);
		return NULL;
	}
	*size = c.size;
	return set;
}
