#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256's compression function (FIPS 180-4 §6.2.2) over `count` 64-byte
/// blocks, continuing `state` (eight words, native order). It uses the x86
/// SHA extensions when the processor has them and portable C otherwise.
///
/// Why this exists: a pseudonym is two HMAC-SHA256 of short messages, i.e.
/// four compressions continuing states that depend only on the key.
/// swift-crypto has no API to continue a saved state without copying its
/// heap-allocated context (eight allocations a pseudonym), and that cost
/// four times the compressions themselves on the batch scorer's hot path.
void csha256_compress(uint32_t state[8], const uint8_t *blocks, size_t count);

/// The same, always in portable C (so tests cover both paths on any machine).
void csha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t count);

/// 1 when `csha256_compress` uses the SHA extensions.
int csha256_accelerated(void);

/// Finishes a hash whose first `prefix_blocks` 64-byte blocks were already
/// compressed into `state`: compresses `message` (`length` bytes) with the
/// padding for a total of `prefix_blocks * 64 + length` bytes, and writes the
/// 32-byte digest to `digest`. `state` is not changed.
void csha256_finish(const uint32_t state[8], uint64_t prefix_blocks, const uint8_t *message, size_t length, uint8_t digest[32]);

#endif
