// SPDX-License-Identifier: BSD-2-Clause
/*
 * btfgen-batch diff: what changed between two bundles, and whether a program newly fails on
 * a kernel the old bundle supported (the question a CI refresh of the bundle must answer).
 *
 * Kernels are matched by distro/version/arch/release. For each kernel in both, every
 * (object, program) gets a state, and the states are compared. A bundle with verdicts
 * (docs/verdicts.md: matrix.json records carry "verdict") gives loads, probes, guarded,
 * fails or refused by that document's rule. An older bundle's state is derived from the
 * records' reasons: "loads" (none), "probes" (only relocations that evaluate to 0),
 * "poisoned" (a poisoned instruction: fails if reached, unless guarded), "refused" (libbpf
 * refuses the object). supported() and failing() decide what is a regression.
 * The records come from the reader (btfgen_bundle__unsatisfied), one kernel at a time: two
 * whole-BTFHub bundles are compared without a second parse of their matrices.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch diff [-j|-p] OLD NEW\n"
		"\n"
		"Compares two bundles kernel by kernel (distro/version/arch/release): objects\n"
		"added, removed or changed; kernels added and removed; status changes (ok,\n"
		"failed, skipped); tailored BTFs changed; and, per kernel, object and program,\n"
		"the program's state and its unsatisfiable relocations. A state is loads,\n"
		"probes (only existence probes answered 0), poisoned (a poisoned instruction:\n"
		"the verifier rejects the program if it reaches it) or refused (libbpf refuses\n"
		"the object). A regression is a kernel ok in OLD and failed or skipped in NEW,\n"
		"or a program that loads or only probes on a kernel in OLD and is poisoned or\n"
		"refused there in NEW. Removed kernels are listed, not counted as regressions.\n"
		"\n"
		"  -j, --json   the changes as one JSON object (errors as {\"error\": ...})\n"
		"  -p, --pretty the same, indented\n"
		"  -h, --help   this text\n"
		"\n"
		"exit codes: 0 no regression, 1 regressed, 2 usage, 3 unreadable or corrupt bundle.\n");
}

/* An unsatisfiable relocation of one kernel, with its object's and program's names. */
struct relo {
	struct bundle_unsatisfied u;
	const char *verdict; /* the record's "verdict", "" in bundles without verdicts */
	const char *function; /* the subprogram holding it, "" if in the program itself */
	bool obj_refused; /* some record of its object on this kernel is "refused" */
};

struct kernel_relos {
	struct relo *r;
	size_t cnt;
};

struct diff_ctx {
	struct bundle *old, *new;
	json_t *out; /* the result, built for -j and text alike */
	size_t regressions;
};

static void put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
}

static void kernel_key(const struct bundle_entry *e, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/%s/%s/%s", e->distro, e->version, e->arch, e->release);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct bundle_entry *x = *(const struct bundle_entry *const *)a;
	const struct bundle_entry *y = *(const struct bundle_entry *const *)b;
	int r;

	if ((r = strcmp(x->distro, y->distro)) || (r = strcmp(x->version, y->version)) ||
	    (r = strcmp(x->arch, y->arch)))
		return r;
	return strcmp(x->release, y->release);
}

static int cmp_relo(const void *a, const void *b)
{
	const struct bundle_unsatisfied *x = &((const struct relo *)a)->u;
	const struct bundle_unsatisfied *y = &((const struct relo *)b)->u;
	int r;

	if ((r = strcmp(x->object, y->object)) || (r = strcmp(x->program, y->program)))
		return r;
	if (x->relocation != y->relocation)
		return x->relocation < y->relocation ? -1 : 1;
	if ((r = strcmp(x->kind, y->kind)) || (r = strcmp(x->type, y->type)))
		return r;
	return strcmp(x->access, y->access);
}

/* The entries of b sorted by key; NULL on ENOMEM. */
static const struct bundle_entry **sorted_entries(const struct bundle *b)
{
	size_t n = btfgen_bundle__entry_cnt(b);
	const struct bundle_entry **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = btfgen_bundle__entry(b, i);
	qsort(v, n, sizeof(*v), cmp_entry);
	return v;
}

/* Marks the records of objects that libbpf refuses on this kernel (r sorted by object). */
static void mark_refused(struct relo *r, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		bool refused = false;

		for (j = i; j < n && !strcmp(r[j].u.object, r[i].u.object); j++)
			refused |= !strcmp(r[j].verdict, "refused");
		for (size_t k = i; k < j; k++)
			r[k].obj_refused = refused;
	}
}

/*
 * The unsatisfiable relocations of e sorted by object, program, relocation, without the
 * "unused" ones (in no program's code); 0 or -1.
 */
static int kernel_relos(struct bundle *b, const struct bundle_entry *e, struct kernel_relos *kr)
{
	size_t i;

	kr->r = calloc(e->unsatisfied_cnt + 1, sizeof(*kr->r));
	if (!kr->r)
		return -1;
	for (i = 0, kr->cnt = 0; i < e->unsatisfied_cnt; i++) {
		struct relo *r = &kr->r[kr->cnt];

		if (btfgen_bundle__unsatisfied(b, e, i, &r->u))
			return -1;
		r->verdict = r->u.verdict ? r->u.verdict : "";
		r->function = r->u.function ? r->u.function : "";
		if (strcmp(r->verdict, "unused"))
			kr->cnt++;
	}
	qsort(kr->r, kr->cnt, sizeof(*kr->r), cmp_relo);
	mark_refused(kr->r, kr->cnt);
	return 0;
}

/* The state of the program whose relocations are r[0..n) (n == 0: it loads). */
static const char *program_state(const struct relo *r, size_t n)
{
	static const char *const order[] = { "probe", "guarded", "fails" };
	bool poisoned = false;
	int worst = -1;

	if (n && r[0].obj_refused)
		return "refused";
	/* docs/verdicts.md: the most severe verdict of its records */
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (!strcmp(r[i].verdict, order[k]) && k > worst)
				worst = k;
	if (worst >= 0)
		return worst == 0 ? "probes" : order[worst];
	for (size_t i = 0; i < n; i++) {
		if (strstr(r[i].u.reason, "libbpf refuses"))
			return "refused";
		if (strstr(r[i].u.reason, "poisoned"))
			poisoned = true;
	}
	return poisoned ? "poisoned" : n ? "probes" : "loads";
}

/* The program can be used on the kernel (stored verdicts: loads, probes, guarded). */
static bool supported(const char *state)
{
	return !strcmp(state, "loads") || !strcmp(state, "probes") || !strcmp(state, "guarded");
}

static bool failing(const char *state)
{
	return !strcmp(state, "poisoned") || !strcmp(state, "fails") || !strcmp(state, "refused");
}

static json_t *relo_json(const struct relo *r)
{
	const struct bundle_unsatisfied *u = &r->u;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "relocation", (json_int_t)u->relocation,
			      "kind", u->kind, "type", u->type, "access", u->access, "reason",
			      u->reason);

	if (j && *r->function)
		json_object_set_new(j, "function", json_string(r->function));
	if (j && *r->verdict)
		json_object_set_new(j, "verdict", json_string(r->verdict));
	return j;
}

/* Number of relocations from r[i] on that belong to the same object and program. */
static size_t group_len(const struct relo *r, size_t i, size_t n)
{
	size_t j = i + 1;

	while (j < n && !strcmp(r[j].u.object, r[i].u.object) &&
	       !strcmp(r[j].u.program, r[i].u.program))
		j++;
	return j - i;
}

/* Relocations in a[0..na) and not in b[0..nb) (both sorted) appended to arr. */
static void relos_only_in(const struct relo *a, size_t na, const struct relo *b, size_t nb,
			  json_t *arr)
{
	size_t i = 0, j = 0;

	while (i < na) {
		int c = j < nb ? cmp_relo(&a[i], &b[j]) : -1;

		if (c < 0)
			json_array_append_new(arr, relo_json(&a[i++]));
		else if (c > 0)
			j++;
		else
			i++, j++;
	}
}

/* One program of a kernel in both bundles: o/no and n/nn its relocations in OLD and NEW. */
static int program_diff(struct diff_ctx *d, const char *key, const struct relo *o, size_t no,
			const struct relo *n, size_t nn)
{
	const struct bundle_unsatisfied *u = no ? &o[0].u : &n[0].u;
	const char *so = program_state(o, no), *sn = program_state(n, nn);
	bool regressed = supported(so) && failing(sn);
	json_t *added = json_array(), *removed = json_array(), *p;

	relos_only_in(n, nn, o, no, added);
	relos_only_in(o, no, n, nn, removed);
	if (!json_array_size(added) && !json_array_size(removed) && !strcmp(so, sn)) {
		json_decref(added);
		json_decref(removed);
		return 0;
	}
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "kernel", key, "object",
		      u->object, "program", u->program, "old", so, "new", sn, "regression",
		      regressed, "relocations_added", added, "relocations_removed", removed);
	if (!p || json_array_append_new(json_object_get(d->out, "programs_changed"), p))
		return -1;
	d->regressions += regressed;
	return 0;
}

/* Whether both bundles have an object named name (bytes may differ). */
static bool object_in_both(const struct bundle *a, const struct bundle *b, const char *name)
{
	const struct bundle_object *x = NULL, *y = NULL;

	for (size_t i = 0; i < btfgen_bundle__object_cnt(a) && !x; i++)
		if (!strcmp(btfgen_bundle__object(a, i)->name, name))
			x = btfgen_bundle__object(a, i);
	for (size_t i = 0; i < btfgen_bundle__object_cnt(b) && !y; i++)
		if (!strcmp(btfgen_bundle__object(b, i)->name, name))
			y = btfgen_bundle__object(b, i);
	return x && y;
}

/* The programs of one kernel ok in both: merge-join the (object, program) groups. */
static int programs_diff(struct diff_ctx *d, const char *key, const struct bundle_entry *eo,
			 const struct bundle_entry *en)
{
	struct kernel_relos ko = {}, kn = {};
	size_t i = 0, j = 0;
	int ret = -1;

	if (kernel_relos(d->old, eo, &ko) || kernel_relos(d->new, en, &kn))
		goto out;
	while (i < ko.cnt || j < kn.cnt) {
		size_t lo = i < ko.cnt ? group_len(ko.r, i, ko.cnt) : 0;
		size_t ln = j < kn.cnt ? group_len(kn.r, j, kn.cnt) : 0;
		int c;

		if (!lo)
			c = 1;
		else if (!ln)
			c = -1;
		else if (!(c = strcmp(ko.r[i].u.object, kn.r[j].u.object)))
			c = strcmp(ko.r[i].u.program, kn.r[j].u.program);
		/* a program only one bundle's object has is no change of state */
		if (c &&
		    !object_in_both(d->old, d->new, c < 0 ? ko.r[i].u.object : kn.r[j].u.object))
			c < 0 ? (i += lo) : (j += ln);
		else if (program_diff(d, key, ko.r + i, c <= 0 ? lo : 0, kn.r + j, c >= 0 ? ln : 0))
			goto out;
		else
			i += c <= 0 ? lo : 0, j += c >= 0 ? ln : 0;
	}
	ret = 0;
out:
	free(ko.r);
	free(kn.r);
	return ret;
}

/* A kernel in both bundles: status, BTF and programs. */
static int kernel_diff(struct diff_ctx *d, const struct bundle_entry *eo,
		       const struct bundle_entry *en)
{
	bool ok_o = !strcmp(eo->status, "ok"), ok_n = !strcmp(en->status, "ok");
	char key[1024];

	kernel_key(eo, key, sizeof(key));
	if (strcmp(eo->status, en->status)) {
		bool regressed = ok_o && !ok_n;
		json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:b}", "kernel", key, "old", eo->status,
				      "new", en->status, "reason", en->reason, "regression",
				      regressed);

		if (!s || json_array_append_new(json_object_get(d->out, "status_changed"), s))
			return -1;
		d->regressions += regressed;
	}
	if (!ok_o || !ok_n)
		return 0;
	if (strcmp(eo->btf_sha256_hex, en->btf_sha256_hex) &&
	    json_array_append_new(json_object_get(d->out, "btf_changed"), json_string(key)))
		return -1;
	return programs_diff(d, key, eo, en);
}

static int list_add(struct diff_ctx *d, const char *list, const struct bundle_entry *e)
{
	char key[1024];

	kernel_key(e, key, sizeof(key));
	return json_array_append_new(json_object_get(json_object_get(d->out, "kernels"), list),
				     json_string(key));
}

static int kernels_diff(struct diff_ctx *d)
{
	const struct bundle_entry **vo = sorted_entries(d->old), **vn = sorted_entries(d->new);
	size_t no = btfgen_bundle__entry_cnt(d->old), nn = btfgen_bundle__entry_cnt(d->new), i = 0,
	       j = 0;
	int ret = -1;

	if (!vo || !vn)
		goto out;
	while (i < no || j < nn) {
		int c = i == no ? 1 : j == nn ? -1 : cmp_entry(&vo[i], &vn[j]);

		if (c < 0 ? list_add(d, "removed", vo[i++]) :
		    c > 0 ? list_add(d, "added", vn[j++]) :
			    kernel_diff(d, vo[i++], vn[j++]))
			goto out;
	}
	ret = 0;
out:
	free(vo);
	free(vn);
	return ret;
}

/* Objects by name: added, removed, changed (other bytes: its relocations may differ). */
static int objects_diff(struct diff_ctx *d)
{
	json_t *jo = json_object_get(d->out, "objects");

	for (size_t i = 0; i < btfgen_bundle__object_cnt(d->old); i++) {
		const struct bundle_object *o = btfgen_bundle__object(d->old, i), *n = NULL;

		for (size_t j = 0; j < btfgen_bundle__object_cnt(d->new) && !n; j++)
			if (!strcmp(btfgen_bundle__object(d->new, j)->name, o->name))
				n = btfgen_bundle__object(d->new, j);
		if (!n ? json_array_append_new(json_object_get(jo, "removed"),
					       json_string(o->name)) :
		    strcmp(n->sha256_hex, o->sha256_hex) ?
			 json_array_append_new(json_object_get(jo, "changed"),
					       json_string(o->name)) :
			 0)
			return -1;
	}
	for (size_t j = 0; j < btfgen_bundle__object_cnt(d->new); j++) {
		const char *name = btfgen_bundle__object(d->new, j)->name;

		if (!object_in_both(d->new, d->old, name) &&
		    json_array_append_new(json_object_get(jo, "added"), json_string(name)))
			return -1;
	}
	return 0;
}

static void print_list(json_t *arr, const char *what)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		printf("%s ", what);
		put_escaped(json_string_value(v));
		putchar('\n');
	}
}

static void print_text(const struct diff_ctx *d)
{
	json_t *o = json_object_get(d->out, "objects"), *k = json_object_get(d->out, "kernels");
	json_t *v, *r;
	size_t i, j;

	print_list(json_object_get(o, "added"), "object added:");
	print_list(json_object_get(o, "removed"), "object removed:");
	print_list(json_object_get(o, "changed"), "object changed:");
	print_list(json_object_get(k, "added"), "kernel added:");
	print_list(json_object_get(k, "removed"), "kernel removed:");
	json_array_foreach(json_object_get(d->out, "status_changed"), i, v)
	{
		printf("%s", json_is_true(json_object_get(v, "regression")) ? "REGRESSION " : "");
		printf("kernel status: ");
		put_escaped(json_string_value(json_object_get(v, "kernel")));
		printf(": %s -> %s", json_string_value(json_object_get(v, "old")),
		       json_string_value(json_object_get(v, "new")));
		if (*json_string_value(json_object_get(v, "reason"))) {
			printf(" (");
			put_escaped(json_string_value(json_object_get(v, "reason")));
			putchar(')');
		}
		putchar('\n');
	}
	print_list(json_object_get(d->out, "btf_changed"), "BTF changed:");
	json_array_foreach(json_object_get(d->out, "programs_changed"), i, v)
	{
		printf("%s", json_is_true(json_object_get(v, "regression")) ? "REGRESSION " : "");
		printf("program ");
		put_escaped(json_string_value(json_object_get(v, "object")));
		putchar(':');
		put_escaped(json_string_value(json_object_get(v, "program")));
		printf(" on ");
		put_escaped(json_string_value(json_object_get(v, "kernel")));
		printf(": %s -> %s\n", json_string_value(json_object_get(v, "old")),
		       json_string_value(json_object_get(v, "new")));
		json_array_foreach(json_object_get(v, "relocations_added"), j, r)
		{
			if (j == 5) {
				printf("  + %zu more (-j lists them)\n",
				       json_array_size(json_object_get(v, "relocations_added")) -
					       j);
				break;
			}
			printf("  + #%lld %s ",
			       json_integer_value(json_object_get(r, "relocation")),
			       json_string_value(json_object_get(r, "kind")));
			put_escaped(json_string_value(json_object_get(r, "type")));
			putchar(' ');
			put_escaped(json_string_value(json_object_get(r, "access")));
			printf(": ");
			put_escaped(json_string_value(json_object_get(r, "reason")));
			putchar('\n');
		}
		if (json_array_size(json_object_get(v, "relocations_removed")))
			printf("  - %zu relocation(s) no longer unsatisfiable\n",
			       json_array_size(json_object_get(v, "relocations_removed")));
	}
}

static json_t *summary(const struct diff_ctx *d)
{
	json_t *o = json_object_get(d->out, "objects"), *k = json_object_get(d->out, "kernels");

	return json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "objects_added",
		(json_int_t)json_array_size(json_object_get(o, "added")), "objects_removed",
		(json_int_t)json_array_size(json_object_get(o, "removed")), "objects_changed",
		(json_int_t)json_array_size(json_object_get(o, "changed")), "kernels_added",
		(json_int_t)json_array_size(json_object_get(k, "added")), "kernels_removed",
		(json_int_t)json_array_size(json_object_get(k, "removed")), "status_changed",
		(json_int_t)json_array_size(json_object_get(d->out, "status_changed")),
		"btf_changed", (json_int_t)json_array_size(json_object_get(d->out, "btf_changed")),
		"programs_changed",
		(json_int_t)json_array_size(json_object_get(d->out, "programs_changed")));
}

static int parse_args(int argc, char **argv)
{
	int rc = cmd_parse_std(argc, argv, usage);

	if (rc >= 0)
		return rc;
	if (optind != argc - 2) {
		cmd_err("diff", "give two bundles, OLD and NEW (see diff --help)");
		return EXIT_USAGE;
	}
	return -1;
}

/* d->out for the bundles at old and new; 0 or -1 (message printed). */
static int diff_bundles(struct diff_ctx *d, const char *old, const char *new)
{
	char err[512];

	d->old = cmd_open_bundle("diff", old, false);
	d->new = d->old ? cmd_open_bundle("diff", new, false) : NULL;
	if (!d->new)
		return -1;
	/* the runtime form has no verdicts, objects or per-blob hashes to compare */
	if (btfgen_bundle__is_runtime(d->old) || btfgen_bundle__is_runtime(d->new)) {
		cmd_err("diff",
			"'%s' is a runtime bundle (btfgen-batch strip): diff needs the full form",
			Q(btfgen_bundle__is_runtime(d->old) ? old : new));
		return -1;
	}
	if (btfgen_bundle__load_matrix(d->old, err, sizeof(err)) ||
	    btfgen_bundle__load_matrix(d->new, err, sizeof(err))) {
		cmd_err("diff", "%s", err);
		return -1;
	}
	d->out = json_pack("{s:s, s:s, s:{s:[], s:[], s:[]}, s:{s:[], s:[]}, s:[], s:[], s:[]}",
			   "old", old, "new", new, "objects", "added", "removed", "changed",
			   "kernels", "added", "removed", "status_changed", "btf_changed",
			   "programs_changed");
	if (!d->out || objects_diff(d) || kernels_diff(d)) {
		cmd_err("diff", "%s",
			*btfgen_bundle__error(d->old) ? btfgen_bundle__error(d->old) :
			*btfgen_bundle__error(d->new) ? btfgen_bundle__error(d->new) :
							"out of memory");
		return -1;
	}
	json_object_set_new(d->out, "regressions", json_integer((json_int_t)d->regressions));
	json_object_set_new(d->out, "regressed", json_boolean(d->regressions));
	json_object_set_new(d->out, "summary", summary(d));
	return 0;
}

static void print_diff_text(struct diff_ctx *d)
{
	json_t *s = json_object_get(d->out, "summary");

	print_text(d);
	printf("diff: kernels +%lld -%lld, %lld status changed, %lld BTFs changed, %lld "
	       "programs changed; %s\n",
	       json_integer_value(json_object_get(s, "kernels_added")),
	       json_integer_value(json_object_get(s, "kernels_removed")),
	       json_integer_value(json_object_get(s, "status_changed")),
	       json_integer_value(json_object_get(s, "btf_changed")),
	       json_integer_value(json_object_get(s, "programs_changed")),
	       d->regressions ? "REGRESSED" : "no regression");
}

int cmd_diff(int argc, char **argv)
{
	struct diff_ctx d = {};
	int rc = parse_args(argc, argv);

	if (rc >= 0)
		return rc;
	rc = EXIT_FATAL;
	if (diff_bundles(&d, argv[optind], argv[optind + 1]))
		goto out;
	if (cmd_json && cmd_print_json(d.out))
		goto out;
	if (!cmd_json)
		print_diff_text(&d);
	rc = d.regressions ? EXIT_DIFF_REGRESSED : EXIT_OK;
out:
	json_decref(d.out);
	btfgen_bundle__free(d.old);
	btfgen_bundle__free(d.new);
	return rc;
}
