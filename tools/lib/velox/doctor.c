// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox doctor: what on this machine spoils a latency measurement on
 * some CPUs, read from procfs, sysfs, /dev/cpu_dma_latency and the
 * kernel's config, each finding with the command or boot parameter that
 * fixes it (doctor.h lists the checks and their levels).
 *
 * Every path is taken under a root, so that a test can be a machine made
 * of files.  What a check reads or formats lives until the checks end
 * (keep()), so the checks read as what they look at; running out of
 * memory is remembered and said once.  A check that looks at each CPU
 * on its own adds one finding per CPU and add_cpu() merges equal ones,
 * so that CPUs set alike share a line: its text says "{cpus}" ("CPUs
 * 0-1") and "{list}" ("0-1") where the merged CPUs go.
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

#define CPU_DIR		"sys/devices/system/cpu/"
#define SYSCTL		"proc/sys/kernel/"
/* PM_QOS_CPU_LATENCY_DEFAULT_VALUE: nobody asks for a limit. */
#define QOS_NONE	2000000000L

struct item {
	struct vx_doctor_finding f;	/* its strings are the ones below */
	char *what;
	char *fix;
	char *cpus;
	__u64 *set;	/* its CPUs; NULL: the machine's */
	bool per_cpu;	/* by add_cpu(): "{cpus}" and "{list}" in its text */
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
	size_t size;		/* bytes of every set */
	__u64 *set;		/* the CPUs checked */
	__u64 *online;
	__u64 *others;		/* online, not in the set */
	__u64 *isolated;	/* isolcpus= and isolated cpuset partitions */
	__u64 *nohz;		/* nohz_full (empty without) */
	bool nohz_known;	/* this kernel has nohz_full */
	const char *cmdline;
	long qos;		/* /dev/cpu_dma_latency's value, -1 unread */
	int qos_err;		/* why it was not read */
	struct vx_doctor *d;
	void **kept;		/* freed when the checks end */
	size_t nkept, kept_cap;
	bool oom;
};

/* Memory that lives until the checks end; NULL if out of memory. */
static void *keep(struct ctx *c, void *p)
{
	if (p && c->nkept == c->kept_cap) {
		size_t cap = c->kept_cap ? c->kept_cap * 2 : 64;
		void **more = realloc(c->kept, cap * sizeof(*more));

		if (!more) {
			free(p);
			p = NULL;
		} else {
			c->kept = more;
			c->kept_cap = cap;
		}
	}
	if (!p) {
		c->oom = true;
		return NULL;
	}
	return c->kept[c->nkept++] = p;
}

/* A formatted string, kept; "" if out of memory. */
__attribute__((format(printf, 2, 3)))
static const char *fmt(struct ctx *c, const char *f, ...)
{
	const char *s;
	char *p;
	va_list ap;
	int n;

	va_start(ap, f);
	n = vasprintf(&p, f, ap);
	va_end(ap);
	s = keep(c, n < 0 ? NULL : p);
	return s ? s : "";
}

/* Sets: @c->size bytes, bit n % 64 of word n / 64 is CPU n. */

static __u64 *set_new(struct ctx *c)
{
	return keep(c, calloc(1, c->size));
}

static bool has_cpu(const struct ctx *c, const __u64 *s, long cpu)
{
	return cpu >= 0 && (size_t)cpu < c->size * 8 &&
	       (s[cpu / 64] >> (cpu % 64) & 1);
}

static long next_cpu(const struct ctx *c, const __u64 *s, long from)
{
	for (; (size_t)from < c->size * 8; from++)
		if (has_cpu(c, s, from))
			return from;
	return -1;
}

#define for_each_cpu(cpu, c, s) \
	for (long cpu = next_cpu(c, s, 0); cpu >= 0; cpu = next_cpu(c, s, cpu + 1))

static bool set_empty(const struct ctx *c, const __u64 *s)
{
	return next_cpu(c, s, 0) < 0;
}

enum set_op { AND, OR, ANDNOT };

/* @a OP @b, a new set. */
static __u64 *set_op(struct ctx *c, const __u64 *a, enum set_op op,
		     const __u64 *b)
{
	__u64 *s = set_new(c);
	size_t i;

	for (i = 0; s && i < c->size / 8; i++)
		s[i] = op == AND ? a[i] & b[i] : op == OR ? a[i] | b[i] :
		       a[i] & ~b[i];
	return s;
}

/* "0-1": a set's cpulist, kept. */
static const char *list(struct ctx *c, const __u64 *s)
{
	const char *l = keep(c, vx_cpulist(s, c->size));

	return l ? l : "";
}

/* "CPU 1" or "CPUs 0-1". */
static const char *cpus(struct ctx *c, const __u64 *s)
{
	return fmt(c, "CPU%s %s", vx_cpu_set_count(s, c->size) == 1 ? "" : "s",
		   list(c, s));
}

/* Files, each under the root. */

static char *read_fd(int fd)
{
	size_t cap = 0, n = 0;
	char *text = NULL, *more;
	ssize_t got;

	do {
		if (cap - n < 512) {
			cap = cap ? cap * 2 : 4096;
			more = realloc(text, cap);
			if (!more) {
				free(text);
				errno = ENOMEM;
				return NULL;
			}
			text = more;
		}
		got = read(fd, text + n, cap - n - 1);
		if (got < 0) {
			free(text);
			return NULL;
		}
		n += got;
	} while (got > 0);
	text[n] = '\0';
	/* Many small files are kept at once. */
	more = realloc(text, n + 1);
	return more ? more : text;
}

/* The text of @f under the root, without its last newline; NULL, errno. */
__attribute__((format(printf, 2, 0)))
static char *vread_file(struct ctx *c, const char *f, va_list ap)
{
	char path[PATH_MAX], *text;
	int n, fd, err;
	size_t len;

	n = snprintf(path, sizeof(path), "%s/", c->root);
	vsnprintf(path + n, sizeof(path) - n, f, ap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	text = read_fd(fd);
	err = errno;
	close(fd);
	if (!text) {
		c->oom |= err == ENOMEM;
		errno = err;
		return NULL;
	}
	len = strlen(text);
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

/* The same, kept. */
__attribute__((format(printf, 2, 3)))
static const char *read_text(struct ctx *c, const char *f, ...)
{
	char *text;
	va_list ap;
	int err;

	va_start(ap, f);
	text = vread_file(c, f, ap);
	va_end(ap);
	err = errno;
	if (!text)
		return NULL;
	text = keep(c, text);
	errno = err;
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
	text = vread_file(c, f, ap);
	va_end(ap);
	if (!text)
		return -errno;
	ret = parse_list(c, text, s);
	free(text);
	return ret;
}

/* A file holding one integer into @v, else @v = @missing; 0 or -1. */
__attribute__((format(printf, 4, 5)))
static int read_long(struct ctx *c, long *v, long missing, const char *f, ...)
{
	char *text, *end;
	va_list ap;
	int ret = -1;

	va_start(ap, f);
	text = vread_file(c, f, ap);
	va_end(ap);
	*v = missing;
	if (!text)
		return -1;
	errno = 0;
	*v = strtol(text, &end, 10);
	if (end != text && !*end && !errno)
		ret = 0;
	else
		*v = missing;
	free(text);
	return ret;
}

/*
 * The last @name on the kernel command line: its value after '=', "" for
 * a bare @name, NULL if absent.  Init's arguments (after "--") are not
 * the kernel's.
 */
static const char *cmdline_param(struct ctx *c, const char *name)
{
	size_t nlen = strlen(name), tlen, flen = 0;
	const char *p = c->cmdline, *found = NULL, *tok;

	while (p && *(p += strspn(p, " \t\n"))) {
		tok = p;
		tlen = strcspn(p, " \t\n");
		p += tlen;
		if (tlen == 2 && !strncmp(tok, "--", 2))
			break;
		if (strncmp(tok, name, nlen) || (tlen > nlen && tok[nlen] != '='))
			continue;
		found = tok + nlen + (tlen > nlen);
		flen = tlen - (found - tok);
	}
	if (!found)
		return NULL;
	if (flen >= 2 && found[0] == '"' && found[flen - 1] == '"')
		return fmt(c, "%.*s", (int)flen - 2, found + 1);
	return fmt(c, "%.*s", (int)flen, found);
}

/* Findings. */

static struct item *add(struct ctx *c, enum vx_doctor_level level,
			const char *check, const __u64 *set, const char *what,
			const char *fix)
{
	struct vx_doctor *d = c->d;
	struct item it = { .f = { .level = level, .check = check } };

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct item *more = realloc(d->items, cap * sizeof(*more));

		if (!more) {
			c->oom = true;
			return NULL;
		}
		d->items = more;
		d->cap = cap;
	}
	it.what = strdup(what);
	it.fix = strdup(fix);
	it.set = set ? malloc(c->size) : NULL;
	if (!it.what || !it.fix || (set && !it.set)) {
		free(it.what);
		free(it.fix);
		free(it.set);
		c->oom = true;
		return NULL;
	}
	if (set)
		memcpy(it.set, set, c->size);
	d->items[d->n] = it;
	return &d->items[d->n++];
}

/* One CPU's finding, merged into an equal one of other CPUs. */
static void add_cpu(struct ctx *c, enum vx_doctor_level level,
		    const char *check, long cpu, const char *what,
		    const char *fix)
{
	struct item *it;
	size_t i;

	for (i = 0; i < c->d->n; i++) {
		it = &c->d->items[i];
		if (it->per_cpu && it->f.check == check && it->f.level == level &&
		    !strcmp(it->what, what) && !strcmp(it->fix, fix))
			break;
	}
	it = i < c->d->n ? &c->d->items[i] :
	     add(c, level, check, set_new(c), what, fix);
	if (!it || !it->set)
		return;
	it->per_cpu = true;
	it->set[cpu / 64] |= 1ull << (cpu % 64);
}

/* @s with "{cpus}" and "{list}" for @set's CPUs, to free(). */
static char *expand(struct ctx *c, const char *s, const __u64 *set)
{
	const char *words = cpus(c, set), *l = list(c, set), *p = s, *w, *tok;
	size_t len;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	while ((w = strchr(p, '{'))) {
		fwrite(p, 1, w - p, f);
		tok = !strncmp(w, "{cpus}", 6) ? words :
		      !strncmp(w, "{list}", 6) ? l : NULL;
		fputs(tok ? tok : "{", f);
		p = w + (tok ? 6 : 1);
	}
	fputs(p, f);
	return fclose(f) ? NULL : out;
}

/* The findings as the caller sees them. */
static void finish(struct ctx *c)
{
	struct vx_doctor *d = c->d;
	struct item *it;
	size_t i;

	d->cpus = strdup(list(c, c->set));
	d->findings = calloc(d->n + 1, sizeof(*d->findings));
	c->oom |= !d->cpus || !d->findings;
	for (i = 0; i < d->n && !c->oom; i++) {
		it = &d->items[i];
		it->cpus = strdup(it->set ? list(c, it->set) : "");
		if (it->per_cpu) {
			char *what = expand(c, it->what, it->set);
			char *fix = expand(c, it->fix, it->set);

			free(it->what);
			free(it->fix);
			it->what = what;
			it->fix = fix;
		}
		c->oom |= !it->cpus || !it->what || !it->fix;
		it->f.cpus = it->cpus;
		it->f.what = it->what;
		it->f.fix = it->fix;
		d->findings[i] = it->f;
	}
}

/* The checks, in doctor.h's order. */

static void check_isolated(struct ctx *c)
{
	__u64 *off = set_op(c, c->set, ANDNOT, c->isolated);

	if (!off)
		return;
	if (set_empty(c, off))
		add(c, VX_DOCTOR_OK, "isolated", c->set,
		    fmt(c, "%s isolated: no task runs there unless placed",
			cpus(c, c->set)), "");
	else
		add(c, VX_DOCTOR_WARN, "isolated", off,
		    fmt(c, "%s not isolated: the scheduler puts any task there%s",
			cpus(c, off), set_empty(c, c->others) ?
			" (the set is every online CPU: leave one out)" : ""),
		    fmt(c, "boot with isolcpus=%s, or an isolated cpuset partition (cgroup v2: cpuset.cpus.partition=isolated)",
			list(c, set_op(c, c->isolated, OR, c->set))));
}

static void check_nohz_full(struct ctx *c)
{
	__u64 *off = set_op(c, c->set, ANDNOT, c->nohz);

	if (!off)
		return;
	if (!c->nohz_known)
		add(c, VX_DOCTOR_INFO, "nohz_full", c->set,
		    "this kernel has no nohz_full (CONFIG_NO_HZ_FULL off): the tick runs on every CPU",
		    fmt(c, "a kernel with CONFIG_NO_HZ_FULL=y, booted with nohz_full=%s",
			list(c, c->set)));
	else if (set_empty(c, off))
		add(c, VX_DOCTOR_OK, "nohz_full", c->set,
		    fmt(c, "%s nohz_full: no tick while one task runs",
			cpus(c, c->set)), "");
	else
		add(c, VX_DOCTOR_WARN, "nohz_full", off,
		    fmt(c, "%s not nohz_full: the scheduler tick interrupts whatever runs there",
			cpus(c, off)),
		    fmt(c, "boot with nohz_full=%s",
			list(c, set_op(c, c->nohz, OR, c->set))));
}

static void check_rcu_nocbs(struct ctx *c)
{
	const char *arg = cmdline_param(c, "rcu_nocbs");
	__u64 *given = set_new(c), *nocb, *off;

	if (!given)
		return;
	/* Bare or "all" (Linux 6.0 on): every CPU. */
	if (arg && (!*arg || !strcmp(arg, "all"))) {
		memset(given, 0xff, c->size);
	} else if (arg && parse_list(c, arg, given)) {
		add(c, VX_DOCTOR_INFO, "rcu_nocbs", c->set,
		    fmt(c, "rcu_nocbs=%s: a list doctor cannot read", arg), "");
		return;
	}
	/* nohz_full= offloads its CPUs' callbacks too. */
	nocb = set_op(c, given, OR, c->nohz);
	off = nocb ? set_op(c, c->set, ANDNOT, nocb) : NULL;
	if (!off)
		return;
	if (set_empty(c, off))
		add(c, VX_DOCTOR_OK, "rcu_nocbs", c->set,
		    fmt(c, "%s: RCU callbacks offloaded (rcu_nocbs= or nohz_full=)",
			cpus(c, c->set)), "");
	else
		add(c, VX_DOCTOR_WARN, "rcu_nocbs", off,
		    fmt(c, "%s: RCU callbacks run there, in softirq", cpus(c, off)),
		    fmt(c, "boot with rcu_nocbs=%s (nohz_full= implies it)",
			list(c, set_op(c, nocb, OR, c->set))));
}

/*
 * The action names of IRQ @irq in /proc/interrupts: what follows the
 * counts, the chip, the hardware IRQ and the trigger, after the last run
 * of two blanks or more.  NULL if it is not listed (no handler).
 */
static const char *irq_name(struct ctx *c, const char *interrupts, long irq)
{
	const char *line, *p, *eol, *name;
	int cols = 0, i;
	char *end;

	/* The header names one column per online CPU. */
	for (p = interrupts; *p && *p != '\n'; p++)
		cols += !strncmp(p, "CPU", 3) && (p == interrupts || p[-1] == ' ');
	for (line = strchr(interrupts, '\n'); line; line = strchr(line, '\n')) {
		line++;
		p = line + strspn(line, " ");
		if (strtol(p, &end, 10) != irq || end == p || *end != ':')
			continue;
		for (p = end + 1, i = 0; i < cols; i++) {
			p += strspn(p, " ");
			p += strspn(p, "0123456789");
		}
		p += strspn(p, " ");
		eol = p + strcspn(p, "\n");
		while (eol > p && eol[-1] == ' ')
			eol--;
		for (name = p; p + 1 < eol; p++)
			if (p[0] == ' ' && p[1] == ' ')
				name = p + strspn(p, " ");
		return fmt(c, "%.*s", (int)(eol - name), name);
	}
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The IRQs of /proc/irq/, in order: *@n of them, kept; NULL, errno. */
static long *irq_numbers(struct ctx *c, size_t *n)
{
	char path[PATH_MAX], *end;
	long *irqs = NULL, *more;
	size_t cap = 0;
	struct dirent *e;
	DIR *dir;

	*n = 0;
	snprintf(path, sizeof(path), "%s/proc/irq", c->root);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((e = readdir(dir))) {
		long irq = strtol(e->d_name, &end, 10);

		if (end == e->d_name || *end)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			more = realloc(irqs, cap * sizeof(*irqs));
			if (!more)
				break;
			irqs = more;
		}
		irqs[(*n)++] = irq;
	}
	closedir(dir);
	if (irqs)
		qsort(irqs, *n, sizeof(*irqs), cmp_long);
	return keep(c, irqs ? irqs : malloc(sizeof(*irqs)));
}

static void check_irq(struct ctx *c)
{
	const char *interrupts = read_text(c, "proc/interrupts");
	__u64 *aff = set_new(c), *want = set_new(c), *hit;
	const char *name, *file, *moving;
	unsigned int handled = 0, hits = 0;
	long *irqs;
	size_t i, n;

	if (!interrupts) {
		add(c, VX_DOCTOR_INFO, "irq_affinity", NULL,
		    fmt(c, "cannot read /proc/interrupts: %s", strerror(errno)), "");
		return;
	}
	irqs = irq_numbers(c, &n);
	if (!irqs) {
		add(c, VX_DOCTOR_INFO, "irq_affinity", NULL,
		    fmt(c, "cannot read /proc/irq: %s", strerror(errno)), "");
		return;
	}
	if (!aff || !want)
		return;
	for (i = 0; i < n; i++) {
		name = irq_name(c, interrupts, irqs[i]);
		if (!name)
			continue;
		handled++;
		/* Where it goes; an IRQ not started yet has none: where it may. */
		file = "effective_affinity_list";
		if (read_list(c, aff, "proc/irq/%ld/%s", irqs[i], file) ||
		    set_empty(c, aff)) {
			file = "smp_affinity_list";
			if (read_list(c, aff, "proc/irq/%ld/%s", irqs[i], file))
				continue;
		}
		hit = set_op(c, aff, AND, c->set);
		if (!hit || set_empty(c, hit))
			continue;
		hits++;
		/*
		 * Moved off already?  An IO-APIC IRQ (x86 without interrupt
		 * remapping) moves when it next fires.
		 */
		moving = "";
		if (*file == 'e' &&
		    !read_list(c, want, "proc/irq/%ld/smp_affinity_list", irqs[i]) &&
		    set_empty(c, set_op(c, want, AND, c->set)))
			moving = fmt(c, "; smp_affinity_list %s: it moves there when it next fires",
				     list(c, want));
		add(c, VX_DOCTOR_WARN, "irq_affinity", hit,
		    fmt(c, "IRQ %ld %s %s %s (%s %s%s)", irqs[i], name,
			*file == 'e' ? "is delivered to" : "may be delivered to",
			cpus(c, hit), file, list(c, aff), moving),
		    set_empty(c, c->others) ?
		    "no online CPU outside the set to send it to: leave one out of the set" :
		    fmt(c, "echo %s > /proc/irq/%ld/smp_affinity_list (at boot, for every IRQ: irqaffinity=%s)",
			list(c, c->others), irqs[i], list(c, c->others)));
	}
	if (!hits)
		add(c, VX_DOCTOR_OK, "irq_affinity", c->set,
		    fmt(c, "none of %u IRQs with a handler is delivered to %s",
			handled, cpus(c, c->set)), "");
}

static void check_smt(struct ctx *c)
{
	__u64 *sib = set_new(c), *pair;
	size_t before = c->d->n;
	bool any = false;

	if (!sib)
		return;
	for_each_cpu(cpu, c, c->set) {
		if (read_list(c, sib, CPU_DIR "cpu%ld/topology/thread_siblings_list",
			      cpu))
			continue;
		for_each_cpu(s, c, sib) {
			if (s == cpu)
				continue;
			any = true;
			pair = set_new(c);
			if (!pair)
				return;
			pair[cpu / 64] |= 1ull << (cpu % 64);
			if (has_cpu(c, c->set, s)) {
				/* Said once, by the lower of the two. */
				if (s < cpu)
					continue;
				pair[s / 64] |= 1ull << (s % 64);
				add(c, VX_DOCTOR_WARN, "smt", pair,
				    fmt(c, "CPUs %ld and %ld share a core (SMT siblings), both in the set",
					cpu, s),
				    fmt(c, "one CPU per core in the set (leave %ld out), or SMT off: echo off > /sys/devices/system/cpu/smt/control (boot: nosmt)",
					s));
			} else if (has_cpu(c, c->online, s) &&
				   !has_cpu(c, c->isolated, s)) {
				add(c, VX_DOCTOR_WARN, "smt", pair,
				    fmt(c, "CPU %ld's SMT sibling %ld is online and not isolated: other tasks run on its core",
					cpu, s),
				    fmt(c, "echo 0 > /sys/devices/system/cpu/cpu%ld/online, or isolate it too (isolcpus=), or SMT off (boot: nosmt)",
					s));
			}
		}
	}
	if (c->d->n == before)
		add(c, VX_DOCTOR_OK, "smt", c->set,
		    fmt(c, any ? "%s: SMT siblings offline or isolated" :
			"%s: no SMT sibling (one thread per core)",
			cpus(c, c->set)), "");
}

/* A frequency in kHz as MHz: "3600", or "1234.5" when not whole. */
static const char *mhz(struct ctx *c, long khz)
{
	if (khz % 1000)
		return fmt(c, "%ld.%ld", khz / 1000, khz % 1000 / 100);
	return fmt(c, "%ld", khz / 1000);
}

static void check_governor(struct ctx *c)
{
	const char *gov, *range, *fix;
	long min, max, hw;
	bool perf, capped;

	for_each_cpu(cpu, c, c->set) {
		gov = read_text(c, CPU_DIR "cpu%ld/cpufreq/scaling_governor", cpu);
		if (!gov) {
			add_cpu(c, VX_DOCTOR_INFO, "governor", cpu,
				"no cpufreq on {cpus}: nothing to set (a VM, or no cpufreq driver)",
				"");
			continue;
		}
		read_long(c, &min, 0, CPU_DIR "cpu%ld/cpufreq/scaling_min_freq", cpu);
		read_long(c, &max, 0, CPU_DIR "cpu%ld/cpufreq/scaling_max_freq", cpu);
		read_long(c, &hw, 0, CPU_DIR "cpu%ld/cpufreq/cpuinfo_max_freq", cpu);
		perf = !strcmp(gov, "performance");
		capped = max > 0 && hw > max;
		range = fmt(c, "%s-%s MHz", mhz(c, min), mhz(c, max));
		if (perf && !capped) {
			add_cpu(c, VX_DOCTOR_OK, "governor", cpu,
				fmt(c, "{cpus}: governor performance, %s", range), "");
			continue;
		}
		/* cpupower takes kHz, or a unit. */
		fix = fmt(c, "cpupower -c {list} frequency-set%s%s%s%s",
			  perf ? "" : " -g performance", capped ? " -u " : "",
			  capped ? (hw % 1000 ? fmt(c, "%ld", hw) : mhz(c, hw)) : "",
			  capped ? (hw % 1000 ? "kHz" : "MHz") : "");
		add_cpu(c, VX_DOCTOR_WARN, "governor", cpu,
			fmt(c, "{cpus}: governor %s, %s of the CPU's %s MHz", gov,
			    range, mhz(c, hw)), fix);
	}
}

static void check_idle_states(struct ctx *c)
{
	long lat, off, deepest;
	const char *name, *best;
	int k;

	for_each_cpu(cpu, c, c->set) {
		best = NULL;
		deepest = -1;
		/* The deepest state cpuidle may pick: enabled, within the QoS limit. */
		for (k = 0; (name = read_text(c, CPU_DIR "cpu%ld/cpuidle/state%d/name",
					      cpu, k)); k++) {
			if (read_long(c, &lat, -1, CPU_DIR "cpu%ld/cpuidle/state%d/latency",
				      cpu, k) ||
			    read_long(c, &off, 1, CPU_DIR "cpu%ld/cpuidle/state%d/disable",
				      cpu, k) ||
			    off || (c->qos >= 0 && lat > c->qos) || lat < deepest)
				continue;
			best = name;
			deepest = lat;
		}
		if (!k)
			add_cpu(c, VX_DOCTOR_INFO, "idle_states", cpu,
				"no cpuidle on {cpus}: idle is the architecture's default (HLT on x86)",
				"boot with idle=poll to keep idle CPUs polling (costs power)");
		else if (!best)
			add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				"{cpus}: every idle state disabled", "");
		else if (!deepest)
			add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				fmt(c, "{cpus}: the deepest idle state allowed is %s (exit latency 0 us)",
				    best), "");
		else
			add_cpu(c, VX_DOCTOR_WARN, "idle_states", cpu,
				fmt(c, "{cpus}: may enter idle state %s (exit latency %ld us)%s",
				    best, deepest, c->qos >= 0 && c->qos < QOS_NONE ?
				    ", within cpu_dma_latency's limit" : ""),
				"cpupower -c {list} idle-set -D 1, or hold /dev/cpu_dma_latency at 0 (see cpu_dma_latency)");
	}
}

static void check_cpu_dma_latency(struct ctx *c)
{
	static const char hold[] = "exec 3<>/dev/cpu_dma_latency; printf '\\000\\000\\000\\000' >&3 (in the shell that measures: held while fd 3 is open), or tuned-adm profile latency-performance";

	if (c->qos < 0)
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    fmt(c, "cannot read /dev/cpu_dma_latency: %s%s",
			strerror(c->qos_err), c->qos_err == EACCES ||
			c->qos_err == EPERM ? " (run doctor as root)" : ""), "");
	else if (!c->qos)
		add(c, VX_DOCTOR_OK, "cpu_dma_latency", NULL,
		    "held at 0 us: no CPU enters an idle state with an exit latency above 0 us",
		    "");
	else if (c->qos >= QOS_NONE)
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    "no request: how deep CPUs idle is cpuidle's choice (see idle_states)",
		    hold);
	else
		add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		    fmt(c, "held at %ld us: idle states with exit latencies up to %ld us may be entered",
			c->qos, c->qos), hold);
}

static void check_rt_throttling(struct ctx *c)
{
	long runtime, period;

	if (read_long(c, &runtime, 0, SYSCTL "sched_rt_runtime_us") ||
	    read_long(c, &period, 0, SYSCTL "sched_rt_period_us"))
		add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		    "cannot read /proc/sys/kernel/sched_rt_runtime_us and sched_rt_period_us",
		    "");
	else if (runtime < 0 || runtime >= period)
		add(c, VX_DOCTOR_OK, "rt_throttling", NULL,
		    fmt(c, "off (sched_rt_runtime_us %ld)", runtime), "");
	else
		add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		    fmt(c, "on: real-time tasks may run %ld us of every %ld us, then wait (SCHED_FIFO/RR ones, as chrt makes; velox's workers are SCHED_OTHER)",
			runtime, period),
		    "sysctl -w kernel.sched_rt_runtime_us=-1");
}

static void check_watchdog(struct ctx *c)
{
	__u64 *mask = set_new(c), *on, *rest;
	long wd, soft, nmi, thresh;
	const char *which;

	if (!mask)
		return;
	/*
	 * "watchdog" turns both off.  Reading soft_watchdog or nmi_watchdog
	 * sets it to what runs (the kernel's "racy snapshot"): while
	 * watchdog is 0 that would forget that the soft one was wanted, so
	 * they are read only while it is 1, where the read changes nothing.
	 */
	read_long(c, &wd, 1, SYSCTL "watchdog");
	soft = nmi = 0;
	if (wd) {
		read_long(c, &soft, 0, SYSCTL "soft_watchdog");
		read_long(c, &nmi, 0, SYSCTL "nmi_watchdog");
	}
	read_long(c, &thresh, 10, SYSCTL "watchdog_thresh");
	if (read_list(c, mask, SYSCTL "watchdog_cpumask"))
		memcpy(mask, c->online, c->size);
	on = set_op(c, c->set, AND, mask);
	rest = set_op(c, mask, ANDNOT, c->set);
	if (!on || !rest)
		return;
	if (!soft && !nmi) {
		add(c, VX_DOCTOR_OK, "watchdog", c->set, "lockup detectors off", "");
		return;
	}
	if (set_empty(c, on)) {
		add(c, VX_DOCTOR_OK, "watchdog", c->set,
		    fmt(c, "lockup detectors on, but not on %s (watchdog_cpumask %s)",
			cpus(c, c->set), list(c, mask)), "");
		return;
	}
	/* The soft one's timer fires every 2/5 of the threshold. */
	which = fmt(c, "%s%s%s", soft ?
		    fmt(c, "soft lockup detector (a timer and the stopper thread every %ld.%ld s)",
			thresh * 2 / 5, thresh * 2 % 5 * 2) : "",
		    soft && nmi ? " and " : "",
		    nmi ? fmt(c, "NMI watchdog (an NMI about every %ld s)", thresh) : "");
	add(c, VX_DOCTOR_WARN, "watchdog", on,
	    fmt(c, "%s on %s", which, cpus(c, on)),
	    fmt(c, "sysctl -w kernel.%s=0 (boot: %s)%s%s",
		soft ? "watchdog" : "nmi_watchdog",
		soft ? "nowatchdog" : "nmi_watchdog=0",
		set_empty(c, rest) ? "" : "; or off these CPUs only: sysctl -w kernel.watchdog_cpumask=",
		set_empty(c, rest) ? "" : list(c, rest)));
}

static void check_timer_migration(struct ctx *c)
{
	__u64 *moved;
	long on;

	if (read_long(c, &on, 0, SYSCTL "timer_migration")) {
		add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		    "no /proc/sys/kernel/timer_migration: this kernel does not move timers",
		    "");
		return;
	}
	if (!on) {
		add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		    "off: timers stay on the CPU that armed them", "");
		return;
	}
	/* Timers move only to housekeeping CPUs: not nohz_full ones. */
	moved = set_op(c, c->set, ANDNOT, c->nohz);
	if (!moved)
		return;
	if (set_empty(c, moved))
		add(c, VX_DOCTOR_OK, "timer_migration", c->set,
		    fmt(c, "on, but %s nohz_full: no timer is moved there",
			cpus(c, c->set)), "");
	else
		add(c, VX_DOCTOR_INFO, "timer_migration", moved,
		    fmt(c, "on: timers armed on idle CPUs may be moved to %s while busy",
			cpus(c, moved)),
		    "sysctl -w kernel.timer_migration=0");
}

/*
 * The kernel's config: /boot/config-<release> as distributions install
 * it, else /proc/config.gz (CONFIG_IKCONFIG_PROC) through gzip -dc; @from
 * says which.  NULL if neither can be read.
 */
static const char *kernel_config(struct ctx *c, const char **from)
{
	static char *const argv[] = { "gzip", "-dc", NULL };
	const char *release = read_text(c, SYSCTL "osrelease"), *text;
	posix_spawn_file_actions_t acts;
	char path[PATH_MAX];
	int pipefd[2], status;
	char *out = NULL;
	pid_t pid;

	if (release) {
		*from = fmt(c, "/boot/config-%s", release);
		text = read_text(c, "%s", *from + 1);
		if (text)
			return text;
	}
	*from = "/proc/config.gz";
	snprintf(path, sizeof(path), "%s%s", c->root, *from);
	if (access(path, R_OK) || pipe2(pipefd, O_CLOEXEC))
		return NULL;
	posix_spawn_file_actions_init(&acts);
	posix_spawn_file_actions_addopen(&acts, 0, path, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&acts, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&acts, 2, "/dev/null", O_WRONLY, 0);
	status = posix_spawnp(&pid, "gzip", &acts, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&acts);
	close(pipefd[1]);
	if (!status) {
		out = read_fd(pipefd[0]);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			free(out);
			out = NULL;
		}
	}
	close(pipefd[0]);
	return out ? keep(c, out) : NULL;
}

/* "CONFIG_@opt=y" is a line of @config. */
static bool config_on(const char *config, const char *opt)
{
	size_t len = strlen(opt);
	const char *p;

	for (p = config; (p = strstr(p, "CONFIG_")); p += 7)
		if ((p == config || p[-1] == '\n') && !strncmp(p + 7, opt, len) &&
		    !strncmp(p + 7 + len, "=y", 2) &&
		    (p[9 + len] == '\n' || !p[9 + len]))
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
	const char *from, *config = kernel_config(c, &from), *found = "";
	char path[PATH_MAX];
	size_t i;

	for (i = 0; config && i < sizeof(debug) / sizeof(debug[0]); i++)
		if (config_on(config, debug[i]))
			found = fmt(c, "%s%s%s", found, *found ? ", " : "", debug[i]);
	/* Lockdep shows itself, config or not (PROVE_LOCKING, LOCK_STAT). */
	snprintf(path, sizeof(path), "%s/proc/lockdep", c->root);
	if (!access(path, F_OK) && !strstr(found, "LOCK"))
		found = fmt(c, "%s%slockdep (/proc/lockdep)", found,
			    *found ? ", " : "");
	if (*found)
		add(c, VX_DOCTOR_WARN, "debug_kernel", NULL,
		    fmt(c, "a debug kernel: %s%s%s%s: its latencies are not the machine's",
			found, config ? " (" : "", config ? from : "",
			config ? ")" : ""),
		    "boot a kernel built without them (the distribution's)");
	else if (config)
		add(c, VX_DOCTOR_OK, "debug_kernel", NULL,
		    fmt(c, "no KASAN, KCSAN, lockdep or other costly debugging (%s)",
			from), "");
	else
		add(c, VX_DOCTOR_INFO, "debug_kernel", NULL,
		    "no lockdep; no kernel config to read (/boot/config-<release>, /proc/config.gz), so KASAN and the like cannot be ruled out",
		    "");
}

/* The largest possible CPU id + 1, from sysfs; 0 if unknown. */
static unsigned long possible_cpus(struct ctx *c)
{
	const char *text = read_text(c, CPU_DIR "possible"), *last;

	if (!text)
		return 0;
	last = strrchr(text, '-');
	if (!last || strrchr(text, ',') > last)
		last = strrchr(text, ',');
	return strtoul(last ? last + 1 : text, NULL, 10) + 1;
}

/* What every check reads: the sets, the command line, the QoS value. */
static void setup(struct ctx *c, const __u64 *set, size_t size)
{
	size_t need = vx_cpu_set_size(possible_cpus(c));
	__u64 *part;
	__s32 qos;
	char path[PATH_MAX];
	int fd;

	c->size = need > size ? need : size ? size : sizeof(__u64);
	c->set = set_new(c);
	c->online = set_new(c);
	c->isolated = set_new(c);
	c->nohz = set_new(c);
	part = set_new(c);
	if (c->oom)
		return;
	memcpy(c->set, set, size);
	/* Without an online list, the CPUs checked are all there is. */
	if (read_list(c, c->online, CPU_DIR "online"))
		memcpy(c->online, c->set, c->size);
	c->others = set_op(c, c->online, ANDNOT, c->set);
	read_list(c, c->isolated, CPU_DIR "isolated");
	/* cgroup v2's isolated partitions (Linux 6.7 on). */
	if (!read_list(c, part, "sys/fs/cgroup/cpuset.cpus.isolated"))
		c->isolated = set_op(c, c->isolated, OR, part);
	c->nohz_known = !read_list(c, c->nohz, CPU_DIR "nohz_full");
	c->cmdline = read_text(c, "proc/cmdline");

	/* Read, not written: the value of every request held, combined. */
	c->qos = -1;
	snprintf(path, sizeof(path), "%s/dev/cpu_dma_latency", c->root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		c->qos_err = errno;
		return;
	}
	if (read(fd, &qos, sizeof(qos)) == sizeof(qos))
		c->qos = qos < 0 ? 0 : qos;
	else
		c->qos_err = EIO;
	close(fd);
}

struct vx_doctor *vx_doctor_check(const char *root, const __u64 *set,
				  size_t size)
{
	static void (*const checks[])(struct ctx *c) = {
		check_isolated, check_nohz_full, check_rcu_nocbs, check_irq,
		check_smt, check_governor, check_idle_states,
		check_cpu_dma_latency, check_rt_throttling, check_watchdog,
		check_timer_migration, check_debug_kernel,
	};
	struct ctx c = { .root = root && strcmp(root, "/") ? root : "" };
	size_t i;

	c.d = calloc(1, sizeof(*c.d));
	c.oom = !c.d;
	if (!c.oom)
		setup(&c, set, size);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]) && !c.oom; i++)
		checks[i](&c);
	if (!c.oom)
		finish(&c);
	for (i = 0; i < c.nkept; i++)
		free(c.kept[i]);
	free(c.kept);
	if (c.oom) {
		vx_doctor_free(c.d);
		vx_err("doctor", "out of memory");
		return NULL;
	}
	return c.d;
}

void vx_doctor_free(struct vx_doctor *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].what);
		free(d->items[i].fix);
		free(d->items[i].cpus);
		free(d->items[i].set);
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

void vx_doctor_print(FILE *out, const struct vx_doctor *d)
{
	size_t i;

	/* The check column as wide as the longest name, cpu_dma_latency. */
	for (i = 0; i < d->n; i++) {
		const struct vx_doctor_finding *f = &d->findings[i];

		fprintf(out, "%-4s  %-15s  %s\n", vx_doctor_level_name(f->level),
			f->check, f->what);
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
	/* No newline: a saved result holds this object inside its own. */
	fputs("]}", out);
}

size_t vx_doctor_warn_summary(const struct vx_doctor *d, char *buf,
			      size_t len)
{
	const char *last = NULL;
	size_t i, n = 0;

	if (len)
		buf[0] = '\0';
	/* A check's findings are together: each name once. */
	for (i = 0; i < d->n; i++) {
		const struct vx_doctor_finding *f = &d->findings[i];

		if (f->level != VX_DOCTOR_WARN || (last && !strcmp(last, f->check)))
			continue;
		last = f->check;
		n += snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			      "%s%s", n ? ", " : "", f->check);
	}
	return n;
}

__u64 *vx_doctor_sysfs_set(const char *root, const char *which,
			   size_t *size)
{
	struct ctx c = { .root = root && strcmp(root, "/") ? root : "" };
	__u64 *set = NULL;
	size_t i;
	int ret;

	c.size = vx_cpu_set_size(possible_cpus(&c));
	if (!c.size)
		c.size = vx_cpu_set_size(sysconf(_SC_NPROCESSORS_CONF) > 0 ?
					 sysconf(_SC_NPROCESSORS_CONF) : 1);
	set = c.oom ? NULL : calloc(1, c.size);
	ret = set ? read_list(&c, set, CPU_DIR "%s", which) : -ENOMEM;
	for (i = 0; i < c.nkept; i++)
		free(c.kept[i]);
	free(c.kept);
	if (ret) {
		vx_err("doctor", "%s/" CPU_DIR "%s: %s", c.root, which,
		       strerror(-ret));
		free(set);
		return NULL;
	}
	*size = c.size;
	return set;
}
