// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox doctor: what on this machine spoils a latency measurement on
 * some CPUs, read from procfs, sysfs, /dev/cpu_dma_latency and the
 * kernel's config, each finding with the command or boot parameter that
 * fixes it (doctor.h lists the checks and their levels).  This file is
 * the machinery the checks (doctor_checks.c) share, and the interface.
 *
 * Every path is taken under a root, so that a test can be a machine made
 * of files.  What a check reads or formats lives until the checks end
 * (dr_keep()), so the checks read as what they look at; running out of
 * memory is remembered and said once.  A check that looks at each CPU
 * on its own adds one finding per CPU and dr_add_cpu() merges equal ones,
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
#include "doctor_int.h"

/* Memory that lives until the checks end; NULL if out of memory. */
void *dr_keep(struct dr_ctx *c, void *p)
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
const char *dr_fmt(struct dr_ctx *c, const char *f, ...)
{
	const char *s;
	char *p;
	va_list ap;
	int n;

	va_start(ap, f);
	n = vasprintf(&p, f, ap);
	va_end(ap);
	s = dr_keep(c, n < 0 ? NULL : p);
	return s ? s : "";
}

/* Sets: @c->size bytes, bit n % 64 of word n / 64 is CPU n. */

__u64 *dr_set_new(struct dr_ctx *c)
{
	return dr_keep(c, calloc(1, c->size));
}

bool dr_has_cpu(const struct dr_ctx *c, const __u64 *s, long cpu)
{
	return cpu >= 0 && (size_t)cpu < c->size * 8 &&
	       (s[cpu / 64] >> (cpu % 64) & 1);
}

long dr_next_cpu(const struct dr_ctx *c, const __u64 *s, long from)
{
	for (; (size_t)from < c->size * 8; from++)
		if (dr_has_cpu(c, s, from))
			return from;
	return -1;
}

bool dr_set_empty(const struct dr_ctx *c, const __u64 *s)
{
	return dr_next_cpu(c, s, 0) < 0;
}

/* @a OP @b, a new set. */
__u64 *dr_set_op(struct dr_ctx *c, const __u64 *a, enum dr_set_op op,
		 const __u64 *b)
{
	__u64 *s = dr_set_new(c);
	size_t i;

	for (i = 0; s && i < c->size / 8; i++)
		s[i] = op == SET_AND ? a[i] & b[i] : op == SET_OR ? a[i] | b[i] :
		       a[i] & ~b[i];
	return s;
}

/* "0-1": a set's cpulist, kept. */
const char *dr_list(struct dr_ctx *c, const __u64 *s)
{
	const char *l = dr_keep(c, vx_cpulist(s, c->size));

	return l ? l : "";
}

/* "CPU 1" or "CPUs 0-1". */
const char *dr_cpus(struct dr_ctx *c, const __u64 *s)
{
	return dr_fmt(c, "CPU%s %s", vx_cpu_set_count(s, c->size) == 1 ? "" : "s",
		      dr_list(c, s));
}

/* Files, each under the root. */

char *dr_read_fd(int fd)
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
static char *vread_file(struct dr_ctx *c, const char *f, va_list ap)
{
	char path[PATH_MAX], *text;
	int n, fd, err;
	size_t len;

	n = snprintf(path, sizeof(path), "%s/", c->root);
	vsnprintf(path + n, sizeof(path) - n, f, ap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	text = dr_read_fd(fd);
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
const char *dr_read_text(struct dr_ctx *c, const char *f, ...)
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
	text = dr_keep(c, text);
	errno = err;
	return text;
}

/* A cpulist into @s; "" and "(null)" (no mask at all) are empty. */
int dr_parse_list(struct dr_ctx *c, const char *text, __u64 *s)
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
int dr_read_list(struct dr_ctx *c, __u64 *s, const char *f, ...)
{
	char *text;
	va_list ap;
	int ret;

	va_start(ap, f);
	text = vread_file(c, f, ap);
	va_end(ap);
	if (!text)
		return -errno;
	ret = dr_parse_list(c, text, s);
	free(text);
	return ret;
}

/* A file holding one integer into @v, else @v = @missing; 0 or -1. */
__attribute__((format(printf, 4, 5)))
int dr_read_long(struct dr_ctx *c, long *v, long missing, const char *f, ...)
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
const char *dr_cmdline_param(struct dr_ctx *c, const char *name)
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
		return dr_fmt(c, "%.*s", (int)flen - 2, found + 1);
	return dr_fmt(c, "%.*s", (int)flen, found);
}

/* Findings. */

struct dr_item *dr_add(struct dr_ctx *c, enum vx_doctor_level level,
		       const char *check, const __u64 *set, const char *what,
			const char *fix)
{
	struct vx_doctor *d = c->d;
	struct dr_item it = { .f = { .level = level, .check = check } };

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct dr_item *more = realloc(d->items, cap * sizeof(*more));

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
void dr_add_cpu(struct dr_ctx *c, enum vx_doctor_level level,
		const char *check, long cpu, const char *what,
		    const char *fix)
{
	struct dr_item *it;
	size_t i;

	for (i = 0; i < c->d->n; i++) {
		it = &c->d->items[i];
		if (it->per_cpu && it->f.check == check && it->f.level == level &&
		    !strcmp(it->what, what) && !strcmp(it->fix, fix))
			break;
	}
	it = i < c->d->n ? &c->d->items[i] :
	     dr_add(c, level, check, dr_set_new(c), what, fix);
	if (!it || !it->set)
		return;
	it->per_cpu = true;
	it->set[cpu / 64] |= 1ull << (cpu % 64);
}

/* @s with "{cpus}" and "{list}" for @set's CPUs, to free(). */
static char *expand(struct dr_ctx *c, const char *s, const __u64 *set)
{
	const char *words = dr_cpus(c, set), *l = dr_list(c, set), *p = s, *w, *tok;
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
static void finish(struct dr_ctx *c)
{
	struct vx_doctor *d = c->d;
	struct dr_item *it;
	size_t i;

	d->cpus = strdup(dr_list(c, c->set));
	d->findings = calloc(d->n + 1, sizeof(*d->findings));
	c->oom |= !d->cpus || !d->findings;
	for (i = 0; i < d->n && !c->oom; i++) {
		it = &d->items[i];
		it->cpus = strdup(it->set ? dr_list(c, it->set) : "");
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

/* The largest possible CPU id + 1, from sysfs; 0 if unknown. */
static unsigned long possible_cpus(struct dr_ctx *c)
{
	const char *text = dr_read_text(c, CPU_DIR "possible"), *last;

	if (!text)
		return 0;
	last = strrchr(text, '-');
	if (!last || strrchr(text, ',') > last)
		last = strrchr(text, ',');
	return strtoul(last ? last + 1 : text, NULL, 10) + 1;
}

/* What every check reads: the sets, the command line, the QoS value. */
static void setup(struct dr_ctx *c, const __u64 *set, size_t size)
{
	size_t need = vx_cpu_set_size(possible_cpus(c));
	__u64 *part;
	__s32 qos;
	char path[PATH_MAX];
	int fd;

	c->size = need > size ? need : size ? size : sizeof(__u64);
	c->set = dr_set_new(c);
	c->online = dr_set_new(c);
	c->isolated = dr_set_new(c);
	c->nohz = dr_set_new(c);
	part = dr_set_new(c);
	if (c->oom)
		return;
	memcpy(c->set, set, size);
	/* Without an online list, the CPUs checked are all there is. */
	if (dr_read_list(c, c->online, CPU_DIR "online"))
		memcpy(c->online, c->set, c->size);
	c->others = dr_set_op(c, c->online, SET_ANDNOT, c->set);
	dr_read_list(c, c->isolated, CPU_DIR "isolated");
	/* cgroup v2's isolated partitions (Linux 6.7 on). */
	if (!dr_read_list(c, part, "sys/fs/cgroup/cpuset.cpus.isolated"))
		c->isolated = dr_set_op(c, c->isolated, SET_OR, part);
	c->nohz_known = !dr_read_list(c, c->nohz, CPU_DIR "nohz_full");
	c->cmdline = dr_read_text(c, "proc/cmdline");

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
	static void (*const checks[])(struct dr_ctx *c) = {
		dr_check_isolated, dr_check_nohz_full, dr_check_rcu_nocbs, dr_check_irq,
		dr_check_smt, dr_check_governor, dr_check_idle_states,
		dr_check_cpu_dma_latency, dr_check_rt_throttling, dr_check_watchdog,
		dr_check_timer_migration, dr_check_debug_kernel,
	};
	struct dr_ctx c = { .root = root && strcmp(root, "/") ? root : "" };
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
	struct dr_ctx c = { .root = root && strcmp(root, "/") ? root : "" };
	__u64 *set = NULL;
	size_t i;
	int ret;

	c.size = vx_cpu_set_size(possible_cpus(&c));
	if (!c.size)
		c.size = vx_cpu_set_size(sysconf(_SC_NPROCESSORS_CONF) > 0 ?
					 sysconf(_SC_NPROCESSORS_CONF) : 1);
	set = c.oom ? NULL : calloc(1, c.size);
	ret = set ? dr_read_list(&c, set, CPU_DIR "%s", which) : -ENOMEM;
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
