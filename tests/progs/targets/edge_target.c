// SPDX-License-Identifier: BSD-2-Clause
/* A hand-made "kernel": this object's .BTF is the target BTF for edge.bpf.o (edge cases real
 * kernels lack). Globals keep the types in .BTF; no program. */

/* brief §0.1: two candidates of one essential name; 'a' at the same offset in both */
struct foo {
	int a;
	int y;
};

struct foo___2 {
	int a;
	int x;
};

/* nested arrays and a flexible array */
struct nested {
	int pad;
	int m[3][4];
	char c[2][3][2];
	long tail[];
};

/* brief §1.10b: a zero-length array that is not the last member is not flexible; if tailoring
 * drops the members after it, it becomes last, hence flexible */
struct flexmid {
	int n;
	int arr[0];
	int tail;
};

/* TYPE_TAG: clang 14 emits btf_type_tag on struct member pointers */
struct tagged {
	int __attribute__((btf_type_tag("user"))) * uptr;
	struct foo __attribute__((btf_type_tag("rcu"))) * fptr;
};

/* typedef of a tagged pointer: a type relocation that follows it reaches TYPE_TAG */
typedef int __attribute__((btf_type_tag("user"))) * uptr_t;

/* FWD behind a pointer typedef */
struct fwd_only;
typedef struct fwd_only *fwd_ptr_t;

/* modern (kflag=1) bitfields, including a 40-bit one spanning 8 bytes */
struct bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	int d : 12;
	unsigned char e;
};

/* anonymous members and same-named members in two anonymous unions (brief §1.10c) */
struct anon_twice {
	union {
		int first;
		char same;
	};
	union {
		long second;
		int same2;
	};
};

struct foo g_foo;
struct foo___2 g_foo2;
struct nested g_nested;
struct tagged g_tagged;
uptr_t g_uptr;
fwd_ptr_t g_fwd;
struct bits g_bits;
struct anon_twice g_anon;
struct flexmid g_flexmid;
long int g_long;
