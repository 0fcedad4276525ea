// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: the BPF ELF writer and resolve/tailor round trips for the tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "test_elf.h"
#include "unit_support.h"

const char *unit_status_name(enum core_relo_status st)
{
	switch (st) {
	case CORE_RELO_RESOLVED:
		return "RESOLVED";
	case CORE_RELO_NOT_FOUND:
		return "NOT_FOUND";
	case CORE_RELO_LOCAL:
		return "LOCAL";
	case CORE_RELO_FAILED:
		return "FAILED";
	}
	return "(bad status)";
}

int unit_check_res(const char *file, int line, const struct core_relo_result *r,
		   enum core_relo_status status, bool poison, __u64 value)
{
	if (r->status == status && r->poison == poison && r->value == value)
		return 1;
	unit_fail(file, line,
		  "got %s poison=%d value=%llu (0x%llx) err=%d reason \"%s\"; "
		  "want %s poison=%d value=%llu (0x%llx)",
		  unit_status_name(r->status), r->poison, (unsigned long long)r->value,
		  (unsigned long long)r->value, r->err, r->reason, unit_status_name(status), poison,
		  (unsigned long long)value, (unsigned long long)value);
	return 0;
}

int unit_check_failed(const char *file, int line, const struct core_relo_result *r)
{
	if (r->status == CORE_RELO_FAILED && r->err < 0 && r->reason[0])
		return 1;
	unit_fail(file, line,
		  "got %s err=%d reason \"%s\" value=%llu; want FAILED, err < 0, a reason",
		  unit_status_name(r->status), r->err, r->reason, (unsigned long long)r->value);
	return 0;
}

__u32 unit_find(const struct btf *btf, const char *name, int kind)
{
	__s32 id = btf__find_by_name_kind(btf, name, kind);

	if (id <= 0) {
		unit_fail(__FILE__, __LINE__, "type '%s' of kind %d not found", name, kind);
		return 0;
	}
	return id;
}

int unit_hostile_stale_path(struct btf *k, struct btf *l)
{
	int kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	int klong = btf__add_int(k, "long", 8, BTF_INT_SIGNED);
	int blob = btf__add_struct(k, "blob", 4);
	int anon, ts, lts, llong;

	btf__add_field(k, "x", kint, 0, 0);
	anon = btf__add_struct(k, NULL, 8);
	btf__add_field(k, "pad", kint, 0, 0);
	btf__add_field(k, "state", blob, 32, 0);
	ts = btf__add_struct(k, "task_struct", 32);
	btf__add_field(k, NULL, anon, 0, 0);
	btf__add_field(k, "a", kint, 64, 0);
	btf__add_field(k, "b", kint, 96, 0);
	btf__add_field(k, "c", kint, 128, 0);
	btf__add_field(k, "d", kint, 160, 0);
	btf__add_field(k, "state", klong, 192, 0);
	llong = btf__add_int(l, "long", 8, BTF_INT_SIGNED);
	lts = btf__add_struct(l, "task_struct___v1", 8);
	btf__add_field(l, "state", llong, 0, 0);
	return ts > 0 && lts > 0 ? lts : -1;
}

int unit_hostile_deep_chain(struct btf *k, struct btf *l)
{
	int kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	int arr = btf__add_array(k, kint, kint, 1), s, lint, larr, ls;

	for (int i = 0; i < 300000 && arr > 0; i++)
		arr = btf__add_array(k, arr, kint, 1);
	s = btf__add_struct(k, "deep", 4);
	btf__add_field(k, "m", arr, 0, 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	larr = btf__add_array(l, lint, lint, 1);
	ls = btf__add_struct(l, "deep", 4);
	btf__add_field(l, "m", larr, 0, 0);
	return s > 0 && ls > 0 ? ls : -1;
}

struct btf *unit_btf_copy(const struct btf *btf)
{
	const void *raw;
	__u32 size;

	raw = btf__raw_data(btf, &size);
	if (!raw)
		return NULL;
	return btf__new(raw, size);
}

char *unit_tmp_path(const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&path, "%s/btfgen-unit-XXXXXX%s", dir, suffix) < 0)
		return NULL;
	fd = mkstemps(path, strlen(suffix));
	if (fd < 0) {
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

int unit_obj__write(const char *path, struct btf *lbtf, const struct unit_relo *relos, size_t cnt,
		    unsigned int flags)
{
	static const char *const sec_names[2] = { UNIT_SEC, UNIT_SEC2 };
	struct test_strtab shstr = { .len = 1 }, str = { .len = 1 };
	size_t n_text[2], n_btf, n_ext, n[2] = {}, half, nsyms = 0;
	__u32 *ext = NULL, btf_size, ext_size, *p;
	struct bpf_insn *insns[2] = {};
	Elf64_Sym syms[6] = {};
	Elf_Scn *text[2] = {};
	struct btf *swapped = NULL;
	const void *btf_raw;
	void *btf_copy = NULL;
	Elf64_Ehdr *ehdr;
	Elf *elf = NULL;
	int fd, sec_off[2], err = -EINVAL;

	/* records come grouped by section, section 0 first, as in the file */
	for (size_t i = 0; i < cnt; i++) {
		if (relos[i].sec > 1 || (i && relos[i].sec < relos[i - 1].sec))
			return -EINVAL;
		n[relos[i].sec]++;
	}
	/* Strings the records refer to live in the local BTF, as clang puts them there. */
	for (int s = 0; s < 2; s++) {
		sec_off[s] = btf__add_str(lbtf, sec_names[s]);
		if (sec_off[s] < 0)
			return sec_off[s];
	}
	ext_size = 32 + (cnt ? 4 + 16 * cnt + 8 * (!!n[0] + !!n[1]) : 0);
	ext = calloc(1, ext_size);
	insns[0] = calloc(n[0] + 1, sizeof(struct bpf_insn));
	insns[1] = calloc(n[1] + 1, sizeof(struct bpf_insn));
	if (!ext || !insns[0] || !insns[1]) {
		err = -ENOMEM;
		goto out;
	}
	/* .BTF.ext: header, an empty func_info and line_info, one core_relo block per section */
	((__u16 *)ext)[0] = 0xeB9F;
	((__u8 *)ext)[2] = 1;
	((__u8 *)ext)[3] = 0;
	ext[1] = 32; /* hdr_len */
	ext[6] = 0; /* core_relo_off */
	ext[7] = ext_size - 32; /* core_relo_len */
	p = ext + 8;
	if (cnt)
		*p++ = 16; /* rec_size */
	for (size_t i = 0, in_sec = 0; i < cnt; i++, in_sec++) {
		int acc = btf__add_str(lbtf, relos[i].access);

		if (acc < 0) {
			err = acc;
			goto out;
		}
		if (!i || relos[i].sec != relos[i - 1].sec) {
			*p++ = sec_off[relos[i].sec];
			*p++ = n[relos[i].sec];
			in_sec = 0;
		}
		*p++ = in_sec * sizeof(struct bpf_insn);
		*p++ = relos[i].type_id;
		*p++ = acc;
		*p++ = relos[i].kind;
	}
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < n[s]; i++)
			insns[s][i].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = 0 */
		insns[s][n[s]].code = BPF_JMP | BPF_EXIT;
	}

	if (flags & UNIT_OBJ_BIG_ENDIAN) {
		/* every .BTF.ext field after the 16-bit magic and two bytes is a 32-bit word */
		((__u16 *)ext)[0] = __builtin_bswap16(((__u16 *)ext)[0]);
		for (__u32 i = 1; i < ext_size / 4; i++)
			ext[i] = __builtin_bswap32(ext[i]);
		btf_raw = btf__raw_data(lbtf, &btf_size);
		swapped = btf_raw ? btf__new(btf_raw, btf_size) : NULL;
		if (!swapped || btf__set_endianness(swapped, BTF_BIG_ENDIAN))
			goto out;
		btf_raw = btf__raw_data(swapped, &btf_size);
	} else {
		btf_raw = btf__raw_data(lbtf, &btf_size);
	}
	if (!btf_raw)
		goto out;
	btf_copy = malloc(btf_size);
	if (!btf_copy) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(btf_copy, btf_raw, btf_size);

	n_text[0] = test_strtab__add(&shstr, UNIT_SEC);
	n_text[1] = test_strtab__add(&shstr, UNIT_SEC2);
	n_btf = test_strtab__add(&shstr, ".BTF");
	n_ext = test_strtab__add(&shstr, ".BTF.ext");
	errno = 0;
	elf = test_elf__begin(path, flags & UNIT_OBJ_BIG_ENDIAN, &fd, &ehdr);
	if (!elf) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}

	for (int s = 0; s < 2; s++) {
		if (s && !n[1])
			break;
		text[s] = test_elf__add_scn(elf, n_text[s], SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
					    insns[s], (n[s] + 1) * sizeof(struct bpf_insn),
					    ELF_T_BYTE, 8);
		if (!text[s])
			goto out_fd;
	}
	if (!test_elf__add_scn(elf, n_btf, SHT_PROGBITS, 0, btf_copy, btf_size, ELF_T_BYTE, 4))
		goto out_fd;
	if (!(flags & UNIT_OBJ_NO_EXT) &&
	    !test_elf__add_scn(elf, n_ext, SHT_PROGBITS, 0, ext, ext_size, ELF_T_BYTE, 4))
		goto out_fd;
	/* local section symbols, then the global functions; section 1 has none */
	nsyms = 1;
	for (int s = 0; s < 2 && text[s]; s++) {
		syms[nsyms].st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
		syms[nsyms++].st_shndx = elf_ndxscn(text[s]);
	}
	half = (flags & UNIT_OBJ_TWO_FUNCS) ? n[0] / 2 : n[0] + 1;
	syms[nsyms].st_name = test_strtab__add(&str, UNIT_PROG);
	syms[nsyms].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[nsyms].st_shndx = elf_ndxscn(text[0]);
	syms[nsyms++].st_size = half * sizeof(struct bpf_insn);
	if (flags & UNIT_OBJ_TWO_FUNCS) {
		syms[nsyms].st_name = test_strtab__add(&str, UNIT_SUB);
		syms[nsyms].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
		syms[nsyms].st_shndx = elf_ndxscn(text[0]);
		syms[nsyms].st_value = half * sizeof(struct bpf_insn);
		syms[nsyms++].st_size = (n[0] + 1 - half) * sizeof(struct bpf_insn);
	}
	/* the first global symbol follows the section symbols */
	if (test_elf__finish(elf, ehdr, syms, nsyms, text[1] ? 3 : 2, &str, &shstr))
		goto out_fd;
	err = 0;
out_fd:
	if (err)
		fprintf(stderr, "unit_obj__write: %s\n", elf_errmsg(-1));
	elf_end(elf);
	close(fd);
out:
	btf__free(swapped);
	free(btf_copy);
	free(insns[1]);
	free(insns[0]);
	free(ext);
	return err;
}

struct core_object *unit_obj__open(struct btf *lbtf, const struct unit_relo *relos, size_t cnt)
{
	return unit_obj__open_flags(lbtf, relos, cnt, 0);
}

struct core_object *unit_obj__open_flags(struct btf *lbtf, const struct unit_relo *relos,
					 size_t cnt, unsigned int flags)
{
	struct core_object *obj = NULL;
	char err[256] = "";
	char *path;

	path = unit_tmp_path(".bpf.o");
	if (!CHECK(path))
		return NULL;
	if (CHECK_INT(unit_obj__write(path, lbtf, relos, cnt, flags), 0)) {
		obj = core_object__open(path, err, sizeof(err));
		if (!obj)
			unit_fail(__FILE__, __LINE__, "core_object__open: %s", err);
	}
	unlink(path);
	free(path);
	return obj;
}

static bool same_outcome(const struct core_relo_result *a, const struct core_relo_result *b,
			 __u32 kind)
{
	if (a->status != b->status || a->poison != b->poison)
		return false;
	return kind == BPF_CORE_TYPE_ID_TARGET || a->value == b->value;
}

int unit_resolve(const struct btf *kbtf, struct btf *lbtf, const struct unit_relo *relos,
		 size_t cnt, struct core_relo_result *res, unsigned int flags, struct btf **emitted)
{
	struct core_relo_result *res_add = NULL, *res_tail = NULL;
	struct kernel_index *ki = NULL, *ki_tail = NULL;
	struct core_object *obj = NULL;
	struct core_tailor *t = NULL;
	struct btf *tbtf = NULL;
	char err[256] = "";
	void *data = NULL;
	__u32 size = 0;
	int ret = -1;

	if (emitted)
		*emitted = NULL;
	memset(res, 0, cnt * sizeof(*res));
	obj = unit_obj__open(lbtf, relos, cnt);
	if (!obj)
		goto out;
	if (!CHECK_U64(core_object__relo_cnt(obj), cnt))
		goto out;
	ki = kernel_index__new(kbtf);
	if (!CHECK(ki))
		goto out;
	if (!CHECK(kernel_index__btf(ki) == kbtf))
		goto out;
	if (!CHECK_INT(core_object__resolve(ki, obj, res), 0))
		goto out;
	if (flags & UNIT_NO_TAILOR) {
		ret = 0;
		goto out;
	}

	res_add = calloc(cnt + 1, sizeof(*res_add));
	res_tail = calloc(cnt + 1, sizeof(*res_tail));
	t = core_tailor__new(ki);
	if (!CHECK(res_add && res_tail && t))
		goto out;
	if (!CHECK_INT(core_tailor__add_object(t, obj, res_add), 0))
		goto out;
	if (!CHECK_INT(core_tailor__emit(t, &data, &size), 0))
		goto out;
	tbtf = btf__new(data, size);
	if (!CHECK(tbtf))
		goto out;
	if (core_tailor__verify(t, data, size, err, sizeof(err)) != 0) {
		unit_fail(__FILE__, __LINE__, "core_tailor__verify: %s", err);
		goto out;
	}
	ki_tail = kernel_index__new(tbtf);
	if (!CHECK(ki_tail))
		goto out;
	if (!CHECK_INT(core_object__resolve(ki_tail, obj, res_tail), 0))
		goto out;
	ret = 0;
	for (size_t i = 0; i < cnt; i++) {
		if (!same_outcome(&res[i], &res_add[i], relos[i].kind) ||
		    res[i].target_id != res_add[i].target_id) {
			unit_fail(__FILE__, __LINE__,
				  "relo #%zu: core_tailor__add_object gave %s value %llu, "
				  "core_object__resolve %s value %llu",
				  i, unit_status_name(res_add[i].status),
				  (unsigned long long)res_add[i].value,
				  unit_status_name(res[i].status),
				  (unsigned long long)res[i].value);
			ret = -1;
		}
		/* libbpf refuses the object on the full BTF: it must on the tailored one too */
		if (res[i].status == CORE_RELO_FAILED) {
			if (res_tail[i].status != CORE_RELO_FAILED) {
				unit_fail(__FILE__, __LINE__,
					  "relo #%zu (%s): FAILED on the full BTF (%s), %s on the "
					  "tailored BTF",
					  i, relos[i].access, res[i].reason,
					  unit_status_name(res_tail[i].status));
				ret = -1;
			}
			continue;
		}
		if (!same_outcome(&res[i], &res_tail[i], relos[i].kind)) {
			unit_fail(
				__FILE__, __LINE__,
				"relo #%zu (%s): full BTF %s poison=%d value=%llu, tailored BTF %s "
				"poison=%d value=%llu (%s)",
				i, relos[i].access, unit_status_name(res[i].status), res[i].poison,
				(unsigned long long)res[i].value,
				unit_status_name(res_tail[i].status), res_tail[i].poison,
				(unsigned long long)res_tail[i].value, res_tail[i].reason);
			ret = -1;
		}
		if (!core_relo_result_same(&res[i], &res_tail[i], relos[i].kind) !=
		    !same_outcome(&res[i], &res_tail[i], relos[i].kind)) {
			unit_fail(__FILE__, __LINE__, "relo #%zu: core_relo_result_same disagrees",
				  i);
			ret = -1;
		}
	}
	if (emitted) {
		*emitted = tbtf;
		tbtf = NULL;
	}
out:
	kernel_index__free(ki_tail);
	btf__free(tbtf);
	free(data);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(obj);
	free(res_tail);
	free(res_add);
	return ret;
}
