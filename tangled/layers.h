/* layers.h: the layers of chapter 7 on plain arrays, each a forward
   pass that keeps what its backward pass needs, and the backward pass,
   which adds (+=) into the gradients it is given. */
#ifndef LAYERS_H
#define LAYERS_H

/* out[t][o] = sum_i w[o][i] * in[t][i], summed left to right.
   in [T][C], w [OC][C], out [T][OC]. */
void linear_forward(double *out, const double *in, const double *w,
                    int T, int C, int OC);
/* din [T][C] += dout . w;  dw [OC][C] += dout^T . in;
   dout [T][OC].  Each sum in din and dw must have begun at +0. */
void linear_backward(double *din, double *dw, const double *dout,
                     const double *in, const double *w, int T, int C,
                     int OC);
/* out[i] = max(0, in[i]) for n values. */
void relu_forward(double *out, const double *in, int n);
/* din[i] += dout[i] where in[i] > 0. */
void relu_backward(double *din, const double *dout, const double *in,
                   int n);
/* out = softmax(z) over n values, shifted by max(z); out may be z. */
void softmax_forward(double *out, const double *z, int n);
/* probs[t] = softmax(logits[t]); returns the mean over t of
   -log probs[t][targets[t]].  logits, probs [T][V]; targets [T]. */
double softmax_xent_forward(double *probs, const double *logits,
                            const int *targets, int T, int V);
/* dlogits[t][v] += (probs[t][v] - [v == targets[t]]) / T. */
void softmax_xent_backward(double *dlogits, const double *probs,
                           const int *targets, int T, int V);
/* out[t] = in[t] * scale[t], scale[t] = (mean_i in[t][i]^2 + 1e-5)^-1/2.
   in, out [T][C]; scale [T] is kept for the backward pass. */
void rmsnorm_forward(double *out, double *scale, const double *in, int T,
                     int C);
/* din [T][C] += the gradient through rmsnorm of dout [T][C]. */
void rmsnorm_backward(double *din, const double *dout, const double *in,
                      const double *scale, int T, int C);
/* Causal multi-head attention: H heads of d = C / H channels; position
   t of head h attends to positions 0..t.  q, k, v, out [T][C];
   att [H][T][T] keeps row t's weights over positions 0..t. */
void attention_forward(double *out, double *att, const double *q,
                       const double *k, const double *v, int T, int C,
                       int H);
/* dq, dk, dv [T][C] += their gradients from dout [T][C]; datt
   [H][T][T] is scratch, left holding the weights' gradients. */
void attention_backward(double *dq, double *dk, double *dv, double *datt,
                        const double *dout, const double *att,
                        const double *q, const double *k, const double *v,
                        int T, int C, int H);
/* out = a + b over n values: a residual connection. */
void residual_forward(double *out, const double *a, const double *b,
                      int n);
/* da += dout;  db += dout. */
void residual_backward(double *da, double *db, const double *dout, int n);
/* out[t] = wte[tokens[t]] + wpe[t].  wte [V][C], wpe [>= T][C]. */
void embed_forward(double *out, const int *tokens, const double *wte,
                   const double *wpe, int T, int C);
/* dwte[tokens[t]] += dout[t];  dwpe[t] += dout[t]. */
void embed_backward(double *dwte, double *dwpe, const double *dout,
                    const int *tokens, int T, int C);
/* out[t] = (in[t] - mean) * rstd * gain + bias, with the mean and
   1 / sqrt(variance + 1e-5) of in[t] kept in mean[t], rstd[t].
   in, out [T][C]; gain, bias [C]. */
void layernorm_forward(double *out, double *mean, double *rstd,
                       const double *in, const double *gain,
                       const double *bias, int T, int C);
/* din [T][C], dgain [C], dbias [C] += their gradients from dout. */
void layernorm_backward(double *din, double *dgain, double *dbias,
                        const double *dout, const double *in,
                        const double *mean, const double *rstd,
                        const double *gain, int T, int C);
/* out[i] = gelu(in[i]), the tanh form, for n values. */
void gelu_forward(double *out, const double *in, int n);
/* din[i] += gelu'(in[i]) * dout[i]. */
void gelu_backward(double *din, const double *dout, const double *in,
                   int n);

#endif
