// SHA-256 (FIPS 180-4), written from the standard; see include/CSHA256.h for why.
#include "CSHA256.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define CSHA256_X86 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void csha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t count) {
    uint32_t w[64];
    for (size_t b = 0; b < count; b++, blocks += 64) {
        for (int t = 0; t < 16; t++) w[t] = load_be32(blocks + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], bb = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = bb; bb = a; a = t1 + t2;
        }
        state[0] += a; state[1] += bb; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#ifdef CSHA256_X86
// The SHA extensions keep the eight words as two vectors, ABEF and CDGH (most
// significant lane first); SHA256RNDS2 does two rounds with the sum of two
// message words and constants in the low half of its third operand, and
// SHA256MSG1/MSG2 compute the message schedule four words at a time
// (Intel, "Intel SHA Extensions", 2013).
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_sha_ni(uint32_t state[8], const uint8_t *blocks, size_t count) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);  // lanes: a b c d (low → high)
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);  // lanes: e f g h
    __m128i cdab = _mm_shuffle_epi32(abcd, 0xB1);                // lanes: b a d c
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);                // lanes: h g f e
    __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);               // lanes: f e b a
    __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xF0);            // lanes: h g d c
    for (size_t b = 0; b < count; b++, blocks += 64) {
        const __m128i saved_abef = abef, saved_cdgh = cdgh;
        __m128i m[4];
        for (int i = 0; i < 4; i++) m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * i)), byteswap);
        for (int i = 0; i < 16; i++) {
            // m[i % 4] holds words 4i … 4i+3 of the schedule.
            if (i >= 4) {
                __m128i w0 = m[i % 4], w1 = m[(i + 1) % 4], w2 = m[(i + 2) % 4], w3 = m[(i + 3) % 4];
                // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16] for the four words after w3.
                __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));
                m[i % 4] = _mm_sha256msg2_epu32(x, w3);
            }
            __m128i wk = _mm_add_epi32(m[i % 4], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, saved_abef);
        cdgh = _mm_add_epi32(cdgh, saved_cdgh);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);                // lanes: a b e f
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);                // lanes: g h c d
    abcd = _mm_blend_epi16(feba, dchg, 0xF0);                    // lanes: a b c d
    efgh = _mm_alignr_epi8(dchg, feba, 8);                       // lanes: e f g h
    _mm_storeu_si128((__m128i *)&state[0], abcd);
    _mm_storeu_si128((__m128i *)&state[4], efgh);
}

static int detect_sha_ni(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}
#endif

int csha256_accelerated(void) {
#ifdef CSHA256_X86
    static int cached = -1;  // every thread computes the same value; relaxed atomics keep the race defined
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known < 0) {
        known = detect_sha_ni();
        __atomic_store_n(&cached, known, __ATOMIC_RELAXED);
    }
    return known;
#else
    return 0;
#endif
}

void csha256_compress(uint32_t state[8], const uint8_t *blocks, size_t count) {
#ifdef CSHA256_X86
    if (csha256_accelerated()) { compress_sha_ni(state, blocks, count); return; }
#endif
    csha256_compress_portable(state, blocks, count);
}

void csha256_finish(const uint32_t state[8], uint64_t prefix_blocks, const uint8_t *message, size_t length, uint8_t digest[32]) {
    uint32_t s[8];
    memcpy(s, state, sizeof s);
    size_t whole = length / 64;
    if (whole > 0) csha256_compress(s, message, whole);
    uint8_t tail[128];
    size_t rest = length - 64 * whole;
    memset(tail, 0, sizeof tail);
    if (rest > 0) memcpy(tail, message + 64 * whole, rest);
    tail[rest] = 0x80;
    size_t tail_blocks = rest + 9 <= 64 ? 1 : 2;
    uint64_t bits = (prefix_blocks * 64 + (uint64_t)length) * 8;
    for (int i = 0; i < 8; i++) tail[64 * tail_blocks - 1 - i] = (uint8_t)(bits >> (8 * i));
    csha256_compress(s, tail, tail_blocks);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(s[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(s[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s[i] >> 8);
        digest[4 * i + 3] = (uint8_t)s[i];
    }
}
