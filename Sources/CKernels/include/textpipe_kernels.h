#ifndef TEXTPIPE_KERNELS_H
#define TEXTPIPE_KERNELS_H
/// Small float kernels for word2vec's inner loop, with an AVX2+FMA version chosen at run time when the
/// CPU has it (the default x86-64 target has no FMA, and Swift's SIMD types then fall back to SSE).
float textpipe_sdot(const float *a, const float *b, int n);
/// y += g * x
void textpipe_saxpy(float g, const float *x, float *y, int n);
/// error += g * out; out += g * input (one pass over `out`, reading its old values for `error`).
void textpipe_unit_update(float g, float *out, const float *input, float *error, int n);
/// x = 0.5 x (1 + erf(x / sqrt 2)) in place (exact GELU; erf to about 1e-7 absolute).
void textpipe_gelu(float *x, int n);
/// x = tanh(x) in place (relative error about 1e-7; NaN stays NaN).
void textpipe_tanh(float *x, int n);
/// One Adam step: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= rate m / (sqrt(v) + eps) (no FMA: the same
/// rounding as the scalar loop).
void textpipe_adam(float *p, float *m, float *v, const float *g, int n, float b1, float b2, float rate, float eps);
/// Each of `rows` rows of length `n` replaced by its softmax.
void textpipe_softmax_rows(float *x, int rows, int n);
/// Each of `rows` rows of length `n`: x = LayerNorm(x + residual) * w + b (residual may be NULL).
void textpipe_layer_norm(float *x, const float *residual, int rows, int n, const float *w, const float *b, float eps);
/// sum a[i] b[i] in double in a fixed order (16 running sums, added pairwise), independent of any thread count.
double textpipe_ddot(const double *a, const double *b, long n);
/// Rows lo..<hi of y = A x: A in compressed rows (`offsets`, `columns`, `values`), x and y dense row-major with `width`
/// columns (y's rows are overwritten).
void textpipe_csr_rows(int lo, int hi, const long *offsets, const int *columns, const double *values, const double *x,
                       int width, double *y);
/// Returns freed heap memory to the operating system where the C library can (glibc malloc_trim).
void textpipe_release_free_memory(void);
/// A barrier for `parties` threads (spins briefly, then yields): create once, wait from every thread, destroy.
void *textpipe_barrier_create(int parties);
void textpipe_barrier_wait(void *barrier);
void textpipe_barrier_destroy(void *barrier);
#endif
