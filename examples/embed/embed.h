/* SPDX-License-Identifier: BSD-2-Clause */
/* examples/embed: symbols of the data linked into the binary (see embed_data.c). */
#ifndef EMBED_H
#define EMBED_H

extern const unsigned char embed_bundle_start[], embed_bundle_end[];
extern const unsigned char embed_object_start[], embed_object_end[];

#endif
