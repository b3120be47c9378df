/* csv.c - strict RFC 4180 reading (through libcsv) and minimal writing
 *
 * Reading streams the input through libcsv in pieces of at most FEED_MAX
 * bytes that never cross a line feed, so the reader always knows which
 * physical line libcsv is looking at, and libcsv never buffers more than
 * max_field + FEED_MAX bytes of one field before we see it is too long.
 *
 * Decisions, so callers know what to expect:
 *
 * - Line numbers count LF bytes (as wc -l and editors do): CRLF is one
 *   line break, and so is an LF or CRLF inside a quoted field.  Every
 *   error names the physical line on which the offending record starts,
 *   not the byte where the error was noticed: a stray quote on line 5 may
 *   swallow lines until libcsv gives up on line 900, and line 5 is where
 *   the fix goes.  Errors that are not about a record (read errors) have
 *   line 0.
 * - libcsv ends a record at CR or LF outside quotes.  A lone CR therefore
 *   ends a record too, but does not start a new line number.
 * - libcsv never reports a record for an empty line, so blank lines are
 *   skipped whatever skip_blank says (they still count as lines).  What
 *   skip_blank skips is a record that is one empty field, i.e. a line
 *   holding just "".  (The writer writes exactly that for a one-field
 *   record whose field is empty, so such a record survives a round trip.)
 * - Nothing is stripped: spaces around fields are data, and a space
 *   between a closing quote and the delimiter is malformed quoting.
 *
 * Most lines of the files crm writes hold no quote at all.  For such a
 * line libcsv does nothing but split at the delimiter, and csv_parse,
 * going byte by byte, was a third of what our programs spent; so a line
 * with no quote, CR or NUL, valid UTF-8 and no field too long is split
 * here instead.  Anything else (and any line that starts inside a
 * record) still goes through libcsv: it alone decides what quoting means
 * and what an error says.  tests/unit/test_csv.c reads the same inputs
 * both ways and compares.
 */
#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "crm.h"

/* Bytes read from a file at once, and the most handed to libcsv at once. */
#define CHUNK (64 * 1024)
#define FEED_MAX CHUNK

static const char bom[3] = { '\xEF', '\xBB', '\xBF' };

struct reader {
	struct csv_parser p;
	const char *name;
	size_t max_field;
	char delim;
	int allow_ragged, skip_blank;
	int libcsv_only;      /* csv_libcsv_only: for the tests */
	csv_row_fn fn;
	void *ctx;
	struct crm_err *err;
	long line;            /* physical line of the bytes being parsed */
	long rec_line;        /* physical line the current record starts on */
	struct buf data;      /* the current record's fields, NUL after each */
	size_t *offs;         /* where each field starts in data */
	size_t nfields, offs_cap;
	char **ptrs;          /* handed to fn; rebuilt for each record */
	size_t ptrs_cap;
	size_t ncols;         /* fields in the first record (the header) */
	int have_header;
	int failed;           /* err is filled; ignore libcsv's callbacks */
	size_t *span;         /* opts->span */
	int *written_as_ours; /* opts->written_as_ours */
	size_t keep_fields;   /* opts->keep_fields once the header is read */
	size_t keep_after_header;
	size_t nkept;         /* skimmed: the fields split, of nfields */
	const char *bom_end;  /* what feed holds before a BOM, skimming */
	int ours;             /* the record is as csv_write_row writes it */
	size_t off;           /* input offset of the piece being parsed */
	const char *clean_end; /* what feed holds before it has no CR, no
				 NUL and is valid UTF-8 */
	int lines_joined;     /* a quoted field took in a line feed */
	const char *rec_bytes; /* where the record being split starts */
	size_t rec_off;       /* where the current record started */
	size_t piece_end;     /* offset after the piece being parsed */
};

/* libcsv's default strips spaces and tabs around unquoted fields. */
static int no_space(unsigned char c)
{
	return 0;
}

static void fail_field_too_long(struct reader *r)
{
	r->failed = 1;
	crm_errf(r->err, r->name, r->rec_line, "field longer than %zu bytes",
		 r->max_field);
}

/* A field begins at the end of data. */
static inline void field_start(struct reader *r)
{
	if (r->nfields == r->offs_cap) {
		r->offs_cap = r->offs_cap ? 2 * r->offs_cap : 16;
		r->offs = xrealloc(r->offs, r->offs_cap * sizeof *r->offs);
	}
	r->offs[r->nfields] = r->data.len;
}

/* A field's bytes and its NUL, at the end of data. */
static void store_field(struct reader *r, const char *f, size_t len)
{
	field_start(r);
	r->nfields++;
	buf_add(&r->data, f, len);
	r->data.len++;       /* buf_add's NUL is the terminator */
}

/* The same when data has room (buf_reserve'd). */
static void put_bytes(struct buf *b, const char *s, size_t len)
{
	memcpy(b->s + b->len, s, len);
	b->len += len;
}

/* libcsv's field callback. */
static void on_field(void *field, size_t len, void *arg)
{
	struct reader *r = arg;
	const char *f = field ? field : "";

	if (r->failed)
		return;
	if (len > r->max_field) {
		fail_field_too_long(r);
	} else if (memchr(f, '\0', len)) {
		r->failed = 1;
		crm_errf(r->err, r->name, r->rec_line, "NUL byte in data");
	} else if (utf8_valid_prefix(f, len) != len) {
		r->failed = 1;
		crm_errf(r->err, r->name, r->rec_line,
			 "invalid UTF-8 in field %zu", r->nfields + 1);
	} else {
		store_field(r, f, len);
	}
}

static int is_blank_record(const struct reader *r)
{
	return r->nfields == 1 && r->data.s[0] == '\0';
}

static void deliver_record(struct reader *r)
{
	size_t i;

	if (r->skip_blank && is_blank_record(r))
		return;
	if (!r->have_header) {
		r->have_header = 1;
		r->ncols = r->nfields;
		r->keep_fields = r->keep_after_header;
	} else if (!r->allow_ragged && r->nfields != r->ncols) {
		r->failed = 1;
		crm_errf(r->err, r->name, r->rec_line,
			 "row has %zu field%s, header has %zu", r->nfields,
			 r->nfields == 1 ? "" : "s", r->ncols);
		return;
	}
	if (r->nfields + 1 > r->ptrs_cap) {
		r->ptrs_cap = r->nfields + 16;
		r->ptrs = xrealloc(r->ptrs, r->ptrs_cap * sizeof *r->ptrs);
	}
	/* Pointers only now: data may have moved while the record grew.
	 * Fields skimmed are empty, as the fields not kept always are. */
	for (i = 0; i < r->nfields && i < r->nkept; i++)
		r->ptrs[i] = r->data.s + r->offs[i];
	for (; i < r->nfields; i++)
		r->ptrs[i] = r->data.s + r->data.len - 1;
	r->ptrs[r->nfields] = NULL;
	if (r->span) {
		r->span[0] = r->rec_off;
		r->span[1] = r->piece_end;
	}
	if (r->written_as_ours)
		*r->written_as_ours = r->ours;
	if (r->fn(r->ctx, r->ptrs, r->nfields, r->rec_line, r->err) < 0)
		r->failed = 1;
}

/* libcsv's record callback: c is the terminator, or -1 at the end. */
static void on_record(int c, void *arg)
{
	struct reader *r = arg;

	if (!r->failed)
		deliver_record(r);
	r->nfields = 0;
	r->nkept = SIZE_MAX;
	buf_reset(&r->data);
	/* After a lone CR the next record starts on this same line. */
	r->rec_line = r->line;
}

/*
 * Has libcsv begun a record it has not finished?  Any byte it took since
 * the last record either ended a field (on_field ran), opened a quote,
 * or went into the field buffer.
 */
static int in_record(const struct reader *r)
{
	return r->nfields > 0 || r->p.quoted || r->p.entry_pos > 0;
}

static int parse_error(struct reader *r)
{
	int e = csv_error(&r->p);

	if (e != CSV_EPARSE)
		return crm_errf(r->err, r->name, r->rec_line, "%s",
				csv_strerror(e));
	if (r->p.quoted)
		return crm_errf(r->err, r->name, r->rec_line,
				"malformed quoted field: text after the "
				"closing quote");
	return crm_errf(r->err, r->name, r->rec_line,
			"malformed quoted field: '\"' inside an unquoted "
			"field");
}

/* Could libcsv find anything in these bytes but fields, delimiters,
 * quotes and the LFs we know of?  (A CR may end a record, a NUL or bad
 * UTF-8 is an error: libcsv's path says which.) */
/* How far from s the bytes need no is_clean of each record: one pass
 * over the whole piece costs less than a pass a record. */
static const char *clean_prefix_end(const char *s, size_t n)
{
	const char *cr = memchr(s, '\r', n), *nul = memchr(s, '\0', n);

	if (cr)
		n = (size_t)(cr - s);
	if (nul && (size_t)(nul - s) < n)
		n = (size_t)(nul - s);
	return s + utf8_valid_prefix(s, n);
}

/* The first BOM in these n bytes, or s + n: a field skimmed must not
 * start with one, which our writer would have quoted. */
static const char *bom_prefix_end(const char *s, size_t n)
{
	const char *end = s + n, *b = s;

	/* memchr for its first byte: memmem is slower on text without it */
	while ((b = memchr(b, bom[0], (size_t)(end - b))) &&
	       (end - b < 3 || memcmp(b, bom, sizeof bom)))
		b++;
	return b ? b : end;
}

static int is_clean(const char *s, size_t len)
{
	return clean_prefix_end(s, len) == s + len;
}

/* Would csv_write_row quote this field?  (See put_field.)  has_quote:
 * the caller saw a quote in it. */
static int needs_quotes(const struct reader *r, const char *f, size_t len,
			int has_quote)
{
	const char special[] = { r->delim, '\r', '\n' };

	if (has_quote || (len >= sizeof bom && !memcmp(f, bom, sizeof bom)))
		return 1;
	for (size_t i = 0; i < sizeof special; i++)
		if (memchr(f, special[i], len))
			return 1;
	return 0;
}

/* The closing quote of the quoted field at s (its opening quote), or
 * NULL when it does not close within limit as our writer closes it;
 * *doubled set when a quote inside was doubled. */
static const char *closing_quote(const char *s, const char *limit,
				 int *doubled)
{
	const char *q;

	*doubled = 0;
	for (s++;; s = q + 2) {
		q = memchr(s, '"', (size_t)(limit - s));
		if (!q || q + 1 == limit)
			return NULL;
		if (q[1] != '"')
			return q;
		*doubled = 1;
	}
}

/* The quoted field's text into data, inner quotes undoubled. */
static void put_unquoted(struct buf *b, const char *s, const char *q,
			 int doubled)
{
	const char *p;

	while (doubled && (p = memchr(s, '"', (size_t)(q - s)))) {
		put_bytes(b, s, (size_t)(p - s) + 1);
		s = p + 2;
	}
	put_bytes(b, s, (size_t)(q - s));
}

/*
 * A quoted field from s (at its opening quote) to its closing quote as
 * the next field: its text when keep, else empty.  The field may go on
 * past *end, the LF ending the line, up to limit: *end then moves to the
 * LF that ends the line the field ends on.  Returns the byte after the
 * closing quote, or NULL when the field does not end, within limit, as
 * our writer ends it.
 */
static const char *take_quoted(struct reader *r, const char *s,
			       const char **end, const char *limit, int keep)
{
	int doubled;
	const char *q = closing_quote(s, limit, &doubled);

	/* What is between the quotes is at least as long as the text. */
	if (!q || (size_t)(q - s - 1) > r->max_field)
		return NULL;
	if (q > *end) {
		r->lines_joined = 1;
		if (!(*end = memchr(q, '\n', (size_t)(limit - q))))
			return NULL;
		buf_reserve(&r->data, (size_t)(*end - r->rec_bytes) + 1 -
			    r->data.len);
	}
	if (q[1] != r->delim && q + 1 != *end)
		return NULL;
	/* The text needs quotes exactly when what is between them does. */
	if (!needs_quotes(r, s + 1, (size_t)(q - s - 1), doubled))
		r->ours = 0;
	field_start(r);
	r->nfields++;
	if (keep)
		put_unquoted(&r->data, s + 1, q, doubled);
	put_bytes(&r->data, "", 1);
	return q + 1;
}

/* The first delim in [s, end), or end.  Fields are short: eight bytes
 * at a time in a word beats calling memchr for each. */
static const char *find_delim(const char *s, const char *end, char delim)
{
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
	const uint64_t pattern = ones * (unsigned char)delim;

	for (; end - s >= 8; s += 8) {
		uint64_t w, x, zero;

		memcpy(&w, s, 8);
		x = w ^ pattern;
		/* the lowest byte flagged is the first equal to delim */
		zero = (x - ones) & ~x & high;
		if (zero)
			return s + (__builtin_ctzll(zero) >> 3);
	}
#endif
	while (s < end && *s != delim)
		s++;
	return s;
}

/* How many bytes of [s, end) are delim: eight at a time, as find_delim. */
static size_t count_delims(const char *s, const char *end, char delim)
{
	size_t n = 0;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, low = ones * 0x7F;
	const uint64_t pattern = ones * (unsigned char)delim;

	for (; end - s >= 8; s += 8) {
		uint64_t w, x;

		memcpy(&w, s, 8);
		x = w ^ pattern;
		/* 1 in each byte that is zero, exactly; then their sum */
		x = ~(((x & low) + low) | x) >> 7 & ones;
		n += (size_t)((x * ones) >> 56);
	}
#endif
	for (; s < end; s++)
		n += *s == delim;
	return n;
}

/*
 * The LF ending the record whose fields from s on (the first quote among
 * them at quote, or none; the line ending at end) are only counted, not
 * split: when they are as our writer writes them, hold no BOM, and the
 * record has as many fields as the header (unless ragged rows are
 * allowed).  NULL (the reader as it was) for anything else: the fields
 * are then taken one by one, and any error told as always.  (CR, NUL
 * and UTF-8 are checked over the record as for any other.)
 */
static const char *skim_rest(struct reader *r, const char *s,
			     const char *quote, const char *end,
			     const char *limit)
{
	int ours = r->ours, joined = 0, doubled;
	size_t fields = r->nfields + 1;
	const char *q;

	for (; quote; quote = memchr(s, '"', (size_t)(end - s))) {
		/* only a field may begin with a quote */
		if (quote[-1] != r->delim ||
		    !(q = closing_quote(quote, limit, &doubled)))
			return NULL;
		if (q > end) {
			joined = 1;
			if (!(end = memchr(q, '\n', (size_t)(limit - q))))
				return NULL;
		}
		if ((q[1] != r->delim && q + 1 != end) ||
		    (size_t)(q - quote - 1) > r->max_field)
			return NULL;
		if (!needs_quotes(r, quote + 1, (size_t)(q - quote - 1),
				  doubled))
			ours = 0;
		fields += count_delims(s, quote, r->delim);
		s = q + 1;
	}
	/* no unquoted field is too long when all they hold is not */
	if ((size_t)(end - s) > r->max_field)
		return NULL;
	fields += count_delims(s, end, r->delim);
	if (end >= r->bom_end || (!r->allow_ragged && fields != r->ncols))
		return NULL;
	r->ours = ours;
	r->lines_joined |= joined;
	r->nkept = r->nfields;
	r->nfields = fields;
	return end;
}

/* The fields of the record at s, as our writer writes records; its
 * length with the final LF, or 0 for anything else.  With keep_fields,
 * the fields after those kept are only counted (skim_rest) when they
 * can be. */
static size_t take_fields(struct reader *r, const char *s, size_t n)
{
	const char *start = s, *limit = s + n, *end, *d, *quote;

	if (!(end = memchr(s, '\n', n)) || end == s)
		return 0;
	/* Fields and their NULs take no more than the record's bytes (a
	 * delimiter or the LF pays for each NUL): room for its first line
	 * now, for the rest when a quoted field takes in more lines. */
	r->rec_bytes = s;
	buf_reserve(&r->data, (size_t)(end - s) + 1);
	quote = memchr(s, '"', (size_t)(end - s));
	for (;;) {
		int keep = r->nfields < r->keep_fields;

		if (*s == '"') {
			if (!(d = take_quoted(r, s, &end, limit, keep)))
				return 0;
			quote = memchr(d, '"', (size_t)(end - d));
		} else {
			d = find_delim(s, end, r->delim);
			if ((size_t)(d - s) > r->max_field ||
			    (quote && quote < d))
				return 0;
			if (d - s >= 3 && !memcmp(s, bom, sizeof bom))
				r->ours = 0;
			field_start(r);
			r->nfields++;
			if (keep)
				put_bytes(&r->data, s, (size_t)(d - s));
			put_bytes(&r->data, "", 1);
		}
		if (d == end)
			return (size_t)(end - start) + 1;
		s = d + 1;
		if (r->nfields == r->keep_fields &&
		    (d = skim_rest(r, s, quote, end, limit)))
			return (size_t)(d - start) + 1;
	}
}

/* Read the record at s without libcsv, when it is written as our writer
 * writes records, within these n bytes: deliver it and return its
 * length, LF included.  0 (the reader as it was) when libcsv must. */
static size_t split_record(struct reader *r, const char *s, size_t n)
{
	size_t len, lfs = 0;

	r->lines_joined = 0;
	r->nkept = SIZE_MAX;
	if (r->libcsv_only || !(len = take_fields(r, s, n)) ||
	    (s + len > r->clean_end && !is_clean(s, len))) {
		r->nfields = 0;
		buf_reset(&r->data);
		return 0;
	}
	for (const char *p = s; r->lines_joined &&
	     (p = memchr(p, '\n', len - (size_t)(p - s))); p++)
		lfs++;
	lfs += !r->lines_joined;
	r->piece_end = r->off + len;
	on_record('\n', r);
	r->line += (long)lfs;
	return len;
}

/* Parse one piece that holds at most one LF, as its last byte. */
static int parse_piece(struct reader *r, const char *s, size_t len)
{
	size_t done, pos;

	done = csv_parse(&r->p, s, len, on_field, on_record, r);
	if (r->failed)
		return -1;
	if (done < len)
		return parse_error(r);
	/* A field still being read: its bytes, maybe plus a closing quote
	 * whose field has not ended yet. */
	pos = r->p.entry_pos;
	if (pos > 0 && pos - 1 > r->max_field) {
		fail_field_too_long(r);
		return -1;
	}
	return 0;
}

/* Hand libcsv the next piece: a line, or FEED_MAX bytes of a longer
 * one.  Its length, or 0 after an error. */
static size_t feed_libcsv(struct reader *r, const char *s, size_t n)
{
	size_t len = n < FEED_MAX ? n : FEED_MAX;
	const char *nl = memchr(s, '\n', len);

	if (nl)
		len = (size_t)(nl - s) + 1;
	r->piece_end = r->off + len;
	if (parse_piece(r, s, len) < 0)
		return 0;
	if (nl)
		r->line++;
	return len;
}

static int feed(struct reader *r, const char *s, size_t n)
{
	r->clean_end = r->libcsv_only ? s : clean_prefix_end(s, n);
	r->bom_end = r->keep_after_header != SIZE_MAX ? bom_prefix_end(s, n)
						      : s;
	while (n > 0) {
		size_t len = 0;

		if (!in_record(r)) {
			r->rec_line = r->line;
			r->rec_off = r->off;
			r->ours = 1;
			len = split_record(r, s, n);
			r->ours = len > 0 && r->ours;
			if (r->failed)
				return -1;
		}
		if (!len && !(len = feed_libcsv(r, s, n)))
			return -1;
		r->off += len;
		s += len;
		n -= len;
	}
	return 0;
}

static int finish(struct reader *r)
{
	if (csv_fini(&r->p, on_field, on_record, r) != 0) {
		if (csv_error(&r->p) == CSV_EPARSE)
			return crm_errf(r->err, r->name, r->rec_line,
					"unterminated quoted field");
		return crm_errf(r->err, r->name, r->rec_line, "%s",
				csv_strerror(csv_error(&r->p)));
	}
	return r->failed ? -1 : 0;
}

static int reader_init(struct reader *r, const char *name,
		       const struct csv_opts *opts, csv_row_fn fn, void *ctx,
		       struct crm_err *err)
{
	static const struct csv_opts defaults;
	char delim;

	if (!opts)
		opts = &defaults;
	delim = opts->delim ? opts->delim : ',';
	if (delim == '"' || delim == '\r' || delim == '\n')
		return crm_usagef(err, "invalid CSV delimiter 0x%02x",
				  (unsigned char)delim);
	memset(r, 0, sizeof *r);
	r->name = name;
	r->max_field = opts->max_field ? opts->max_field
				       : CSV_MAX_FIELD_DEFAULT;
	r->delim = delim;
	r->libcsv_only = opts->libcsv_only;
	r->allow_ragged = opts->allow_ragged;
	r->skip_blank = opts->skip_blank;
	r->span = opts->span;
	r->written_as_ours = opts->written_as_ours;
	r->keep_fields = SIZE_MAX;
	r->nkept = SIZE_MAX;
	r->keep_after_header = opts->keep_fields ? opts->keep_fields
						 : SIZE_MAX;
	r->fn = fn;
	r->ctx = ctx;
	r->err = err;
	r->line = r->rec_line = 1;
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&r->p, no_space);
	csv_set_delim(&r->p, (unsigned char)delim);
	/* libcsv grows its field buffer by blk_size: 128 bytes by default
	 * makes a long field cost thousands of reallocs. */
	csv_set_blk_size(&r->p, CHUNK);
	csv_set_realloc_func(&r->p, xrealloc);
	return 0;
}

static void reader_free(struct reader *r)
{
	csv_free(&r->p);
	buf_free(&r->data);
	free(r->offs);
	free(r->ptrs);
}

static size_t bom_len(const char *s, size_t n)
{
	return n >= sizeof bom && !memcmp(s, bom, sizeof bom) ? sizeof bom : 0;
}

int csv_read(FILE *fp, const char *name, const struct csv_opts *opts,
	     csv_row_fn fn, void *ctx, struct crm_err *err)
{
	struct reader r;
	char *chunk;
	size_t n, skip;
	int rc = 0, first = 1;

	if (reader_init(&r, name, opts, fn, ctx, err) < 0)
		return -1;
	chunk = xmalloc(CHUNK);
	/* fread fills the chunk unless at the end, so a BOM is never split. */
	while (rc == 0 && (n = fread(chunk, 1, CHUNK, fp)) > 0) {
		skip = first ? bom_len(chunk, n) : 0;
		first = 0;
		r.off += skip;
		rc = feed(&r, chunk + skip, n - skip);
	}
	if (rc == 0 && ferror(fp))
		rc = crm_errf(err, name, 0, "read error: %s", strerror(errno));
	if (rc == 0)
		rc = finish(&r);
	free(chunk);
	reader_free(&r);
	return rc;
}

int csv_read_mem(const char *data, size_t len, const char *name,
		 const struct csv_opts *opts, csv_row_fn fn, void *ctx,
		 struct crm_err *err)
{
	struct reader r;
	size_t skip;
	int rc = 0;

	if (reader_init(&r, name, opts, fn, ctx, err) < 0)
		return -1;
	if (len > 0) {
		skip = bom_len(data, len);
		r.off = skip;
		rc = feed(&r, data + skip, len - skip);
	}
	if (rc == 0)
		rc = finish(&r);
	reader_free(&r);
	return rc;
}

/* ---- writing ----
 *
 * A field is quoted only when it must be: when it holds the delimiter, a
 * double quote, CR or LF, or starts with U+FEFF (at the start of a file
 * the reader would take it for a BOM and drop it).  Leading and trailing
 * spaces need no quotes, as the reader strips nothing.  Quotes inside are
 * doubled.  Records end with LF.  A delimiter of 0 means ','.
 */

typedef void (*put_fn)(void *dst, const char *s, size_t n);

static void put_file(void *dst, const char *s, size_t n)
{
	fwrite(s, 1, n, dst);
}

static void put_buf(void *dst, const char *s, size_t n)
{
	buf_add(dst, s, n);
}

static void put_field(put_fn put, void *dst, const char *s, char delim)
{
	const char special[] = { delim ? delim : ',', '"', '\r', '\n', '\0' };
	const char *q;
	size_t n;

	if (!s)
		s = "";
	n = strcspn(s, special);
	if (!s[n] && strncmp(s, bom, sizeof bom)) {
		put(dst, s, n);
		return;
	}
	put(dst, "\"", 1);
	while ((q = strchr(s, '"'))) {
		/* Up to and including the quote, then the quote again. */
		put(dst, s, (size_t)(q - s) + 1);
		put(dst, "\"", 1);
		s = q + 1;
	}
	put(dst, s, strlen(s));
	put(dst, "\"", 1);
}

static void put_row(put_fn put, void *dst, char *const *fields, size_t n,
		    char delim)
{
	char d = delim ? delim : ',';
	size_t i;

	/* An empty line would be no record at all when read back. */
	if (n == 1 && (!fields[0] || !fields[0][0])) {
		put(dst, "\"\"\n", 3);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			put(dst, &d, 1);
		put_field(put, dst, fields[i], d);
	}
	put(dst, "\n", 1);
}

void csv_write_field(FILE *fp, const char *s, char delim)
{
	put_field(put_file, fp, s, delim);
}

void csv_write_row(FILE *fp, char *const *fields, size_t n, char delim)
{
	put_row(put_file, fp, fields, n, delim);
}

void csv_buf_row(struct buf *b, char *const *fields, size_t n, char delim)
{
	put_row(put_buf, b, fields, n, delim);
}
