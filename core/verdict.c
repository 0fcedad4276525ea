// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: verdicts. Which program of an object loads on a kernel, from our relocation results:
 * a failing (poisoned) relocation only matters when the verifier can reach its instruction.
 * Reachability is a constant propagation over the program's instructions with the patched
 * immediates, pruning conditional jumps on known constants as the verifier does. Anything
 * unknown keeps both branches: "guarded" is only claimed when the dead code is certain.
 * docs/verdicts.md describes the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "object_code.h"

#define FUNC_MAX_INSNS (1u << 16) /* bigger functions: every instruction counts as reached */
#define WORK_BUDGET (1u << 26) /* analysis steps per object and kernel, then give up */
#define NREGS 11
#define FUNC_MAX (1u << 12) /* more functions: no analysis (programs x functions bytes) */

/* ---- reachability ---- */

struct regs {
	__u16 known; /* bit r: regs r holds val[r] */
	__u64 val[NREGS];
};

struct func_result {
	bool done, wild; /* wild: gave up, every instruction reached, every function included */
	__u8 *reached; /* per instruction of the function */
	__u32 *calls; /* callee function index << 1 | reached */
	__u32 call_cnt;
};

struct analysis {
	const struct core_object *obj;
	const struct object_code *c;
	const struct core_relo_result *res;
	unsigned kver;
	bool blind; /* the object's code could not be read, or is too big to analyse */
	bool unplaced; /* a relocation points into no code section: it counts for every program */
	__u64 budget;
	struct func_result *fr;
	/* scratch for one function */
	struct regs *st;
	__u8 *seen;
	__u32 *work;
};

static void clobber(struct regs *r, int from, int to)
{
	for (int i = from; i <= to; i++)
		r->known &= ~(1u << i);
}

static void set_const(struct regs *r, int reg, __u64 v)
{
	r->known |= 1u << reg;
	r->val[reg] = v;
}

static bool is_known(const struct regs *r, int reg)
{
	return reg < NREGS && (r->known & (1u << reg));
}

#define KVER(major, minor) ((major) << 8 | (minor))

/*
 * dst op= src on 64 or 32 bits; false unless every verifier of version kver (0: current)
 * knows the result is this constant: add, sub, and, or, shifts and moves since 4.14, xor
 * since 5.10; mul, div, mod, neg and byte swaps are left unknown (not tracked, or not always).
 */
static bool alu(__u8 op, __s16 off, bool is64, __u64 *dst, __u64 src, unsigned kver)
{
	__u64 a = *dst, b = src, m = is64 ? ~0ULL : 0xffffffffULL, v;

	if (!is64) {
		a &= m;
		b &= m;
	}
	switch (op) {
	case BPF_ADD:
		v = a + b;
		break;
	case BPF_SUB:
		v = a - b;
		break;
	case BPF_OR:
		v = a | b;
		break;
	case BPF_AND:
		v = a & b;
		break;
	case BPF_XOR:
		if (kver && kver < KVER(5, 10))
			return false;
		v = a ^ b;
		break;
	case BPF_MOV:
		if (off) /* movsx */
			return false;
		v = b;
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (b >= (is64 ? 64 : 32))
			return false;
		if (op == BPF_LSH)
			v = a << b;
		else if (op == BPF_RSH)
			v = a >> b;
		else
			v = is64 ? (__u64)((__s64)a >> b) : (__u32)((__s32)(__u32)a >> b);
		break;
	default:
		return false;
	}
	*dst = v & m;
	return true;
}

/*
 * A conditional jump on a known register and an immediate: 1 taken, 0 not, -1 unknown.
 * What the kernel's verifier prunes (kver = major << 8 | minor, 0 unknown: current):
 * from 4.20 (is_branch_taken) every comparison, jset from 5.10; from 4.15 (dead code
 * sanitized before the calls are fixed up) jeq/jne; before, nothing is claimed.
 */
static int branch_taken(__u8 op, bool is64, __u64 a, __s32 imm, unsigned kver)
{
	__u64 b = is64 ? (__u64)(__s64)imm : (__u32)imm;
	__s64 sa = is64 ? (__s64)a : (__s32)(__u32)a, sb = is64 ? (__s64)b : (__s32)(__u32)b;

	if (!is64)
		a = (__u32)a;
	if (kver && (kver < KVER(4, 15) || (kver < KVER(4, 20) && op != BPF_JEQ && op != BPF_JNE) ||
		     (kver < KVER(5, 10) && op == BPF_JSET)))
		return -1;
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSGT:
		return sa > sb;
	case BPF_JSGE:
		return sa >= sb;
	case BPF_JSLT:
		return sa < sb;
	case BPF_JSLE:
		return sa <= sb;
	case BPF_JSET:
		return (a & b) != 0;
	default:
		return -1;
	}
}

/* Merge 'in' into the state at pc; queue pc when it changed. */
static void flow(struct analysis *a, const struct code_func *f, __u32 pc, const struct regs *in,
		 __u32 *wn, bool *wild)
{
	struct regs *s;
	__u32 i = pc - f->off;

	if (pc < f->off || pc >= f->off + f->len) {
		*wild = true; /* a jump out of the function: do not guess */
		return;
	}
	s = &a->st[i];
	if (!a->seen[i]) {
		*s = *in;
		a->seen[i] = 1;
	} else {
		__u16 k = s->known & in->known;

		for (int r = 0; r < NREGS; r++)
			if ((k & (1u << r)) && s->val[r] != in->val[r])
				k &= ~(1u << r);
		if (k == s->known)
			return;
		s->known = k;
	}
	if (!(a->seen[i] & 2)) { /* queued once: the work list never exceeds the function */
		a->seen[i] |= 2;
		a->work[(*wn)++] = i;
	}
}

/* The instruction at pc as libbpf leaves it after CO-RE: imm patched, or poisoned. */
static struct vinsn patched(const struct analysis *a, const struct code_sec *s, __u32 pc,
			    __u64 *imm64, bool *poison)
{
	struct vinsn in = s->insns[pc];
	__s32 r = s->relo[pc];

	*poison = false;
	*imm64 = (__u32)in.imm | (pc + 1 < s->cnt ? (__u64)(__u32)s->insns[pc + 1].imm << 32 : 0);
	if (r < 0 || a->res[r].status == CORE_RELO_FAILED)
		return in;
	if (a->res[r].poison) {
		*poison = true;
		return in;
	}
	switch (BPF_CLASS(in.code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(in.code) == BPF_K)
			in.imm = (__s32)a->res[r].value;
		break;
	case BPF_LD:
		*imm64 = a->res[r].value;
		break;
	}
	return in;
}

/* Index of the function that starts at insn 'off' of section 'sec', or -1 (funcs are sorted). */
static int func_at(const struct object_code *c, __u32 sec, __u32 off)
{
	__u32 lo = 0, hi = c->func_cnt;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;
		const struct code_func *f = &c->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->off < off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->func_cnt && c->funcs[lo].sec == sec && c->funcs[lo].off == off)
		return lo;
	return -1;
}

static int add_call(struct func_result *fr, __u32 callee, bool reached)
{
	__u32 *n = realloc(fr->calls, (fr->call_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	fr->calls = n;
	fr->calls[fr->call_cnt++] = callee << 1 | reached;
	return 0;
}

/* The function a bpf-to-bpf call at pc of f's section calls, or -1 if we cannot tell. */
static int callee_of(const struct object_code *c, const struct code_func *f, __u32 pc, __s32 imm)
{
	const struct code_sec *s = &c->secs[f->sec];

	if (s->callrel[pc] == (__u32)-1)
		return -1;
	if (s->callrel[pc]) /* into .text through an ELF relocation */
		return c->text_sec < 0 ? -1 : func_at(c, c->text_sec, s->callrel[pc] - 1);
	return func_at(c, f->sec, pc + imm + 1);
}

/* An ALU instruction: its result is a constant only when both operands are. */
static void step_alu(struct regs *r, const struct vinsn *in, unsigned kver)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64, k = BPF_SRC(in->code) == BPF_K;
	__u8 op = BPF_OP(in->code);
	__u64 src = k ? (is64 ? (__u64)(__s64)in->imm : (__u32)in->imm) : r->val[in->src];
	__u64 d = r->val[in->dst];

	if ((op == BPF_MOV || is_known(r, in->dst)) && (k || is_known(r, in->src)) &&
	    alu(op, in->off, is64, &d, src, kver))
		set_const(r, in->dst, d);
	else
		clobber(r, in->dst, in->dst);
}

/* Successors of one reached instruction with the state after it. */
static int step(struct analysis *a, __u32 fi, __u32 pc, __u32 *wn, bool *wild)
{
	const struct code_func *f = &a->c->funcs[fi];
	const struct code_sec *s = &a->c->secs[f->sec];
	struct regs r = a->st[pc - f->off];
	bool poison;
	__u64 imm64;
	struct vinsn in = patched(a, s, pc, &imm64, &poison);
	__u8 cls = BPF_CLASS(in.code), op = BPF_OP(in.code);
	int t;

	if (poison || in.dst >= NREGS || in.src >= NREGS) {
		/* libbpf's poison is a call to an unknown helper: reaching it fails the program */
		clobber(&r, 0, 5);
		flow(a, f, pc + (in.code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1), &r, wn, wild);
		return 0;
	}
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		step_alu(&r, &in, a->kver);
		break;
	case BPF_LD:
		if (in.code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (in.src == BPF_PSEUDO_FUNC) {
				*wild = true; /* a callback: we do not follow function pointers */
				return 0;
			}
			if (in.src == 0)
				set_const(&r, in.dst, imm64);
			else
				clobber(&r, in.dst, in.dst);
			flow(a, f, pc + 2, &r, wn, wild);
			return 0;
		}
		clobber(&r, 0, 5); /* ld_abs/ld_ind */
		break;
	case BPF_LDX:
		clobber(&r, in.dst, in.dst);
		break;
	case BPF_ST:
		break;
	case BPF_STX:
		if (BPF_MODE(in.code) == BPF_ATOMIC) {
			clobber(&r, 0, 0);
			clobber(&r, in.src, in.src);
		}
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT)
			return 0;
		if (op == BPF_CALL) {
			if (cls == BPF_JMP && in.src == BPF_PSEUDO_CALL) {
				int callee = callee_of(a->c, f, pc, in.imm);

				if (callee < 0) {
					*wild = true;
					return 0;
				}
				if (add_call(&a->fr[fi], callee, true))
					return -ENOMEM;
			}
			clobber(&r, 0, 5);
			break;
		}
		if (op == BPF_JA) {
			flow(a, f, pc + 1 + (cls == BPF_JMP32 ? in.imm : in.off), &r, wn, wild);
			return 0;
		}
		t = -1;
		if (BPF_SRC(in.code) == BPF_K && is_known(&r, in.dst))
			t = branch_taken(op, cls == BPF_JMP, r.val[in.dst], in.imm, a->kver);
		if (t != 0)
			flow(a, f, pc + 1 + in.off, &r, wn, wild);
		if (t != 1)
			flow(a, f, pc + 1, &r, wn, wild);
		return 0;
	default:
		*wild = true;
		return 0;
	}
	flow(a, f, pc + 1, &r, wn, wild);
	return 0;
}

/* Calls anywhere in the function, reached or not: libbpf appends the callee either way. */
static int unreached_calls(struct analysis *a, __u32 fi)
{
	const struct code_func *f = &a->c->funcs[fi];
	const struct code_sec *s = &a->c->secs[f->sec];

	for (__u32 pc = f->off; pc < f->off + f->len; pc++) {
		const struct vinsn *in = &s->insns[pc];
		int callee;

		if (a->fr[fi].reached[pc - f->off] || in->code != (BPF_JMP | BPF_CALL) ||
		    in->src != BPF_PSEUDO_CALL)
			continue;
		callee = callee_of(a->c, f, pc, in->imm);
		if (callee >= 0 && add_call(&a->fr[fi], callee, false))
			return -ENOMEM;
	}
	return 0;
}

/* Analyse one function from its entry, all registers unknown (R10 is the frame pointer). */
static int analyse_func(struct analysis *a, __u32 fi)
{
	const struct code_func *f = &a->c->funcs[fi];
	struct func_result *fr = &a->fr[fi];
	struct regs entry = { 0 };
	__u32 wn = 0;
	bool wild = false;
	int err = 0;

	fr->done = true;
	fr->reached = calloc(f->len + 1, 1);
	if (!fr->reached)
		return -ENOMEM;
	if (f->len > FUNC_MAX_INSNS) {
		fr->wild = true;
		goto out;
	}
	memset(a->seen, 0, f->len);
	flow(a, f, f->off, &entry, &wn, &wild);
	while (wn && !wild && !err) {
		__u32 i = a->work[--wn];

		a->seen[i] &= ~2;

		if (!a->budget) { /* spent: this and every later function count as reached */
			wild = true;
			break;
		}
		a->budget--;
		fr->reached[i] = 1;
		err = step(a, fi, f->off + i, &wn, &wild);
	}
	fr->wild = wild;
	if (!err)
		err = unreached_calls(a, fi);
out:
	if (fr->wild)
		memset(fr->reached, 1, f->len);
	return err;
}

/* ---- verdicts ---- */

const char *core_verdict_str(enum core_verdict v)
{
	static const char *const names[] = { "loads", "probes", "guarded", "fails", "refused" };

	return v <= CORE_VERDICT_REFUSED ? names[v] : "?";
}

const char *core_relo_verdict_str(enum core_relo_verdict v)
{
	static const char *const names[] = { "probe", "guarded", "fails", "refused", "unused" };

	return v <= CORE_RV_UNUSED ? names[v] : "?";
}

/* Functions program p includes (its own, its callees'...), in 'incl'; true if one gave up. */
static int include_funcs(struct analysis *a, __u32 root, __u8 *incl, __u32 *stack, bool *wild)
{
	__u32 sn = 0;
	int err;

	memset(incl, 0, a->c->func_cnt);
	incl[root] = 1;
	stack[sn++] = root;
	*wild = false;
	while (sn) {
		__u32 fi = stack[--sn];
		struct func_result *fr = &a->fr[fi];

		if (!fr->done && (err = analyse_func(a, fi)))
			return err;
		*wild |= fr->wild;
		for (__u32 k = 0; k < fr->call_cnt; k++) {
			__u32 g = fr->calls[k] >> 1;

			/* a static callee is checked where it is called; a global one on its own */
			if (incl[g] || (!(fr->calls[k] & 1) && !a->c->funcs[g].global))
				continue;
			incl[g] = 1;
			stack[sn++] = g;
		}
	}
	return 0;
}

static __u32 prog_index(const struct object_code *c, __u32 fi)
{
	for (__u32 p = 0; p < c->prog_cnt; p++)
		if (c->progs[p] == fi)
			return p;
	return 0;
}

/* The function holding instruction pc of section sec, or -1. */
static int func_of(const struct object_code *c, __u32 sec, __u32 pc)
{
	for (__u32 i = 0; i < c->func_cnt; i++)
		if (c->funcs[i].sec == sec && pc >= c->funcs[i].off &&
		    pc < c->funcs[i].off + c->funcs[i].len)
			return i;
	return -1;
}

static int add_rec(struct core_verdicts *v, __u32 relo, int prog, int func, __u32 insn,
		   enum core_relo_verdict rv)
{
	struct core_verdict_rec *n = realloc(v->recs, (v->rec_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	v->recs = n;
	n[v->rec_cnt++] = (struct core_verdict_rec){ relo, prog, func, insn, rv };
	return 0;
}

static enum core_verdict prog_level(enum core_relo_verdict rv)
{
	switch (rv) {
	case CORE_RV_PROBE:
		return CORE_VERDICT_PROBES;
	case CORE_RV_GUARDED:
		return CORE_VERDICT_GUARDED;
	case CORE_RV_FAILS:
		return CORE_VERDICT_FAILS;
	case CORE_RV_REFUSED:
		return CORE_VERDICT_REFUSED;
	default:
		return CORE_VERDICT_LOADS;
	}
}

/*
 * One record per (unresolved relocation, program whose code includes it). A relocation in
 * no program's code gets one record ('unused', or 'refused': libbpf still refuses).
 */
static int relo_records(struct analysis *a, __u32 r, const __u8 *incl_all, const bool *wild,
			struct core_verdicts *v)
{
	const struct object_code *c = a->c;
	const struct core_relo_desc *d = &a->obj->relos[r].desc;
	const struct core_relo_result *x = &a->res[r];
	__u32 insn = d->insn_off / INSN_SZ, sec = 0;
	int fi = -1, n = 0, err;

	if (a->blind) /* no code to analyse: every poisoned instruction may be reached */
		return add_rec(v, r, -1, -1, insn,
			       x->status == CORE_RELO_FAILED ? CORE_RV_REFUSED :
			       x->poison		     ? CORE_RV_FAILS :
							       CORE_RV_PROBE);
	for (sec = 0; sec < c->sec_cnt; sec++)
		if (!strcmp(c->secs[sec].name, d->section))
			break;
	if (sec == c->sec_cnt) { /* no such code section: do not guess either */
		a->unplaced = true;
		return add_rec(v, r, -1, -1, insn,
			       x->status == CORE_RELO_FAILED ? CORE_RV_REFUSED :
			       x->poison		     ? CORE_RV_FAILS :
							       CORE_RV_PROBE);
	}
	fi = func_of(c, sec, insn);
	if (x->status == CORE_RELO_FAILED)
		return add_rec(v, r, fi >= 0 && c->funcs[fi].prog ? (int)prog_index(c, fi) : -1, fi,
			       insn, CORE_RV_REFUSED);
	for (__u32 p = 0; fi >= 0 && p < c->prog_cnt; p++) {
		const __u8 *incl = incl_all + (size_t)p * c->func_cnt;
		enum core_relo_verdict rv = CORE_RV_PROBE;

		/* a program that gave up somewhere includes every subprogram, all reached */
		if (!incl[fi] && !(wild[p] && !c->funcs[fi].prog))
			continue;
		if (x->poison) {
			const struct code_func *f = &c->funcs[fi];

			rv = !incl[fi] || a->fr[fi].reached[insn - f->off] ? CORE_RV_FAILS :
									     CORE_RV_GUARDED;
		}
		err = add_rec(v, r, p, fi, insn, rv);
		if (err)
			return err;
		n++;
	}
	if (!n)
		return add_rec(v, r, -1, fi, insn, CORE_RV_UNUSED);
	return 0;
}

static void set_prog_verdicts(const struct object_code *c, bool blind, struct core_verdicts *v)
{
	enum core_verdict worst = CORE_VERDICT_LOADS;
	bool refused = false;

	for (size_t i = 0; i < v->rec_cnt; i++) {
		refused |= v->recs[i].verdict == CORE_RV_REFUSED;
		if (prog_level(v->recs[i].verdict) > worst)
			worst = prog_level(v->recs[i].verdict);
	}
	/* blind: any program may reach any record */
	for (__u32 p = 0; p < c->prog_cnt; p++)
		v->progs[p] = refused ? CORE_VERDICT_REFUSED : blind ? worst : CORE_VERDICT_LOADS;
	for (size_t i = 0; !refused && i < v->rec_cnt; i++) {
		const struct core_verdict_rec *r = &v->recs[i];
		enum core_verdict pv = prog_level(r->verdict);

		if (r->prog >= 0 && pv > v->progs[r->prog])
			v->progs[r->prog] = pv;
	}
}

int core_verdicts__compute(const struct core_object *obj, const struct core_relo_result *res,
			   unsigned kver, struct core_verdicts *v)
{
	static const struct object_code none = { .text_sec = -1 };
	const struct object_code *c = obj->code ? obj->code : &none;
	struct analysis a = { .obj = obj, .c = c, .res = res, .kver = kver, .budget = WORK_BUDGET };
	__u32 maxlen = 1, *stack = NULL;
	__u8 *incl = NULL;
	bool *wild = NULL;
	int err = -ENOMEM;

	memset(v, 0, sizeof(*v));
	a.blind = !obj->code || c->blind || c->func_cnt > FUNC_MAX;
	if (a.blind && c->func_cnt > FUNC_MAX)
		c = &none; /* keep the program list empty rather than allocate progs x funcs */
	for (__u32 i = 0; i < c->func_cnt; i++)
		if (c->funcs[i].len > maxlen && c->funcs[i].len <= FUNC_MAX_INSNS)
			maxlen = c->funcs[i].len;
	v->prog_cnt = c->prog_cnt;
	v->progs = calloc(c->prog_cnt + 1, sizeof(*v->progs));
	a.fr = calloc(c->func_cnt + 1, sizeof(*a.fr));
	a.st = malloc(maxlen * sizeof(*a.st));
	a.seen = malloc(maxlen);
	a.work = malloc(maxlen * sizeof(*a.work));
	incl = calloc((size_t)c->prog_cnt * c->func_cnt + 1, 1);
	wild = calloc(c->prog_cnt + 1, sizeof(*wild));
	stack = malloc((c->func_cnt + 1) * sizeof(*stack));
	if (!v->progs || !a.fr || !a.st || !a.seen || !a.work || !incl || !wild || !stack)
		goto out;
	for (__u32 p = 0; p < c->prog_cnt; p++) {
		err = include_funcs(&a, c->progs[p], incl + (size_t)p * c->func_cnt, stack,
				    &wild[p]);
		if (err)
			goto out;
	}
	for (__u32 r = 0; r < obj->relo_cnt; r++) {
		if (res[r].status != CORE_RELO_NOT_FOUND && res[r].status != CORE_RELO_FAILED)
			continue;
		err = relo_records(&a, r, incl, wild, v);
		if (err)
			goto out;
	}
	set_prog_verdicts(c, a.blind || a.unplaced, v);
	err = 0;
out:
	for (__u32 i = 0; a.fr && i < c->func_cnt; i++) {
		free(a.fr[i].reached);
		free(a.fr[i].calls);
	}
	free(a.fr);
	free(a.st);
	free(a.seen);
	free(a.work);
	free(incl);
	free(wild);
	free(stack);
	if (err)
		core_verdicts__free(v);
	return err;
}

void core_verdicts__free(struct core_verdicts *v)
{
	free(v->recs);
	free(v->progs);
	memset(v, 0, sizeof(*v));
}

int verdict_reach_insns(const struct bpf_insn *insns, __u32 cnt, const __s32 *relo_at,
			const struct core_relo_result *res, unsigned kver, __u8 *reached,
			bool *wild)
{
	struct code_sec sec = { .name = "unit", .cnt = cnt };
	struct code_func fn = { .name = "unit", .len = cnt, .prog = true };
	struct object_code c = {
		.secs = &sec, .sec_cnt = 1, .funcs = &fn, .func_cnt = 1, .text_sec = -1
	};
	struct analysis a = { .c = &c, .res = res, .kver = kver, .budget = WORK_BUDGET };
	struct func_result fr = { 0 };
	int err = -ENOMEM;

	sec.insns = calloc(cnt + 1, sizeof(*sec.insns));
	sec.relo = calloc(cnt + 1, sizeof(*sec.relo));
	sec.callrel = calloc(cnt + 1, sizeof(*sec.callrel));
	a.st = malloc((cnt + 1) * sizeof(*a.st));
	a.seen = malloc(cnt + 1);
	a.work = malloc((cnt + 1) * sizeof(*a.work));
	a.fr = &fr;
	if (!sec.insns || !sec.relo || !sec.callrel || !a.st || !a.seen || !a.work)
		goto out;
	for (__u32 i = 0; i < cnt; i++) {
		object_code_decode((const unsigned char *)&insns[i], false, &sec.insns[i]);
		sec.relo[i] = relo_at ? relo_at[i] : -1;
	}
	err = analyse_func(&a, 0);
	if (!err) {
		memcpy(reached, fr.reached, cnt);
		*wild = fr.wild;
	}
out:
	free(fr.reached);
	free(fr.calls);
	free(sec.insns);
	free(sec.relo);
	free(sec.callrel);
	free(a.st);
	free(a.seen);
	free(a.work);
	return err;
}

unsigned core_kernel_version(const char *release)
{
	unsigned major = 0, minor = 0;

	if (sscanf(release, "%u.%u", &major, &minor) != 2 || major > 255 || minor > 255)
		return 0;
	return major << 8 | minor;
}
