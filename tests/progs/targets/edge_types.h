/* SPDX-License-Identifier: BSD-2-Clause */
/* Local views of the types of edge_target.c, shared by the edge_*.bpf.c objects. */
#ifndef EDGE_TYPES_H
#define EDGE_TYPES_H

#include "common.h"

struct foo {
	int a;
	int x;
} PAI;

struct nested {
	int m[3][4];
	char c[2][3][2];
	long tail[];
} PAI;

struct tagged {
	int *uptr;
} PAI;

typedef int *uptr_t;

struct fwd_only;
typedef struct fwd_only *fwd_ptr_t;

struct bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	int d : 12;
} PAI;

struct anon_twice {
	long second;
	int first;
} PAI;

#endif
