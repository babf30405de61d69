// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: CPU sets between the uapi's words and a cpumask (module/cpuset.c).
 * Only CPU ids this kernel has fit a cpumask, so the cases name CPU 0 and
 * the last id, nr_cpu_ids - 1, which is CPU 64 and up on a big machine.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/velox.h>

#include "../module/cpuset.h"

/* Room for every id this kernel has, and one word past them. */
static u64 *words_alloc(struct kunit *test, u32 *nwords)
{
	*nwords = velox_cpu_set_size() / sizeof(u64) + 1;
	return kunit_kzalloc(test, *nwords * sizeof(u64), GFP_KERNEL);
}

static struct cpumask *mask_alloc(struct kunit *test)
{
	return kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
}

static void the_size_covers_every_cpu_id_in_whole_words(struct kunit *test)
{
	u32 size = velox_cpu_set_size();

	KUNIT_EXPECT_EQ(test, size % sizeof(u64), 0);
	KUNIT_EXPECT_GE(test, size * BITS_PER_BYTE, nr_cpu_ids);
	KUNIT_EXPECT_LT(test, size * BITS_PER_BYTE - nr_cpu_ids, 64);
}

static void words_and_mask_round_trip(struct kunit *test)
{
	unsigned int last = nr_cpu_ids - 1;
	struct cpumask *mask = mask_alloc(test);
	u32 n;
	u64 *w = words_alloc(test, &n), *back = words_alloc(test, &n);

	KUNIT_ASSERT_NOT_NULL(test, mask);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, back);
	w[0] = BIT_ULL(0);
	w[last / 64] |= BIT_ULL(last % 64);
	KUNIT_ASSERT_EQ(test, velox_cpu_set_from_words(mask, w, n), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, mask));
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(last, mask));
	KUNIT_EXPECT_EQ(test, cpumask_weight(mask), last ? 2 : 1);
	velox_cpu_set_to_words(mask, back, n);
	KUNIT_EXPECT_EQ(test, memcmp(w, back, n * sizeof(u64)), 0);
}

/* The first id past the machine's is refused, in any word. */
static void an_id_the_machine_lacks_is_refused(struct kunit *test)
{
	struct cpumask *mask = mask_alloc(test);
	u32 n;
	u64 *w = words_alloc(test, &n);

	KUNIT_ASSERT_NOT_NULL(test, mask);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w[nr_cpu_ids / 64] = BIT_ULL(nr_cpu_ids % 64);
	KUNIT_EXPECT_EQ(test, velox_cpu_set_from_words(mask, w, n), -EINVAL);
	w[nr_cpu_ids / 64] = 0;
	w[n - 1] = BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, velox_cpu_set_from_words(mask, w, n), -EINVAL);
	w[n - 1] = 0;
	KUNIT_EXPECT_EQ(test, velox_cpu_set_from_words(mask, w, n), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(mask));
}

/* The 64 bits of velox_config.cpus are one word: CPU 0 is bit 0. */
static void fewer_words_leave_the_rest_out(struct kunit *test)
{
	unsigned int last = nr_cpu_ids - 1;
	struct cpumask *mask = mask_alloc(test);
	u64 one = 0;

	KUNIT_ASSERT_NOT_NULL(test, mask);
	cpumask_set_cpu(0, mask);
	cpumask_set_cpu(last, mask);
	velox_cpu_set_to_words(mask, &one, 1);
	KUNIT_EXPECT_EQ(test, one, last < 64 ? BIT_ULL(0) | BIT_ULL(last) :
					       BIT_ULL(0));
}

/* What the publisher (CPUs not bound) and the cpus= message (not online) ask. */
static void the_first_cpu_of_one_mask_not_in_another(struct kunit *test)
{
	unsigned int last = nr_cpu_ids - 1;
	struct cpumask *a = mask_alloc(test);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, velox_cpumask_first_andnot(cpumask_of(0),
							 cpu_none_mask), 0);
	KUNIT_EXPECT_GE(test, velox_cpumask_first_andnot(cpumask_of(0),
							 cpumask_of(0)),
			nr_cpu_ids);
	cpumask_set_cpu(0, a);
	cpumask_set_cpu(last, a);
	KUNIT_EXPECT_GE(test, velox_cpumask_first_andnot(cpu_none_mask, a),
			nr_cpu_ids);
	if (last)
		KUNIT_EXPECT_EQ(test,
				velox_cpumask_first_andnot(a, cpumask_of(0)),
				last);
}

static struct kunit_case velox_cpuset_cases[] = {
	KUNIT_CASE(the_size_covers_every_cpu_id_in_whole_words),
	KUNIT_CASE(words_and_mask_round_trip),
	KUNIT_CASE(an_id_the_machine_lacks_is_refused),
	KUNIT_CASE(fewer_words_leave_the_rest_out),
	KUNIT_CASE(the_first_cpu_of_one_mask_not_in_another),
	{}
};

static struct kunit_suite velox_cpuset_suite = {
	.name = "velox_cpuset",
	.test_cases = velox_cpuset_cases,
};

kunit_test_suite(velox_cpuset_suite);
