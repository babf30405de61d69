// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic choices: xoshiro256** seeded through splitmix64 from the
 * run's seed and the process's index, so that a seed replays every
 * process's own sequence of choices (what the kernel does in between,
 * and so what the choices meet, still varies).
 */
#include "torture.h"

static uint64_t state[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void tt_rng_seed(uint64_t seed, unsigned int stream)
{
	uint64_t x = seed ^ ((uint64_t)stream * 0xd1b54a32d192ed03ull);
	int i;

	for (i = 0; i < 4; i++)
		state[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tt_rand(void)
{
	uint64_t result = rotl(state[1] * 5, 7) * 9;
	uint64_t t = state[1] << 17;

	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return result;
}

uint64_t tt_rand_below(uint64_t n)
{
	return n ? tt_rand() % n : 0;
}

uint64_t tt_rand_range(uint64_t lo, uint64_t hi)
{
	return lo + tt_rand_below(hi - lo + 1);
}

bool tt_chance(unsigned int percent)
{
	return tt_rand_below(100) < percent;
}
