// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/unit: the reachability analysis behind "guarded" (core/verdict.c) on hand-assembled
 * instructions: constants from patched immediates through moves and ALU operations, branches
 * pruned only when certain, 32-bit semantics, older verifiers' rules, and bounded work on
 * hostile code (loops, jumps out of the function, random instructions).
 */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "unit_support.h"

#define I(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_K(d, k) I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define MOV64_X(d, s) I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU64_K(op, d, k) I(BPF_ALU64 | (op) | BPF_K, d, 0, 0, k)
#define ALU32_K(op, d, k) I(BPF_ALU | (op) | BPF_K, d, 0, 0, k)
#define ALU64_X(op, d, s) I(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define JMP_K(op, d, k, o) I(BPF_JMP | (op) | BPF_K, d, 0, o, k)
#define JMP32_K(op, d, k, o) I(BPF_JMP32 | (op) | BPF_K, d, 0, o, k)
#define JA(o) I(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define LDX(d, s, o) I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define EXIT() I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define CALL(k) I(BPF_JMP | BPF_CALL, 0, 0, 0, k)

/* Two relocations: #0 the probe (value as given), #1 the poisoned read. */
static struct core_relo_result res[2];

static void set_probe(__u64 value)
{
	memset(res, 0, sizeof(res));
	res[0].status = value ? CORE_RELO_RESOLVED : CORE_RELO_NOT_FOUND;
	res[0].value = value;
	res[1].status = CORE_RELO_NOT_FOUND;
	res[1].poison = true;
}

/* reached[] of insns with relocations at the given instructions (-1: none). */
static int reach(const struct bpf_insn *insns, __u32 cnt, int probe_at, int poison_at,
		 unsigned kver, __u8 *reached, bool *wild)
{
	__s32 *relo_at = malloc(cnt * sizeof(*relo_at));
	int err;

	for (__u32 i = 0; i < cnt; i++)
		relo_at[i] = (int)i == probe_at ? 0 : (int)i == poison_at ? 1 : -1;
	err = verdict_reach_insns(insns, cnt, relo_at, res, kver, reached, wild);
	free(relo_at);
	return err;
}

/* if (bpf_core_field_exists(...)) read; as clang emits it */
static const struct bpf_insn guarded[] = {
	MOV64_K(1, 1), /* 0: probe, patched */
	JMP_K(BPF_JEQ, 1, 0, 2), /* 1 */
	ALU64_K(BPF_ADD, 3, 4), /* 2: the read's offset, poisoned when missing */
	CALL(113), /* 3 */
	MOV64_K(0, 0), /* 4 */
	EXIT(), /* 5 */
};

static void test_guarded_by_probe(void)
{
	__u8 r[6];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(guarded, 6, 0, 2, 0, r, &wild));
	CHECK(!wild);
	CHECK(r[0] && r[1] && !r[2] && !r[3] && r[4] && r[5]);
	/* the field exists: the read is reached (and not poisoned, but reachability is asked) */
	set_probe(1);
	REQUIRE(!reach(guarded, 6, 0, 2, 0, r, &wild));
	CHECK(r[2] && r[3]);
	/* jeq is pruned from 4.15, not before (dead code was not sanitized) */
	set_probe(0);
	REQUIRE(!reach(guarded, 6, 0, 2, 4 << 8 | 18, r, &wild));
	CHECK(!r[2]);
	REQUIRE(!reach(guarded, 6, 0, 2, 4 << 8 | 14, r, &wild));
	CHECK(r[2]);
	REQUIRE(!reach(guarded, 6, 0, 2, 3 << 8 | 10, r, &wild));
	CHECK(r[2]);
	CHECK_INT(core_kernel_version("5.10.0-30-amd64"), 5 << 8 | 10);
	CHECK_INT(core_kernel_version("3.10.0-1160.el7.x86_64"), 3 << 8 | 10);
	CHECK_INT(core_kernel_version("rolling"), 0);
}

static void test_unknown_keeps_both(void)
{
	/* the guard tests a value read from memory: both branches stay */
	const struct bpf_insn p[] = {
		LDX(1, 10, -8),
		JMP_K(BPF_JEQ, 1, 0, 1),
		ALU64_K(BPF_ADD, 3, 4),
		EXIT(),
	};
	/* a constant that reaches a join with another constant becomes unknown */
	const struct bpf_insn q[] = {
		LDX(2, 10, -8), /* 0 */
		MOV64_K(1, 0), /* 1 */
		JMP_K(BPF_JEQ, 2, 0, 1), /* 2 */
		MOV64_K(1, 1), /* 3 */
		JMP_K(BPF_JEQ, 1, 0, 1), /* 4: r1 is 0 or 1 here */
		ALU64_K(BPF_ADD, 3, 4), /* 5 */
		EXIT(), /* 6 */
	};
	__u8 r[7];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(p, 4, -1, 2, 0, r, &wild));
	CHECK(r[2]);
	REQUIRE(!reach(q, 7, -1, 5, 0, r, &wild));
	CHECK(r[5]);
}

static void test_alu_propagation(void)
{
	/* exists (0/1) moved, shifted, masked, compared with jset and jgt on 64 and 32 bits */
	const struct bpf_insn p[] = {
		MOV64_K(1, 1), /* 0: probe */
		MOV64_X(2, 1), /* 1 */
		ALU64_K(BPF_LSH, 2, 3), /* 2: 8 or 0 */
		ALU64_K(BPF_OR, 2, 1), /* 3: 9 or 1 */
		JMP_K(BPF_JSET, 2, 8, 1), /* 4 */
		JA(1), /* 5 */
		ALU64_K(BPF_ADD, 3, 4), /* 6: only when the field exists */
		ALU32_K(BPF_ADD, 2, -2), /* 7: w2 = 7 or 0xffffffff, zero-extended */
		JMP_K(BPF_JGT, 2, 0xffff, 1), /* 8: 64-bit: taken only for 0xffffffff */
		EXIT(), /* 9 */
		JMP32_K(BPF_JSLT, 2, 0, 1), /* 10: 32-bit signed: -1 < 0 */
		EXIT(), /* 11 */
		ALU64_K(BPF_ADD, 4, 4), /* 12 */
		EXIT(), /* 13 */
	};
	__u8 r[14];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(p, 14, 0, 6, 0, r, &wild));
	CHECK(!r[6] && r[7]);
	CHECK(!r[9] && r[10] && !r[11] && r[12]);
	/* the field exists: no poison at 6 (a poisoned call would clobber r0-r5) */
	set_probe(1);
	REQUIRE(!reach(p, 14, 0, -1, 0, r, &wild));
	CHECK(r[6] && r[9] && !r[10] && !r[12]);
	/* jset is pruned from 5.10 (no poison at 6 here: it would clobber r2) */
	set_probe(0);
	REQUIRE(!reach(p, 14, 0, -1, 5 << 8 | 4, r, &wild));
	CHECK(r[6] && r[10] && !r[11]);
	/* before 4.20 only jeq/jne are pruned: jset keeps both */
	set_probe(0);
	REQUIRE(!reach(p, 14, 0, 6, 4 << 8 | 19, r, &wild));
	CHECK(r[6] && r[9] && r[10]);
}

static void test_no_guess(void)
{
	/* division by zero, a shift by 64, a load: the verifier does not know, neither do we */
	const struct bpf_insn p[] = {
		MOV64_K(1, 1), /* 0: probe, 0 */
		MOV64_K(2, 8), /* 1 */
		ALU64_X(BPF_DIV, 2, 1), /* 2: 8 / 0 */
		JMP_K(BPF_JEQ, 2, 0, 1), /* 3 */
		ALU64_K(BPF_ADD, 3, 4), /* 4 */
		MOV64_K(5, 1), /* 5 */
		ALU64_K(BPF_LSH, 5, 64), /* 6 */
		JMP_K(BPF_JEQ, 5, 1, 1), /* 7 */
		ALU64_K(BPF_ADD, 3, 4), /* 8 */
		CALL(5), /* 9: a helper clobbers r0-r5 */
		JMP_K(BPF_JNE, 1, 0, 1), /* 10: r1 was 0, now unknown */
		ALU64_K(BPF_ADD, 3, 4), /* 11 */
		EXIT(), /* 12 */
	};
	__u8 r[13];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(p, 13, 0, -1, 0, r, &wild));
	CHECK(r[4] && r[8] && r[11] && r[12]);
}

static void test_untracked_ops(void)
{
	/* mul, neg and (before 5.10) xor results are not constants to every verifier */
	const struct bpf_insn p[] = {
		MOV64_K(1, 1), /* 0: probe, 0 */
		MOV64_X(2, 1), /* 1 */
		ALU64_K(BPF_MUL, 2, 3), /* 2 */
		JMP_K(BPF_JEQ, 2, 0, 1), /* 3 */
		ALU64_K(BPF_ADD, 3, 4), /* 4 */
		MOV64_X(2, 1), /* 5 */
		I(BPF_ALU64 | BPF_NEG, 2, 0, 0, 0), /* 6 */
		JMP_K(BPF_JEQ, 2, 0, 1), /* 7 */
		ALU64_K(BPF_ADD, 3, 4), /* 8 */
		MOV64_X(2, 1), /* 9 */
		ALU64_K(BPF_XOR, 2, 1), /* 10: !exists */
		JMP_K(BPF_JNE, 2, 0, 1), /* 11: taken when the field is missing */
		ALU64_K(BPF_ADD, 3, 4), /* 12 */
		EXIT(), /* 13 */
	};
	__u8 r[14];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(p, 14, 0, -1, 0, r, &wild));
	CHECK(r[4] && r[8] && !r[12]);
	REQUIRE(!reach(p, 14, 0, -1, 5 << 8 | 4, r, &wild));
	CHECK(r[12]);
}

static void test_ld_imm64(void)
{
	/* an enum value (64-bit, ld_imm64) compared on 64 and on 32 bits */
	const struct bpf_insn p[] = {
		I(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0),
		I(0, 0, 0, 0, 0), /* 0-1: patched */
		JMP_K(BPF_JEQ, 1, 0, 1), /* 2: 0x100000000 != 0 */
		ALU64_K(BPF_ADD, 3, 4), /* 3 */
		JMP32_K(BPF_JEQ, 1, 0, 1), /* 4: low half is 0 */
		ALU64_K(BPF_ADD, 4, 4), /* 5 */
		EXIT(), /* 6 */
	};
	__u8 r[7];
	bool wild;

	set_probe(0x100000000ULL);
	REQUIRE(!reach(p, 7, 0, -1, 0, r, &wild));
	CHECK(r[3] && !r[5] && !r[1]);
	/* poisoned: a call, nothing known after it */
	set_probe(0);
	res[0].status = CORE_RELO_NOT_FOUND;
	res[0].poison = true;
	REQUIRE(!reach(p, 7, 0, -1, 0, r, &wild));
	CHECK(r[0] && r[3] && r[5]);
}

static void test_hostile(void)
{
	/* an endless loop, a jump out of the function, a register number out of range */
	const struct bpf_insn loop[] = { MOV64_K(1, 0), ALU64_K(BPF_ADD, 1, 1), JA(-2), EXIT() };
	const struct bpf_insn out[] = { MOV64_K(1, 0), JMP_K(BPF_JEQ, 1, 0, 100), EXIT() };
	const struct bpf_insn badreg[] = { MOV64_K(1, 1),
					   I(BPF_ALU64 | BPF_MOV | BPF_K, 12, 0, 0, 0),
					   JMP_K(BPF_JEQ, 1, 0, 1), ALU64_K(BPF_ADD, 3, 4),
					   EXIT() };
	__u8 r[4096];
	bool wild;

	set_probe(0);
	REQUIRE(!reach(loop, 4, -1, -1, 0, r, &wild));
	CHECK(!wild && r[0] && r[1] && r[2] && !r[3]);
	REQUIRE(!reach(out, 3, -1, -1, 0, r, &wild));
	CHECK(wild && r[0] && r[1] && r[2]); /* gave up: everything counts as reached */
	REQUIRE(!reach(badreg, 5, 0, 3, 0, r, &wild));
	CHECK(r[3]);

	/* random code terminates, and a function that gives up claims nothing dead */
	srand(1);
	for (int round = 0; round < 300; round++) {
		struct bpf_insn p[4096];
		__u32 n = 1 + rand() % 4096;

		for (__u32 i = 0; i < n; i++) {
			unsigned char *b = (unsigned char *)&p[i];

			for (size_t k = 0; k < sizeof(p[i]); k++)
				b[k] = rand();
			if (rand() % 2) /* mostly jumps with offsets that stay inside */
				p[i].off = (short)(rand() % 64 - 32);
		}
		REQUIRE(!reach(p, n, rand() % n, rand() % n, rand() % 2 ? 0 : 4 << 8 | 18, r,
			       &wild));
		CHECK(r[0]);
		if (wild)
			for (__u32 i = 0; i < n; i++)
				REQUIRE(r[i]);
	}
}

int main(void)
{
	RUN_TEST(test_guarded_by_probe);
	RUN_TEST(test_unknown_keeps_both);
	RUN_TEST(test_alu_propagation);
	RUN_TEST(test_no_guess);
	RUN_TEST(test_untracked_ops);
	RUN_TEST(test_ld_imm64);
	RUN_TEST(test_hostile);
	return unit_finish();
}
