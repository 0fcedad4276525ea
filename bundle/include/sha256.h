/* SPDX-License-Identifier: BSD-2-Clause */
/* bundle: SHA-256 (FIPS 180-4), one-shot and incremental, no external dependency. */
#ifndef BTFGEN_SHA256_H
#define BTFGEN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits + NUL */

struct sha256_ctx {
	uint32_t state[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char buf[64]; /* partial block */
	size_t buf_len;
};

void btfgen_sha256_init(struct sha256_ctx *ctx);
void btfgen_sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void btfgen_sha256_final(struct sha256_ctx *ctx, unsigned char out[SHA256_DIGEST_SIZE]);

/* One-shot digest of data[0..len). */
void btfgen_sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_SIZE]);
/* Lower-case hex of a digest, NUL-terminated. */
void btfgen_sha256_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE]);

#endif
