// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile ioctls on /dev/velox: random command numbers, sizes, contents
 * and pointers, while a child process starts and stops the pipeline, and
 * every answer checked against the errnos Documentation/uapi.rst gives
 * for that command.
 *
 * The commands: Velox's five, the same with direction or size bits
 * (another number, so -ENOTTY), their neighbours (nr +-1, another type),
 * Velox's with junk above bit 31 (the syscall takes an unsigned int, so
 * still Velox's), and random 32-bit numbers.  The pointers: good buffers
 * at odd and even addresses, structs that run into a PROT_NONE page or an
 * unmapped one, a read-only page, the read-only stats area, NULL, low
 * addresses, kernel addresses, non-canonical and random ones.  The
 * contents: zeroes, random bytes, a valid struct with a zero or non-zero
 * tail, and a valid config with one field at an edge of its range (for
 * START; for GET_CONFIG only its CPU set's pointer and size, since
 * GET_CONFIG writes there).  A CPU set's pointer is one of the same kinds
 * of address, or a set arena as big as the largest set, then a hole.
 *
 * A run is replayed by its seed: the parent's calls are a function of
 * --seed alone (the answers may differ where the child's START/STOP
 * raced with them).
 *
 * Output is KTAP: a case per command ("answers only documented errnos"),
 * one for the child and one for the state left behind, each preceded by
 * "# " lines counting what came back; the last line is "N passed, N
 * failed", which run.sh (scripts/ktap.sh) counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/velox.h>

#define VELOX_DEV	"/dev/" VELOX_DEVICE_NAME
#define PAGE		4096u
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Default --calls: about 60 s of guest time on the debug kernel (KASAN
 * and lockdep under TCG).  Measured there: ~700 calls/s while the child
 * starts and stops runs, whose threads and their set-up take most of
 * the two vCPUs; ~7000/s with the engine left stopped.  The Debian
 * kernels run the same count faster.
 */
#define DEFAULT_CALLS	40000ul

/* Bad calls printed in full; the rest are only counted. */
#define REPORT_MAX	20

/* errnos are counted per value; anything past the table in its last slot. */
#define ERRNO_SLOTS	520

/* Not in 6.1's headers: the VFS answers them on 6.12 (fs/ioctl.c). */
#ifndef FS_IOC_GETFSUUID
#define FS_IOC_GETFSUUID	_IOR(0x15, 0, struct { __u8 len; __u8 uuid[16]; })
#endif
#ifndef FS_IOC_GETFSSYSFSPATH
#define FS_IOC_GETFSSYSFSPATH	_IOR(0x15, 1, struct { __u8 len; __u8 name[128]; })
#endif

/*
 * Numbers the VFS answers itself before any driver sees them
 * (do_vfs_ioctl() in 6.1 and 6.12): their answers are the VFS's, not
 * Velox's (FIGETBSZ writes to the pointer, FIFREEZE would freeze /dev's
 * filesystem), so the fuzzer never sends them.
 */
static const unsigned int vfs_cmds[] = {
	FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW,
	FS_IOC_FIEMAP, FIGETBSZ, FICLONE, FICLONERANGE, FIDEDUPERANGE,
	FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IOC_FSGETXATTR, FS_IOC_FSSETXATTR,
	FS_IOC_GETFSUUID, FS_IOC_GETFSSYSFSPATH,
};

enum cmd_class {
	CL_GET_INFO,
	CL_START,
	CL_STOP,
	CL_GET_CONFIG,
	CL_RESET_STATS,
	CL_VELOX = CL_RESET_STATS,	/* the last of Velox's own */
	CL_UNKNOWN,
	CL_CLASSES
};

/*
 * What each command may answer, 0 for success, ended by -1: the errnos
 * Documentation/uapi.rst gives for it, less those whose condition cannot
 * hold here:
 * - EPERM: this test runs as root, with CAP_SYS_ADMIN;
 * - EINTR: only for a fatal signal, which kills the caller before it
 *   could see the errno;
 * - STOP and RESET_STATS take no argument, so no pointer can make them
 *   fail, and STOP of a stopped pipeline succeeds;
 * - GET_INFO takes no lock and allocates nothing.
 * START keeps ENOMEM and EOPNOTSUPP: the docs give them for tail capture
 * and snapshots without saying more; GET_CONFIG keeps ENOMEM, which the
 * docs give for the copy of its CPU set, and EOVERFLOW, a default set
 * past CPU 63 asked for without a set (not on a 2-CPU guest).
 */
static const struct velox_cmd {
	const char *name;
	const char *test;
	unsigned int cmd;
	uint32_t size;		/* the kernel's struct; 0: no argument */
	uint32_t min_size;	/* its first version */
	int allowed[8];
} cmds[CL_CLASSES] = {
	[CL_GET_INFO] = {
		"GET_INFO", "get_info_answers_only_documented_errnos",
		VELOX_IOC_GET_INFO, sizeof(struct velox_info),
		offsetof(struct velox_info, max_ring) + sizeof(__u32),
		{ 0, EFAULT, EINVAL, E2BIG, -1 },
	},
	[CL_START] = {
		"START", "start_answers_only_documented_errnos",
		VELOX_IOC_START, sizeof(struct velox_config),
		offsetof(struct velox_config, snapshot_ns) + sizeof(__u64),
		{ 0, EFAULT, EINVAL, E2BIG, EBUSY, ENOMEM, EOPNOTSUPP, -1 },
	},
	[CL_STOP] = {
		"STOP", "stop_answers_only_documented_errnos",
		VELOX_IOC_STOP, 0, 0,
		{ 0, -1 },
	},
	[CL_GET_CONFIG] = {
		"GET_CONFIG", "get_config_answers_only_documented_errnos",
		VELOX_IOC_GET_CONFIG, sizeof(struct velox_config),
		offsetof(struct velox_config, snapshot_ns) + sizeof(__u64),
		{ 0, EFAULT, EINVAL, E2BIG, ENOMEM, EOVERFLOW, -1 },
	},
	[CL_RESET_STATS] = {
		"RESET_STATS", "reset_stats_answers_only_documented_errnos",
		VELOX_IOC_RESET_STATS, 0, 0,
		{ 0, EBUSY, -1 },
	},
	[CL_UNKNOWN] = {
		"unknown", "unknown_commands_are_enotty",
		0, 0, 0,
		{ ENOTTY, -1 },
	},
};

/*
 * The child's calls all have a good pointer and a valid config, so it
 * may see less: START only EBUSY (the parent may have started a run) or
 * ENOMEM, RESET_STATS EBUSY, the others nothing.
 */
static const int child_allowed[CL_CLASSES][4] = {
	[CL_GET_INFO] = { -1 },
	[CL_START] = { 0, EBUSY, ENOMEM, -1 },
	[CL_STOP] = { 0, -1 },
	[CL_GET_CONFIG] = { 0, -1 },
	[CL_RESET_STATS] = { 0, EBUSY, -1 },
	[CL_UNKNOWN] = { -1 },
};

/* Where the argument points; names for the report. */
enum ptr_kind {
	PTR_BUF,		/* writable, 8-byte aligned */
	PTR_BUF_ODD,		/* writable, odd address */
	PTR_INTO_NONE,		/* runs into a PROT_NONE page */
	PTR_INTO_HOLE,		/* runs into an unmapped page */
	PTR_RO,			/* a read-only page holding a valid config */
	PTR_STATS,		/* the read-only stats area of /dev/velox */
	PTR_NULL,
	PTR_LOW,		/* 1 .. 4095 */
	PTR_KERNEL_DIRECT,	/* the direct map, 0xffff888000000000 */
	PTR_KERNEL_TEXT,	/* kernel text, 0xffffffff81000000 */
	PTR_USER_TOP,		/* across the end of user space */
	PTR_NONCANONICAL,
	PTR_RANDOM,
	PTR_KINDS
};

static const char *const ptr_names[PTR_KINDS] = {
	"buffer", "odd buffer", "into PROT_NONE", "into unmapped",
	"read-only page", "stats area", "NULL", "low address",
	"kernel direct map", "kernel text", "end of user space",
	"non-canonical", "random",
};

/* What the fuzzer fills the argument with. */
enum fill_kind {
	FILL_ZERO,		/* all zero but size */
	FILL_RANDOM,		/* random bytes at the start, zero tail */
	FILL_VALID,		/* a valid struct, zero tail */
	FILL_VALID_DIRTY,	/* a valid struct, a non-zero byte in the tail */
	FILL_MUTATED,		/* a valid config, one field at a range edge */
	FILL_KINDS
};

/* What the parent and the child share: a stop flag and the child's counts. */
struct shared {
	volatile int stop;
	unsigned long seen[CL_CLASSES][ERRNO_SLOTS];
	unsigned long bad;
	char first_bad[160];
};

struct fuzz {
	int fd;
	uint64_t rng;
	struct velox_info info;
	struct velox_config defaults;	/* GET_CONFIG at the start */
	const struct velox_stats *stats;
	unsigned char *set;		/* VELOX_CPU_SET_SIZE_MAX bytes, a hole */
	unsigned char *buf;		/* 3 writable pages, then PROT_NONE */
	unsigned char *ro;		/* a read-only page, then a hole */
	unsigned char *edge;		/* a writable page, then a hole */
	unsigned long seen[CL_CLASSES][ERRNO_SLOTS];
	unsigned long bad[CL_CLASSES];		/* not an allowed errno */
	unsigned long bad_size[CL_CLASSES];	/* wrong size written back */
	unsigned long reported;
	unsigned long ptr_calls[PTR_KINDS];
	double ptr_ns[PTR_KINDS];
};

/* One call, as the report prints it. */
struct call {
	unsigned long n;
	unsigned long cmd;
	enum cmd_class cls;
	enum ptr_kind ptr;
	enum fill_kind fill;
	unsigned char *arg;
	uint32_t size;		/* the size field, where one was written */
	bool writable;		/* arg points into our writable pages */
};

/* splitmix64: small, good enough, and the same on every libc. */
static uint64_t rnd(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(struct fuzz *f, uint32_t n)
{
	return (uint32_t)(rnd(f) % n);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "success";
	case EPERM: return "EPERM";
	case EINTR: return "EINTR";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOTTY: return "ENOTTY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case ENXIO: return "ENXIO";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EBADF: return "EBADF";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EOVERFLOW: return "EOVERFLOW";
	/* Kernel-internal codes that must never reach userspace. */
	case 512: return "ERESTARTSYS(512)";
	case 515: return "ENOIOCTLCMD(515)";
	default: return NULL;
	}
}

/* An errno as the report prints it. */
static const char *errstr(int err)
{
	const char *name = errno_name(err);

	return name ? name : strerror(err);
}

static int errno_slot(int err)
{
	return err >= 0 && err < ERRNO_SLOTS - 1 ? err : ERRNO_SLOTS - 1;
}

static bool in_list(const int *list, int err)
{
	for (; *list != -1; list++)
		if (*list == err)
			return true;
	return false;
}

static void print_list(FILE *out, const int *list)
{
	for (; *list != -1; list++)
		fprintf(out, " %s", errno_name(*list));
}

static bool is_vfs_cmd(unsigned int cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(vfs_cmds); i++)
		if (vfs_cmds[i] == cmd)
			return true;
	return false;
}

/* Velox's class of @cmd: what the kernel sees is its low 32 bits. */
static enum cmd_class classify(unsigned long cmd)
{
	for (int c = 0; c <= CL_VELOX; c++)
		if (cmds[c].cmd == (unsigned int)cmd)
			return c;
	return CL_UNKNOWN;
}

/*
 * A command number: Velox's (a third), Velox's with direction or size
 * bits, a neighbour, Velox's with junk in the high half, or random.
 */
static unsigned long pick_cmd(struct fuzz *f)
{
	const unsigned int own = cmds[rnd_below(f, CL_VELOX + 1)].cmd;
	unsigned long cmd;

	do {
		unsigned int dir = rnd_below(f, 4), size = 0;

		switch (rnd_below(f, 10)) {
		case 0: case 1: case 2:
			cmd = own;
			break;
		case 3:
			/* Another number: "the numbers carry no size". */
			if (rnd_below(f, 2))
				size = rnd_below(f, 2) ?
					sizeof(struct velox_config) :
					rnd_below(f, 1u << _IOC_SIZEBITS);
			if (!dir && !size)
				dir = 1 + rnd_below(f, 3);
			cmd = _IOC(dir, VELOX_IOC_TYPE, _IOC_NR(own), size);
			break;
		case 4:
			/* Just outside the table, or anywhere in our type. */
			cmd = _IO(VELOX_IOC_TYPE, rnd_below(f, 2) ?
				  VELOX_CMD_BASE - 1 : VELOX_CMD_RESET_STATS + 1);
			if (rnd_below(f, 2))
				cmd = _IO(VELOX_IOC_TYPE, rnd_below(f, 256));
			break;
		case 5:
			/* Our numbers in a neighbouring or any other type. */
			cmd = _IO(rnd_below(f, 2) ? VELOX_IOC_TYPE + 1 :
						    VELOX_IOC_TYPE - 1,
				  _IOC_NR(own));
			if (rnd_below(f, 2))
				cmd = _IOC(dir, rnd_below(f, 256), _IOC_NR(own), 0);
			break;
		case 6:
			/* The syscall truncates to unsigned int: still ours. */
			cmd = (rnd(f) << 32) | own;
			break;
		default:
			cmd = rnd(f);
			if (rnd_below(f, 2))
				cmd = (uint32_t)cmd;
			break;
		}
	} while (is_vfs_cmd((unsigned int)cmd));
	return cmd;
}

/* The size field: the edges the kernel checks, or anything up to 2 pages. */
static uint32_t pick_size(struct fuzz *f, enum cmd_class cls)
{
	uint32_t ksize = cmds[cls].size ? cmds[cls].size :
					  sizeof(struct velox_config);
	uint32_t min = cmds[cls].min_size ? cmds[cls].min_size : ksize;

	switch (rnd_below(f, 16)) {
	case 0: return 0;
	case 1: return 1 + rnd_below(f, 4);
	case 2: return min - 1;
	case 3: return min;
	case 4: case 5: case 6: return ksize;
	case 7: return ksize - 1;
	case 8: return ksize + 1 + rnd_below(f, 64);
	case 9: return PAGE - 1 + rnd_below(f, 3);
	case 10: return 2 * PAGE;
	case 11: return (uint32_t)rnd(f);
	default: return rnd_below(f, 2 * PAGE + 1);
	}
}

/*
 * A CPU set's pointer: mostly the set arena (a set naming CPU 0, or what
 * GET_CONFIG last wrote there), or its end running into the hole after
 * it; else a page we cannot write, or no page at all.
 */
static uint64_t pick_set_ptr(struct fuzz *f)
{
	switch (rnd_below(f, 10)) {
	case 0: case 1: case 2: case 3:
		return (uintptr_t)f->set;
	case 4:
		return (uintptr_t)(f->set + VELOX_CPU_SET_SIZE_MAX -
				   8 * rnd_below(f, 4));
	case 5:
		return (uintptr_t)f->ro;
	case 6:
		return (uintptr_t)f->stats + 8 * rnd_below(f, 512);
	case 7:
		return rnd_below(f, PAGE);
	case 8:
		return 0xffff888000000000ull + 8 * rnd_below(f, 1u << 17);
	default:
		return rnd(f);
	}
}

/* A CPU set's size: the machine's, its neighbours, the uapi's edges. */
static uint32_t pick_set_size(struct fuzz *f)
{
	uint32_t own = f->info.cpu_set_size;

	switch (rnd_below(f, 10)) {
	case 0: return 0;
	case 1: return 8;
	case 2: case 3: return own;
	case 4: return own + 8 * rnd_below(f, 4);
	case 5: return own > 8 ? own - 8 : own + 1 + rnd_below(f, 7);
	case 6: return own + 1 + rnd_below(f, 7);
	case 7: return VELOX_CPU_SET_SIZE_MAX + 8 * rnd_below(f, 2);
	case 8: return rnd_below(f, VELOX_CPU_SET_SIZE_MAX + 1);
	default: return (uint32_t)rnd(f);
	}
}

/* The CPU set of @c, a valid config, set to pointers and sizes as above. */
static void mutate_set(struct fuzz *f, struct velox_config *c)
{
	if (rnd_below(f, 2))
		c->cpu_set = pick_set_ptr(f);
	if (rnd_below(f, 2))
		c->cpu_set_size = pick_set_size(f);
	/* Mostly alone, as a caller of sets passes them. */
	if (c->cpu_set_size && rnd_below(f, 4))
		c->cpus = 0;
}

/* One field of a valid config set to an edge of its range, or past it. */
static void mutate_config(struct fuzz *f, struct velox_config *c)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4, 15, 16, 17, 64, 65, 65535, 65536, 65537,
		1000000, 1000001, 10000000, 10000001, 0xffffffffu,
		60000000000ull, 60000000001ull, ~0ull,
	};
	uint64_t v = rnd_below(f, 4) ? edges[rnd_below(f, ARRAY_SIZE(edges))] :
				       rnd(f);

	/*
	 * Not snapshot_ns: a valid one makes START allocate the ftrace
	 * snapshot buffer, whose allocator WARNs when it fails (uapi.rst),
	 * and it stays allocated after the test.
	 */
	switch (rnd_below(f, 16)) {
	case 0: c->lanes = v; break;
	case 1: c->rate = v; break;
	case 2: c->bundle = v; break;
	case 3: c->flush_us = v; break;
	case 4: c->ring = v; break;
	case 5: c->sample = v; break;
	case 6: c->spin_us = v; break;
	case 7: c->backoff = v; break;
	case 8: c->policy = v; break;
	case 9: c->threads = v; break;
	case 10: c->__reserved0 = v; break;
	case 11: c->seed = v; break;
	case 12: c->cpus = v & (rnd_below(f, 2) ? 0x3 : ~0ull); break;
	case 13: mutate_set(f, c); break;
	default:
		/* Tail capture: hooks tracepoints, so keep it rare-ish. */
		c->tail_ns = v;
		break;
	}
}

/*
 * Fill the @len bytes at @p that the kernel may read (all of them
 * writable by us), then write the size field if it fits.
 */
static void fill_arg(struct fuzz *f, struct call *c, unsigned char *p,
		     uint32_t len)
{
	struct velox_config cfg = f->defaults;
	uint32_t n;

	memset(p, 0, len);
	switch (c->fill) {
	case FILL_ZERO:
		break;
	case FILL_RANDOM:
		/* Random at the start; filling pages of it costs too much. */
		n = len < 256 ? len : 256;
		for (uint32_t i = 0; i < n; i += 8) {
			uint64_t r = rnd(f);

			memcpy(p + i, &r, n - i < 8 ? n - i : 8);
		}
		break;
	case FILL_MUTATED:
		if (c->cls == CL_GET_CONFIG) {
			mutate_set(f, &cfg);
		} else {
			mutate_config(f, &cfg);
			if (rnd_below(f, 3) == 0)
				mutate_config(f, &cfg);
		}
		/* fall through */
	case FILL_VALID:
	case FILL_VALID_DIRTY:
		memcpy(p, &cfg, len < sizeof(cfg) ? len : sizeof(cfg));
		if (c->fill == FILL_VALID_DIRTY && len > sizeof(cfg))
			p[sizeof(cfg) + rnd_below(f, len - sizeof(cfg))] =
				1 + rnd_below(f, 255);
		break;
	case FILL_KINDS:
		break;
	}
	if (len >= sizeof(c->size))
		memcpy(p, &c->size, sizeof(c->size));
}

/* The argument: a pointer of some kind, and what it points to. */
static void pick_arg(struct fuzz *f, struct call *c)
{
	/* The bytes the kernel may look at: up to the size, 2 pages at most. */
	uint32_t len = c->size < 4 ? 4 : c->size > 2 * PAGE ? 2 * PAGE : c->size;
	uint32_t k;

	c->ptr = rnd_below(f, 3) ? PTR_BUF + rnd_below(f, 4) :
				   rnd_below(f, PTR_KINDS);
	c->fill = rnd_below(f, FILL_KINDS);
	if (c->fill == FILL_MUTATED && c->cls != CL_START &&
	    c->cls != CL_GET_CONFIG)
		c->fill = FILL_VALID;
	c->writable = c->ptr <= PTR_INTO_HOLE;
	switch (c->ptr) {
	case PTR_BUF:
		c->arg = f->buf + 8 * rnd_below(f, PAGE / 8);
		fill_arg(f, c, c->arg, len);
		break;
	case PTR_BUF_ODD:
		c->arg = f->buf + 1 + 2 * rnd_below(f, PAGE / 2);
		fill_arg(f, c, c->arg, len);
		break;
	case PTR_INTO_NONE:
		/* The last k bytes in the PROT_NONE page: the size field too, at times. */
		k = 1 + rnd_below(f, len < 64 || rnd_below(f, 2) ? len : 64);
		c->arg = f->buf + 3 * PAGE - len + k;
		fill_arg(f, c, c->arg, len - k);
		break;
	case PTR_INTO_HOLE:
		if (len > PAGE)
			len = PAGE;
		k = 1 + rnd_below(f, len < 64 || rnd_below(f, 2) ? len : 64);
		c->arg = f->edge + PAGE - len + k;
		fill_arg(f, c, c->arg, len - k);
		break;
	case PTR_RO:
		/* A valid config at 0 (START would run it), else anywhere. */
		c->arg = f->ro + (rnd_below(f, 2) ? 0 : rnd_below(f, PAGE));
		break;
	case PTR_STATS:
		c->arg = (unsigned char *)f->stats +
			 rnd_below(f, f->info.stats_size);
		break;
	case PTR_NULL:
		c->arg = NULL;
		break;
	case PTR_LOW:
		c->arg = (unsigned char *)(uintptr_t)(1 + rnd_below(f, PAGE - 1));
		break;
	case PTR_KERNEL_DIRECT:
		c->arg = (unsigned char *)(0xffff888000000000ull +
					   rnd_below(f, 1u << 20));
		break;
	case PTR_KERNEL_TEXT:
		c->arg = (unsigned char *)(0xffffffff81000000ull +
					   rnd_below(f, 1u << 20));
		break;
	case PTR_USER_TOP:
		c->arg = (unsigned char *)(0x7ffffffff000ull - rnd_below(f, 64));
		break;
	case PTR_NONCANONICAL:
		c->arg = (unsigned char *)(0x8000000000000000ull ^
					   (rnd(f) & 0x7fffffffffffull));
		break;
	default:
		c->arg = (unsigned char *)(uintptr_t)rnd(f);
		break;
	}
}

/* A bad answer: the call, what came, and what the uapi allows. */
static void report_bad(struct fuzz *f, const struct call *c, int err,
		       const char *why)
{
	char size[32] = "size not ours to write";

	if (f->reported++ >= REPORT_MAX)
		return;
	if (c->writable)
		snprintf(size, sizeof(size), "size %u", c->size);
	printf("# call %lu: %s (cmd %#lx) arg %p (%s, %s): got %s, %s",
	       c->n, cmds[c->cls].name, c->cmd, (void *)c->arg,
	       ptr_names[c->ptr], size, errstr(err), why);
	if (!strcmp(why, "expected one of"))
		print_list(stdout, cmds[c->cls].allowed);
	printf("\n");
}

static void one_call(struct fuzz *f, unsigned long n)
{
	struct call c = { .n = n };
	double t0;
	int err;

	c.cmd = pick_cmd(f);
	c.cls = classify(c.cmd);
	c.size = pick_size(f, c.cls);
	pick_arg(f, &c);

	t0 = now_ns();
	err = ioctl(f->fd, c.cmd, c.arg) ? errno : 0;
	f->ptr_ns[c.ptr] += now_ns() - t0;
	f->ptr_calls[c.ptr]++;

	f->seen[c.cls][errno_slot(err)]++;
	if (!in_list(cmds[c.cls].allowed, err)) {
		f->bad[c.cls]++;
		report_bad(f, &c, err, "expected one of");
		return;
	}
	/* On success, size says what the kernel wrote: min(ours, its). */
	if (!err && cmds[c.cls].size && c.writable) {
		uint32_t want = c.size < cmds[c.cls].size ? c.size :
							    cmds[c.cls].size;
		uint32_t got;

		memcpy(&got, c.arg, sizeof(got));
		if (got != want) {
			f->bad_size[c.cls]++;
			report_bad(f, &c, err, "but size written back is not min(caller's, kernel's)");
		}
	}
}

/*
 * The child: START with the config GET_CONFIG gives, STOP, RESET_STATS,
 * over and over, until the parent says stop; then a last STOP, so the
 * engine is left stopped.  Counts go to @sh.
 */
static int child_call(struct shared *sh, int fd, enum cmd_class cls, void *arg)
{
	int err = ioctl(fd, cmds[cls].cmd, arg) ? errno : 0;

	sh->seen[cls][errno_slot(err)]++;
	if (!in_list(child_allowed[cls], err) && !sh->bad++)
		snprintf(sh->first_bad, sizeof(sh->first_bad),
			 "child: %s got %s", cmds[cls].name, errstr(err));
	return err;
}

static void child_loop(struct shared *sh, int fd, uint64_t seed)
{
	struct velox_config cfg;

	/* At least one round, however short the parent's run. */
	do {
		/* Up to 1 ms running, so the parent's calls meet both states. */
		struct timespec pause;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		pause = (struct timespec){ .tv_nsec = seed >> 44 };
		memset(&cfg, 0, sizeof(cfg));
		cfg.size = sizeof(cfg);
		if (child_call(sh, fd, CL_GET_CONFIG, &cfg))
			continue;
		child_call(sh, fd, CL_START, &cfg);
		nanosleep(&pause, NULL);
		child_call(sh, fd, CL_STOP, NULL);
		child_call(sh, fd, CL_RESET_STATS, NULL);
	} while (!sh->stop);
	child_call(sh, fd, CL_STOP, NULL);
}

static void print_seen(const char *who, const unsigned long seen[ERRNO_SLOTS])
{
	char line[512];
	int len = 0;

	for (int e = 0; e < ERRNO_SLOTS; e++) {
		if (!seen[e])
			continue;
		if (errno_name(e))
			len += snprintf(line + len, sizeof(line) - len, " %s %lu",
					errno_name(e), seen[e]);
		else
			len += snprintf(line + len, sizeof(line) - len,
					" errno%s%d %lu",
					e == ERRNO_SLOTS - 1 ? ">=" : "", e,
					seen[e]);
		if (len >= (int)sizeof(line))
			break;
	}
	printf("# %s:%s\n", who, len ? line : " no calls");
}

static int ktap_nr, ktap_passed, ktap_failed;

static void ktap_result(bool ok, const char *name)
{
	ktap_nr++;
	if (ok)
		ktap_passed++;
	else
		ktap_failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", ktap_nr, name);
}

/* The state in the stats area, read in the seqcount loop. */
static int stats_state(const struct velox_stats *area)
{
	for (int tries = 0; tries < 100000; tries++) {
		uint32_t seq = __atomic_load_n(&area->seq, __ATOMIC_ACQUIRE);
		uint32_t state = __atomic_load_n(&area->state, __ATOMIC_RELAXED);

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (!(seq & 1) && __atomic_load_n(&area->seq, __ATOMIC_RELAXED) == seq)
			return state;
		usleep(100);
	}
	return -1;
}

/*
 * The pages the pointers point into: 3 writable, PROT_NONE, read-only
 * (a valid config at its start), a hole, writable, a hole.  Mapped as
 * one PROT_NONE reservation so nothing else lands in the holes.
 */
static int map_arena(struct fuzz *f)
{
	unsigned char *a = mmap(NULL, 8 * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		return -1;
	f->buf = a;
	f->ro = a + 4 * PAGE;
	f->edge = a + 6 * PAGE;
	if (mprotect(f->buf, 3 * PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(f->ro, PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(f->edge, PAGE, PROT_READ | PROT_WRITE))
		return -1;
	memcpy(f->ro, &f->defaults, sizeof(f->defaults));
	if (mprotect(f->ro, PAGE, PROT_READ) ||
	    munmap(a + 5 * PAGE, PAGE) || munmap(a + 7 * PAGE, PAGE))
		return -1;
	return 0;
}

/*
 * The set arena: the largest CPU set a caller may pass, naming CPU 0,
 * then a hole, so that no set GET_CONFIG writes runs into other memory.
 */
static int map_set_arena(struct fuzz *f)
{
	unsigned char *a = mmap(NULL, VELOX_CPU_SET_SIZE_MAX + PAGE,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		return -1;
	if (munmap(a + VELOX_CPU_SET_SIZE_MAX, PAGE))
		return -1;
	a[0] = 1;
	f->set = a;
	return 0;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--seed N] [--calls N]\n"
		"\n"
		"Random and hostile ioctls on %s (velox.ko loaded, as root)\n"
		"while a child starts and stops the pipeline; every answer\n"
		"must be an errno Documentation/uapi.rst gives for the command.\n"
		"\n"
		"  --seed N    seed of the calls (default: from the time);\n"
		"              a failing run prints its seed to replay it\n"
		"  --calls N   ioctls to make (default %lu, about 60 s on the\n"
		"              debug kernel under TCG)\n"
		"  --help      this text\n",
		prog, VELOX_DEV, DEFAULT_CALLS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct fuzz f;
	unsigned long calls = DEFAULT_CALLS;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct shared *sh;
	double t0, secs;
	int opt, status, err;
	pid_t child;
	char *end;
	bool ok;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "ioctl_fuzz_test: --seed %s: not a number\n", optarg);
				return 2;
			}
			break;
		case 'n':
			calls = strtoul(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "ioctl_fuzz_test: --calls %s: not a number\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	/* The child prints nothing; a fork with a full stdout buffer would. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n");
	printf("# seed %llu (replay: %s --seed %llu --calls %lu)\n",
	       (unsigned long long)seed, argv[0], (unsigned long long)seed,
	       calls);
	f.rng = seed;
	f.fd = open(VELOX_DEV, O_RDWR | O_CLOEXEC);
	if (f.fd < 0) {
		/* Run as root with velox.ko loaded (run.sh): a skip is a failure there. */
		printf("1..0 # SKIP open %s: %s\n", VELOX_DEV, strerror(errno));
		return 4;
	}
	f.info.size = sizeof(f.info);
	f.defaults.size = sizeof(f.defaults);
	if (ioctl(f.fd, VELOX_IOC_STOP) ||
	    ioctl(f.fd, VELOX_IOC_GET_INFO, &f.info) ||
	    ioctl(f.fd, VELOX_IOC_GET_CONFIG, &f.defaults)) {
		printf("Bail out! STOP, GET_INFO or GET_CONFIG: %s\n", strerror(errno));
		return 1;
	}
	f.stats = mmap(NULL, f.info.stats_size, PROT_READ, MAP_SHARED, f.fd, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f.stats == MAP_FAILED || sh == MAP_FAILED || map_arena(&f) ||
	    map_set_arena(&f)) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}

	printf("1..%d\n", CL_CLASSES + 2);
	fflush(stdout);
	child = fork();
	if (child < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		child_loop(sh, f.fd, seed ^ 0x5eed);
		_exit(sh->bad ? 1 : 0);
	}

	t0 = now_ns();
	for (unsigned long n = 0; n < calls; n++)
		one_call(&f, n);
	secs = (now_ns() - t0) / 1e9;

	sh->stop = 1;
	if (waitpid(child, &status, 0) != child)
		status = -1;

	printf("# %lu calls in %.1f s: %.0f calls/s\n", calls, secs,
	       secs > 0 ? calls / secs : 0);
	for (int p = 0; p < PTR_KINDS; p++)
		if (f.ptr_calls[p])
			printf("# pointer %s: %lu calls, %.1f us each\n",
			       ptr_names[p], f.ptr_calls[p],
			       f.ptr_ns[p] / f.ptr_calls[p] / 1e3);
	for (int c = 0; c < CL_CLASSES; c++) {
		printf("# %s allowed:", cmds[c].name);
		print_list(stdout, cmds[c].allowed);
		printf("\n");
		print_seen(cmds[c].name, f.seen[c]);
		if (f.bad_size[c])
			printf("# %s: %lu successes wrote back a wrong size\n",
			       cmds[c].name, f.bad_size[c]);
		ktap_result(!f.bad[c] && !f.bad_size[c], cmds[c].test);
	}

	for (int c = 0; c <= CL_VELOX; c++) {
		char who[32];

		if (c == CL_GET_INFO)
			continue;
		snprintf(who, sizeof(who), "child %s", cmds[c].name);
		print_seen(who, sh->seen[c]);
	}
	if (sh->bad)
		printf("# %s (%lu such calls)\n", sh->first_bad, sh->bad);
	printf("# the child started %lu runs\n", sh->seen[CL_START][0]);
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && !sh->bad;
	if (!ok)
		printf("# the child: exit status %#x, %lu bad answers; expected 0 and 0\n",
		       status, sh->bad);
	ktap_result(ok, "concurrent_start_stop_answers_only_documented_errnos");

	/* Whatever the fuzz started, STOP leaves it stopped. */
	err = ioctl(f.fd, VELOX_IOC_STOP) ? errno : 0;
	ok = !err && stats_state(f.stats) == VELOX_STATE_STOPPED;
	if (!ok)
		printf("# STOP at the end: expected success and state stopped, got %s and state %d\n",
		       errstr(err), stats_state(f.stats));
	ktap_result(ok, "engine_is_stopped_at_the_end");

	if (ktap_failed)
		printf("# failed: replay with --seed %llu --calls %lu\n",
		       (unsigned long long)seed, calls);
	printf("%d passed, %d failed\n", ktap_passed, ktap_failed);
	return ktap_failed ? 1 : 0;
}
