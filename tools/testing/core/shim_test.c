// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace shim (tools/lib) must mean what the kernel means, or every
 * userspace result about module/core is worthless.  Run under TSan, the
 * message-passing case fails if smp_store_release/smp_load_acquire lost
 * their ordering; under ASan+UBSan it checks the values.
 */
#include <pthread.h>
#include <stddef.h>
#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "kselftest.h"

static bool fls_family_matches_kernel(void)
{
	bool ok = fls(0) == 0 && fls(1) == 1 && fls(0x80000000u) == 32 &&
		  fls64(0) == 0 && __fls(1) == 0 && __fls(~0ul) == 63;

	for (int k = 0; k < 64; k++) {
		u64 bit = 1ull << k;

		if (fls64(bit) != k + 1 || fls64(bit | (bit - 1)) != k + 1 ||
		    (int)__fls(bit) != k) {
			ksft_print_msg("fls64/__fls wrong at bit %d\n", k);
			ok = false;
		}
	}
	return ok;
}

struct two_lines {
	u64 a ____cacheline_aligned_in_smp;
	u64 b ____cacheline_aligned_in_smp;
};

static bool cacheline_aligned_members_do_not_share_a_line(void)
{
	BUILD_BUG_ON(SMP_CACHE_BYTES != 64);
	return offsetof(struct two_lines, b) - offsetof(struct two_lines, a) >=
		       SMP_CACHE_BYTES &&
	       _Alignof(struct two_lines) == SMP_CACHE_BYTES;
}

/*
 * Ping-pong through one slot: plain data published with a release store
 * of a sequence number, taken after an acquire load of it; the reader
 * hands the slot back the same way.  Under TSan the plain accesses to
 * @payload race unless release/acquire order them.
 */
#define ROUNDS 200000

static struct {
	u64 payload[4];
	u64 seq ____cacheline_aligned_in_smp;
	u64 ack ____cacheline_aligned_in_smp;
	u64 errors;
} mp;

static void *mp_reader(void *unused)
{
	for (u64 i = 1; i <= ROUNDS; i++) {
		while (smp_load_acquire(&mp.seq) != i)
			cpu_relax();
		for (int w = 0; w < 4; w++)
			if (mp.payload[w] != i * 4 + w)
				mp.errors++;
		smp_store_release(&mp.ack, i);
	}
	return unused;
}

static bool release_acquire_publishes_plain_data(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, mp_reader, NULL))
		return false;
	for (u64 i = 1; i <= ROUNDS; i++) {
		while (smp_load_acquire(&mp.ack) != i - 1)
			cpu_relax();
		for (int w = 0; w < 4; w++)
			mp.payload[w] = i * 4 + w;
		smp_store_release(&mp.seq, i);
	}
	pthread_join(t, NULL);
	if (mp.errors)
		ksft_print_msg("reader saw %llu stale payload words\n",
			  (unsigned long long)mp.errors);
	return mp.errors == 0 && mp.ack == ROUNDS;
}

static bool once_accessors_keep_full_width(void)
{
	u64 v64 = 0;
	u32 v32 = 0;

	WRITE_ONCE(v64, 0xfedcba9876543210ull);
	WRITE_ONCE(v32, 0x89abcdefu);
	return READ_ONCE(v64) == 0xfedcba9876543210ull &&
	       READ_ONCE(v32) == 0x89abcdefu;
}

static const struct {
	const char *name;
	bool (*fn)(void);
} cases[] = {
	{ "fls_family_matches_kernel", fls_family_matches_kernel },
	{ "cacheline_aligned_members_do_not_share_a_line",
	  cacheline_aligned_members_do_not_share_a_line },
	{ "release_acquire_publishes_plain_data",
	  release_acquire_publishes_plain_data },
	{ "once_accessors_keep_full_width", once_accessors_keep_full_width },
};

int main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	ksft_print_header();
	ksft_set_plan(n);
	for (i = 0; i < n; i++)
		ksft_test_result(cases[i].fn(), "%s\n", cases[i].name);
	ksft_finished();
}
