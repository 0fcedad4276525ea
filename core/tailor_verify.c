// SPDX-License-Identifier: BSD-2-Clause
/* core: checking a tailored BTF: every added object resolves on it as on the full BTF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tailor_internal.h"

int core_tailor__verify(struct core_tailor *t, const void *data, __u32 size, char *err,
			size_t err_sz)
{
	struct kernel_index *ki = NULL;
	struct core_relo_result *res = NULL;
	struct btf *btf;
	int ret = 0;

	btf = core_btf_from_mem(data, size, err, err_sz);
	if (!btf)
		return -errno;
	ki = kernel_index__new(btf);
	if (!ki) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->added_cnt && !ret; i++) {
		const struct core_object *obj = t->added[i].obj;

		free(res);
		res = calloc(obj->relo_cnt ? obj->relo_cnt : 1, sizeof(*res));
		if (!res) {
			ret = -ENOMEM;
			break;
		}
		/* quiet: the trace is of the full BTF */
		ret = relo_resolve_object(ki, obj, res, NULL, false);
		for (__u32 r = 0; !ret && r < obj->relo_cnt; r++) {
			const struct core_relo_result *a = &t->added[i].results[r], *b = &res[r];

			/*
			 * libbpf gives up the whole object at its first failing relocation:
			 * the ones after it are never computed (their candidate lists are
			 * what the failed one left half pruned), so they cannot differ.
			 */
			if (core_relo_result_same(a, b, obj->relos[r].desc.kind)) {
				if (a->status == CORE_RELO_FAILED)
					break;
				continue;
			}
			snprintf(
				err, err_sz,
				"object '%s': relo #%u (%s %s %s): full BTF: status %d value %llu%s; "
				"tailored: status %d value %llu%s",
				obj->path, r, obj->relos[r].desc.kind_name,
				obj->relos[r].desc.type_name, obj->relos[r].desc.access, a->status,
				(unsigned long long)a->value, a->poison ? " poison" : "", b->status,
				(unsigned long long)b->value, b->poison ? " poison" : "");
			ret = -EPROTO;
		}
	}
out:
	free(res);
	kernel_index__free(ki);
	btf__free(btf);
	return ret;
}
