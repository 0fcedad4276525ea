// SPDX-License-Identifier: BSD-2-Clause
/* Field relocations on real kernel types: byte_off, byte_sz, field_exists, signed, lshift_u64,
 * rshift_u64; arrays, pointer-as-array, pointer chains, flavors (task_struct___v1 / ___new:
 * state vs __state), signed and unsigned int and enum bitfields, anonymous members on both
 * sides. */
#include "common.h"

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
	struct task_struct *real_parent;
	char comm[16];
} PAI;

/* 5.10 has "long state", 5.14+ "unsigned int __state": one flavor per layout */
struct task_struct___v1 {
	long state;
} PAI;

struct task_struct___new {
	unsigned int __state;
} PAI;

/* signed bitfields: ipv6_pinfo.hop_limit is "__s16 hop_limit:9" */
struct ipv6_pinfo {
	__s16 hop_limit : 9;
	__s16 mcast_hops : 9;
} PAI;

/* signed int bitfields, 24 and 16 bits wide */
struct printf_spec {
	int field_width : 24;
	int precision : 16;
} PAI;

/* an enum bitfield: net_device.reg_state is 'enum { ... } reg_state:8' (signed enum on 6.x) */
struct net_device___rs {
	enum {
		NETREG_UNINITIALIZED___rs,
	} reg_state : 8;
} PAI;

/* unsigned bitfields */
struct sock {
	unsigned char sk_userlocks : 4;
	unsigned char sk_kern_sock : 1;
	__u16 sk_protocol;
} PAI;

/* anonymous members locally: dev lives in union { struct { next, prev, union { dev } } } */
struct net_device {
	char name[16];
} PAI;

struct sk_buff {
	union {
		struct {
			struct sk_buff *next;
			struct sk_buff *prev;
			union {
				struct net_device *dev;
				unsigned long dev_scratch;
			};
		};
	};
	unsigned int len;
} PAI;

/* no anonymous members locally, but the kernel's sk_buff has them: matched through them */
struct sk_buff___flat {
	struct net_device *dev;
	unsigned int len;
	unsigned int data_len;
} PAI;

SEC("kprobe/do_nanosleep")
int fields_task(struct task_struct *t)
{
	struct task_struct___v1 *t1 = (void *)t;
	struct task_struct___new *t2 = (void *)t;

	out[0] = BPF_CORE_READ(t, pid);
	out[1] = BPF_CORE_READ(t, real_parent, tgid);
	out[2] = BPF_CORE_READ(t, comm[3]);
	out[3] = bpf_core_field_size(t->comm);
	out[4] = bpf_core_field_offset(t->flags);
	out[5] = BPF_CORE_READ(&t[1], pid); /* pointer used as an array: raw spec 1:... */
	if (bpf_core_field_exists(t2->__state))
		out[6] = BPF_CORE_READ(t2, __state);
	else if (bpf_core_field_exists(t1->state))
		out[6] = BPF_CORE_READ(t1, state);
	out[7] = bpf_core_field_size(t1->state);
	return 0;
}

SEC("kprobe/ip6_forward")
int fields_bitfields(struct ipv6_pinfo *np)
{
	struct printf_spec *ps = (void *)np;
	struct sock *sk = (void *)np;

	out[10] = BPF_CORE_READ_BITFIELD_PROBED(np, hop_limit);
	out[11] = BPF_CORE_READ_BITFIELD_PROBED(np, mcast_hops);
	out[12] = BPF_CORE_READ_BITFIELD_PROBED(ps, field_width);
	out[13] = BPF_CORE_READ_BITFIELD_PROBED(ps, precision);
	out[14] = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_userlocks);
	out[15] = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_kern_sock);
	out[16] = __builtin_preserve_field_info(np->hop_limit, BPF_FIELD_SIGNED);
	out[17] = __builtin_preserve_field_info(sk->sk_userlocks, BPF_FIELD_SIGNED);
	out[18] = BPF_CORE_READ(sk, sk_protocol);
	out[19] = bpf_core_field_exists(sk->sk_protocol);
	out[30] = BPF_CORE_READ_BITFIELD_PROBED((struct net_device___rs *)np, reg_state);
	return 0;
}

SEC("kprobe/dev_queue_xmit")
int fields_anon(struct sk_buff *skb)
{
	struct sk_buff___flat *f = (void *)skb;

	out[20] = (unsigned long)BPF_CORE_READ(skb, dev);
	out[21] = BPF_CORE_READ(skb, dev, name[1]);
	out[22] = BPF_CORE_READ(skb, len);
	out[23] = bpf_core_field_offset(skb->dev_scratch);
	out[24] = (unsigned long)BPF_CORE_READ(f, dev);
	out[25] = bpf_core_field_offset(f->data_len);
	out[26] = bpf_core_field_size(f->dev);
	return 0;
}
