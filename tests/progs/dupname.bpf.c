// SPDX-License-Identifier: BSD-2-Clause
/* Duplicate kernel struct names and per-relocation candidate pruning (brief §0.1, §1.10a).
 * Every Debian kernel has two 'struct syscall_tp_t': {regs|ent, syscall_nr, ret} and then
 * {regs|ent, syscall_nr, args[6]}. Reading syscall_nr matches both (same offset), so both stay
 * candidates; args then matches the second one. bpftool marks only the first candidate of the
 * syscall_nr read, so on its output args is poisoned. */
#include "common.h"

struct syscall_tp_t {
	unsigned long syscall_nr;
	unsigned long args[6];
} PAI;

SEC("tracepoint/raw_syscalls/sys_enter")
int dupname_syscall(struct syscall_tp_t *ctx)
{
	out[0] = BPF_CORE_READ(ctx, syscall_nr);
	out[1] = BPF_CORE_READ(ctx, args[2]);
	return 0;
}
