// SPDX-License-Identifier: BSD-2-Clause
/* Function pointers: struct file_operations members (field offsets, existence, size) reached
 * through file->f_op, and type relocations on a func-proto typedef. */
#include "common.h"

struct file;
struct kiocb;
struct iov_iter;
typedef long long int __kernel_loff_t;
typedef __kernel_loff_t loff_t;
typedef long int __kernel_ssize_t;
typedef __kernel_ssize_t ssize_t;
typedef long unsigned int __kernel_size_t;
typedef __kernel_size_t size_t;

struct file_operations {
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char *, size_t, loff_t *);
	ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
	int (*btfgen_no_such_op)(struct file *);
} PAI;

struct file {
	const struct file_operations *f_op;
} PAI;

/* the kernel's typedef int (*cmp_r_func_t)(const void *, const void *, const void *) */
typedef int (*cmp_r_func_t)(const void *a, const void *b, const void *priv);

SEC("kprobe/vfs_read")
int funcptr_fops(struct file *f)
{
	const struct file_operations *fops = BPF_CORE_READ(f, f_op);

	out[0] = (unsigned long)BPF_CORE_READ(fops, read);
	out[1] = (unsigned long)BPF_CORE_READ(f, f_op, write);
	out[2] = bpf_core_field_exists(fops->read_iter);
	out[3] = bpf_core_field_exists(fops->btfgen_no_such_op);
	out[4] = bpf_core_field_size(fops->llseek);
	out[5] = bpf_core_field_offset(fops->read_iter);
	out[6] = bpf_core_type_exists(cmp_r_func_t);
	out[7] = bpf_core_type_size(cmp_r_func_t);
	out[8] = bpf_core_type_size(struct file_operations);
	return 0;
}
