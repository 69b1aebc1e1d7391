#ifndef CBYTESCAN_H
#define CBYTESCAN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The index of the first byte of `p[0..<n]` that ends or interrupts a JSON
/// string's plain run (a quote, a backslash or a control byte below 0x20),
/// or `n` when there is none; `*high` is set to 1 when a byte ≥ 0x80 comes
/// before that index (the caller then checks UTF-8). Sixteen bytes a step
/// with SSE2 (every x86-64 has it), eight in a word elsewhere; `static inline`
/// and always inlined, so that Swift puts it into the decoder's loop (once that loop
/// grew, LLVM stopped inlining it and it cost a call per string): Swift's own `SIMD16`
/// comparisons were not.
__attribute__((always_inline)) static inline size_t cbytescan_string_run(const uint8_t *p, size_t n, int *high) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
    unsigned highs = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
        stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));  // v ≤ 0x1F, unsigned
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        unsigned h = (unsigned)_mm_movemask_epi8(v);
        if (mask != 0) {
            unsigned k = (unsigned)__builtin_ctz(mask);
            highs |= h & ((1u << k) - 1u);
            if (highs != 0) *high = 1;
            return i + k;
        }
        highs |= h;
    }
    if (highs != 0) *high = 1;
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Eight bytes a step in a word (aarch64 and other little-endian machines without
    // SSE2): a byte's flag is exact up to the first stop, which is all that is read.
    const uint64_t ones = 0x0101010101010101ull, highBits = 0x8080808080808080ull;
    uint64_t highs = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        __builtin_memcpy(&w, p + i, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        uint64_t stop = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w);
        stop &= highBits;
        uint64_t h = w & highBits;
        if (stop != 0) {
            unsigned k = (unsigned)__builtin_ctzll(stop);  // bit 7 of the first stop byte
            highs |= h & ((1ull << k) - 1ull);
            if (highs != 0) *high = 1;
            return i + k / 8;
        }
        highs |= h;
    }
    if (highs != 0) *high = 1;
#endif
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\' || c < 0x20) return i;
        if (c >= 0x80) *high = 1;
    }
    return n;
}

/// Bit k set when `p[k]` (k < 8) is not zero: a NaN counts as not zero.
/// For the linear model's rows, mostly zeros: a branch per column
/// mispredicted at every scattered non-zero.
static inline unsigned cbytescan_nonzero_floats8(const float *p) {
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps();
    unsigned lo = (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p), zero));
    unsigned hi = (unsigned)_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(p + 4), zero));
    return lo | (hi << 4);
#else
    unsigned mask = 0;
    for (int k = 0; k < 8; k++) mask |= (unsigned)(p[k] != 0.0f) << k;
    return mask;
#endif
}

#endif
