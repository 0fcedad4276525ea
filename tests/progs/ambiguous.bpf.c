// SPDX-License-Identifier: BSD-2-Clause
/* Ambiguity: 'struct irq_info' exists 2-3 times with 'irq' at different offsets, so libbpf
 * itself fails relocation ("field offset ambiguity") on the full BTF. The tailored BTF must
 * fail the same way, or the tool must refuse the object. */
#include "common.h"

struct irq_info {
	int irq;
} PAI;

SEC("kprobe/do_nanosleep")
int ambiguous_irq(struct irq_info *ii)
{
	out[0] = BPF_CORE_READ(ii, irq);
	return 0;
}
