// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: object loading (records, names, errors), kernel BTF from memory, a clang-built object. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

static struct btf *small_local(int *root)
{
	struct btf *l = btf__new_empty();
	int lint;

	if (!l)
		return NULL;
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	*root = btf__add_struct(l, "foo", 8);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "b", lint, 32, 0);
	return l;
}

/* The harness's objects are valid for libbpf itself: .BTF and .BTF.ext parse. */
static void test_writer_valid_for_libbpf(void)
{
	struct btf *l, *parsed = NULL;
	struct btf_ext *ext = NULL;
	struct bpf_object *bo = NULL;
	char *path = unit_tmp_path(".bpf.o");
	int root;

	l = small_local(&root);
	REQUIRE(l && path);
	struct unit_relo relos[] = {
		{ root, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ root, "0", BPF_CORE_TYPE_EXISTS },
	};
	if (!CHECK_INT(unit_obj__write(path, l, relos, 2, 0), 0))
		goto out;
	parsed = btf__parse_elf(path, &ext);
	CHECK(!libbpf_get_error(parsed) && ext);
	bo = bpf_object__open_file(path, NULL);
	CHECK(!libbpf_get_error(bo));
	if (libbpf_get_error(bo))
		bo = NULL;
out:
	bpf_object__close(bo);
	btf_ext__free(ext);
	if (!libbpf_get_error(parsed))
		btf__free(parsed);
	btf__free(l);
	unlink(path);
	free(path);
}

static const char *const kind_names[] = {
	"byte_off",	  "byte_sz",	   "field_exists",   "signed",	    "lshift_u64",
	"rshift_u64",	  "local_type_id", "target_type_id", "type_exists", "type_size",
	"enumval_exists", "enumval_value", "type_matches",
};

/* Every kind's record comes back as written, with libbpf's short kind names. */
static void test_relo_desc(void)
{
	struct btf *l;
	struct core_object *obj = NULL;
	struct core_relo_desc d;
	int root, anon, en;

	l = small_local(&root);
	REQUIRE(l);
	anon = btf__add_struct(l, NULL, 4);
	btf__add_field(l, "z", 1, 0, 0);
	en = btf__add_enum(l, "en", 4);
	btf__add_enum_value(l, "E0", 0);
	btf__add_enum_value(l, "E1", 1);
	REQUIRE(anon > 0 && en > 0);

	struct unit_relo relos[] = {
		{ root, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ root, "0:1", BPF_CORE_FIELD_BYTE_SIZE },
		{ root, "0:0", BPF_CORE_FIELD_EXISTS },
		{ root, "0:0", BPF_CORE_FIELD_SIGNED },
		{ root, "0:0", BPF_CORE_FIELD_LSHIFT_U64 },
		{ root, "0:0", BPF_CORE_FIELD_RSHIFT_U64 },
		{ root, "0", BPF_CORE_TYPE_ID_LOCAL },
		{ root, "0", BPF_CORE_TYPE_ID_TARGET },
		{ root, "0", BPF_CORE_TYPE_EXISTS },
		{ root, "0", BPF_CORE_TYPE_SIZE },
		{ en, "1", BPF_CORE_ENUMVAL_EXISTS },
		{ en, "1", BPF_CORE_ENUMVAL_VALUE },
		{ root, "0", BPF_CORE_TYPE_MATCHES },
		{ anon, "0", BPF_CORE_TYPE_ID_LOCAL },
		{ root, "1:0", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	obj = unit_obj__open(l, relos, NRELO(relos));
	if (!obj)
		goto out;
	if (!CHECK_U64(core_object__relo_cnt(obj), NRELO(relos)))
		goto out;
	for (__u32 i = 0; i < NRELO(relos); i++) {
		memset(&d, 0, sizeof(d));
		core_object__relo_desc(obj, i, &d);
		CHECK_STR(d.section, UNIT_SEC);
		CHECK_STR(d.program, UNIT_PROG);
		CHECK_U64(d.insn_off, i * 8);
		CHECK_U64(d.kind, relos[i].kind);
		if (relos[i].kind < NRELO(kind_names))
			CHECK_STR(d.kind_name, kind_names[relos[i].kind]);
		CHECK_STR(d.access, relos[i].access);
		CHECK_STR(d.type_name, relos[i].type_id == (__u32)anon ? "" :
				       relos[i].type_id == (__u32)en   ? "en" :
									 "foo");
	}
out:
	core_object__free(obj);
	btf__free(l);
}

/* An object without .BTF.ext has no relocations, and is not an error. */
static void test_no_ext(void)
{
	struct core_object *obj = NULL;
	char *path = unit_tmp_path(".bpf.o");
	char err[256] = "";
	struct btf *l;
	int root;

	l = small_local(&root);
	REQUIRE(l && path);
	struct unit_relo relos[] = { { root, "0:1", BPF_CORE_FIELD_BYTE_OFFSET } };
	if (!CHECK_INT(unit_obj__write(path, l, relos, 1, UNIT_OBJ_NO_EXT), 0))
		goto out;
	obj = core_object__open(path, err, sizeof(err));
	if (!obj) {
		unit_fail(__FILE__, __LINE__, "core_object__open: %s", err);
		goto out;
	}
	CHECK_U64(core_object__relo_cnt(obj), 0);
	CHECK_STR(core_object__path(obj), path);
out:
	core_object__free(obj);
	btf__free(l);
	unlink(path);
	free(path);
}

static void write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (CHECK(fd >= 0)) {
		CHECK(write(fd, data, size) == (ssize_t)size);
		close(fd);
	}
}

static void expect_open_error(const char *path, int want_errno)
{
	char err[256] = "";
	struct core_object *obj;

	errno = 0;
	obj = core_object__open(path, err, sizeof(err));
	if (!CHECK(!obj)) {
		core_object__free(obj);
		return;
	}
	CHECK(errno != 0);
	if (want_errno)
		CHECK_INT(errno, want_errno);
	CHECK(err[0] != '\0');
	CHECK(!strchr(err, '\n'));
}

/* Errors: NULL, errno set, one line in err. */
static void test_open_errors(void)
{
	char *path = unit_tmp_path(".bpf.o");
	static const char text[] = "not an ELF file\n";
	struct btf *l;
	const void *raw;
	__u32 size;
	int root;

	REQUIRE(path);
	expect_open_error("/nonexistent/btfgen-unit.bpf.o", ENOENT);
	write_file(path, "", 0);
	expect_open_error(path, 0);
	write_file(path, text, sizeof(text));
	expect_open_error(path, 0);
	/* raw BTF is not an ELF object */
	l = small_local(&root);
	if (CHECK(l)) {
		raw = btf__raw_data(l, &size);
		write_file(path, raw, size);
		expect_open_error(path, 0);
		btf__free(l);
	}
	/* a host ELF (no .BTF) */
	expect_open_error("/bin/true", 0);
	unlink(path);
	free(path);
}

static void *read_file(const char *path, size_t *size)
{
	struct stat st;
	void *buf = NULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && (buf = malloc(st.st_size + 1)) &&
	    read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	*size = st.st_size;
	close(fd);
	return buf;
}

/* Kernel BTF from memory: raw in both byte orders, an ELF's .BTF, and refusals. */
static void test_btf_from_mem(void)
{
	struct btf *l, *b, *swapped = NULL;
	char *path = unit_tmp_path(".o");
	char err[256];
	const void *raw;
	void *elf = NULL, *junk = NULL, *raw_copy = NULL;
	size_t elf_size = 0;
	__u32 size;
	int root;

	l = small_local(&root);
	REQUIRE(l && path);
	/* a private copy: writing the ELF below adds strings to l, which frees its raw data */
	raw = btf__raw_data(l, &size);
	if (!CHECK(raw) || !CHECK(raw_copy = malloc(size)))
		goto out;
	raw = memcpy(raw_copy, raw, size);
	b = core_btf_from_mem(raw, size, err, sizeof(err));
	if (CHECK(b)) {
		CHECK_U64(btf__type_cnt(b), btf__type_cnt(l));
		CHECK_U64(unit_find(b, "foo", BTF_KIND_STRUCT), root);
		btf__free(b);
	}
	swapped = unit_btf_copy(l);
	if (CHECK(swapped) &&
	    CHECK_INT(btf__set_endianness(swapped, BTF_BIG_ENDIAN ^ btf__endianness(l)), 0)) {
		__u32 ssize;
		const void *sraw = btf__raw_data(swapped, &ssize);

		b = sraw ? core_btf_from_mem(sraw, ssize, err, sizeof(err)) : NULL;
		if (CHECK(b)) {
			CHECK_U64(btf__type_cnt(b), btf__type_cnt(l));
			CHECK_U64(unit_find(b, "foo", BTF_KIND_STRUCT), root);
			btf__free(b);
		}
	}
	/* an ELF with a .BTF section, as a vmlinux */
	if (CHECK_INT(unit_obj__write(path, l, NULL, 0, UNIT_OBJ_NO_EXT), 0)) {
		elf = read_file(path, &elf_size);
		b = elf ? core_btf_from_mem(elf, elf_size, err, sizeof(err)) : NULL;
		if (CHECK(b)) {
			CHECK_U64(unit_find(b, "foo", BTF_KIND_STRUCT), root);
			btf__free(b);
		}
	}
	/* refusals: truncated raw BTF, garbage, empty */
	err[0] = '\0';
	errno = 0;
	b = core_btf_from_mem(raw, size - 7, err, sizeof(err));
	if (!CHECK(!b))
		btf__free(b);
	CHECK(errno != 0 && err[0] != '\0');
	junk = calloc(1, 4096);
	if (CHECK(junk)) {
		memset(junk, 0x5a, 4096);
		err[0] = '\0';
		b = core_btf_from_mem(junk, 4096, err, sizeof(err));
		if (!CHECK(!b))
			btf__free(b);
		CHECK(err[0] != '\0');
	}
	err[0] = '\0';
	b = core_btf_from_mem(raw, 0, err, sizeof(err));
	if (!CHECK(!b))
		btf__free(b);
	CHECK(err[0] != '\0');
	/* a header whose type section runs past the end */
	if (CHECK(junk)) {
		memcpy(junk, raw, size);
		((__u32 *)junk)[3] = 1u << 30; /* type_len */
		err[0] = '\0';
		b = core_btf_from_mem(junk, size, err, sizeof(err));
		if (!CHECK(!b))
			btf__free(b);
		CHECK(err[0] != '\0');
	}
out:
	free(raw_copy);
	free(junk);
	free(elf);
	btf__free(swapped);
	btf__free(l);
	unlink(path);
	free(path);
}

/*
 * A clang-built object (progs/unit_reads.bpf.c): its records are what the source says, and
 * against a hand-built kernel they resolve to the kernel's layout.
 */
static void test_clang_object(void)
{
	struct core_object *obj = NULL;
	struct core_relo_result res[5];
	struct kernel_index *ki = NULL;
	struct core_relo_desc d;
	struct btf *k = btf__new_empty();
	char err[256] = "";
	int kint, kuint, klong, kinner, arr, kstate;
	__u32 last = 0;
	static const struct {
		const char *kind_name, *type_name, *access;
	} want[] = {
		{ "byte_off", "task", "0:1:1" }, /* t->in.y */
		{ "byte_off", "task", "0:3:2" }, /* t->arr[2] */
		{ "field_exists", "task", "0:2" }, /* t->flags */
		{ "type_size", "task", "0" },	   { "enumval_value", "state", "1" }, /* ST_B */
	};

	REQUIRE(k);
	obj = core_object__open(UNIT_READS_OBJ, err, sizeof(err));
	if (!obj) {
		unit_fail(__FILE__, __LINE__, "core_object__open(%s): %s", UNIT_READS_OBJ, err);
		goto out;
	}
	if (!CHECK_U64(core_object__relo_cnt(obj), 5))
		goto out;
	for (__u32 i = 0; i < 5; i++) {
		core_object__relo_desc(obj, i, &d);
		CHECK_STR(d.section, "kprobe/unit_reads");
		CHECK_STR(d.program, "unit_reads");
		CHECK_STR(d.kind_name, want[i].kind_name);
		CHECK_STR(d.type_name, want[i].type_name);
		CHECK_STR(d.access, want[i].access);
		CHECK(d.insn_off % 8 == 0 && (i == 0 || d.insn_off > last));
		last = d.insn_off;
	}

	/* kernel: struct task { int pid; long pad; struct inner in @16; unsigned flags:3 @24;
	 * int arr[4] @28 } (48 bytes), struct inner { int x; int y; }, enum state { 10, 20 } */
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kuint = btf__add_int(k, "unsigned int", 4, 0);
	kinner = btf__add_struct(k, "inner", 8);
	btf__add_field(k, "x", kint, 0, 0);
	btf__add_field(k, "y", kint, 32, 0);
	arr = btf__add_array(k, kint, kint, 4);
	klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	btf__add_struct(k, "task", 48);
	btf__add_field(k, "pid", kint, 0, 0);
	btf__add_field(k, "pad", klong, 64, 0);
	btf__add_field(k, "in", kinner, 128, 0);
	btf__add_field(k, "flags", kuint, 192, 3);
	REQUIRE(btf__add_field(k, "arr", arr, 224, 0) == 0);
	kstate = btf__add_enum(k, "state", 4);
	btf__add_enum_value(k, "ST_A", 10);
	btf__add_enum_value(k, "ST_B", 20);
	REQUIRE(kstate > 0);
	ki = kernel_index__new(k);
	if (!CHECK(ki) || !CHECK_INT(core_object__resolve(ki, obj, res), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 20);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 36);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 48);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 20);
	CHECK_U64(res[4].target_id, kstate);
out:
	kernel_index__free(ki);
	core_object__free(obj);
	btf__free(k);
}

/*
 * A big-endian (bpfeb) object gives the same records and, against the same kernel, the same
 * outcomes as its little-endian twin: shifts follow the host, not the object.
 */
static void test_big_endian_object(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_object *le = NULL, *be = NULL;
	struct core_relo_result rle[6], rbe[6];
	struct kernel_index *ki = NULL;
	struct core_relo_desc dle, dbe;
	int kint, kuint, lint, luint, lroot, len;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kuint = btf__add_int(k, "unsigned int", 4, 0);
	btf__add_struct(k, "bee", 12);
	btf__add_field(k, "pad", kint, 0, 0);
	btf__add_field(k, "a", kint, 32, 0);
	REQUIRE(btf__add_field(k, "bits", kuint, 69, 5) == 0);
	btf__add_enum(k, "ben", 4);
	REQUIRE(btf__add_enum_value(k, "BEN_X", 0x01020304) == 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	luint = btf__add_int(l, "unsigned int", 4, 0);
	lroot = btf__add_struct(l, "bee", 8);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "bits", luint, 32, 5);
	len = btf__add_enum(l, "ben", 4);
	btf__add_enum_value(l, "BEN_X", 0);
	REQUIRE(lroot > 0 && len > 0);

	struct unit_relo relos[] = {
		{ lroot, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lroot, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lroot, "0:1", BPF_CORE_FIELD_LSHIFT_U64 },
		{ lroot, "0:1", BPF_CORE_FIELD_RSHIFT_U64 },
		{ lroot, "0", BPF_CORE_TYPE_SIZE },
		{ len, "0", BPF_CORE_ENUMVAL_VALUE },
	};
	le = unit_obj__open_flags(l, relos, NRELO(relos), 0);
	be = unit_obj__open_flags(l, relos, NRELO(relos), UNIT_OBJ_BIG_ENDIAN);
	ki = kernel_index__new(k);
	if (!CHECK(le && be && ki))
		goto out;
	if (!CHECK_U64(core_object__relo_cnt(be), NRELO(relos)))
		goto out;
	for (__u32 i = 0; i < NRELO(relos); i++) {
		core_object__relo_desc(le, i, &dle);
		core_object__relo_desc(be, i, &dbe);
		CHECK_U64(dbe.kind, relos[i].kind);
		CHECK_U64(dbe.insn_off, dle.insn_off);
		CHECK_STR(dbe.access, relos[i].access);
		CHECK_STR(dbe.type_name, dle.type_name);
		CHECK_STR(dbe.section, UNIT_SEC);
		CHECK_STR(dbe.program, UNIT_PROG);
	}
	if (!CHECK_INT(core_object__resolve(ki, le, rle), 0) ||
	    !CHECK_INT(core_object__resolve(ki, be, rbe), 0))
		goto out;
	CHECK_RES(rle[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(rle[1], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(rle[5], CORE_RELO_RESOLVED, false, 0x01020304);
	for (int i = 0; i < 6; i++)
		CHECK_RES(rbe[i], rle[i].status, rle[i].poison, rle[i].value);
out:
	kernel_index__free(ki);
	core_object__free(be);
	core_object__free(le);
	btf__free(l);
	btf__free(k);
}

/*
 * Records in two sections: insn_off and sec_relo_idx count from each section's start; the
 * program is the function holding the instruction, or the section name when none does.
 */
static void test_sections_and_programs(void)
{
	struct btf *l;
	struct core_object *obj = NULL;
	struct core_relo_desc d;
	int root;
	static const struct {
		const char *section, *program;
		__u32 insn_off, sec_idx;
	} want[] = {
		{ UNIT_SEC, UNIT_PROG, 0, 0 },	{ UNIT_SEC, UNIT_PROG, 8, 1 },
		{ UNIT_SEC, UNIT_SUB, 16, 2 },	{ UNIT_SEC, UNIT_SUB, 24, 3 },
		{ UNIT_SEC2, UNIT_SEC2, 0, 0 }, { UNIT_SEC2, UNIT_SEC2, 8, 1 },
	};

	l = small_local(&root);
	REQUIRE(l);
	struct unit_relo relos[] = {
		{ root, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, 0 },
		{ root, "0:1", BPF_CORE_FIELD_BYTE_OFFSET, 0 },
		{ root, "0", BPF_CORE_TYPE_SIZE, 0 },
		{ root, "0:1", BPF_CORE_FIELD_EXISTS, 0 },
		{ root, "0", BPF_CORE_TYPE_EXISTS, 1 },
		{ root, "0:0", BPF_CORE_FIELD_BYTE_SIZE, 1 },
	};
	obj = unit_obj__open_flags(l, relos, NRELO(relos), UNIT_OBJ_TWO_FUNCS);
	if (!obj || !CHECK_U64(core_object__relo_cnt(obj), NRELO(relos)))
		goto out;
	for (__u32 i = 0; i < NRELO(relos); i++) {
		core_object__relo_desc(obj, i, &d);
		CHECK_STR(d.section, want[i].section);
		CHECK_STR(d.program, want[i].program);
		CHECK_U64(d.insn_off, want[i].insn_off);
		CHECK_U64(d.sec_relo_idx, want[i].sec_idx);
		CHECK_U64(d.kind, relos[i].kind);
		CHECK_STR(d.access, relos[i].access);
	}
out:
	core_object__free(obj);
	btf__free(l);
}

int main(void)
{
	RUN_TEST(test_writer_valid_for_libbpf);
	RUN_TEST(test_relo_desc);
	RUN_TEST(test_no_ext);
	RUN_TEST(test_open_errors);
	RUN_TEST(test_btf_from_mem);
	RUN_TEST(test_clang_object);
	RUN_TEST(test_big_endian_object);
	RUN_TEST(test_sections_and_programs);
	return unit_finish();
}
