// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: we keep the named types and members bpftool v7.1.0's `gen min_core_btf` keeps. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

#ifndef UNIT_BPFTOOL
#define UNIT_BPFTOOL "/usr/sbin/bpftool"
#endif

/* A text of type 'id' as CO-RE sees it: kinds, names, sizes, offsets; TYPE_TAGs skipped. */
static void describe(const struct btf *btf, __u32 id, char *buf, size_t sz, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	size_t n = strlen(buf);
	const char *name;

	/* CO-RE looks through modifiers and typedefs below the root: so do we */
	while (t && (btf_is_type_tag(t) || (depth > 0 && (btf_is_mod(t) || btf_is_typedef(t)))))
		t = btf__type_by_id(btf, id = t->type);
	if (n + 64 >= sz || depth > 16) {
		return;
	} else if (!id || !t) {
		snprintf(buf + n, sz - n, "void");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		snprintf(buf + n, sz - n, "*");
		describe(btf, t->type, buf, sz, depth + 1);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		snprintf(buf + n, sz - n, "mod%d ", btf_kind(t));
		describe(btf, t->type, buf, sz, depth + 1);
		break;
	case BTF_KIND_ARRAY:
		snprintf(buf + n, sz - n, "[%u]", btf_array(t)->nelems);
		describe(btf, btf_array(t)->type, buf, sz, depth + 1);
		break;
	case BTF_KIND_FUNC_PROTO:
		snprintf(buf + n, sz - n, "fn(");
		for (int i = 0; i < btf_vlen(t); i++) {
			describe(btf, btf_params(t)[i].type, buf, sz, depth + 1);
			n = strlen(buf);
			snprintf(buf + n, sz - n, ",");
		}
		n = strlen(buf);
		snprintf(buf + n, sz - n, ")->");
		describe(btf, t->type, buf, sz, depth + 1);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (name[0] && depth > 0) {
			snprintf(buf + n, sz - n, "%s %s", btf_is_struct(t) ? "struct" : "union",
				 name);
			break;
		}
		snprintf(buf + n, sz - n, "%s %s size %u {", btf_is_struct(t) ? "struct" : "union",
			 name, t->size);
		for (int i = 0; i < btf_vlen(t); i++) {
			n = strlen(buf);
			snprintf(buf + n, sz - n, " %s@%u:%u ",
				 btf__name_by_offset(btf, btf_members(t)[i].name_off),
				 btf_member_bit_offset(t, i), btf_member_bitfield_size(t, i));
			describe(btf, btf_members(t)[i].type, buf, sz, depth + 1);
		}
		n = strlen(buf);
		snprintf(buf + n, sz - n, " }");
		break;
	case BTF_KIND_TYPEDEF:
		if (depth > 0) {
			snprintf(buf + n, sz - n, "typedef %s", name);
			break;
		}
		snprintf(buf + n, sz - n, "typedef %s = ", name);
		describe(btf, t->type, buf, sz, depth + 1);
		break;
	case BTF_KIND_INT:
		snprintf(buf + n, sz - n, "int %s %u %#x", name, t->size, btf_int_encoding(t));
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		snprintf(buf + n, sz - n, "enum %s %u", name, t->size);
		break;
	default:
		snprintf(buf + n, sz - n, "kind%d %s", btf_kind(t), name);
		break;
	}
}

/* Every enumerator of 'ours' (id 'a') is in 'theirs' (id 'b') with the same value. */
static bool enumerators_subset(const struct btf *ours, __u32 a, const struct btf *theirs, __u32 b)
{
	const struct btf_type *ta = btf__type_by_id(ours, a), *tb = btf__type_by_id(theirs, b);

	for (int i = 0; i < btf_vlen(ta); i++) {
		const char *na = btf__name_by_offset(ours, btf_is_enum(ta) ?
								   btf_enum(ta)[i].name_off :
								   btf_enum64(ta)[i].name_off);
		bool found = false;

		for (int j = 0; j < btf_vlen(tb) && !found; j++)
			found = !strcmp(na, btf__name_by_offset(
						    theirs, btf_is_enum(tb) ?
								    btf_enum(tb)[j].name_off :
								    btf_enum64(tb)[j].name_off));
		if (!found)
			return false;
	}
	return true;
}

/*
 * Each named type bpftool keeps, we keep, described the same (members, offsets, where each
 * pointer leads); and we keep no named type it does not. Documented deviations are allowed:
 * TYPE_TAGs, modifiers and non-root typedefs collapsed, enumerators trimmed to those used,
 * prototype parameter names dropped,
 * anonymous duplicates merged, the source kflag kept (libbpf reads the same offsets).
 */
static void compare_kept(const char *what, const struct btf *ours, const struct btf *theirs)
{
	char a[2048], b[2048];

	for (int pass = 0; pass < 2; pass++) {
		const struct btf *x = pass ? ours : theirs, *y = pass ? theirs : ours;

		for (__u32 id = 1; id < btf__type_cnt(x); id++) {
			const struct btf_type *t = btf__type_by_id(x, id);
			const char *name = btf__name_by_offset(x, t->name_off);
			__s32 other;

			/* typedefs that are no candidate's root are collapsed into their target */
			if (!name[0] || btf_is_type_tag(t) || (!pass && btf_is_typedef(t)))
				continue;
			other = btf__find_by_name_kind(y, name, btf_kind(t));
			if (other <= 0) {
				unit_fail(__FILE__, __LINE__,
					  "%s: %s keeps %s (kind %d), %s does not", what,
					  pass ? "we" : "bpftool", name, btf_kind(t),
					  pass ? "bpftool" : "we");
				continue;
			}
			a[0] = b[0] = '\0';
			describe(x, id, a, sizeof(a), 0);
			describe(y, other, b, sizeof(b), 0);
			if (strcmp(a, b))
				unit_fail(__FILE__, __LINE__, "%s: %s\n  %s: %s\n  %s: %s", what,
					  name, pass ? "ours" : "bpftool", a,
					  pass ? "bpftool" : "ours", b);
			if (!pass && btf_is_any_enum(t) && !enumerators_subset(y, other, x, id))
				unit_fail(__FILE__, __LINE__,
					  "%s: enum %s: enumerators not bpftool's", what, name);
		}
	}
}

/*
 * Tailor kernel 'k' for one object made of (l, relos) with bpftool and with the core, and
 * compare what each keeps. Only for cases with one candidate per relocation and no FWD or
 * TYPE_TAG on a type relocation's path, where bpftool's marking is what libbpf needs.
 */
static void compare_with_bpftool(const char *what, struct btf *k, struct btf *l,
				 const struct unit_relo *relos, size_t cnt)
{
	char *kpath = unit_tmp_path(".btf"), *opath = unit_tmp_path(".bpf.o");
	char *bpath = unit_tmp_path(".min.btf"), *cmd = NULL;
	struct kernel_index *ki = NULL;
	struct core_tailor *t = NULL;
	struct core_object *obj = NULL;
	struct btf *ob = NULL, *tb = NULL;
	void *ours = NULL;
	__u32 ours_size = 0, size;
	const void *raw;
	char err[256] = "";
	FILE *f;

	if (!CHECK(kpath && opath && bpath))
		goto out;
	raw = btf__raw_data(k, &size);
	f = fopen(kpath, "wb");
	if (!CHECK(raw && f))
		goto out;
	CHECK(fwrite(raw, 1, size, f) == size);
	fclose(f);
	if (!CHECK_INT(unit_obj__write(opath, l, relos, cnt, 0), 0))
		goto out;
	if (asprintf(&cmd, "%s gen min_core_btf %s %s %s >/dev/null 2>&1", UNIT_BPFTOOL, kpath,
		     bpath, opath) < 0)
		goto out;
	if (system(cmd) != 0) {
		unit_fail(__FILE__, __LINE__, "%s: bpftool failed: %s", what, cmd);
		goto out;
	}
	tb = btf__parse_raw(bpath);
	if (!CHECK(tb))
		goto out;

	obj = core_object__open(opath, err, sizeof(err));
	ki = kernel_index__new(k);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(obj && t) || !CHECK_INT(core_tailor__add_object(t, obj, NULL), 0) ||
	    !CHECK_INT(core_tailor__emit(t, &ours, &ours_size), 0))
		goto out;
	ob = btf__new(ours, ours_size);
	if (CHECK(ob))
		compare_kept(what, ob, tb);
out:
	btf__free(ob);
	btf__free(tb);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(obj);
	free(ours);
	free(cmd);
	if (kpath)
		unlink(kpath);
	if (opath)
		unlink(opath);
	if (bpath)
		unlink(bpath);
	free(kpath);
	free(opath);
	free(bpath);
}

/* Kernel: ints, typedef chain, nested struct, arrays, pointers, enums, a func proto typedef. */
struct kern {
	int kint, kuint, klong, kchar, pid_t_, inner, outer, e, cb_t;
};

static struct btf *kern_build(struct kern *kb)
{
	struct btf *k = btf__new_empty();
	int arr, cptr, proto, t;

	if (!k)
		return NULL;
	kb->kuint = btf__add_int(k, "long unsigned int", 8, 0);
	kb->kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kb->klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	kb->kchar = btf__add_int(k, "char", 1, BTF_INT_SIGNED);
	t = btf__add_typedef(k, "__kernel_pid_t", kb->kint);
	kb->pid_t_ = btf__add_typedef(k, "pid_t", t);
	kb->e = btf__add_enum(k, "state", 4);
	btf__add_enum_value(k, "S_RUN", 0);
	btf__add_enum_value(k, "S_SLEEP", 1);
	btf__add_enum_value(k, "S_DEAD", 2);
	arr = btf__add_array(k, kb->kint, kb->kchar, 16);
	kb->inner = btf__add_struct(k, "inner", 24);
	btf__add_field(k, "flags", kb->kuint, 0, 0);
	btf__add_field(k, "comm", arr, 64, 0);
	cptr = btf__add_ptr(k, kb->inner);
	kb->outer = btf__add_struct(k, "outer", 64);
	btf__add_field(k, "pid", kb->pid_t_, 0, 0);
	btf__add_field(k, "bits", kb->kuint, 32, 3); /* a bitfield: outer has kflag=1 */
	btf__add_field(k, "more", kb->kuint, 35, 7);
	btf__add_field(k, "in", kb->inner, 64, 0);
	btf__add_field(k, "parent", cptr, 256, 0);
	btf__add_field(k, "st", kb->e, 320, 0);
	btf__add_field(k, "cnt", kb->klong, 384, 0);
	proto = btf__add_func_proto(k, kb->kint);
	btf__add_func_param(k, "o", cptr);
	btf__add_func_param(k, "n", kb->klong);
	kb->cb_t = btf__add_typedef(k, "cb_t", btf__add_ptr(k, proto));
	btf__add_struct(k, "unused", 4);
	if (btf__add_field(k, "z", kb->kint, 0, 0) || kb->cb_t < 0) {
		btf__free(k);
		return NULL;
	}
	return k;
}

/* Local: struct outer { pid_t pid; unsigned bits:3; struct inner in; struct inner *parent;
 * enum state st; } with inner { char comm[16]; }, and typedef cb_t. */
struct local {
	int outer, e, cb_t;
};

static struct btf *local_build(struct local *lb)
{
	struct btf *l = btf__new_empty();
	int lint, luint, lchar, arr, inner, ptr, pid, proto, lp;

	if (!l)
		return NULL;
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	luint = btf__add_int(l, "long unsigned int", 8, 0);
	lchar = btf__add_int(l, "char", 1, BTF_INT_SIGNED);
	pid = btf__add_typedef(l, "pid_t", lint);
	lb->e = btf__add_enum(l, "state", 4);
	btf__add_enum_value(l, "S_DEAD", 2);
	arr = btf__add_array(l, lint, lchar, 16);
	inner = btf__add_struct(l, "inner", 16);
	btf__add_field(l, "comm", arr, 0, 0);
	ptr = btf__add_ptr(l, inner);
	lb->outer = btf__add_struct(l, "outer", 48);
	btf__add_field(l, "pid", pid, 0, 0);
	btf__add_field(l, "bits", luint, 32, 3);
	btf__add_field(l, "in", inner, 64, 0);
	btf__add_field(l, "parent", ptr, 192, 0);
	btf__add_field(l, "st", lb->e, 256, 0);
	lp = btf__add_int(l, "long int", 8, BTF_INT_SIGNED);
	proto = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "o", ptr);
	btf__add_func_param(l, "n", lp);
	lb->cb_t = btf__add_typedef(l, "cb_t", btf__add_ptr(l, proto));
	if (lb->cb_t < 0) {
		btf__free(l);
		return NULL;
	}
	return l;
}

static void test_keeps_what_bpftool_keeps(void)
{
	struct kern kb;
	struct local lb;
	struct btf *k = kern_build(&kb), *l = local_build(&lb);

	if (!CHECK(k && l))
		goto out;
	{
		/* plain members only: the kept struct has no bitfield, bpftool clears kflag */
		struct unit_relo r[] = {
			{ lb.outer, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
			{ lb.outer, "0:2:0:3", BPF_CORE_FIELD_BYTE_OFFSET },
			{ lb.outer, "0:3", BPF_CORE_FIELD_BYTE_OFFSET },
		};
		compare_with_bpftool("plain members", k, l, r, NRELO(r));
	}
	{
		struct unit_relo r[] = {
			{ lb.outer, "0:1", BPF_CORE_FIELD_LSHIFT_U64 },
			{ lb.outer, "0:1", BPF_CORE_FIELD_RSHIFT_U64 },
		};
		compare_with_bpftool("bitfield member", k, l, r, NRELO(r));
	}
	{
		struct unit_relo r[] = {
			{ lb.outer, "0:4", BPF_CORE_FIELD_BYTE_OFFSET },
			{ lb.e, "0", BPF_CORE_ENUMVAL_VALUE },
		};
		compare_with_bpftool("enum member and enumval", k, l, r, NRELO(r));
	}
	{
		struct unit_relo r[] = {
			{ lb.cb_t, "0", BPF_CORE_TYPE_EXISTS },
			{ lb.outer, "0", BPF_CORE_TYPE_SIZE },
		};
		compare_with_bpftool("type relocations", k, l, r, NRELO(r));
	}
	{
		struct unit_relo r[] = { { lb.outer, "0", BPF_CORE_TYPE_ID_LOCAL } };

		compare_with_bpftool("nothing to keep", k, l, r, NRELO(r));
	}
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Anonymous members on the path (bpftool keeps them with the path's member only), arrays of
 * structs, and type_matches (every member of a struct not behind a pointer).
 */
static void test_keeps_what_bpftool_keeps_2(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	int kint, klong, kun, kst, kel, karr, kp, ktm, lint, llong, lun, lanon, lel, larr, ltm, lp;

	if (!CHECK(k && l))
		goto out;
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	kun = btf__add_union(k, NULL, 8);
	btf__add_field(k, "u1", kint, 0, 0);
	btf__add_field(k, "u2", klong, 0, 0);
	kst = btf__add_struct(k, NULL, 8);
	btf__add_field(k, "s1", kint, 0, 0);
	btf__add_field(k, "s2", kint, 32, 0);
	kel = btf__add_struct(k, "elem", 16);
	btf__add_field(k, "key", klong, 0, 0);
	btf__add_field(k, "val", klong, 64, 0);
	karr = btf__add_array(k, kint, kel, 4);
	kp = btf__add_ptr(k, kel);
	btf__add_struct(k, "anon", 96);
	btf__add_field(k, "x", kint, 0, 0);
	btf__add_field(k, NULL, kun, 64, 0);
	btf__add_field(k, NULL, kst, 128, 0);
	btf__add_field(k, "tab", karr, 192, 0);
	ktm = btf__add_struct(k, "tm", 32);
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_field(k, "e", kel, 64, 0);
	if (!CHECK(btf__add_field(k, "p", kp, 192, 0) == 0 && ktm > 0))
		goto out;

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	llong = btf__add_int(l, "long int", 8, BTF_INT_SIGNED);
	lun = btf__add_union(l, NULL, 8);
	btf__add_field(l, "u2", llong, 0, 0);
	lel = btf__add_struct(l, "elem", 8);
	btf__add_field(l, "val", llong, 0, 0);
	larr = btf__add_array(l, lint, lel, 4);
	lanon = btf__add_struct(l, "anon", 48);
	btf__add_field(l, NULL, lun, 0, 0);
	btf__add_field(l, "s2", lint, 64, 0);
	btf__add_field(l, "tab", larr, 128, 0);
	lp = btf__add_ptr(l, lel);
	ltm = btf__add_struct(l, "tm", 24);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "e", lel, 64, 0);
	if (!CHECK(btf__add_field(l, "p", lp, 128, 0) == 0 && lanon > 0))
		goto out;
	{
		struct unit_relo r[] = {
			{ lanon, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* u2 in the anon union */
			{ lanon, "0:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* s2 in the anon struct */
			{ lanon, "0:2:3:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* tab[3].val */
		};
		compare_with_bpftool("anonymous members, array of structs", k, l, r, NRELO(r));
	}
	{
		struct unit_relo r[] = { { ltm, "0", BPF_CORE_TYPE_MATCHES } };

		compare_with_bpftool("type_matches", k, l, r, NRELO(r));
	}
out:
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_keeps_what_bpftool_keeps);
	RUN_TEST(test_keeps_what_bpftool_keeps_2);
	return unit_finish();
}
