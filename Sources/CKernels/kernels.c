#include "textpipe_kernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void textpipe_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static float sdot_generic(const float *a, const float *b, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
static void saxpy_generic(float g, const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] += g * x[i];
}
static void unit_generic(float g, float *out, const float *input, float *error, int n) {
    for (int i = 0; i < n; i++) { float o = out[i]; error[i] += g * o; out[i] = o + g * input[i]; }
}

#include <math.h>

/* exp for x <= 0 as 2^k * p(r) (Cephes expf), written so compilers vectorise the loops that call it. */
static inline float exp_neg(float x) {
    if (x < -87.0f) return 0.0f;
    float k = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - k * 0.693359375f + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f; p = p * r + 8.3334519073e-3f; p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f; p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union { float f; int i; } u; u.i = ((int)k + 127) << 23;
    return p * u.f;
}

/* erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), odd-symmetric. */
static inline float erf_fast(float x) {
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp_neg(-a * a);
    return x < 0 ? -y : y;
}

static void gelu_generic(float *x, int n) {
    for (int i = 0; i < n; i++) { float z = x[i]; x[i] = 0.5f * z * (1.0f + erf_fast(z * 0.70710678118654752f)); }
}

static void tanh_generic(float *x, int n) {
    for (int i = 0; i < n; i++) x[i] = tanhf(x[i]);
}

static void adam_generic(float *p, float *m, float *v, const float *g, int n, float b1, float b2, float rate,
                         float eps) {
    for (int i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= rate * m[i] / (sqrtf(v[i]) + eps);
    }
}

static void softmax_generic(float *x, int rows, int n) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * n;
        float m = row[0];
        for (int j = 1; j < n; j++) m = row[j] > m ? row[j] : m;
        float sum = 0;
        for (int j = 0; j < n; j++) { float e = exp_neg(row[j] - m); row[j] = e; sum += e; }
        float inv = 1.0f / sum;
        for (int j = 0; j < n; j++) row[j] *= inv;
    }
}

static void layer_norm_generic(float *x, const float *residual, int rows, int n, const float *w, const float *b, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * n;
        if (residual) for (int j = 0; j < n; j++) row[j] += residual[(long)r * n + j];
        float mean = 0, var = 0;
        for (int j = 0; j < n; j++) mean += row[j];
        mean /= n;
        for (int j = 0; j < n; j++) { float d = row[j] - mean; var += d * d; }
        float inv = 1.0f / sqrtf(var / n + eps);
        for (int j = 0; j < n; j++) row[j] = (row[j] - mean) * inv * w[j] + b[j];
    }
}

/* sum a[i] b[i] in double, in a fixed order (16 running sums, i mod 16, added pairwise at the end), whatever the
   thread count: OpenBLAS's threaded ddot sums per thread, so its last bits depend on how many threads it has. */
/* The elements from i on into the running sums, then the sums added pairwise: both versions end here. */
static double ddot_finish(double *s, const double *a, const double *b, long i, long n) {
    for (; i < n; i++) s[i % 16] += a[i] * b[i];
    for (int w = 8; w >= 1; w /= 2) for (int k = 0; k < w; k++) s[k] += s[k + w];
    return s[0];
}
static double ddot_generic(const double *a, const double *b, long n) {
    double s[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16) for (int k = 0; k < 16; k++) s[k] += a[i + k] * b[i + k];
    return ddot_finish(s, a, b, i, n);
}

/* Rows lo..<hi of y = A x for A in compressed rows (double), x and y dense row-major with `width` columns. */
static void csr_rows_generic(int lo, int hi, const long *offsets, const int *columns, const double *values,
        const double *x, int width, double *y) {
    for (int r = lo; r < hi; r++) {
        double *out = y + (long)r * width;
        for (int j = 0; j < width; j++) out[j] = 0;
        for (long e = offsets[r]; e < offsets[r + 1]; e++) {
            const double a = values[e];
            const double *from = x + (long)columns[e] * width;
            for (int j = 0; j < width; j++) out[j] += a * from[j];
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2,fma"))) static double ddot_avx2(const double *a, const double *b, long n) {
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd(), s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i), s0);
        s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4), s1);
        s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8), s2);
        s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12), s3);
    }
    double s[16];
    _mm256_storeu_pd(s, s0); _mm256_storeu_pd(s + 4, s1); _mm256_storeu_pd(s + 8, s2); _mm256_storeu_pd(s + 12, s3);
    return ddot_finish(s, a, b, i, n);
}
__attribute__((target("avx2,fma"))) static void csr_rows_avx2(int lo, int hi, const long *offsets, const int *columns,
        const double *values, const double *x, int width, double *y) {
    for (int r = lo; r < hi; r++) {
        double *out = y + (long)r * width;
        for (int j = 0; j < width; j++) out[j] = 0;
        for (long e = offsets[r]; e < offsets[r + 1]; e++) {
            const double a = values[e];
            const double *from = x + (long)columns[e] * width;
            for (int j = 0; j < width; j++) out[j] += a * from[j];
        }
    }
}
__attribute__((target("avx2,fma"))) static float sdot_avx2(const float *a, const float *b, int n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc0 = _mm256_add_ps(acc0, acc1);
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc0), _mm256_extractf128_ps(acc0, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
    float s = _mm_cvtss_f32(h);
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}
__attribute__((target("avx2,fma"))) static void saxpy_avx2(float g, const float *x, float *y, int n) {
    __m256 gv = _mm256_set1_ps(g);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(gv, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += g * x[i];
}
__attribute__((target("avx2,fma"))) static void unit_avx2(float g, float *out, const float *input, float *error, int n) {
    __m256 gv = _mm256_set1_ps(g);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 o = _mm256_loadu_ps(out + i);
        _mm256_storeu_ps(error + i, _mm256_fmadd_ps(gv, o, _mm256_loadu_ps(error + i)));
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(gv, _mm256_loadu_ps(input + i), o));
    }
    for (; i < n; i++) { float o = out[i]; error[i] += g * o; out[i] = o + g * input[i]; }
}
/* Vector versions of exp_neg / erf_fast (same polynomials, FMA), for softmax, GELU and LayerNorm. */
__attribute__((target("avx2,fma"))) static inline __m256 exp_neg_avx2(__m256 x) {
    __m256 valid = _mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_GE_OQ);
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
    __m256 k = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fmadd_ps(k, _mm256_set1_ps(2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(valid, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}
__attribute__((target("avx2,fma"))) static inline float hsum_avx2(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
    return _mm_cvtss_f32(h);
}
__attribute__((target("avx2,fma"))) static inline float hmax_avx2(__m256 v) {
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
    return _mm_cvtss_f32(h);
}
__attribute__((target("avx2,fma"))) static void gelu_avx2(float *x, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 z = _mm256_loadu_ps(x + i);
        __m256 u = _mm256_mul_ps(z, _mm256_set1_ps(0.70710678118654752f));
        __m256 a = _mm256_andnot_ps(sign, u);
        __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(a, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f)));
        __m256 q = _mm256_fmadd_ps(_mm256_set1_ps(1.061405429f), t, _mm256_set1_ps(-1.453152027f));
        q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(1.421413741f));
        q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0.284496736f));
        q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0.254829592f));
        q = _mm256_mul_ps(q, t);
        __m256 y = _mm256_fnmadd_ps(q, exp_neg_avx2(_mm256_mul_ps(_mm256_xor_ps(a, sign), a)), _mm256_set1_ps(1.0f));
        y = _mm256_or_ps(y, _mm256_and_ps(u, sign)); /* erf is odd: copy the sign of u */
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), z), _mm256_add_ps(_mm256_set1_ps(1.0f), y)));
    }
    for (; i < n; i++) { float z = x[i]; x[i] = 0.5f * z * (1.0f + erf_fast(z * 0.70710678118654752f)); }
}
/* tanh: (1 - e) / (1 + e) with e = exp(-2|x|) for |x| >= 0.625, Cephes tanhf's x + x^3 P(x^2) below (relative
   error about 1e-7); the sign copied back, NaN kept. */
__attribute__((target("avx2,fma"))) static void tanh_avx2(float *x, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 a = _mm256_andnot_ps(sign, v);
        __m256 e = exp_neg_avx2(_mm256_mul_ps(a, _mm256_set1_ps(-2.0f)));
        __m256 big = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
        __m256 z = _mm256_mul_ps(a, a);
        __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(-5.70498872745e-3f), z, _mm256_set1_ps(2.06390887954e-2f));
        p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
        p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
        p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
        __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), a, a);
        __m256 r = _mm256_blendv_ps(big, small, _mm256_cmp_ps(a, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
        r = _mm256_or_ps(r, _mm256_and_ps(v, sign));
        r = _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        _mm256_storeu_ps(x + i, r);
    }
    for (; i < n; i++) x[i] = tanhf(x[i]);
}
__attribute__((target("avx2,fma"))) static void adam_avx2(float *p, float *m, float *v, const float *g, int n, float b1,
                                                         float b2, float rate, float eps) {
    const __m256 vb1 = _mm256_set1_ps(b1), vc1 = _mm256_set1_ps(1 - b1), vb2 = _mm256_set1_ps(b2),
                 vc2 = _mm256_set1_ps(1 - b2), vr = _mm256_set1_ps(rate), ve = _mm256_set1_ps(eps);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(vc1, gi));
        __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
                                  _mm256_mul_ps(_mm256_mul_ps(vc2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 step = _mm256_div_ps(_mm256_mul_ps(vr, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), ve));
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), step));
    }
    adam_generic(p + i, m + i, v + i, g + i, n - i, b1, b2, rate, eps);
}
__attribute__((target("avx2,fma"))) static void softmax_avx2(float *x, int rows, int n) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * n;
        int j = 0;
        __m256 mv = _mm256_set1_ps(row[0]);
        for (; j + 8 <= n; j += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(row + j));
        float m = hmax_avx2(mv);
        for (; j < n; j++) m = row[j] > m ? row[j] : m;
        __m256 mm = _mm256_set1_ps(m), sv = _mm256_setzero_ps();
        for (j = 0; j + 8 <= n; j += 8) {
            __m256 e = exp_neg_avx2(_mm256_sub_ps(_mm256_loadu_ps(row + j), mm));
            _mm256_storeu_ps(row + j, e); sv = _mm256_add_ps(sv, e);
        }
        float sum = hsum_avx2(sv);
        for (; j < n; j++) { float e = exp_neg(row[j] - m); row[j] = e; sum += e; }
        __m256 inv = _mm256_set1_ps(1.0f / sum);
        for (j = 0; j + 8 <= n; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
        for (; j < n; j++) row[j] *= 1.0f / sum;
    }
}
__attribute__((target("avx2,fma"))) static void layer_norm_avx2(float *x, const float *residual, int rows, int n, const float *w, const float *b, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * n;
        const float *res = residual ? residual + (long)r * n : 0;
        __m256 sv = _mm256_setzero_ps();
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            __m256 v = _mm256_loadu_ps(row + j);
            if (res) { v = _mm256_add_ps(v, _mm256_loadu_ps(res + j)); _mm256_storeu_ps(row + j, v); }
            sv = _mm256_add_ps(sv, v);
        }
        float sum = hsum_avx2(sv);
        for (; j < n; j++) { if (res) row[j] += res[j]; sum += row[j]; }
        float mean = sum / n;
        __m256 mv = _mm256_set1_ps(mean), vv = _mm256_setzero_ps();
        for (j = 0; j + 8 <= n; j += 8) { __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + j), mv); vv = _mm256_fmadd_ps(d, d, vv); }
        float var = hsum_avx2(vv);
        for (; j < n; j++) { float d = row[j] - mean; var += d * d; }
        float inv = 1.0f / sqrtf(var / n + eps);
        __m256 iv = _mm256_set1_ps(inv);
        for (j = 0; j + 8 <= n; j += 8) {
            __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + j), mv), iv);
            _mm256_storeu_ps(row + j, _mm256_fmadd_ps(d, _mm256_loadu_ps(w + j), _mm256_loadu_ps(b + j)));
        }
        for (; j < n; j++) row[j] = (row[j] - mean) * inv * w[j] + b[j];
    }
}
static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) { __builtin_cpu_init(); cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
    return cached;
}
float textpipe_sdot(const float *a, const float *b, int n) { return has_avx2() ? sdot_avx2(a, b, n) : sdot_generic(a, b, n); }
void textpipe_saxpy(float g, const float *x, float *y, int n) { if (has_avx2()) saxpy_avx2(g, x, y, n); else saxpy_generic(g, x, y, n); }
void textpipe_unit_update(float g, float *out, const float *input, float *error, int n) {
    if (has_avx2()) unit_avx2(g, out, input, error, n); else unit_generic(g, out, input, error, n);
}
void textpipe_gelu(float *x, int n) { if (has_avx2()) gelu_avx2(x, n); else gelu_generic(x, n); }
void textpipe_tanh(float *x, int n) { if (has_avx2()) tanh_avx2(x, n); else tanh_generic(x, n); }
void textpipe_adam(float *p, float *m, float *v, const float *g, int n, float b1, float b2, float rate, float eps) {
    if (has_avx2()) adam_avx2(p, m, v, g, n, b1, b2, rate, eps); else adam_generic(p, m, v, g, n, b1, b2, rate, eps);
}
void textpipe_softmax_rows(float *x, int rows, int n) { if (has_avx2()) softmax_avx2(x, rows, n); else softmax_generic(x, rows, n); }
void textpipe_layer_norm(float *x, const float *residual, int rows, int n, const float *w, const float *b, float eps) {
    if (has_avx2()) layer_norm_avx2(x, residual, rows, n, w, b, eps); else layer_norm_generic(x, residual, rows, n, w, b, eps);
}
double textpipe_ddot(const double *a, const double *b, long n) {
    return has_avx2() ? ddot_avx2(a, b, n) : ddot_generic(a, b, n);
}
void textpipe_csr_rows(int lo, int hi, const long *offsets, const int *columns, const double *values,
        const double *x, int width, double *y) {
    if (has_avx2()) csr_rows_avx2(lo, hi, offsets, columns, values, x, width, y);
    else csr_rows_generic(lo, hi, offsets, columns, values, x, width, y);
}
#else
float textpipe_sdot(const float *a, const float *b, int n) { return sdot_generic(a, b, n); }
void textpipe_saxpy(float g, const float *x, float *y, int n) { saxpy_generic(g, x, y, n); }
void textpipe_unit_update(float g, float *out, const float *input, float *error, int n) { unit_generic(g, out, input, error, n); }
void textpipe_gelu(float *x, int n) { gelu_generic(x, n); }
void textpipe_tanh(float *x, int n) { tanh_generic(x, n); }
void textpipe_adam(float *p, float *m, float *v, const float *g, int n, float b1, float b2, float rate, float eps) {
    adam_generic(p, m, v, g, n, b1, b2, rate, eps);
}
void textpipe_softmax_rows(float *x, int rows, int n) { softmax_generic(x, rows, n); }
void textpipe_layer_norm(float *x, const float *residual, int rows, int n, const float *w, const float *b, float eps) {
    layer_norm_generic(x, residual, rows, n, w, b, eps);
}
double textpipe_ddot(const double *a, const double *b, long n) { return ddot_generic(a, b, n); }
void textpipe_csr_rows(int lo, int hi, const long *offsets, const int *columns, const double *values,
        const double *x, int width, double *y) {
    csr_rows_generic(lo, hi, offsets, columns, values, x, width, y);
}
#endif

/* A reusable barrier for a fixed set of threads that meet every few hundred microseconds: the last to arrive opens
   it; the others spin briefly (the next round starts soon), then yield the core. */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
typedef struct {
    atomic_int arrived;
    atomic_int generation;
    int parties;
} textpipe_barrier_state;

void *textpipe_barrier_create(int parties) {
    textpipe_barrier_state *b = calloc(1, sizeof *b);
    if (b) b->parties = parties;
    return b;
}
void textpipe_barrier_destroy(void *barrier) { free(barrier); }
void textpipe_barrier_wait(void *barrier) {
    textpipe_barrier_state *b = barrier;
    int generation = atomic_load_explicit(&b->generation, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->arrived, 1, memory_order_acq_rel) + 1 == b->parties) {
        atomic_store_explicit(&b->arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&b->generation, 1, memory_order_acq_rel);
        return;
    }
    for (long spins = 0; atomic_load_explicit(&b->generation, memory_order_acquire) == generation; spins++) {
#if defined(__x86_64__)
        if (spins < 4096) { __builtin_ia32_pause(); continue; }
#endif
        sched_yield();
    }
}
