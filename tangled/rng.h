/* rng.h: random numbers, drawn exactly as Python's random module draws
   them, so that runs can be compared with the Python original. */
#ifndef RNG_H
#define RNG_H

#include <stddef.h>
#include <stdint.h>

enum { MT_N = 624 };  /* words of Mersenne Twister state */

typedef struct {
    uint32_t mt[MT_N];  /* the twister's state */
    int next;           /* which word of mt to hand out next */
    int has_spare;      /* gauss() makes numbers in pairs... */
    double spare;       /* ...and keeps the second one here */
} Rng;

void rng_seed(Rng *r, uint64_t seed);  /* as Python's random.seed(seed) */
uint32_t rng_u32(Rng *r);              /* the next 32-bit word */
double rng_random(Rng *r);             /* uniform in [0, 1): random() */
double rng_gauss(Rng *r, double mu, double sigma);  /* gauss(mu, sigma) */
uint32_t rng_bits(Rng *r, int k);      /* getrandbits(k), 1 <= k <= 32 */
uint32_t rng_below(Rng *r, uint32_t n);  /* uniform in [0, n), n >= 1 */

/* Shuffles n elements of the given size in place, as Python's
   random.shuffle does; n must be below 2^32. */
void rng_shuffle(Rng *r, void *base, size_t n, size_t size);

/* An index in [0, n) drawn with probability weights[i] / their sum, as
   Python's random.choices(range(n), weights)[0]; the weights must be
   non-negative with a positive sum. */
int rng_choice(Rng *r, const double *weights, int n);
#endif
