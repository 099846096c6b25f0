/* layers.c: forward and backward passes on arrays; see layers.h. */
#define _XOPEN_SOURCE 700  /* M_PI */
#include "layers.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* sum_i a[i] b[i] for n >= 1 terms, left to right. */
static double dot(const double *a, const double *b, int n)
{
    double sum = a[0] * b[0];
    for (int i = 1; i < n; i++)
        sum = sum + a[i] * b[i];
    return sum;
}
#ifdef __AVX__
enum { LANES = 4 };  /* doubles in one of the processor's vectors */
#else
enum { LANES = 2 };
#endif
/* LANES doubles side by side; + and * act on each lane alone. */
typedef double Lanes __attribute__((vector_size(LANES * sizeof(double))));
/* For i = first .. n-1 in turn, s[r] = s[r] + w[r][i] * x[i], r < 4:
   four rows of weights against LANES inputs, input k's i-th value in
   lane k of x[i], and row r against input k in lane k of s[r]. */
static void four_rows(Lanes s[4], const double *const w[4],
                      const Lanes *x, int first, int n)
{
    Lanes s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (int i = first; i < n; i++) {
        s0 = s0 + w[0][i] * x[i];
        s1 = s1 + w[1][i] * x[i];
        s2 = s2 + w[2][i] * x[i];
        s3 = s3 + w[3][i] * x[i];
    }
    s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
}
enum { SPAN = 128 };  /* the inputs side by side at a time */

/* Of n rows, the one at place r of those from first on: past the end,
   the last row again. */
static int clamp(int first, int r, int n)
{
    return first + r < n ? first + r : n - 1;
}

/* x[i] lane k = in[t + k][from + i], for i < n: the inputs from ..
   from+n-1 of positions t .. t+LANES-1, side by side.  in is [T][C]. */
static void side_by_side(Lanes *x, const double *in, int t, int T,
                         int C, int from, int n)
{
    for (int k = 0; k < LANES; k++) {
        const double *row = in + (size_t)clamp(t, k, T) * C + from;
        for (int i = 0; i < n; i++)
            x[i][k] = row[i];
    }
}
void linear_forward(double *out, const double *in, const double *w,
                    int T, int C, int OC)
{
    Lanes x[SPAN], s[4] = {{0}};  /* s[r] lane k: out[t + k][o + r] */
    const double *row[4];         /* w's rows o .. o+3 */
    double *y[LANES];             /* out's rows t .. t+LANES-1 */
    for (int t = 0; t < T; t += LANES) {
        for (int k = 0; k < LANES; k++)
            y[k] = out + (size_t)clamp(t, k, T) * OC;
        for (int from = 0; from < C; from += SPAN) {
            int n = C - from < SPAN ? C - from : SPAN;
            side_by_side(x, in, t, T, C, from, n);
            for (int o = 0; o < OC; o += 4) {
                int c[4];                /* out's columns o .. o+3 */
                for (int r = 0; r < 4; r++) {
                    c[r] = clamp(o, r, OC);
                    row[r] = w + (size_t)c[r] * C + from;
                    if (from == 0)       /* the first terms */
                        s[r] = row[r][0] * x[0];
                    else                 /* the sums so far */
                        for (int k = 0; k < LANES; k++)
                            s[r][k] = y[k][c[r]];
                }
                four_rows(s, row, x, from == 0 ? 1 : 0, n);
                for (int r = 0; r < 4; r++)
                    for (int k = 0; k < LANES; k++)
                        y[k][c[r]] = s[r][k];
            }
        }
    }
}
enum { WIDE = 4 * LANES };  /* the doubles of four Lanes */

/* For j = 0 .. n-1 in turn, s[q] = s[q] + a[j * as] * (the LANES
   doubles at b + j * bs + q * LANES), q < 4: WIDE sums at once. */
static void four_lanes(Lanes s[4], const double *a, size_t as,
                       const double *b, size_t bs, int n)
{
    Lanes s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (int j = 0; j < n; j++) {
        const double *bj = b + j * bs;
        double aj = a[j * as];
        Lanes b0, b1, b2, b3;  /* memcpy: a row need not be aligned */
        memcpy(&b0, bj, sizeof b0);
        memcpy(&b1, bj + LANES, sizeof b1);
        memcpy(&b2, bj + 2 * LANES, sizeof b2);
        memcpy(&b3, bj + 3 * LANES, sizeof b3);
        s0 = s0 + aj * b0;
        s1 = s1 + aj * b1;
        s2 = s2 + aj * b2;
        s3 = s3 + aj * b3;
    }
    s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
}
void linear_backward(double *din, double *dw, const double *dout,
                     const double *in, const double *w, int T, int C,
                     int OC)
{
    int whole = C - C % WIDE;  /* the inputs taken WIDE at a time */
    Lanes s[4];
    for (int t = 0; t < T; t++)        /* din[t][i] += g[t][o] w[o][i] */
        for (int i = 0; i < whole; i += WIDE) {
            double *d = din + (size_t)t * C + i;
            memcpy(s, d, sizeof s);
            four_lanes(s, dout + (size_t)t * OC, 1, w + i, C, OC);
            memcpy(d, s, sizeof s);
        }
    for (int o = 0; o < OC; o++)       /* dw[o][i] += g[t][o] in[t][i] */
        for (int i = 0; i < whole; i += WIDE) {
            double *d = dw + (size_t)o * C + i;
            memcpy(s, d, sizeof s);
            four_lanes(s, dout + o, OC, in + i, C, T);
            memcpy(d, s, sizeof s);
        }
    for (int i = whole; i < C; i++)    /* the rest, one at a time */
        for (int t = 0; t < T; t++)
            for (int o = 0; o < OC; o++) {
                double g = dout[(size_t)t * OC + o];
                din[(size_t)t * C + i] += g * w[(size_t)o * C + i];
                dw[(size_t)o * C + i] += g * in[(size_t)t * C + i];
            }
}
void relu_forward(double *out, const double *in, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = in[i] > 0 ? in[i] : 0;
}

void relu_backward(double *din, const double *dout, const double *in,
                   int n)
{
    for (int i = 0; i < n; i++)
        if (in[i] > 0)
            din[i] += dout[i];
}
void softmax_forward(double *out, const double *z, int n)
{
    double max = z[0];
    for (int i = 1; i < n; i++)
        if (z[i] > max)
            max = z[i];
    double total = 0;
    for (int i = 0; i < n; i++) {
        out[i] = exp(z[i] + -max);
        total = i ? total + out[i] : out[i];
    }
    double inverse = pow(total, -1);
    for (int i = 0; i < n; i++)
        out[i] = out[i] * inverse;
}

double softmax_xent_forward(double *probs, const double *logits,
                            const int *targets, int T, int V)
{
    double sum = 0;
    for (int t = 0; t < T; t++) {
        double *p = probs + (size_t)t * V;
        softmax_forward(p, logits + (size_t)t * V, V);
        double loss = -1.0 * log(p[targets[t]]);
        sum = t ? sum + loss : loss;
    }
    return sum * (1.0 / T);
}

void softmax_xent_backward(double *dlogits, const double *probs,
                           const int *targets, int T, int V)
{
    for (int t = 0; t < T; t++) {
        const double *p = probs + (size_t)t * V;
        double *dz = dlogits + (size_t)t * V;
        for (int v = 0; v < V; v++)
            dz[v] += (p[v] - (v == targets[t])) / T;
    }
}
void rmsnorm_forward(double *out, double *scale, const double *in, int T,
                     int C)
{
    double per_channel = pow(C, -1);  /* Python's / C, as chapter 3 has it */
    for (int t = 0; t < T; t++) {
        const double *x = in + (size_t)t * C;
        double mean = dot(x, x, C) * per_channel;
        scale[t] = pow(mean + 1e-5, -0.5);
        for (int i = 0; i < C; i++)
            out[(size_t)t * C + i] = x[i] * scale[t];
    }
}

void rmsnorm_backward(double *din, const double *dout, const double *in,
                      const double *scale, int T, int C)
{
    for (int t = 0; t < T; t++) {
        const double *x = in + (size_t)t * C, *g = dout + (size_t)t * C;
        double s = scale[t], k = s * s * s * dot(g, x, C) / C;
        for (int i = 0; i < C; i++)
            din[(size_t)t * C + i] += s * g[i] - k * x[i];
    }
}
void attention_forward(double *out, double *att, const double *q,
                       const double *k, const double *v, int T, int C,
                       int H)
{
    int d = C / H;
    double inv_sqrt_d = pow(sqrt(d), -1);
    for (int h = 0; h < H; h++)
        for (int t = 0; t < T; t++) {
            double *w = att + ((size_t)h * T + t) * T;
            const double *qt = q + (size_t)t * C + h * d;
            for (int s = 0; s <= t; s++)
                w[s] = dot(qt, k + (size_t)s * C + h * d, d) * inv_sqrt_d;
            softmax_forward(w, w, t + 1);
            for (int j = 0; j < d; j++) {
                const double *vj = v + h * d + j;  /* column j */
                double sum = w[0] * vj[0];
                for (int s = 1; s <= t; s++)
                    sum = sum + w[s] * vj[(size_t)s * C];
                out[(size_t)t * C + h * d + j] = sum;
            }
        }
}
void attention_backward(double *dq, double *dk, double *dv, double *datt,
                        const double *dout, const double *att,
                        const double *q, const double *k, const double *v,
                        int T, int C, int H)
{
    int d = C / H;
    double inv_sqrt_d = pow(sqrt(d), -1);
    for (int h = 0; h < H; h++)
        for (int t = 0; t < T; t++) {
            const double *w = att + ((size_t)h * T + t) * T;
            double *dw = datt + ((size_t)h * T + t) * T;
            const double *g = dout + (size_t)t * C + h * d;
            double mean = 0;  /* sum_r w[r] dw[r] */
            for (int s = 0; s <= t; s++) {
                size_t at = (size_t)s * C + h * d;
                dw[s] = dot(g, v + at, d);
                for (int j = 0; j < d; j++)
                    dv[at + j] += w[s] * g[j];
                mean += w[s] * dw[s];
            }
            size_t here = (size_t)t * C + h * d;
            for (int s = 0; s <= t; s++) {
                size_t at = (size_t)s * C + h * d;
                double da = w[s] * (dw[s] - mean) * inv_sqrt_d;
                for (int j = 0; j < d; j++) {
                    dq[here + j] += da * k[at + j];
                    dk[at + j] += da * q[here + j];
                }
            }
        }
}
void residual_forward(double *out, const double *a, const double *b,
                      int n)
{
    for (int i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}

void residual_backward(double *da, double *db, const double *dout, int n)
{
    for (int i = 0; i < n; i++) {
        da[i] += dout[i];
        db[i] += dout[i];
    }
}

void embed_forward(double *out, const int *tokens, const double *wte,
                   const double *wpe, int T, int C)
{
    for (int t = 0; t < T; t++)
        for (int i = 0; i < C; i++)
            out[(size_t)t * C + i] = wte[(size_t)tokens[t] * C + i]
                                   + wpe[(size_t)t * C + i];
}

void embed_backward(double *dwte, double *dwpe, const double *dout,
                    const int *tokens, int T, int C)
{
    for (int t = 0; t < T; t++)
        for (int i = 0; i < C; i++) {
            dwte[(size_t)tokens[t] * C + i] += dout[(size_t)t * C + i];
            dwpe[(size_t)t * C + i] += dout[(size_t)t * C + i];
        }
}
void layernorm_forward(double *out, double *mean, double *rstd,
                       const double *in, const double *gain,
                       const double *bias, int T, int C)
{
    for (int t = 0; t < T; t++) {
        const double *x = in + (size_t)t * C;
        double mu = 0, var = 0;
        for (int i = 0; i < C; i++)
            mu += x[i];
        mu /= C;
        for (int i = 0; i < C; i++)
            var += (x[i] - mu) * (x[i] - mu);
        double r = 1 / sqrt(var / C + 1e-5);
        for (int i = 0; i < C; i++)
            out[(size_t)t * C + i] = (x[i] - mu) * r * gain[i] + bias[i];
        mean[t] = mu, rstd[t] = r;
    }
}

void layernorm_backward(double *din, double *dgain, double *dbias,
                        const double *dout, const double *in,
                        const double *mean, const double *rstd,
                        const double *gain, int T, int C)
{
    for (int t = 0; t < T; t++) {
        const double *x = in + (size_t)t * C, *g = dout + (size_t)t * C;
        double mu = mean[t], r = rstd[t], sum = 0, sum_xhat = 0;
        for (int i = 0; i < C; i++) {
            double xhat = (x[i] - mu) * r;
            sum += gain[i] * g[i];
            sum_xhat += gain[i] * g[i] * xhat;
            dgain[i] += g[i] * xhat;
            dbias[i] += g[i];
        }
        for (int i = 0; i < C; i++) {
            double xhat = (x[i] - mu) * r;
            din[(size_t)t * C + i] +=
                r * (gain[i] * g[i] - sum / C - xhat * sum_xhat / C);
        }
    }
}
static const double GELU_A = 0.044715;

static double gelu_u(double x)
{
    return sqrt(2 / M_PI) * (x + GELU_A * x * x * x);
}

void gelu_forward(double *out, const double *in, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = 0.5 * in[i] * (1 + tanh(gelu_u(in[i])));
}

void gelu_backward(double *din, const double *dout, const double *in,
                   int n)
{
    for (int i = 0; i < n; i++) {
        double x = in[i], th = tanh(gelu_u(x));
        double du = sqrt(2 / M_PI) * (1 + 3 * GELU_A * x * x);
        din[i] += dout[i] * (0.5 * (1 + th)
                             + 0.5 * x * (1 - th * th) * du);
    }
}
