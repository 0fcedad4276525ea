// SPDX-License-Identifier: BSD-2-Clause
/* Zero-length marker arrays in mid-struct (brief §1.10b) on real kernels: sk_buff's
 * __cloned_offset[0] and sock_common's skc_dontcopy_begin[0] are followed by other members, so
 * they are not flexible and an element access does not match on the full BTF. A tailored BTF
 * that keeps the array but drops every member after it makes it last, hence flexible, and the
 * access then resolves (bpftool v7.1.0 does this on every Debian kernel). */
#include "common.h"

struct sk_buff {
	unsigned int len;
	__u8 __cloned_offset[];
} PAI;

struct sock_common {
	unsigned short skc_family;
	int skc_dontcopy_begin[];
} PAI;

SEC("kprobe/dev_queue_xmit")
int flexmid_skb(struct sk_buff *skb)
{
	struct sock_common *skc = (void *)skb;

	out[0] = bpf_core_field_offset(skb->__cloned_offset);
	out[1] = BPF_CORE_READ(skb, __cloned_offset[1]);
	out[2] = bpf_core_field_offset(skc->skc_dontcopy_begin);
	out[3] = BPF_CORE_READ(skc, skc_dontcopy_begin[2]);
	return 0;
}
