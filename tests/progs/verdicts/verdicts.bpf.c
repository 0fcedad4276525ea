// SPDX-License-Identifier: BSD-2-Clause
/*
 * One program per verdict (docs/verdicts.md), the same on every kernel: 'pid' exists in every
 * task_struct, 'btfgen_missing' in none. Programs are kprobes so that tests/verdicts can load
 * them for real on the running kernel. Each name says the verdict it must get.
 */
#include "../common.h"

struct task_struct___vd {
	int pid;
	int btfgen_missing;
} PAI;

enum pid_type___vd { PIDTYPE_PID___vd = 0, BTFGEN_MISSING_ENUMVAL___vd = 77 };

static struct task_struct___vd *current_task(void)
{
	return (void *)bpf_get_current_task();
}

SEC("kprobe/do_nanosleep")
int loads_pid(void *ctx)
{
	out[0] = BPF_CORE_READ(current_task(), pid);
	return 0;
}

SEC("kprobe/do_nanosleep")
int probes_exists(void *ctx)
{
	out[1] = bpf_core_field_exists(current_task()->btfgen_missing);
	out[2] = bpf_core_enum_value_exists(enum pid_type___vd, BTFGEN_MISSING_ENUMVAL___vd);
	return 0;
}

/* the read of the missing field is poisoned, but only reached when the probe says 1 */
SEC("kprobe/do_nanosleep")
int guarded_field(void *ctx)
{
	struct task_struct___vd *t = current_task();

	if (bpf_core_field_exists(t->btfgen_missing))
		out[3] = BPF_CORE_READ(t, btfgen_missing);
	else
		out[3] = BPF_CORE_READ(t, pid);
	return 0;
}

/* the same behind an enum value probe, with the constant moved and masked on the way */
SEC("kprobe/do_nanosleep")
int guarded_enum(void *ctx)
{
	__u64 have = bpf_core_enum_value_exists(enum pid_type___vd, BTFGEN_MISSING_ENUMVAL___vd);

	if ((have & 1) != 0)
		out[4] = bpf_core_enum_value(enum pid_type___vd, BTFGEN_MISSING_ENUMVAL___vd);
	return 0;
}

SEC("kprobe/do_nanosleep")
int fails_field(void *ctx)
{
	out[5] = BPF_CORE_READ(current_task(), btfgen_missing);
	return 0;
}

/* the poisoned read sits in a static subprogram the program calls */
static __attribute__((noinline)) int read_missing(struct task_struct___vd *t)
{
	out[6] = BPF_CORE_READ(t, btfgen_missing);
	return 0;
}

SEC("kprobe/do_nanosleep")
int fails_in_subprog(void *ctx)
{
	return read_missing(current_task());
}

/* a global subprogram, verified on its own: its guarded read stays dead there */
__attribute__((noinline)) int guarded_read_global(__u64 task)
{
	struct task_struct___vd *t = (void *)task;

	if (bpf_core_field_exists(t->btfgen_missing))
		out[7] = BPF_CORE_READ(t, btfgen_missing);
	return 0;
}

SEC("kprobe/do_nanosleep")
int guarded_in_subprog(void *ctx)
{
	return guarded_read_global(bpf_get_current_task());
}
