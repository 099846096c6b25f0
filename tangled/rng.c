/* rng.c: MT19937 with Python's seeding and shaping; see rng.h. */
#include "rng.h"

#include <assert.h>
#include <math.h>

enum { MT_M = 397 };  /* the distance between mixed words */

/* Replaces all MT_N words of state with the next MT_N. */
static void twist(Rng *r)
{
    static const uint32_t odd[2] = {0, 0x9908b0dfu};
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (r->mt[i] & 0x80000000u)
                   | (r->mt[(i + 1) % MT_N] & 0x7fffffffu);
        r->mt[i] = r->mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ odd[y & 1];
    }
    r->next = 0;
}

uint32_t rng_u32(Rng *r)
{
    if (r->next >= MT_N)
        twist(r);
    uint32_t y = r->mt[r->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}
/* Fills the state from one 32-bit number (the reference init_genrand). */
static void fill_state(Rng *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < MT_N; i++) {
        uint32_t p = r->mt[i - 1];
        r->mt[i] = 1812433253u * (p ^ (p >> 30)) + (uint32_t)i;
    }
}

/* Stirs a key of n words into the state (the reference init_by_array). */
static void stir_in_key(Rng *r, const uint32_t *key, int n)
{
    fill_state(r, 19650218u);
    int i = 1, j = 0;
    for (int k = MT_N > n ? MT_N : n; k > 0; k--) {
        uint32_t p = r->mt[i - 1];
        r->mt[i] = (r->mt[i] ^ ((p ^ (p >> 30)) * 1664525u))
                 + key[j] + (uint32_t)j;
        if (++i >= MT_N) {
            r->mt[0] = r->mt[MT_N - 1];
            i = 1;
        }
        if (++j >= n)
            j = 0;
    }
    for (int k = MT_N - 1; k > 0; k--) {
        uint32_t p = r->mt[i - 1];
        r->mt[i] = (r->mt[i] ^ ((p ^ (p >> 30)) * 1566083941u))
                 - (uint32_t)i;
        if (++i >= MT_N) {
            r->mt[0] = r->mt[MT_N - 1];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000u;
}

void rng_seed(Rng *r, uint64_t seed)
{
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    stir_in_key(r, key, key[1] ? 2 : 1);
    r->next = MT_N;  /* twist before the first draw */
    r->has_spare = 0;
}
double rng_random(Rng *r)
{
    uint32_t a = rng_u32(r) >> 5;  /* 27 bits */
    uint32_t b = rng_u32(r) >> 6;  /* 26 bits */
    return (a * 67108864.0 + b) / 9007199254740992.0;  /* 2^26, 2^53 */
}
double rng_gauss(Rng *r, double mu, double sigma)
{
    double z;
    if (r->has_spare) {
        z = r->spare;
        r->has_spare = 0;
    } else {
        double angle = rng_random(r) * (2 * 3.141592653589793);
        double radius = sqrt(-2.0 * log(1.0 - rng_random(r)));
        z = cos(angle) * radius;
        r->spare = sin(angle) * radius;
        r->has_spare = 1;
    }
    return mu + z * sigma;
}
uint32_t rng_bits(Rng *r, int k)
{
    assert(1 <= k && k <= 32);  /* a shift by 32 is undefined */
    return rng_u32(r) >> (32 - k);
}

uint32_t rng_below(Rng *r, uint32_t n)
{
    assert(n >= 1);  /* no draw is below 0: the loop would never end */
    int k = 0;
    while (k < 32 && n >> k)
        k++;
    uint32_t x;
    do
        x = rng_bits(r, k);
    while (x >= n);
    return x;
}
int rng_choice(Rng *r, const double *weights, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i];
    double x = rng_random(r) * (total + 0.0), sum = 0;
    for (int i = 0; i < n - 1; i++)
        if ((sum += weights[i]) > x)
            return i;
    return n - 1;
}
static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

void rng_shuffle(Rng *r, void *base, size_t n, size_t size)
{
    unsigned char *p = base;
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(r, (uint32_t)i);
        swap_bytes(p + (i - 1) * size, p + j * size, size);
    }
}
