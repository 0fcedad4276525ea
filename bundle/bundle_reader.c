// SPDX-License-Identifier: BSD-2-Clause
/*
 * bundle: the reader. Open = decompress into one buffer, walk the tar headers in place, parse
 * index.json once, resolve every entry's blob. Nothing is copied out of the buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_json.h"
#include "bundle_priv.h"
#include "sha256.h"

struct rblob {
	char hex[SHA256_HEX_SIZE];
	const unsigned char *data;
	size_t size;
	int verified; /* 1 ok, -1 mismatch, 0 not checked yet */
	int memfd;    /* -1 until bundle__btf_path */
};

struct rentry {
	struct bundle_entry pub;	/* first: handed out as a pointer */
	size_t blob;			/* index into blobs, (size_t)-1 unless ok */
	const struct bjson_node *unsat; /* the entry's "unsatisfied" array, or NULL */
};

struct bundle {
	unsigned char *buf; /* the decompressed tar */
	size_t buf_len;
	const char *index; /* index.json as stored, inside buf */
	size_t index_len;
	char *index_text; /* a copy the parser unescapes in place */
	struct bjson js;
	const struct bjson_node *root;
	struct rblob *blobs; /* sorted by hex */
	size_t blob_cnt;
	struct rentry *entries;
	size_t entry_cnt;
	struct bundle_object *objs;
	size_t obj_cnt;
};

/* Parses a NUL- or space-terminated octal field; -1 if malformed. */
static long long tar_num(const unsigned char *f, size_t width)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < width && f[i] == ' ')
		i++;
	if (i == width || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return (long long)v;
}

static int tar_checksum_ok(const unsigned char *h)
{
	long long want = tar_num(h + 148, 8);
	unsigned long sum = 0;
	int i;

	/* the checksum field counts as eight spaces */
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	for (i = 148; i < 156; i++)
		sum -= h[i];
	sum += 8 * ' ';
	return want >= 0 && (unsigned long)want == sum;
}

static int is_zero_block(const unsigned char *h)
{
	int i;

	for (i = 0; i < TAR_BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return 1;
	return c >= 'a' && c <= 'f';
}

/* "blobs/<64 lower-case hex>.btf" -> hex; 0 if name is not a blob name */
static int blob_name_hex(const char *name, size_t len, char hex[SHA256_HEX_SIZE])
{
	size_t i;

	if (len != 6 + 64 + 4 || memcmp(name, "blobs/", 6) || memcmp(name + 70, ".btf", 4))
		return 0;
	for (i = 0; i < 64; i++)
		if (!hexval(name[6 + i]))
			return 0;
	memcpy(hex, name + 6, 64);
	hex[64] = '\0';
	return 1;
}

static int blob_cmp(const void *a, const void *b)
{
	return memcmp(((const struct rblob *)a)->hex, ((const struct rblob *)b)->hex, 64);
}

static int parse_tar(struct bundle *b, char *err, size_t err_sz)
{
	size_t off = 0, cap = 0, member = 0;
	char name[256 + 2];

	while (off + TAR_BLOCK <= b->buf_len) {
		const unsigned char *h = b->buf + off;
		long long size;
		size_t nlen, plen;
		char type;

		if (is_zero_block(h))
			break;
		if (!tar_checksum_ok(h) || memcmp(h + 257, "ustar", 5)) {
			bundle_err(err, err_sz, "corrupt tar: bad header at offset %zu", off);
			return -EBADMSG;
		}
		size = tar_num(h + 124, 12);
		if (size < 0 || (unsigned long long)size > b->buf_len - off - TAR_BLOCK) {
			bundle_err(err, err_sz,
				   "corrupt tar: member at offset %zu overruns the archive", off);
			return -EBADMSG;
		}
		type = (char)h[156];
		nlen = strnlen((const char *)h, 100);
		plen = strnlen((const char *)h + 345, 155);
		if (plen)
			snprintf(name, sizeof(name), "%.*s/%.*s", (int)plen, h + 345, (int)nlen, h);
		else
			snprintf(name, sizeof(name), "%.*s", (int)nlen, h);
		nlen = strlen(name);
		if (type != '0' && type != '\0' && type != '5') {
			/* pax/GNU long names would rename the next member: refuse, never guess */
			bundle_err(err, err_sz, "unsupported tar member type '%c' ('%s')", type,
				   name);
			return -EBADMSG;
		}
		if (type == '5') {
			/* directories carry nothing */
		} else if (member == 0) {
			if (strcmp(name, "index.json")) {
				bundle_err(err, err_sz,
					   "not a bundle: first member is '%s', not index.json",
					   name);
				return -EBADMSG;
			}
			b->index = (const char *)h + TAR_BLOCK;
			b->index_len = (size_t)size;
		} else {
			struct rblob *rb;

			if (b->blob_cnt == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				void *p = realloc(b->blobs, ncap * sizeof(*b->blobs));

				if (!p)
					return -ENOMEM;
				b->blobs = p;
				cap = ncap;
			}
			rb = &b->blobs[b->blob_cnt];
			if (!blob_name_hex(name, nlen, rb->hex)) {
				bundle_err(err, err_sz, "unexpected member '%s' in bundle", name);
				return -EBADMSG;
			}
			rb->data = h + TAR_BLOCK;
			rb->size = (size_t)size;
			rb->verified = 0;
			rb->memfd = -1;
			b->blob_cnt++;
		}
		if (type != '5')
			member++;
		off += TAR_BLOCK + (((size_t)size + TAR_BLOCK - 1) / TAR_BLOCK) * TAR_BLOCK;
	}
	if (!b->index) {
		bundle_err(err, err_sz, "not a bundle: no index.json");
		return -EBADMSG;
	}
	if (b->blob_cnt > 1) {
		size_t i;

		qsort(b->blobs, b->blob_cnt, sizeof(*b->blobs), blob_cmp);
		for (i = 1; i < b->blob_cnt; i++) {
			if (!blob_cmp(&b->blobs[i - 1], &b->blobs[i])) {
				bundle_err(err, err_sz, "corrupt bundle: blob %s stored twice",
					   b->blobs[i].hex);
				return -EBADMSG;
			}
		}
	}
	return 0;
}

#define jstr(o, key) bjson__str(&b->js, (o), (key))
#define jnum(o, key) bjson__uint(&b->js, (o), (key))

static struct rblob *find_blob(struct bundle *b, const char *hex)
{
	struct rblob key;

	if (!b->blob_cnt)
		return NULL;
	snprintf(key.hex, sizeof(key.hex), "%s", hex);
	return bsearch(&key, b->blobs, b->blob_cnt, sizeof(*b->blobs), blob_cmp);
}

/*
 * One pass over a kernel's members (rather than a search per field: this loop is most of the
 * index parsing time of a 230-kernel bundle). Unknown members are ignored: later minor
 * additions to format v1 stay readable.
 */
static void entry_fields(struct bundle *b, const struct bjson_node *o, struct rentry *re)
{
	struct bundle_entry *e = &re->pub;
	const struct bjson_node *c;

	e->distro = e->version = e->arch = e->release = e->status = e->reason = e->blob = "";
	e->input_sha256_hex = "";
	re->unsat = NULL;
	for (c = bjson__at(&b->js, o, 0); c;
	     c = c->next == BJSON_NONE ? NULL : &b->js.nodes[c->next]) {
		const char *k = c->key;
		unsigned long long n =
		    c->type == BJSON_NUMBER && c->is_int && c->num > 0 ? c->num : 0;

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
			else if (!strcmp(k, "input_sha256"))
				e->input_sha256_hex = c->str;
		} else if (c->type == BJSON_NUMBER) {
			if (!strcmp(k, "btf_size"))
				e->btf_size = n;
			else if (!strcmp(k, "input_size"))
				e->input_size = n;
			else if (!strcmp(k, "full_btf_size"))
				e->full_btf_size = n;
		} else if (c->type == BJSON_ARRAY && !strcmp(k, "unsatisfied")) {
			re->unsat = c;
		}
	}
	e->unsatisfied_cnt = re->unsat ? re->unsat->count : 0;
}

static int parse_index(struct bundle *b, char *err, size_t err_sz)
{
	const struct bjson_node *objs, *kerns, *v, *o;
	size_t i;
	int ret;

	b->index_text = malloc(b->index_len ? b->index_len : 1);
	if (!b->index_text)
		return -ENOMEM;
	memcpy(b->index_text, b->index, b->index_len);
	ret = bjson__parse(&b->js, b->index_text, b->index_len, err, err_sz);
	if (ret)
		return ret;
	b->root = &b->js.nodes[0];
	if (b->root->type != BJSON_OBJECT || strcmp(jstr(b->root, "format"), BUNDLE_FORMAT)) {
		bundle_err(err, err_sz, "index.json: format is not \"%s\"", BUNDLE_FORMAT);
		return -EBADMSG;
	}
	v = bjson__get(&b->js, b->root, "format_version");
	if (!v || v->type != BJSON_NUMBER || !v->is_int || v->num != BUNDLE_FORMAT_VERSION) {
		bundle_err(err, err_sz,
			   "index.json: unsupported format_version (this reader knows %d)",
			   BUNDLE_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	objs = bjson__get(&b->js, b->root, "objects");
	kerns = bjson__get(&b->js, b->root, "kernels");
	if (!objs || !kerns || objs->type != BJSON_ARRAY || kerns->type != BJSON_ARRAY) {
		bundle_err(err, err_sz, "index.json: \"objects\" and \"kernels\" must be arrays");
		return -EBADMSG;
	}
	b->obj_cnt = objs->count;
	b->objs = calloc(b->obj_cnt ? b->obj_cnt : 1, sizeof(*b->objs));
	b->entry_cnt = kerns->count;
	b->entries = calloc(b->entry_cnt ? b->entry_cnt : 1, sizeof(*b->entries));
	if (!b->objs || !b->entries)
		return -ENOMEM;
	o = bjson__at(&b->js, objs, 0);
	for (i = 0; i < b->obj_cnt; i++, o = o->next == BJSON_NONE ? NULL : &b->js.nodes[o->next]) {
		b->objs[i].name = jstr(o, "name");
		b->objs[i].arch = jstr(o, "arch");
		b->objs[i].sha256_hex = jstr(o, "sha256");
		b->objs[i].relocations = (unsigned)jnum(o, "relocations");
	}
	o = bjson__at(&b->js, kerns, 0);
	for (i = 0; i < b->entry_cnt;
	     i++, o = o->next == BJSON_NONE ? NULL : &b->js.nodes[o->next]) {
		struct rentry *re = &b->entries[i];
		struct bundle_entry *e = &re->pub;
		char hex[SHA256_HEX_SIZE];
		struct rblob *rb;

		if (o->type != BJSON_OBJECT) {
			bundle_err(err, err_sz, "index.json: kernels[%zu] is not an object", i);
			return -EBADMSG;
		}
		entry_fields(b, o, re);
		e->index = i;
		re->blob = (size_t)-1;
		if (!*e->distro || !*e->version || !*e->arch || !*e->release) {
			bundle_err(err, err_sz,
				   "index.json: kernels[%zu] lacks distro/version/arch/release", i);
			return -EBADMSG;
		}
		if (strcmp(e->status, "ok")) {
			if (strcmp(e->status, "failed") && strcmp(e->status, "skipped")) {
				bundle_err(err, err_sz,
					   "index.json: kernels[%zu]: unknown status '%s'", i,
					   e->status);
				return -EBADMSG;
			}
			e->blob = "";
			continue;
		}
		if (!blob_name_hex(e->blob, strlen(e->blob), hex) || !(rb = find_blob(b, hex))) {
			bundle_err(err, err_sz,
				   "corrupt bundle: kernel '%s/%s/%s/%s' refers to missing "
				   "blob '%s'",
				   e->distro, e->version, e->arch, e->release, e->blob);
			return -EBADMSG;
		}
		if (rb->size != e->btf_size) {
			bundle_err(err, err_sz,
				   "corrupt bundle: blob '%s' has %zu bytes, index says %llu",
				   e->blob, rb->size, e->btf_size);
			return -EBADMSG;
		}
		re->blob = (size_t)(rb - b->blobs);
	}
	return 0;
}

struct bundle *bundle__open_mem(const void *data, size_t size, char *err, size_t err_sz)
{
	struct bundle *b = calloc(1, sizeof(*b));
	int ret = -ENOMEM;

	if (!b)
		goto fail;
	if (!data && size) {
		ret = -EINVAL;
		goto fail;
	}
	ret = bundle_decompress(data, size, &b->buf, &b->buf_len, err, err_sz);
	if (ret)
		goto fail;
	ret = parse_tar(b, err, err_sz);
	if (ret)
		goto fail;
	ret = parse_index(b, err, err_sz);
	if (ret)
		goto fail;
	return b;
fail:
	if (ret == -ENOMEM)
		bundle_err(err, err_sz, "out of memory");
	bundle__free(b);
	errno = -ret;
	return NULL;
}

struct bundle *bundle__open_file(const char *path, char *err, size_t err_sz)
{
	struct bundle *b = NULL;
	unsigned char *data = NULL;
	struct stat st;
	size_t off = 0;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		e = errno;
		bundle_err(err, err_sz, "'%s': %s", path, strerror(e));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		bundle_err(err, err_sz, "'%s': not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > BUNDLE_MAX_DECOMPRESSED) {
		e = EFBIG;
		bundle_err(err, err_sz, "'%s': %lld bytes, too large for a bundle", path,
			   (long long)st.st_size);
		goto out;
	}
	data = malloc(st.st_size ? st.st_size : 1);
	if (!data) {
		e = ENOMEM;
		bundle_err(err, err_sz, "'%s': out of memory", path);
		goto out;
	}
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, data + off, st.st_size - off);

		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			bundle_err(err, err_sz, "'%s': read: %s", path, strerror(e));
			goto out;
		}
		off += n;
	}
	b = bundle__open_mem(data, off, err, err_sz);
	e = errno;
	if (!b && err && err_sz) {
		/* prefix the path: "'x.bundle': corrupt zstd stream: ..." */
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s", err);
		bundle_err(err, err_sz, "'%s': %s", path, tmp);
	}
out:
	if (fd >= 0)
		close(fd);
	free(data);
	if (!b)
		errno = e;
	return b;
}

void bundle__free(struct bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->blob_cnt; i++)
		if (b->blobs[i].memfd >= 0)
			close(b->blobs[i].memfd);
	bjson__free(&b->js);
	free(b->index_text);
	free(b->blobs);
	free(b->entries);
	free(b->objs);
	free(b->buf);
	free(b);
}

static int blob_check(struct rblob *rb)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	if (!rb->verified) {
		sha256(rb->data, rb->size, d);
		sha256_hex(d, hex);
		rb->verified = memcmp(hex, rb->hex, 64) ? -1 : 1;
	}
	return rb->verified > 0 ? 0 : -EBADMSG;
}

int bundle__verify(struct bundle *b, char *err, size_t err_sz)
{
	size_t i;

	for (i = 0; i < b->blob_cnt; i++) {
		if (blob_check(&b->blobs[i])) {
			bundle_err(err, err_sz,
				   "corrupt bundle: blob %s does not match its SHA-256",
				   b->blobs[i].hex);
			return -EBADMSG;
		}
	}
	return 0;
}

size_t bundle__entry_cnt(const struct bundle *b)
{
	return b->entry_cnt;
}

const struct bundle_entry *bundle__entry(const struct bundle *b, size_t i)
{
	return i < b->entry_cnt ? &b->entries[i].pub : NULL;
}

size_t bundle__object_cnt(const struct bundle *b)
{
	return b->obj_cnt;
}

const struct bundle_object *bundle__object(const struct bundle *b, size_t i)
{
	return i < b->obj_cnt ? &b->objs[i] : NULL;
}

size_t bundle__blob_cnt(const struct bundle *b)
{
	return b->blob_cnt;
}

const char *bundle__index_json(const struct bundle *b, size_t *size)
{
	if (size)
		*size = b->index_len;
	return b->index;
}

const char *bundle__generator(const struct bundle *b, const char *field)
{
	return jstr(bjson__get(&b->js, b->root, "generator"), field);
}

/* Maps a caller's entry pointer back to ours, refusing pointers from elsewhere. */
static struct rentry *entry_priv(const struct bundle *b, const struct bundle_entry *e)
{
	const struct rentry *re = (const struct rentry *)e;

	if (!e || re < b->entries || re >= b->entries + b->entry_cnt)
		return NULL;
	return (struct rentry *)re;
}

int bundle__unsatisfied(const struct bundle *b, const struct bundle_entry *e, size_t i,
			struct bundle_unsatisfied *u)
{
	struct rentry *re = entry_priv(b, e);
	const struct bjson_node *o;

	if (!re || i >= e->unsatisfied_cnt)
		return -ERANGE;
	o = bjson__at(&b->js, re->unsat, (unsigned)i);
	u->object = jstr(o, "object");
	u->program = jstr(o, "program");
	u->relocation = (unsigned)jnum(o, "relocation");
	u->kind = jstr(o, "kind");
	u->type = jstr(o, "type");
	u->access = jstr(o, "access");
	u->reason = jstr(o, "reason");
	return 0;
}

const void *bundle__btf_data(struct bundle *b, const struct bundle_entry *e, size_t *size)
{
	struct rentry *re = entry_priv(b, e);
	struct rblob *rb;

	if (!re) {
		errno = EINVAL;
		return NULL;
	}
	if (re->blob == (size_t)-1) {
		errno = ENODATA;
		return NULL;
	}
	rb = &b->blobs[re->blob];
	if (blob_check(rb)) {
		errno = EBADMSG;
		return NULL;
	}
	if (size)
		*size = rb->size;
	return rb->data;
}

int bundle__btf_path(struct bundle *b, const struct bundle_entry *e, char *buf, size_t buf_sz)
{
	const unsigned char *data;
	struct rblob *rb;
	size_t size, off = 0;
	int fd, n;

	data = bundle__btf_data(b, e, &size);
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
