// SPDX-License-Identifier: BSD-2-Clause
/* tests/bundle: SHA-256 against the FIPS 180-2 appendix B test vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static int failures;

static void check(const char *what, const unsigned char d[32], const char *want)
{
	char hex[SHA256_HEX_SIZE];

	btfgen_sha256_hex(d, hex);
	if (strcmp(hex, want)) {
		fprintf(stderr, "FAIL %s: got %s want %s\n", what, hex, want);
		failures++;
	} else {
		printf("ok   %s\n", what);
	}
}

int main(void)
{
	static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	const char *abc_want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	const char *m448_want = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
	const char *mil_want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	const char *empty_want = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	struct sha256_ctx ctx;
	unsigned char d[32];
	char *mil;
	size_t i, step;

	btfgen_sha256("abc", 3, d);
	check("abc", d, abc_want);
	btfgen_sha256(m448, strlen(m448), d);
	check("448-bit message", d, m448_want);
	btfgen_sha256("", 0, d);
	check("empty", d, empty_want);

	mil = malloc(1000000);
	if (!mil)
		return 1;
	memset(mil, 'a', 1000000);
	btfgen_sha256(mil, 1000000, d);
	check("one million 'a' (one-shot)", d, mil_want);
	/* incremental with awkward chunk sizes crossing block boundaries */
	for (step = 1; step <= 131; step += 13) {
		btfgen_sha256_init(&ctx);
		for (i = 0; i < 1000000; i += step)
			btfgen_sha256_update(&ctx, mil + i,
					     1000000 - i < step ? 1000000 - i : step);
		btfgen_sha256_final(&ctx, d);
		check("one million 'a' (incremental)", d, mil_want);
	}
	free(mil);

	/* padding edge cases: lengths 55, 56, 63, 64 must differ and hash incrementally equal */
	for (i = 55; i <= 65; i++) {
		unsigned char d2[32];

		btfgen_sha256(m448, i < sizeof(m448) - 1 ? i : sizeof(m448) - 1, d);
		btfgen_sha256_init(&ctx);
		btfgen_sha256_update(&ctx, m448, i < sizeof(m448) - 1 ? i : sizeof(m448) - 1);
		btfgen_sha256_final(&ctx, d2);
		if (memcmp(d, d2, 32)) {
			fprintf(stderr, "FAIL incremental mismatch at len %zu\n", i);
			failures++;
		}
	}
	return failures ? 1 : 0;
}
