// SPDX-License-Identifier: BSD-2-Clause
/* relo_oracle: print, normalized, how libbpf itself CO-RE-relocates OBJECT against BTF. */

/*
 * "libbpf is the judge". The oracle opens OBJECT with btf_custom_path = BTF, captures libbpf's
 * debug log and runs bpf_object__load(). Only the CO-RE relocation part of the log matters;
 * program loading into the kernel after relocation is expected to fail and is made to fail fast.
 *
 * Output, one line per CO-RE relocation libbpf processed, in log order:
 *
 *   <prog> relo #<n> <local spec> => <outcome>[; <outcome>...]
 *
 * The local spec comes from the object only, so it is identical for any target BTF. Target type
 * ids (candidate ids, TYPE_ID_TARGET values) legitimately differ between a full kernel BTF and
 * a tailored one, so they are masked: a target_type_id relocation only says "resolved" (or "0"
 * when nothing matched). Candidate lines are dropped: their ids and numbering depend on the
 * target. A final line gives the overall result ("core: ok" or "core: failed <err>").
 *
 * Exit codes: 0 relocation phase reached (whatever its result), 1 libbpf failed before or
 * outside CO-RE relocation (bad BTF, bad object), 2 usage, 77 skipped (needs root and bpf()).
 *
 * Workarounds for this machine (kernel without /sys/kernel/btf/vmlinux):
 *  - programs whose type needs vmlinux BTF for their attach target (tracing, LSM, struct_ops,
 *    extension) are switched to BPF_PROG_TYPE_UNSPEC before load; so are all others, which makes
 *    the kernel (or libbpf) reject them right after relocation instead of running the verifier.
 *    Autoload stays on: libbpf skips CO-RE relocations of programs that are not autoloaded.
 *  - maps are not created (bpf_map__set_autocreate(false)): map creation happens before
 *    relocation and only adds ways to fail that have nothing to do with BTF.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "test_log.h"

#define EXIT_SKIP 77

static struct test_log g_log;
static bool g_verbose;

static int log_capture(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return test_log__vprintf(&g_log, g_verbose ? stderr : NULL, fmt, args);
}

/* One CO-RE relocation as seen in the log. */
struct relo_line {
	char prog[128];
	int idx;
	char kind[32];
	char spec[512];
	struct test_log outcome;
};

struct relo_list {
	struct relo_line *v;
	size_t n;
	size_t cap;
};

static struct relo_line *relo_list__find(struct relo_list *l, const char *prog, int idx, bool add)
{
	struct relo_line *r;
	size_t i;

	/* relocations are logged one after the other: the last one is nearly always the hit */
	for (i = l->n; i > 0; i--) {
		r = &l->v[i - 1];
		if (r->idx == idx && strcmp(r->prog, prog) == 0)
			return r;
	}
	if (!add)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct relo_line *p = realloc(l->v, cap * sizeof(*p));

		if (!p)
			return NULL;
		l->v = p;
		l->cap = cap;
	}
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->prog, sizeof(r->prog), "%s", prog);
	r->idx = idx;
	return r;
}

/* Replace every "[<digits>]" by "[#]": target type ids differ between full and tailored BTF. */
static void mask_type_ids(char *s)
{
	char *w = s, *r = s;

	while (*r) {
		if (r[0] == '[' && isdigit((unsigned char)r[1])) {
			const char *e = r + 1;

			while (isdigit((unsigned char)*e))
				e++;
			if (*e == ']') {
				memcpy(w, "[#]", 3);
				w += 3;
				r = (char *)e + 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

static void add_outcome(struct relo_line *r, const char *text)
{
	if (r->outcome.len)
		test_log__append(&r->outcome, "; ", 2);
	test_log__append(&r->outcome, text, strlen(text));
}

/*
 * Turn one "prog 'P': relo #N: REST" log line into spec or outcome text.
 * Formats are those of libbpf 1.1 relo_core.c (bpf_core_calc_relo_insn, bpf_core_patch_insn,
 * bpf_core_poison_insn) and libbpf.c (bpf_object__relocate_core).
 */
static void relo_line__feed(struct relo_line *r, char *rest)
{
	char buf[600];
	unsigned long long a, b;
	char what[64];
	int insn, err;

	if (rest[0] == '<' && !r->spec[0]) {
		/* local spec: "<kind> [local id] struct name.a.b (0:1:2 @ offset 8)" */
		const char *e = strchr(rest, '>');

		snprintf(r->spec, sizeof(r->spec), "%s", rest);
		if (e && (size_t)(e - rest - 1) < sizeof(r->kind)) {
			memcpy(r->kind, rest + 1, e - rest - 1);
			r->kind[e - rest - 1] = '\0';
		}
		return;
	}
	if (strncmp(rest, "matching candidate", 18) == 0 ||
	    strncmp(rest, "non-matching candidate", 22) == 0)
		return; /* candidate ids and numbering depend on the target BTF */
	if (strncmp(rest, "poisoning insn", 14) == 0)
		return; /* map-load relocation after CO-RE (maps are not created), not CO-RE */
	if (strcmp(rest, "no matching targets found") == 0) {
		add_outcome(r, "no match");
		return;
	}
	if (sscanf(rest, "patched insn #%d (%63[^)]) %*s %llu -> %llu", &insn, what, &a, &b) == 4) {
		if (strcmp(r->kind, "target_type_id") == 0)
			snprintf(buf, sizeof(buf), "insn #%d %s %s", insn, what,
				 b ? "resolved" : "0");
		else if (strstr(rest, "mem_sz"))
			snprintf(buf, sizeof(buf), "insn #%d %s mem_sz %llu -> %llu", insn, what, a,
				 b);
		else
			snprintf(buf, sizeof(buf), "insn #%d %s %llu -> %llu", insn, what, a, b);
		add_outcome(r, buf);
		return;
	}
	if (sscanf(rest, "substituting insn #%d w/ invalid insn", &insn) == 1) {
		snprintf(buf, sizeof(buf), "insn #%d poisoned", insn);
		add_outcome(r, buf);
		return;
	}
	if (sscanf(rest, "failed to relocate: %d", &err) == 1) {
		snprintf(buf, sizeof(buf), "FAILED %d", err);
		add_outcome(r, buf);
		return;
	}
	/* ambiguity: keep which check failed, not the values (type ids for target_type_id) */
	if (strncmp(rest, "field offset ambiguity", 22) == 0) {
		add_outcome(r, "field offset ambiguity");
		return;
	}
	if (strncmp(rest, "relocation decision ambiguity", 29) == 0) {
		add_outcome(r, "relocation decision ambiguity");
		return;
	}
	/* anything else (parse failures, anonymous types, bad insns): keep, ids masked */
	snprintf(buf, sizeof(buf), "%s", rest);
	mask_type_ids(buf);
	add_outcome(r, buf);
}

/* Walk the captured log: one relo_line per relocation, and whether relocation failed. */
static void parse_log(struct relo_list *relos, bool *core_failed, int *core_err)
{
	char *copy = g_log.buf ? strdup(g_log.buf) : NULL;
	char *line = copy, *next;

	*core_failed = false;
	*core_err = 0;
	for (; line && *line; line = next) {
		char prog[128];
		int idx, off = 0;
		struct relo_line *r;
		bool add;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "libbpf: failed to perform CO-RE relocations: %d", core_err) ==
			    1 ||
		    sscanf(line, "failed to perform CO-RE relocations: %d", core_err) == 1) {
			*core_failed = true;
			continue;
		}
		if (strncmp(line, "libbpf: ", 8) == 0)
			line += 8;
		if (sscanf(line, "prog '%127[^']': relo #%d: %n", prog, &idx, &off) != 2 || !off)
			continue;
		/*
		 * A CO-RE relocation starts with its local spec, or fails parsing it. Other
		 * "relo #" lines (map-load relocations, after CO-RE) only extend known entries.
		 */
		add = line[off] == '<' || strncmp(line + off, "parsing ", 8) == 0 ||
		      strncmp(line + off, "target candidate search failed", 30) == 0 ||
		      strncmp(line + off, "failed to relocate", 18) == 0;
		r = relo_list__find(relos, prog, idx, add);
		if (!r)
			continue;
		relo_line__feed(r, line + off);
	}
	free(copy);
}

static bool have_bpf(void)
{
	/* a socket filter is the simplest program every bpf()-capable kernel accepts */
	return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) == 1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: relo_oracle [-v] OBJECT BTF\n"
		   "Print libbpf's CO-RE relocation outcomes for OBJECT against target BTF.\n"
		   "  -v  also copy libbpf's debug log to stderr\n");
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct relo_list relos = {};
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *map;
	bool core_failed, reached;
	int core_err, err, i, ret = 1;
	size_t k;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		g_verbose = true;
		argc--;
		argv++;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	if (geteuid() != 0 || !have_bpf()) {
		fprintf(stderr, "relo_oracle: skipped: needs root and bpf()\n");
		return EXIT_SKIP;
	}
	libbpf_set_print(log_capture);

	oopts.btf_custom_path = argv[2];
	obj = bpf_object__open_file(argv[1], &oopts);
	if (!obj) {
		err = -errno;
		printf("open: failed %d\n", err);
		fprintf(stderr, "relo_oracle: %s: open failed: %d\n", argv[1], err);
		goto out;
	}
	/*
	 * UNSPEC for every program: tracing/LSM/struct_ops/ext ones would make libbpf look for
	 * vmlinux BTF before relocating, and the others would run the verifier for nothing.
	 * Never touch autoload: relocate_core skips programs that are not autoloaded.
	 */
	bpf_object__for_each_program(prog, obj) bpf_program__set_type(prog, BPF_PROG_TYPE_UNSPEC);
	bpf_object__for_each_map(map, obj) bpf_map__set_autocreate(map, false);

	err = bpf_object__load(obj);
	/* markers of the program-load phase, which comes after CO-RE relocation */
	reached = err == 0 ||
		  (g_log.buf && (strstr(g_log.buf, "failed to load program") ||
				 strstr(g_log.buf, "missing BPF prog type") ||
				 strstr(g_log.buf, "failed to prepare load attributes")));
	parse_log(&relos, &core_failed, &core_err);
	for (k = 0; k < relos.n; k++) {
		struct relo_line *r = &relos.v[k];

		printf("%s relo #%d %s => %s\n", r->prog, r->idx,
		       r->spec[0] ? r->spec : "<no spec>",
		       r->outcome.len ? r->outcome.buf : "(no outcome)");
	}
	if (core_failed) {
		printf("core: failed %d\n", core_err);
		ret = 0;
	} else if (reached) {
		/* relocation finished; program loading (after it) failed as intended */
		printf("core: ok\n");
		ret = 0;
	} else {
		printf("core: not reached %d\n", err);
		fprintf(stderr, "relo_oracle: %s: load failed before CO-RE relocation: %d\n",
			argv[1], err);
		ret = 1;
	}
out:
	if (ret && g_log.buf && !g_verbose)
		fputs(g_log.buf, stderr);
	bpf_object__close(obj);
	for (i = 0; i < (int)relos.n; i++)
		free(relos.v[i].outcome.buf);
	free(relos.v);
	free(g_log.buf);
	return ret;
}
