/* jsonl.c - the append-only JSON Lines logs */
#define _GNU_SOURCE     /* memmem, memrchr */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>

#include "crm.h"

#define HISTORY_FILE "history.jsonl"
#define ACTIVITIES_FILE "activities.jsonl"

void json_add_escaped(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;

	for (; p < end; p++) {
		unsigned char c = *p;
		const char *esc = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, (const char *)run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		}
		if (esc) {
			buf_adds(b, esc);
		} else {
			char u[7] = {'\\', 'u', '0', '0', hex[c >> 4],
				     hex[c & 15], 0};
			buf_adds(b, u);
		}
	}
	buf_add(b, (const char *)run, (size_t)(p - run));
}

void json_add_string(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	json_add_escaped(b, s, strlen(s));
	buf_addc(b, '"');
}

/* ---- reading ------------------------------------------------------------
 *
 * Our logs are written by json_add_string in one canonical form: a flat
 * object of string values, no spaces, escapes \" \\ \n \r \t \b \f only
 * (and \u00XX for other control bytes).  fast_line() reads exactly that
 * form several times faster than libjq's parser; anything else (numbers,
 * nesting, spaces, \u escapes, repeated keys, raw control bytes) goes to
 * libjq, which gives the same record or a clear error.
 */

/* One line's record: keys and values point into dec. */
struct line_rec {
	struct logrec r;
	size_t cap;
	struct buf dec;     /* decoded keys and values, NUL after each */
	int from_jq;        /* r's strings were malloc'd by parse_jq */
};

static int scan_lines(FILE *fp, const char *name, const char *text,
		      jsonl_fn fn, void *ctx, jsonl_bad_fn bad,
		      struct crm_err *err);

const char *logrec_get(const struct logrec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->keys[i][0] == key[0] && !strcmp(r->keys[i], key))
			return r->vals[i];
	return NULL;
}

static void line_rec_clear(struct line_rec *lr)
{
	if (lr->from_jq) {
		for (size_t i = 0; i < lr->r.n; i++) {
			free(lr->r.keys[i]);
			free(lr->r.vals[i]);
		}
		lr->from_jq = 0;
	}
	lr->r.n = 0;
}

static void line_rec_grow(struct line_rec *lr, size_t n)
{
	if (n <= lr->cap)
		return;
	lr->cap = n + 8;
	lr->r.keys = xrealloc(lr->r.keys, lr->cap * sizeof *lr->r.keys);
	lr->r.vals = xrealloc(lr->r.vals, lr->cap * sizeof *lr->r.vals);
}

static char *jv_to_text(jv v)
{
	char *s;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		s = xstrdup(jv_string_value(v));
	} else if (jv_get_kind(v) == JV_KIND_NULL) {
		s = xstrdup("");
	} else {
		jv d = jv_dump_string(jv_copy(v), 0);
		s = xstrdup(jv_string_value(d));
		jv_free(d);
	}
	jv_free(v);
	return s;
}

/* Where in w (little-endian bytes) the first '"', '\\' or byte below
 * 0x20 is: 0..7, or 8 when none.  A byte is flagged in
 * x - 0x01.. & ~x & 0x80.. when it is zero (below 0x20 for the third
 * term); borrows run only upwards, so the lowest flag is exact. */
static unsigned first_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	uint64_t flags = (((q - ones) & ~q) | ((b - ones) & ~b) |
			  ((w - ones * 0x20) & ~w)) & high;

#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return flags ? (unsigned)__builtin_ctzll(flags) >> 3 : 8;
#else
	for (unsigned i = 0; i < 8; i++) {
		unsigned char c = (unsigned char)(w >> (8 * i));

		if (c == '"' || c == '\\' || c < 0x20)
			return i;
	}
	return 8;
#endif
}

/* Decode one canonical string at *pp (after its opening quote) into out;
 * NULL when it is not of the canonical form.  out has room for the rest
 * of the line. */
static char *fast_string(const char **pp, const char *end, char *out)
{
	const char *p = *pp;

	for (;;) {
		unsigned k = 8;
		unsigned char c;
		uint64_t w;

		/* eight bytes at a time, up to the first special one */
		while (end - p >= 8 && (memcpy(&w, p, 8),
					(k = first_special(w)) == 8)) {
			memcpy(out, p, 8);
			out += 8;
			p += 8;
		}
		if (k < 8) {
			memcpy(out, p, 8);      /* the k plain bytes count */
			out += k;
			p += k;
		}
		for (; p < end && (c = (unsigned char)*p) != '"' &&
		     c != '\\' && c >= 0x20; p++)
			*out++ = (char)c;
		if (p == end)
			return NULL;
		if (*p == '"') {
			*out++ = '\0';
			*pp = p + 1;
			return out;
		}
		if (*p != '\\' || ++p == end)
			return NULL;         /* a control byte; a cut escape */
		switch (*p++) {
		case '"': *out++ = '"'; break;
		case '\\': *out++ = '\\'; break;
		case '/': *out++ = '/'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 't': *out++ = '\t'; break;
		case 'b': *out++ = '\b'; break;
		case 'f': *out++ = '\f'; break;
		default: return NULL;        /* \u: libjq decodes it */
		}
	}
}

static int has_repeated_key(const struct logrec *r)
{
	for (size_t i = 1; i < r->n; i++)
		for (size_t j = 0; j < i; j++)
			if (r->keys[i][0] == r->keys[j][0] &&
			    !strcmp(r->keys[i], r->keys[j]))
				return 1;
	return 0;
}

/* The canonical form into lr: 0, or -1 to leave the line to libjq. */
static int fast_line(const char *line, size_t len, struct line_rec *lr)
{
	const char *p = line + 1, *end = line + len;
	char *out, *start;
	size_t n = 0;

	if (len < 2 || line[0] != '{' || end[-1] != '}' || line[1] != '"')
		return -1;
	if (lr->dec.cap < len + 1) {
		lr->dec.cap = len + 1024;
		lr->dec.s = xrealloc(lr->dec.s, lr->dec.cap);
	}
	out = lr->dec.s;
	for (;;) {
		line_rec_grow(lr, n + 1);
		if (*p++ != '"')
			return -1;
		start = out;
		if (!(out = fast_string(&p, end, out)))
			return -1;
		lr->r.keys[n] = start;
		if (p + 1 >= end || p[0] != ':' || p[1] != '"')
			return -1;
		p += 2;
		start = out;
		if (!(out = fast_string(&p, end, out)))
			return -1;
		lr->r.vals[n++] = start;
		if (p == end - 1)
			break;
		if (*p++ != ',')
			return -1;
	}
	lr->r.n = n;
	return has_repeated_key(&lr->r) ? (lr->r.n = 0, -1) : 0;
}

/* Any other JSON object, through libjq; -1 with err when it is none. */
static int parse_jq(const char *line, size_t len, const char *name,
		    long lineno, struct line_rec *lr, struct crm_err *err)
{
	jv v = jv_parse_sized(line, (int)len);

	if (!jv_is_valid(v)) {
		jv msg = jv_invalid_get_msg(v);
		char text[200] = "bad JSON", *cut;

		/* jq's message, in our style: lower case, without the echo
		 * of the whole line. */
		if (jv_get_kind(msg) == JV_KIND_STRING)
			snprintf(text, sizeof text, "%s", jv_string_value(msg));
		if ((cut = strstr(text, " (while parsing")))
			*cut = '\0';
		if (text[0] >= 'A' && text[0] <= 'Z')
			text[0] += 32;
		crm_errf(err, name, lineno, "invalid JSON: %s", text);
		jv_free(msg);
		return -1;
	}
	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return crm_errf(err, name, lineno, "not a JSON object");
	}
	line_rec_grow(lr, (size_t)jv_object_length(jv_copy(v)));
	lr->from_jq = 1;
	jv_object_foreach(v, k, val) {
		lr->r.keys[lr->r.n] = xstrdup(jv_string_value(k));
		lr->r.vals[lr->r.n++] = jv_to_text(val);
		jv_free(k);
	}
	jv_free(v);
	return 0;
}

/* One line -> lr; -1 with err when it is not a JSON object. */
static int parse_line(const char *line, size_t len, const char *name,
		      long lineno, struct line_rec *lr, int use_fast,
		      struct crm_err *err)
{
	if (memchr(line, '\0', len))
		return crm_errf(err, name, lineno, "NUL byte in data");
	if (utf8_valid_prefix(line, len) != len)
		return crm_errf(err, name, lineno, "invalid UTF-8");
	if (use_fast && fast_line(line, len, lr) == 0)
		return 0;
	return parse_jq(line, len, name, lineno, lr, err);
}

int jsonl_parse_line(const char *line, size_t len, int use_fast,
		     jsonl_fn fn, void *ctx, struct crm_err *err)
{
	struct line_rec lr = {0};
	int rc = parse_line(line, len, "-", 1, &lr, use_fast, err);

	if (rc == 0)
		rc = fn(ctx, &lr.r, 1, err);
	line_rec_clear(&lr);
	free(lr.r.keys);
	free(lr.r.vals);
	buf_free(&lr.dec);
	return rc;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int jsonl_scan(const char *path, const char *name, jsonl_fn fn, void *ctx,
	       struct crm_err *err)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (!fp)
		return errno == ENOENT ? 0 : crm_errf(err, NULL, 0,
			"cannot open %s: %s", name, strerror(errno));
	rc = jsonl_scan_fp(fp, name, fn, ctx, err);
	fclose(fp);
	return rc;
}

int jsonl_scan_fp(FILE *fp, const char *name, jsonl_fn fn, void *ctx,
		  struct crm_err *err)
{
	return scan_lines(fp, name, NULL, fn, ctx, NULL, err);
}

int jsonl_scan_grep(const char *path, const char *name, const char *text,
		    jsonl_fn fn, void *ctx, struct crm_err *err)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (!fp)
		return errno == ENOENT ? 0 : crm_errf(err, NULL, 0,
			"cannot open %s: %s", name, strerror(errno));
	rc = *text ? scan_lines(fp, name, text, fn, ctx, NULL, err) : 0;
	fclose(fp);
	return rc;
}

int jsonl_check(const char *path, const char *name, jsonl_fn fn, void *ctx,
		jsonl_bad_fn bad, struct crm_err *err)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (!fp)
		return errno == ENOENT ? 0 : crm_errf(err, NULL, 0,
			"cannot open %s: %s", name, strerror(errno));
	rc = scan_lines(fp, name, NULL, fn, ctx, bad, err);
	fclose(fp);
	return rc;
}

/* Bytes read at once: whole lines are cut out of blocks this big. */
#define BLOCK (1024 * 1024)

struct line_reader {
	FILE *fp;
	char *s;
	size_t len, pos, cap;   /* bytes held, where the next line starts */
	int eof;
};

/* More bytes after the ones held (those from pos moved to the front):
 * 0 when there are none. */
static int fill(struct line_reader *lr)
{
	size_t got;

	if (lr->eof)
		return 0;
	if (lr->len > lr->pos)
		memmove(lr->s, lr->s + lr->pos, lr->len - lr->pos);
	lr->len -= lr->pos;
	lr->pos = 0;
	if (lr->cap - lr->len < BLOCK / 2) {
		lr->cap = lr->cap ? 2 * lr->cap : BLOCK;
		lr->s = xrealloc(lr->s, lr->cap);
	}
	got = fread(lr->s + lr->len, 1, lr->cap - lr->len, lr->fp);
	lr->len += got;
	lr->eof = got == 0;
	return got > 0;
}

/* The next line (without its LF) into *line, *n; 0 at the end. */
static int next_line(struct line_reader *lr, char **line, size_t *n)
{
	char *nl;

	/* (no memchr or memmove on the NULL of an empty reader: UBSan) */
	while (!(nl = lr->len > lr->pos ? memchr(lr->s + lr->pos, '\n',
						  lr->len - lr->pos) : NULL)) {
		if (!fill(lr)) {
			if (lr->pos == lr->len)
				return 0;
			*line = lr->s + lr->pos;
			*n = lr->len - lr->pos;
			lr->pos = lr->len;
			return 1;
		}
	}
	*line = lr->s + lr->pos;
	*n = (size_t)(nl - *line);
	lr->pos += *n + 1;
	return 1;
}

/* How many bytes of s[0..n) are LF, a word at a time. */
static size_t count_lf(const char *s, size_t n)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu, lf = 0x0A0A0A0A0A0A0A0Au;
	size_t count = 0, i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, x;

		memcpy(&w, s + i, 8);
		x = w ^ lf;
		/* the high bit of each byte of x that is not zero, exactly */
		x = ((x & low7) + low7) | x;
		count += (size_t)__builtin_popcountll(~x & ~low7);
	}
	for (; i < n; i++)
		count += s[i] == '\n';
	return count;
}

/* Skip the lines before the next one holding text, counting them into
 * *lineno; 0 when no line left holds it. */
static int skip_to_text(struct line_reader *lr, const char *text,
			long *lineno)
{
	size_t tlen = strlen(text);

	for (;;) {
		const char *base = lr->s + lr->pos, *hit = NULL, *cut = NULL;
		size_t held = lr->len - lr->pos;

		if (held)
			hit = memmem(base, held, text, tlen);
		/* up to the line the text is on, or every whole line held */
		if (hit && hit > base)
			cut = memrchr(base, '\n', (size_t)(hit - base));
		else if (!hit && held)
			cut = memrchr(base, '\n', held);
		if (cut) {
			*lineno += (long)count_lf(base, (size_t)(cut - base) + 1);
			lr->pos += (size_t)(cut - base) + 1;
		}
		if (hit)
			return 1;
		if (!fill(lr))
			return 0;
	}
}

static int scan_lines(FILE *fp, const char *name, const char *text,
		      jsonl_fn fn, void *ctx, jsonl_bad_fn bad,
		      struct crm_err *err)
{
	struct line_reader in = {fp, xmalloc(BLOCK), 0, 0, BLOCK, 0};
	struct line_rec lr = {0};
	char *line;
	size_t len;
	long lineno = 0;
	int rc = 0;

	while (rc == 0 && (!text || skip_to_text(&in, text, &lineno)) &&
	       next_line(&in, &line, &len)) {
		/* the last line, without its newline */
		int torn = line + len == in.s + in.len;

		lineno++;
		if (is_blank(line, len))
			continue;
		rc = parse_line(line, len, name, lineno, &lr, 1, err);
		/* A last line without its newline that does not parse is an
		 * append cut short (power loss): not there yet.  The next
		 * writer cuts it off. */
		if (rc < 0 && torn) {
			line_rec_clear(&lr);
			rc = 0;
			break;
		}
		if (rc == 0)
			rc = fn(ctx, &lr.r, lineno, err);
		else if (bad) {
			bad(ctx, err);
			rc = 0;
		}
		line_rec_clear(&lr);
	}
	if (rc == 0 && ferror(fp))
		rc = crm_errf(err, NULL, 0, "cannot read %s: %s", name,
			      strerror(errno));
	free(in.s);
	free(lr.r.keys);
	free(lr.r.vals);
	buf_free(&lr.dec);
	return rc;
}

/* ---- writing -------------------------------------------------------------- */

off_t jsonl_whole_size(int fd)
{
	char tail[4096];
	off_t end = lseek(fd, 0, SEEK_END), pos = end;

	if (end <= 0)
		return end;
	if (pread(fd, tail, 1, end - 1) != 1)
		return -1;
	if (tail[0] == '\n')
		return end;
	while (pos > 0) {
		size_t k = pos >= (off_t)sizeof tail ? sizeof tail
						     : (size_t)pos;

		if (pread(fd, tail, k, pos - (off_t)k) != (ssize_t)k)
			return -1;
		pos -= (off_t)k;
		for (size_t i = k; i-- > 0;)
			if (tail[i] == '\n')
				return pos + (off_t)i + 1;
	}
	return 0;
}

/* A log whose last line has no newline lost the end of an append: cut
 * back to the last whole line, so the new lines start on their own. */
static int cut_torn_tail(int fd)
{
	off_t whole = jsonl_whole_size(fd);

	if (whole < 0)
		return -1;
	return whole == lseek(fd, 0, SEEK_END) ? 0 : ftruncate(fd, whole);
}

int jsonl_append(const char *path, const char *data, size_t len,
		 struct crm_err *err)
{
	int fd;
	ssize_t n;

	if (!len)
		return 0;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return crm_errf(err, NULL, 0, "cannot open %s: %s", path,
				strerror(errno));
	if (cut_torn_tail(fd) < 0) {
		int e = errno;

		close(fd);
		return crm_errf(err, NULL, 0, "cannot repair %s: %s", path,
				strerror(e));
	}
	n = write(fd, data, len);
	if (n != (ssize_t)len || fsync(fd) < 0) {
		int e = n < 0 ? errno : n != (ssize_t)len ? ENOSPC : errno;

		/* A short append would tear the log: take it back. */
		if (n > 0 && n != (ssize_t)len) {
			off_t end = lseek(fd, 0, SEEK_END);
			if (end >= n && ftruncate(fd, end - n) < 0)
				e = errno;
		}
		close(fd);
		return crm_errf(err, NULL, 0, "cannot append to %s: %s", path,
				strerror(e));
	}
	if (close(fd) < 0)
		return crm_errf(err, NULL, 0, "cannot append to %s: %s", path,
				strerror(errno));
	return 0;
}

void json_add_pair(struct buf *b, const char *k, const char *v)
{
	if (b->s[b->len - 1] != '{')
		buf_addc(b, ',');
	json_add_string(b, k);
	buf_addc(b, ':');
	json_add_string(b, v ? v : "");
}

static void begin_line(struct store *s, struct buf *b, const char *entity,
		       const char *id)
{
	/* A million lines a run: the clock read once a second. */
	static char at[40];
	static time_t at_time = -1;
	time_t now = time(NULL);

	if (now != at_time) {
		date_now_iso(at);
		at_time = now;
	}
	buf_addc(b, '{');
	json_add_pair(b, "at", at);
	json_add_pair(b, "by", s->user);
	json_add_pair(b, "entity", entity);
	json_add_pair(b, "id", id);
}

void history_append(struct store *s, const char *entity, const char *id,
		    const char *field, const char *from, const char *to)
{
	struct buf *b = &s->pending_history;

	begin_line(s, b, entity, id);
	json_add_pair(b, "field", field);
	json_add_pair(b, "from", from);
	json_add_pair(b, "to", to);
	buf_adds(b, "}\n");
}

const char activity_types[] = "call|visit|email|meeting|note|revisit|service";

int activity_type_ok(const char *type)
{
	size_t n = strlen(type);

	for (const char *p = activity_types; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && !strncmp(p, type, n))
			return 1;
		p += len + (p[len] == '|');
	}
	return 0;
}

void activity_append(struct store *s, const char *entity, const char *id,
		     const char *type, const char *text,
		     const char *const *xkeys, const char *const *xvals,
		     size_t nx)
{
	struct buf *b = &s->pending_activities;

	begin_line(s, b, entity, id);
	json_add_pair(b, "type", type);
	json_add_pair(b, "text", text);
	for (size_t i = 0; i < nx; i++)
		if (xvals[i] && *xvals[i])
			json_add_pair(b, xkeys[i], xvals[i]);
	buf_adds(b, "}\n");
}

int store_spill_logs(struct store *s, struct crm_err *err)
{
	struct buf *b = &s->pending_history;

	if (!b->len)
		return 0;
	if (!s->history_spill && !(s->history_spill = store_tmpfile(s, err)))
		return -1;
	if (fwrite(b->s, 1, b->len, s->history_spill) != b->len)
		return crm_errf(err, NULL, 0, "cannot write a scratch file: "
				"%s", strerror(errno));
	buf_reset(b);
	return 0;
}

int table_set_logged(struct store *s, struct table *t, size_t row,
		     const char *col, const char *v)
{
	int c = table_add_col(t, col);
	const char *old = t->rows[row][c];

	if (!strcmp(old, v ? v : ""))
		return 0;
	history_append(s, t->def ? t->def->entity : "record", t->rows[row][0],
		       col, old, v);
	table_set(t, row, col, v);
	return 1;
}
