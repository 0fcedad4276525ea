// SPDX-License-Identifier: BSD-2-Clause
/*
 * bundle: the reader. The solid stream is decompressed incrementally into one buffer sized
 * from the zstd frame headers: open decodes only index.json (its own frame, checksum checked),
 * a blob is decoded when first asked for (and everything before it in the stream), matrix.json
 * only when the compatibility matrix is asked for. Nothing is copied out of the buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_stableOutBuffer (zstd >= 1.4.4; a parameter, no ABI) */
#include <zstd.h>

#include "bundle_json.h"
#include "bundle_priv.h"
#include "sha256.h"

struct rblob {
	const char *name; /* member name, from index.json */
	const char *hex; /* expected SHA-256 (index.json "btf_sha256"), "" if the set has one */
	size_t size; /* expected size (index.json "btf_size") */
	const unsigned char *data; /* NULL until its member has been decoded */
	int verified; /* 1 ok, -1 mismatch, 0 not checked yet */
	int memfd; /* -1 until btfgen_bundle__btf_path */
	size_t entry; /* while index_blobs collects: the entry naming it */
};

struct rentry {
	struct bundle_entry pub; /* first: handed out as a pointer */
	size_t blob; /* index into blobs, (size_t)-1 unless ok */
	const struct bjson_node *unsat; /* the entry's list in matrix.json, once loaded */
	const struct bjson_node *last; /* last record handed out (sequential access) */
	size_t last_i;
};

struct bundle {
	/* the compressed input, kept while decoding is incremental */
	unsigned char *in;
	size_t in_len, in_pos;
	ZSTD_DStream *ds; /* NULL once everything is decoded */
	/* the decompressed tar: len bytes decoded of cap; checked: end of the last frame whose
	 * checksum has been verified */
	unsigned char *buf;
	size_t len, cap, checked;
	/* the tar walk over the blob members */
	size_t tar_off;
	int scan_ret; /* sticky error of the walk */
	int blobs_done;
	size_t matrix_off, matrix_len; /* matrix.json's data, once its header was seen */
	/*
	 * The runtime form checks its blobs as one set (index.json "blobs_sha256": the SHA-256
	 * of every blob's bytes in stored order) rather than one SHA-256 per blob.
	 */
	const char *set_hex; /* NULL: no set hash */
	struct sha256_ctx set_ctx; /* fed as the walk accepts each blob */
	int set_verified; /* 1 ok, -1 mismatch, 0 walk not done */
	int has_matrix;
	int matrix_ret; /* 0 not loaded, 1 loaded, -errno failed */
	char msg[256]; /* last error (btfgen_bundle__error) */
	struct btfgen_bundle_opts lim; /* the caller's limits, defaults filled in */

	const char *index; /* index.json as stored, inside buf */
	size_t index_len;
	char *index_text; /* a copy the parser unescapes in place */
	struct bjson js;
	const struct bjson_node *root;
	char *matrix_text;
	struct bjson mjs;
	struct rblob *blobs; /* sorted by name */
	size_t blob_cnt;
	struct rentry *entries;
	size_t entry_cnt;
	struct bundle_object *objs;
	size_t obj_cnt;
};

#define NEXT(js, n) ((n)->next == BJSON_NONE ? NULL : &(js)->nodes[(n)->next])

/*
 * Sizes the output from the frame headers. 1: every frame records its content size (what our
 * writer makes), decode incrementally; 0: some frame does not (zstd from a pipe), decode it all
 * at once; -EBADMSG: a frame is damaged or truncated.
 */
static int zstd_plan(struct bundle *b, const unsigned char *in, size_t in_len, char *err,
		     size_t err_sz)
{
	unsigned long long total = 0, max = b->lim.max_size;
	size_t off = 0;

	while (off < in_len) {
		unsigned long long sz = ZSTD_getFrameContentSize(in + off, in_len - off);
		size_t c = ZSTD_findFrameCompressedSize(in + off, in_len - off);

		if (sz == ZSTD_CONTENTSIZE_ERROR || ZSTD_isError(c)) {
			btfgen_bundle_err(err, err_sz, "corrupt zstd stream: %s",
					  ZSTD_isError(c) ? ZSTD_getErrorName(c) :
							    "bad frame header");
			return -EBADMSG;
		}
		if (sz == ZSTD_CONTENTSIZE_UNKNOWN)
			return 0;
		/* declared sizes are the input's word: summed without wrapping around */
		if (sz > max - total) {
			btfgen_bundle_err(
				err, err_sz,
				"zstd: frames declare more than %llu bytes (limit max_size)", max);
			return -EFBIG;
		}
		total += sz;
		off += c;
	}
	b->cap = total;
	return 1;
}

static int stream_open(struct bundle *b, const void *data, size_t size, char *err, size_t err_sz)
{
	static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	int ret = 0;

	if (size >= 4 && !memcmp(data, zstd_magic, 4))
		ret = zstd_plan(b, data, size, err, err_sz);
	if (ret < 0)
		return ret;
	if (!ret) {
		/* xz, plain tar or a zstd frame of unknown size: all at once, all checked */
		ret = btfgen_bundle_decompress(data, size, b->lim.max_size, &b->buf, &b->len, err,
					       err_sz);
		if (ret)
			return ret;
		b->cap = b->checked = b->len;
		return 0;
	}
	b->in = malloc(size);
	b->buf = malloc(b->cap ? b->cap : 1);
	b->ds = ZSTD_createDStream();
	if (!b->in || !b->buf || !b->ds)
		return -ENOMEM;
	/*
	 * Decode straight into buf (the whole tar, sized from the frame headers): no window
	 * buffer to allocate and no copy out of it, a third of the decoding time of a lookup.
	 */
	if (ZSTD_isError(ZSTD_DCtx_setParameter(b->ds, ZSTD_d_stableOutBuffer, 1)))
		return -ENOMEM;
	memcpy(b->in, data, size);
	b->in_len = size;
	return 0;
}

static void stream_close(struct bundle *b)
{
	ZSTD_freeDStream(b->ds);
	b->ds = NULL;
	free(b->in);
	b->in = NULL;
}

/* Compressed bytes fed per step: what we decode beyond what we need stays small. */
#define STREAM_STEP (4 * 1024)

/* Decodes one more step. 0, or -EBADMSG (message in err) on a corrupt or truncated stream. */
static int stream_step(struct bundle *b, char *err, size_t err_sz)
{
	size_t end = b->in_len - b->in_pos < STREAM_STEP ? b->in_len : b->in_pos + STREAM_STEP;
	ZSTD_inBuffer ib = { b->in, end, b->in_pos };
	/* stable output: always the same buffer, zstd advances pos */
	ZSTD_outBuffer ob = { b->buf, b->cap, b->len };
	size_t r;

	if (!b->ds) {
		btfgen_bundle_err(err, err_sz, "corrupt bundle: the stream ends early");
		return -EBADMSG;
	}
	r = ZSTD_decompressStream(b->ds, &ob, &ib);
	if (ZSTD_isError(r)) {
		btfgen_bundle_err(err, err_sz, "corrupt zstd stream: %s", ZSTD_getErrorName(r));
		return -EBADMSG;
	}
	if (ob.pos == b->len && ib.pos == b->in_pos && r) {
		btfgen_bundle_err(err, err_sz, "corrupt zstd stream: truncated");
		return -EBADMSG;
	}
	b->len = ob.pos;
	b->in_pos = ib.pos;
	if (!r) {
		/* a frame ended: zstd has checked its content size and checksum */
		b->checked = b->len;
		if (b->in_pos == b->in_len) {
			if (b->len != b->cap) {
				btfgen_bundle_err(err, err_sz,
						  "corrupt zstd stream: size mismatch");
				return -EBADMSG;
			}
			stream_close(b);
		}
	}
	return 0;
}

/*
 * Decodes until upto bytes are out (and, if checked, covered by verified frame checksums).
 * 1 done, 0 the stream holds fewer bytes, -EBADMSG.
 */
static int stream_fill(struct bundle *b, size_t upto, int checked, char *err, size_t err_sz)
{
	int ret;

	if (upto > b->cap)
		return 0;
	while (b->len < upto || (checked && b->checked < upto)) {
		ret = stream_step(b, err, err_sz);
		if (ret)
			return ret;
	}
	return 1;
}
/*
 * Reads the tar header at off (decoding as needed). 1 with *m filled, 0 at the end of the
 * archive (zero block or end of stream), -EBADMSG on damage.
 */
static int tar_header(struct bundle *b, size_t off, struct tar_member *m, char *err, size_t err_sz)
{
	int ret = stream_fill(b, off + TAR_BLOCK, 0, err, err_sz);

	if (ret <= 0)
		return ret;
	return btfgen_tar__parse_header(b->buf + off, off, b->cap - off - TAR_BLOCK, m, err,
					err_sz);
}

static int blob_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rblob *)a)->name, ((const struct rblob *)b)->name);
}

static struct rblob *find_blob(struct bundle *b, const char *name)
{
	struct rblob key = { .name = name };

	if (!b->blob_cnt)
		return NULL;
	return bsearch(&key, b->blobs, b->blob_cnt, sizeof(*b->blobs), blob_name_cmp);
}

/* The walk reached the end of the blob members: the set hash, if any, is now complete. */
static void blobs_end(struct bundle *b)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	b->blobs_done = 1;
	if (!b->set_hex)
		return;
	btfgen_sha256_final(&b->set_ctx, d);
	btfgen_sha256_hex(d, hex);
	b->set_verified = memcmp(hex, b->set_hex, 64) ? -1 : 1;
}

/*
 * Walks the blob members until want has its data (want NULL: to the end of the blobs, i.e.
 * matrix.json or the end of the archive). Every member must be a blob the index names, once,
 * with the size the index gives. Errors stick: later calls fail the same way.
 */
static int scan_blobs(struct bundle *b, struct rblob *want)
{
	struct tar_member m;
	int ret = b->scan_ret;

	while (!ret && !b->blobs_done && (!want || !want->data)) {
		struct rblob *rb;

		ret = tar_header(b, b->tar_off, &m, b->msg, sizeof(b->msg));
		if (ret <= 0) {
			if (!ret)
				blobs_end(b);
			break;
		}
		ret = 0;
		if (m.type == '5') {
			b->tar_off = m.next;
			continue;
		}
		if (!strcmp(m.name, "matrix.json")) {
			b->matrix_off = m.data;
			b->matrix_len = m.size;
			b->has_matrix = 1;
			blobs_end(b);
			b->tar_off = m.next;
			break;
		}
		rb = find_blob(b, m.name);
		if (!rb) {
			btfgen_bundle_err(b->msg, sizeof(b->msg),
					  "unexpected member '%s' in bundle", BQ(m.name));
			ret = -EBADMSG;
		} else if (rb->data) {
			btfgen_bundle_err(b->msg, sizeof(b->msg),
					  "corrupt bundle: '%s' stored twice", BQ(m.name));
			ret = -EBADMSG;
		} else if (m.size != rb->size) {
			btfgen_bundle_err(b->msg, sizeof(b->msg),
					  "corrupt bundle: blob '%s' has %zu bytes, index says %zu",
					  BQ(m.name), m.size, rb->size);
			ret = -EBADMSG;
		} else {
			ret = stream_fill(b, m.data + m.size, 0, b->msg, sizeof(b->msg));
			if (ret == 1) {
				rb->data = b->buf + m.data;
				if (b->set_hex)
					btfgen_sha256_update(&b->set_ctx, rb->data, rb->size);
				ret = 0;
			} else if (!ret) {
				btfgen_bundle_err(b->msg, sizeof(b->msg),
						  "corrupt tar: '%s' is truncated", BQ(m.name));
				ret = -EBADMSG;
			}
		}
		b->tar_off = m.next;
	}
	b->scan_ret = ret;
	if (!ret && want && !want->data) {
		btfgen_bundle_err(b->msg, sizeof(b->msg), "corrupt bundle: blob '%s' is missing",
				  BQ(want->name));
		return -ENOENT;
	}
	return ret;
}

static int is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

#define jstr(o, key) btfgen_bjson__str(&b->js, (o), (key))
#define jnum(o, key) btfgen_bjson__uint(&b->js, (o), (key))

/*
 * One pass over a kernel's members (rather than a search per field: this loop is most of the
 * index parsing time). Unknown members are ignored: later minor additions to format v1 stay
 * readable.
 */
static void entry_fields(struct bundle *b, const struct bjson_node *o, struct rentry *re)
{
	struct bundle_entry *e = &re->pub;
	const struct bjson_node *c;

	e->distro = e->version = e->arch = e->release = e->status = e->reason = e->blob = "";
	e->input_sha256_hex = e->btf_sha256_hex = "";
	for (c = btfgen_bjson__at(&b->js, o, 0); c; c = NEXT(&b->js, c)) {
		const char *k = c->key;
		unsigned long long n = c->type == BJSON_NUMBER && c->is_int && c->num > 0 ? c->num :
											    0;

		if (c->type == BJSON_STRING) {
			if (!strcmp(k, "distro"))
				e->distro = c->str;
			else if (!strcmp(k, "version"))
				e->version = c->str;
			else if (!strcmp(k, "arch"))
				e->arch = c->str;
			else if (!strcmp(k, "release"))
				e->release = c->str;
			else if (!strcmp(k, "status"))
				e->status = c->str;
			else if (!strcmp(k, "reason"))
				e->reason = c->str;
			else if (!strcmp(k, "blob"))
				e->blob = c->str;
			else if (!strcmp(k, "btf_sha256"))
				e->btf_sha256_hex = c->str;
			else if (!strcmp(k, "input_sha256"))
				e->input_sha256_hex = c->str;
		} else if (c->type == BJSON_NUMBER) {
			if (!strcmp(k, "btf_size"))
				e->btf_size = n;
			else if (!strcmp(k, "input_size"))
				e->input_size = n;
			else if (!strcmp(k, "full_btf_size"))
				e->full_btf_size = n;
			else if (!strcmp(k, "unsatisfied"))
				e->unsatisfied_cnt = n;
		}
	}
}

/* Collects the distinct blobs the ok entries name; entries sharing one must agree on it. */
static int index_blobs(struct bundle *b, char *err, size_t err_sz)
{
	size_t i, n = 0;

	b->blobs = calloc(b->entry_cnt + 1, sizeof(*b->blobs));
	if (!b->blobs)
		return -ENOMEM;
	for (i = 0; i < b->entry_cnt; i++) {
		const struct bundle_entry *e = &b->entries[i].pub;

		if (b->entries[i].blob == (size_t)-1)
			continue;
		b->blobs[n].name = e->blob;
		b->blobs[n].hex = e->btf_sha256_hex;
		b->blobs[n].size = e->btf_size;
		b->blobs[n].memfd = -1;
		b->blobs[n].entry = i;
		n++;
	}
	qsort(b->blobs, n, sizeof(*b->blobs), blob_name_cmp);
	for (i = 0; i < n; i++) {
		struct rblob *rb = &b->blobs[i];
		struct rblob *last = b->blob_cnt ? &b->blobs[b->blob_cnt - 1] : NULL;

		if (last && !strcmp(last->name, rb->name)) {
			if (strcmp(last->hex, rb->hex) || last->size != rb->size) {
				btfgen_bundle_err(
					err, err_sz,
					"index.json: entries disagree on blob '%s' (SHA-256 "
					"or size)",
					BQ(rb->name));
				return -EBADMSG;
			}
		} else {
			b->blobs[b->blob_cnt++] = *rb;
			last = &b->blobs[b->blob_cnt - 1];
		}
		b->entries[rb->entry].blob = (size_t)(last - b->blobs);
	}
	return 0;
}

static int names_fit(const struct bundle *b, const struct bundle_entry *e)
{
	const char *f[] = { e->distro, e->version, e->arch, e->release, e->blob };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strnlen(f[i], b->lim.max_name_len + 1) > b->lim.max_name_len)
			return 0;
	return 1;
}

/* objects[].programs (docs/verdicts.md): strings that are not strings read as "". */
static int read_programs(struct bundle *b, const struct bjson_node *o, struct bundle_object *d)
{
	const struct bjson_node *pa = btfgen_bjson__get(&b->js, o, "programs"), *p;
	const char **names;
	size_t n = 0;

	if (!pa || pa->type != BJSON_ARRAY)
		return 0;
	names = calloc(pa->count + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (p = btfgen_bjson__at(&b->js, pa, 0); p && n < pa->count; p = NEXT(&b->js, p))
		names[n++] = p->type == BJSON_STRING ? p->str : "";
	d->programs = names;
	d->program_cnt = n;
	return 0;
}

/* Parses index.json's text (bounded by the limits) and checks its format and version. */
static int parse_index_root(struct bundle *b, char *err, size_t err_sz)
{
	const struct bjson_node *v;
	int ret;

	b->index_text = malloc(b->index_len ? b->index_len : 1);
	if (!b->index_text)
		return -ENOMEM;
	memcpy(b->index_text, b->index, b->index_len);
	ret = btfgen_bjson__parse_named(&b->js, "index.json", b->index_text, b->index_len,
					btfgen_bjson__max_nodes(b->index_len,
								b->lim.json_bytes_per_value,
								b->lim.max_json_values),
					err, err_sz);
	if (ret)
		return ret;
	b->root = &b->js.nodes[0];
	if (b->root->type != BJSON_OBJECT || strcmp(jstr(b->root, "format"), BUNDLE_FORMAT)) {
		btfgen_bundle_err(err, err_sz, "index.json: format is not \"%s\"", BUNDLE_FORMAT);
		return -EBADMSG;
	}
	v = btfgen_bjson__get(&b->js, b->root, "format_version");
	if (!v || v->type != BJSON_NUMBER || !v->is_int || v->num != BUNDLE_FORMAT_VERSION) {
		btfgen_bundle_err(err, err_sz,
				  "index.json: unsupported format_version (this reader knows %d)",
				  BUNDLE_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	v = btfgen_bjson__get(&b->js, b->root, "blobs_sha256");
	if (v) {
		if (v->type != BJSON_STRING || !is_hex64(v->str)) {
			btfgen_bundle_err(err, err_sz,
					  "index.json: blobs_sha256 is not a SHA-256 in hex");
			return -EBADMSG;
		}
		b->set_hex = v->str;
		btfgen_sha256_init(&b->set_ctx);
	}
	return 0;
}

static int parse_objects(struct bundle *b, const struct bjson_node *objs)
{
	const struct bjson_node *o = btfgen_bjson__at(&b->js, objs, 0);

	for (size_t i = 0; i < b->obj_cnt; i++, o = NEXT(&b->js, o)) {
		b->objs[i].name = jstr(o, "name");
		b->objs[i].arch = jstr(o, "arch");
		b->objs[i].sha256_hex = jstr(o, "sha256");
		b->objs[i].relocations = (unsigned)jnum(o, "relocations");
		if (read_programs(b, o, &b->objs[i]))
			return -ENOMEM;
	}
	return 0;
}

/* One kernels[i] entry: keys present and within limits, a known status, an ok one's blob. */
static int parse_entry(struct bundle *b, const struct bjson_node *o, size_t i, char *err,
		       size_t err_sz)
{
	struct rentry *re = &b->entries[i];
	struct bundle_entry *e = &re->pub;

	if (o->type != BJSON_OBJECT) {
		btfgen_bundle_err(err, err_sz, "index.json: kernels[%zu] is not an object", i);
		return -EBADMSG;
	}
	entry_fields(b, o, re);
	e->index = i;
	re->blob = (size_t)-1;
	if (!*e->distro || !*e->version || !*e->arch || !*e->release) {
		btfgen_bundle_err(err, err_sz,
				  "index.json: kernels[%zu] lacks distro/version/arch/release", i);
		return -EBADMSG;
	}
	if (!names_fit(b, e)) {
		btfgen_bundle_err(err, err_sz,
				  "index.json: kernels[%zu]: a name is longer than %llu bytes "
				  "(limit max_name_len)",
				  i, b->lim.max_name_len);
		return -EFBIG;
	}
	if (strcmp(e->status, "ok")) {
		if (strcmp(e->status, "failed") && strcmp(e->status, "skipped")) {
			btfgen_bundle_err(err, err_sz,
					  "index.json: kernels[%zu]: unknown status '%s'", i,
					  BQ(e->status));
			return -EBADMSG;
		}
		e->blob = e->btf_sha256_hex = "";
		return 0;
	}
	/* integrity: the blob's own SHA-256, or the set's (then btf_sha256 may be absent) */
	if (strncmp(e->blob, "blobs/", 6) || !e->btf_size ||
	    !(is_hex64(e->btf_sha256_hex) || (b->set_hex && !*e->btf_sha256_hex))) {
		btfgen_bundle_err(err, err_sz,
				  "index.json: kernel '%s/%s/%s/%s' is ok but lacks a blob, its "
				  "btf_sha256 or its btf_size",
				  BQ(e->distro), BQ(e->version), BQ(e->arch), BQ(e->release));
		return -EBADMSG;
	}
	re->blob = 0; /* set by index_blobs */
	return 0;
}

static int parse_index(struct bundle *b, char *err, size_t err_sz)
{
	const struct bjson_node *objs, *kerns, *o;
	int ret;

	ret = parse_index_root(b, err, err_sz);
	if (ret)
		return ret;
	objs = btfgen_bjson__get(&b->js, b->root, "objects");
	kerns = btfgen_bjson__get(&b->js, b->root, "kernels");
	if (!objs || !kerns || objs->type != BJSON_ARRAY || kerns->type != BJSON_ARRAY) {
		btfgen_bundle_err(err, err_sz,
				  "index.json: \"objects\" and \"kernels\" must be arrays");
		return -EBADMSG;
	}
	if (objs->count > b->lim.max_objects || kerns->count > b->lim.max_kernels) {
		btfgen_bundle_err(
			err, err_sz,
			"index.json: %u objects, %u kernels: more than %llu / %llu (limit "
			"max_objects / max_kernels)",
			objs->count, kerns->count, b->lim.max_objects, b->lim.max_kernels);
		return -EFBIG;
	}
	b->obj_cnt = objs->count;
	b->objs = calloc(b->obj_cnt ? b->obj_cnt : 1, sizeof(*b->objs));
	b->entry_cnt = kerns->count;
	b->entries = calloc(b->entry_cnt ? b->entry_cnt : 1, sizeof(*b->entries));
	if (!b->objs || !b->entries)
		return -ENOMEM;
	ret = parse_objects(b, objs);
	if (ret)
		return ret;
	o = btfgen_bjson__at(&b->js, kerns, 0);
	for (size_t i = 0; i < b->entry_cnt; i++, o = NEXT(&b->js, o)) {
		ret = parse_entry(b, o, i, err, err_sz);
		if (ret)
			return ret;
	}
	return index_blobs(b, err, err_sz);
}

/* Decodes and checks index.json, the first member: its frame must end (checksum) before use. */
static int read_index(struct bundle *b, char *err, size_t err_sz)
{
	struct tar_member m;
	int ret;

	ret = tar_header(b, 0, &m, err, err_sz);
	if (ret == 0) {
		btfgen_bundle_err(err, err_sz, "not a bundle: no index.json");
		return -EBADMSG;
	}
	if (ret < 0)
		return ret;
	if (m.type == '5' || strcmp(m.name, "index.json")) {
		btfgen_bundle_err(err, err_sz, "not a bundle: first member is '%s', not index.json",
				  BQ(m.name));
		return -EBADMSG;
	}
	ret = stream_fill(b, m.data + m.size, 1, err, err_sz);
	if (ret == 0) {
		btfgen_bundle_err(err, err_sz, "corrupt tar: index.json is truncated");
		return -EBADMSG;
	}
	if (ret < 0)
		return ret;
	b->index = (const char *)b->buf + m.data;
	b->index_len = m.size;
	b->tar_off = m.next;
	return parse_index(b, err, err_sz);
}

/* The caller's limits: the fields its sz covers, defaults for those left 0. */
static void opts_resolve(struct btfgen_bundle_opts *lim, const struct btfgen_bundle_opts *opts)
{
	memset(lim, 0, sizeof(*lim));
	if (opts)
		memcpy(lim, opts, opts->sz < sizeof(*lim) ? opts->sz : sizeof(*lim));
	lim->sz = sizeof(*lim);
	if (!lim->max_size)
		lim->max_size = BTFGEN_BUNDLE_MAX_SIZE;
	/* the stream is decoded into one buffer: its size must be a size_t */
	if (lim->max_size > SIZE_MAX / 2)
		lim->max_size = SIZE_MAX / 2;
	if (!lim->json_bytes_per_value)
		lim->json_bytes_per_value = BTFGEN_BUNDLE_JSON_BYTES_PER_VALUE;
	if (!lim->max_json_values)
		lim->max_json_values = BTFGEN_BUNDLE_MAX_JSON_VALUES;
	if (!lim->max_kernels)
		lim->max_kernels = BTFGEN_BUNDLE_MAX_KERNELS;
	if (!lim->max_objects)
		lim->max_objects = BTFGEN_BUNDLE_MAX_OBJECTS;
	if (!lim->max_name_len)
		lim->max_name_len = BTFGEN_BUNDLE_MAX_NAME_LEN;
}

struct bundle *btfgen_bundle__open_mem_opts(const void *data, size_t size,
					    const struct btfgen_bundle_opts *opts, char *err,
					    size_t err_sz)
{
	struct bundle *b = calloc(1, sizeof(*b));
	int ret = -ENOMEM;

	if (!b)
		goto fail;
	opts_resolve(&b->lim, opts);
	if (!data && size) {
		ret = -EINVAL;
		btfgen_bundle_err(err, err_sz, "no data");
		goto fail;
	}
	if (size > b->lim.max_size) {
		ret = -EFBIG;
		btfgen_bundle_err(err, err_sz, "%zu bytes exceed %llu (limit max_size)", size,
				  b->lim.max_size);
		goto fail;
	}
	ret = stream_open(b, data, size, err, err_sz);
	if (ret)
		goto fail;
	ret = read_index(b, err, err_sz);
	if (ret)
		goto fail;
	return b;
fail:
	if (ret == -ENOMEM)
		btfgen_bundle_err(err, err_sz, "out of memory");
	btfgen_bundle__free(b);
	errno = -ret;
	return NULL;
}

struct bundle *btfgen_bundle__open_mem(const void *data, size_t size, char *err, size_t err_sz)
{
	return btfgen_bundle__open_mem_opts(data, size, NULL, err, err_sz);
}

/*
 * Opens path for reading if it is a regular file: O_NONBLOCK so that a FIFO (or a device)
 * cannot block the open, fstat, then blocking reads again. fd or -errno.
 */
static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), e;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

struct bundle *btfgen_bundle__open_file_opts(const char *path,
					     const struct btfgen_bundle_opts *opts, char *err,
					     size_t err_sz)
{
	struct btfgen_bundle_opts lim;
	struct bundle *b = NULL;
	unsigned char *data = NULL;
	struct stat st;
	size_t off = 0;
	int fd, e;

	opts_resolve(&lim, opts);
	fd = open_regular(path, &st);
	if (fd < 0) {
		e = -fd;
		if (e == EINVAL)
			btfgen_bundle_err(err, err_sz, "'%s': not a regular file", BQ(path));
		else
			btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(path), strerror(e));
		goto out;
	}
	if ((unsigned long long)st.st_size > lim.max_size) {
		e = EFBIG;
		btfgen_bundle_err(err, err_sz, "'%s': %lld bytes exceed %llu (limit max_size)",
				  BQ(path), (long long)st.st_size, lim.max_size);
		goto out;
	}
	data = malloc(st.st_size ? st.st_size : 1);
	if (!data) {
		e = ENOMEM;
		btfgen_bundle_err(err, err_sz, "'%s': out of memory", BQ(path));
		goto out;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, data + off, st.st_size - off);

		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			btfgen_bundle_err(err, err_sz, "'%s': read: %s", BQ(path), strerror(e));
			goto out;
		}
		off += n;
	}
	b = btfgen_bundle__open_mem_opts(data, off, &lim, err, err_sz);
	e = errno;
	if (!b) {
		/* prefix the path: "'x.bundle': corrupt zstd stream: ..." */
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s", btfgen_bundle__errstr());
		btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(path), tmp);
	}
out:
	if (fd >= 0)
		close(fd);
	free(data);
	if (!b)
		errno = e;
	return b;
}

struct bundle *btfgen_bundle__open_file(const char *path, char *err, size_t err_sz)
{
	return btfgen_bundle__open_file_opts(path, NULL, err, err_sz);
}

void btfgen_bundle__free(struct bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->blob_cnt; i++)
		if (b->blobs[i].memfd >= 0)
			close(b->blobs[i].memfd);
	stream_close(b);
	btfgen_bjson__free(&b->js);
	btfgen_bjson__free(&b->mjs);
	free(b->index_text);
	free(b->matrix_text);
	free(b->blobs);
	free(b->entries);
	for (i = 0; b->objs && i < b->obj_cnt; i++)
		free((void *)b->objs[i].programs);
	free(b->objs);
	free(b->buf);
	free(b);
}

const char *btfgen_bundle__error(const struct bundle *b)
{
	return b ? b->msg : "";
}

static int blob_check(struct rblob *rb)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	if (!rb->verified && *rb->hex) {
		btfgen_sha256(rb->data, rb->size, d);
		btfgen_sha256_hex(d, hex);
		rb->verified = memcmp(hex, rb->hex, 64) ? -1 : 1;
	}
	return rb->verified >= 0 ? 0 : -EBADMSG;
}

/*
 * Decodes and checks a blob if not done yet; 0 or -errno with the message in b->msg. With a
 * set hash, every blob is decoded (a runtime bundle is small) before any is served.
 */
static int blob_get(struct bundle *b, struct rblob *rb)
{
	int ret = rb->data ? 0 : scan_blobs(b, rb);

	if (!ret && b->set_hex)
		ret = scan_blobs(b, NULL);
	if (ret)
		return ret;
	if (b->set_verified < 0) {
		btfgen_bundle_err(b->msg, sizeof(b->msg),
				  "corrupt bundle: the blobs do not match blobs_sha256");
		return -EBADMSG;
	}
	if (blob_check(rb)) {
		btfgen_bundle_err(b->msg, sizeof(b->msg),
				  "corrupt bundle: blob '%s' does not match its SHA-256",
				  BQ(rb->name));
		return -EBADMSG;
	}
	return 0;
}

/* Checks matrix.json against the index: same kernels in the same order, same counts. */
static int parse_matrix(struct bundle *b, char *err, size_t err_sz)
{
	const struct bjson_node *root, *kerns, *o;
	size_t i;
	int ret;

	b->matrix_text = malloc(b->matrix_len ? b->matrix_len : 1);
	if (!b->matrix_text)
		return -ENOMEM;
	memcpy(b->matrix_text, b->buf + b->matrix_off, b->matrix_len);
	ret = btfgen_bjson__parse_named(&b->mjs, "matrix.json", b->matrix_text, b->matrix_len,
					btfgen_bjson__max_nodes(b->matrix_len,
								b->lim.json_bytes_per_value,
								b->lim.max_json_values),
					err, err_sz);
	if (ret)
		return ret;
	root = &b->mjs.nodes[0];
	kerns = btfgen_bjson__get(&b->mjs, root, "kernels");
	if (!kerns || kerns->type != BJSON_ARRAY || kerns->count != b->entry_cnt) {
		btfgen_bundle_err(err, err_sz,
				  "matrix.json: \"kernels\" must list the %zu kernels of "
				  "index.json",
				  b->entry_cnt);
		return -EBADMSG;
	}
	o = btfgen_bjson__at(&b->mjs, kerns, 0);
	for (i = 0; i < b->entry_cnt; i++, o = NEXT(&b->mjs, o)) {
		struct rentry *re = &b->entries[i];
		const struct bundle_entry *e = &re->pub;
		const struct bjson_node *u = btfgen_bjson__get(&b->mjs, o, "unsatisfied");

		if (o->type != BJSON_OBJECT || !u || u->type != BJSON_ARRAY ||
		    u->count != e->unsatisfied_cnt ||
		    strcmp(btfgen_bjson__str(&b->mjs, o, "distro"), e->distro) ||
		    strcmp(btfgen_bjson__str(&b->mjs, o, "version"), e->version) ||
		    strcmp(btfgen_bjson__str(&b->mjs, o, "arch"), e->arch) ||
		    strcmp(btfgen_bjson__str(&b->mjs, o, "release"), e->release)) {
			btfgen_bundle_err(err, err_sz,
					  "matrix.json: kernels[%zu] does not match index.json "
					  "('%s/%s/%s/%s', %zu unsatisfied)",
					  i, BQ(e->distro), BQ(e->version), BQ(e->arch),
					  BQ(e->release), e->unsatisfied_cnt);
			return -EBADMSG;
		}
		re->unsat = u;
		re->last = NULL;
	}
	return 0;
}

/*
 * matrix.json: decodes through the blobs to it and on to the end of the stream, so every frame
 * checksum is verified, then parses it. Once; the result sticks.
 */
static int load_matrix(struct bundle *b)
{
	struct tar_member m;
	int ret;

	if (b->matrix_ret)
		return b->matrix_ret < 0 ? b->matrix_ret : 0;
	ret = scan_blobs(b, NULL);
	if (!ret && !b->has_matrix) {
		btfgen_bundle_err(b->msg, sizeof(b->msg), "corrupt bundle: no matrix.json");
		ret = -EBADMSG;
	}
	if (!ret) {
		ret = tar_header(b, b->tar_off, &m, b->msg, sizeof(b->msg));
		if (ret > 0) {
			btfgen_bundle_err(b->msg, sizeof(b->msg),
					  "unexpected member '%s' after matrix.json", BQ(m.name));
			ret = -EBADMSG;
		}
	}
	if (!ret) {
		ret = stream_fill(b, b->cap, 1, b->msg, sizeof(b->msg));
		ret = ret < 0 ? ret : 0;
	}
	if (!ret)
		ret = parse_matrix(b, b->msg, sizeof(b->msg));
	b->matrix_ret = ret ? ret : 1;
	return ret;
}

int btfgen_bundle__load_matrix(struct bundle *b, char *err, size_t err_sz)
{
	int ret = load_matrix(b);

	if (ret)
		btfgen_bundle_err(err, err_sz, "%s", b->msg);
	return ret;
}

const char *btfgen_bundle__matrix_json(struct bundle *b, size_t *size)
{
	if (load_matrix(b))
		return NULL;
	if (size)
		*size = b->matrix_len;
	return (const char *)b->buf + b->matrix_off;
}

/*
 * The end of a runtime bundle: no matrix.json (lookup never needs it), the blob set's hash
 * (also for a bundle without blobs) and every checksum to the end of the stream.
 */
static int verify_runtime_end(struct bundle *b)
{
	int ret = scan_blobs(b, NULL);

	if (!ret && b->has_matrix)
		return load_matrix(b);
	if (!ret && b->set_verified < 0) {
		btfgen_bundle_err(b->msg, sizeof(b->msg),
				  "corrupt bundle: the blobs do not match blobs_sha256");
		ret = -EBADMSG;
	}
	if (!ret) {
		ret = stream_fill(b, b->cap, 1, b->msg, sizeof(b->msg));
		ret = ret < 0 ? ret : 0;
	}
	return ret;
}

int btfgen_bundle__is_runtime(const struct bundle *b)
{
	return !strcmp(jstr(b->root, "form"), "runtime");
}

int btfgen_bundle__verify(struct bundle *b, char *err, size_t err_sz)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < b->blob_cnt && !ret; i++)
		ret = blob_get(b, &b->blobs[i]);
	if (!ret)
		ret = btfgen_bundle__is_runtime(b) ? verify_runtime_end(b) : load_matrix(b);
	if (ret)
		btfgen_bundle_err(err, err_sz, "%s", b->msg);
	return ret;
}

size_t btfgen_bundle__entry_cnt(const struct bundle *b)
{
	return b->entry_cnt;
}

const struct bundle_entry *btfgen_bundle__entry(const struct bundle *b, size_t i)
{
	return i < b->entry_cnt ? &b->entries[i].pub : NULL;
}

size_t btfgen_bundle__object_cnt(const struct bundle *b)
{
	return b->obj_cnt;
}

const struct bundle_object *btfgen_bundle__object(const struct bundle *b, size_t i)
{
	return i < b->obj_cnt ? &b->objs[i] : NULL;
}

size_t btfgen_bundle__blob_cnt(const struct bundle *b)
{
	return b->blob_cnt;
}

const char *btfgen_bundle__index_json(const struct bundle *b, size_t *size)
{
	if (size)
		*size = b->index_len;
	return b->index;
}

const char *btfgen_bundle__generator(const struct bundle *b, const char *field)
{
	return jstr(btfgen_bjson__get(&b->js, b->root, "generator"), field);
}

/* Maps a caller's entry pointer back to ours, refusing pointers from elsewhere. */
static struct rentry *entry_priv(const struct bundle *b, const struct bundle_entry *e)
{
	const struct rentry *re = (const struct rentry *)e;

	if (!e || re < b->entries || re >= b->entries + b->entry_cnt)
		return NULL;
	return (struct rentry *)re;
}

int btfgen_bundle__unsatisfied(const struct bundle *cb, const struct bundle_entry *e, size_t i,
			       struct bundle_unsatisfied *u)
{
	/* loading matrix.json on first use changes b: see the threading note in bundle.h */
	struct bundle *b = (struct bundle *)cb;
	struct rentry *re = entry_priv(b, e);
	const struct bjson_node *o;
	int ret;

	if (!re || i >= e->unsatisfied_cnt)
		return -ERANGE;
	ret = load_matrix(b);
	if (ret)
		return ret;
	if (re->last && i == re->last_i + 1)
		o = NEXT(&b->mjs, re->last);
	else
		o = btfgen_bjson__at(&b->mjs, re->unsat, (unsigned)i);
	re->last = o;
	re->last_i = i;
	u->object = btfgen_bjson__str(&b->mjs, o, "object");
	u->program = btfgen_bjson__str(&b->mjs, o, "program");
	u->relocation = (unsigned)btfgen_bjson__uint(&b->mjs, o, "relocation");
	u->kind = btfgen_bjson__str(&b->mjs, o, "kind");
	u->type = btfgen_bjson__str(&b->mjs, o, "type");
	u->access = btfgen_bjson__str(&b->mjs, o, "access");
	u->reason = btfgen_bjson__str(&b->mjs, o, "reason");
	u->verdict = btfgen_bjson__str(&b->mjs, o, "verdict");
	u->function = btfgen_bjson__str(&b->mjs, o, "function");
	u->insn = (unsigned)btfgen_bjson__uint(&b->mjs, o, "insn");
	return 0;
}

const void *btfgen_bundle__btf_data(struct bundle *b, const struct bundle_entry *e, size_t *size)
{
	struct rentry *re = entry_priv(b, e);
	struct rblob *rb;
	int ret;

	if (!re) {
		errno = EINVAL;
		return NULL;
	}
	if (re->blob == (size_t)-1) {
		btfgen_bundle_err(b->msg, sizeof(b->msg), "kernel '%s/%s/%s/%s' is %s: no BTF",
				  BQ(e->distro), BQ(e->version), BQ(e->arch), BQ(e->release),
				  BQ(e->status));
		errno = ENODATA;
		return NULL;
	}
	rb = &b->blobs[re->blob];
	ret = blob_get(b, rb);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	if (size)
		*size = rb->size;
	return rb->data;
}

int btfgen_bundle__btf_path(struct bundle *b, const struct bundle_entry *e, char *buf,
			    size_t buf_sz)
{
	const unsigned char *data;
	struct rblob *rb;
	size_t size, off = 0;
	int fd, n;

	data = btfgen_bundle__btf_data(b, e, &size);
	if (!data)
		return -errno;
	rb = &b->blobs[entry_priv(b, e)->blob];
	if (rb->memfd < 0) {
		fd = memfd_create("btfgen-btf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0)
			return -errno;
		while (off < size) {
			ssize_t w = write(fd, data + off, size - off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				n = -errno;
				close(fd);
				return n;
			}
			off += w;
		}
		/* sealed: nobody can change the BTF libbpf will read */
		fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
		rb->memfd = fd;
	}
	n = snprintf(buf, buf_sz, "/proc/self/fd/%d", rb->memfd);
	if (n < 0 || (size_t)n >= buf_sz)
		return -ENAMETOOLONG;
	return 0;
}
