/* table.c - a CSV table in memory, indexed by header name */
#ifdef __linux__
#define _GNU_SOURCE     /* copy_file_range */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"

struct table *table_new(const struct table_def *def, const char *dir)
{
	struct table *t = xcalloc(1, sizeof *t);

	t->def = def;
	if (def) {
		t->name = xstrdup(def->file);
		t->path = dir ? xasprintf("%s/%s", dir, def->file)
			      : xstrdup(def->file);
		t->ncols = def->ncols;
		t->cols = xcalloc(t->ncols, sizeof *t->cols);
		for (size_t i = 0; i < def->ncols; i++)
			t->cols[i] = xstrdup(def->cols[i].name);
	} else {
		t->name = xstrdup("-");
		t->path = xstrdup("-");
	}
	return t;
}

struct table *table_like(const struct table *t)
{
	struct table *k = table_new(t->def, NULL);

	free(k->path);
	k->path = xstrdup("-");      /* no file of its own */
	for (size_t c = 0; c < t->ncols; c++)
		table_add_col(k, t->cols[c]);
	return k;
}

/*
 * A row is one block: a small header, the field pointers, and (for a
 * row read from a file) the fields' bytes right after them -- one
 * malloc a row instead of one a field, and half the memory.  A field
 * set later is malloc'd on its own; row_owns() tells which is which.
 */
struct row_head {
	size_t end;             /* bytes in the block after the header */
	size_t nptr;            /* field pointers */
};

static struct row_head *head_of(char **row)
{
	return (struct row_head *)row - 1;
}

/* A row of n field pointers and room for bytes more. */
static char **row_alloc(size_t n, size_t bytes)
{
	size_t ptrs = n * sizeof(char *);
	struct row_head *h = xmalloc(sizeof *h + ptrs + bytes);

	h->end = ptrs + bytes;
	h->nptr = n;
	return (char **)(h + 1);
}

/* Is the field s inside the row's own block (not malloc'd alone)? */
static int row_owns(char **row, const char *s)
{
	const char *base = (const char *)row;
	const struct row_head *h = head_of(row);

	return s >= base + h->nptr * sizeof(char *) && s < base + h->end;
}

static void row_free(char **row, size_t n)
{
	if (!row)
		return;
	for (size_t i = 0; i < n; i++)
		if (!row_owns(row, row[i]))
			free(row[i]);
	free(head_of(row));
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		row_free(t->rows[r], t->ncols);
	for (size_t c = 0; c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cols);
	free(t->rows);
	free(t->lines);
	idset_free(t->ids);
	free(t->raw_off);
	free(t->raw_len);
	free(t->all_off);
	free(t->all_len);
	free(t->held);
	free(t->path);
	free(t->name);
	free(t);
}

int table_col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return (int)i;
	return -1;
}

int table_add_col(struct table *t, const char *name)
{
	int i = table_col(t, name);

	if (i >= 0)
		return i;
	t->cols = xrealloc(t->cols, (t->ncols + 1) * sizeof *t->cols);
	t->cols[t->ncols] = xstrdup(name);
	t->raw_ok = 0;          /* every row gets a field more */
	for (size_t r = 0; r < t->nrows; r++) {
		char **old = t->rows[r], **row = row_alloc(t->ncols + 1, 0);

		for (size_t c = 0; c < t->ncols; c++)
			row[c] = row_owns(old, old[c]) ? xstrdup(old[c])
						       : old[c];
		row[t->ncols] = xstrdup("");
		free(head_of(old));
		t->rows[r] = row;
	}
	return (int)t->ncols++;
}

static size_t table_push(struct table *t, char **row, long line)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
		t->lines = xrealloc(t->lines, t->cap * sizeof *t->lines);
		t->raw_off = xrealloc(t->raw_off, t->cap * sizeof *t->raw_off);
		t->raw_len = xrealloc(t->raw_len, t->cap * sizeof *t->raw_len);
	}
	t->rows[t->nrows] = row;
	t->lines[t->nrows] = line;
	t->raw_len[t->nrows] = 0;
	return t->nrows++;
}

size_t table_add_row(struct table *t)
{
	char **row = row_alloc(t->ncols, 0);

	for (size_t i = 0; i < t->ncols; i++)
		row[i] = xstrdup("");
	return table_push(t, row, 0);
}

size_t table_copy_row(struct table *dst, const struct table *src,
		      char *const *row, long line)
{
	size_t bytes = 1, n = src->ncols < dst->ncols ? src->ncols : dst->ncols;
	char **copy, *b;

	/* one block, as a row read from a file (dst's columns are src's,
	 * in order; any after them empty) */
	for (size_t c = 0; c < n; c++)
		bytes += strlen(row[c]) + 1;
	copy = row_alloc(dst->ncols, bytes);
	b = (char *)(copy + dst->ncols);
	for (size_t c = 0; c < n; c++) {
		size_t len = strlen(row[c]) + 1;

		copy[c] = memcpy(b, row[c], len);
		b += len;
	}
	*b = '\0';
	for (size_t c = n; c < dst->ncols; c++)
		copy[c] = b;
	return table_push(dst, copy, line);
}

const char *table_get(const struct table *t, size_t row, const char *col)
{
	int c = table_col(t, col);

	return c < 0 || row >= t->nrows ? "" : t->rows[row][c];
}

int table_set(struct table *t, size_t row, const char *col, const char *v)
{
	int c = table_col(t, col);

	if (c < 0 || row >= t->nrows)
		return -1;
	if (!row_owns(t->rows[row], t->rows[row][c]))
		free(t->rows[row][c]);
	t->raw_len[row] = 0;
	t->rows[row][c] = xstrdup(v ? v : "");
	if (c == 0 && t->ids)
		idset_add(t->ids, t->rows[row][c]);
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

struct loader {
	struct table *t;
	size_t nfile;        /* fields per file record */
	int *map;            /* file column -> table column */
	table_row_fn fn;     /* NULL: keep rows in t */
	void *ctx;
	char **scratch;      /* scan mode: the current row */
	size_t span[2];      /* the record's bytes in the file */
	int ours;            /* the reader saw them written as we write */
	int identity;        /* file columns are the table's, in order */
	/* table_load_named: the key's normal form and the name it may be;
	 * the last id seen; set when the file is not as crm writes it. */
	const char *want, *name;
	size_t want_len;
	int name_col;
	struct buf last;
	int odd;
	int fd;              /* the file, to read a record named again */
	int hold_none;       /* table_load_to_add: no row is held */
	const struct idmap *want_ids;  /* table_load_ids: the rows held */
};

/* Build t's columns from the header: fixed ones stay in schema order,
 * the file's others follow as custom fields in file order. */
static int loader_header(struct loader *ld, char **f, size_t n, long line,
			 struct crm_err *err)
{
	struct table *t = ld->t;

	ld->nfile = n;
	ld->map = xmalloc(n * sizeof *ld->map);
	for (size_t i = 0; i < n; i++) {
		if (!f[i][0])
			return crm_errf(err, t->name, line, "column %zu has "
					"no name", i + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f[i], f[j]))
				return crm_errf(err, t->name, line,
						"duplicate column '%s'", f[i]);
		ld->map[i] = table_add_col(t, f[i]);
	}
	ld->identity = n == t->ncols && n > 1;
	for (size_t i = 0; i < n; i++)
		ld->identity &= ld->map[i] == (int)i;
	return 0;
}

/* Is the record's span exactly what csv_write_row writes for it?  Then
 * saving copies it.  The reader took these very fields from the span,
 * which can only be longer than the writer's form (quotes not needed,
 * CRLF): the same length is the same bytes. */
static size_t canonical_len(const struct loader *ld, char **f, size_t n)
{
	size_t len = n;

	if (!ld->identity || n != ld->nfile)
		return 0;
	if (ld->ours)
		return ld->span[1] - ld->span[0] < UINT32_MAX ?
		       ld->span[1] - ld->span[0] : 0;
	for (size_t i = 0; i < n; i++) {
		size_t plain = strcspn(f[i], ",\"\r\n");

		len += plain;
		if (!f[i][plain] && strncmp(f[i], "\xEF\xBB\xBF", 3))
			continue;
		/* quoted by the writer: quotes around, inner ones doubled */
		len += 2 + strlen(f[i] + plain);
		for (const char *q = f[i]; (q = strchr(q, '"')); q++)
			len++;
	}
	return ld->span[1] - ld->span[0] == len && len < UINT32_MAX ? len : 0;
}

static void note_raw(struct loader *ld, size_t r, char **f, size_t n)
{
	size_t len = canonical_len(ld, f, n);

	if (len) {
		ld->t->raw_off[r] = ld->span[0];
		ld->t->raw_len[r] = (uint32_t)len;
	}
}

/* Bytes a row's fields take, NULs and one empty field included. */
static size_t row_bytes(char **f, size_t n, size_t nfile)
{
	size_t bytes = 1;

	for (size_t i = 0; i < n && i < nfile; i++)
		bytes += strlen(f[i]) + 1;
	return bytes;
}

static int loader_row(void *ctx, char **f, size_t n, long line,
		      struct crm_err *err)
{
	struct loader *ld = ctx;
	struct table *t = ld->t;
	char **row, *bytes;

	if (!ld->map)
		return loader_header(ld, f, n, line, err);
	if (ld->fn) {
		for (size_t i = 0; i < t->ncols; i++)
			ld->scratch[i] = "";
		for (size_t i = 0; i < n && i < ld->nfile; i++)
			ld->scratch[ld->map[i]] = f[i];
		return ld->fn(ld->ctx, t, ld->scratch, line, err);
	}
	row = row_alloc(t->ncols, row_bytes(f, n, ld->nfile));
	bytes = (char *)(row + t->ncols);
	*bytes = '\0';         /* the empty field, for columns not in the file */
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = bytes;
	bytes++;
	for (size_t i = 0; i < n && i < ld->nfile; i++) {
		size_t len = strlen(f[i]) + 1;

		row[ld->map[i]] = memcpy(bytes, f[i], len);
		bytes += len;
	}
	note_raw(ld, table_push(t, row, line), f, n);
	return 0;
}

/* Scan mode needs the scratch row sized after the header is known. */
static int scan_row(void *ctx, char **f, size_t n, long line,
		    struct crm_err *err)
{
	struct loader *ld = ctx;
	int first = !ld->map;
	int rc = loader_row(ctx, f, n, line, err);

	if (first && rc == 0)
		ld->scratch = xcalloc(ld->t->ncols, sizeof *ld->scratch);
	return rc;
}

/* The record just seen, with every field: the reader was told to keep
 * only the first ones (the id and the name). */
struct reread {
	struct loader *ld;
	long line;
};

static int reread_fields(void *ctx, char **f, size_t n, long line,
			 struct crm_err *err)
{
	struct reread *rr = ctx;

	return loader_row(rr->ld, f, n, rr->line, err);
}

static int reread_row(struct loader *ld, long line, struct crm_err *err)
{
	size_t len = ld->span[1] - ld->span[0];
	char *bytes = xmalloc(len + 1);
	struct reread rr = {ld, line};
	ssize_t got = pread(ld->fd, bytes, len, (off_t)ld->span[0]);
	int rc;

	if (got != (ssize_t)len)
		rc = crm_errf(err, ld->t->name, line, "cannot read: %s",
			      got < 0 ? strerror(errno) : "file shrank");
	else
		rc = csv_read_mem(bytes, len, ld->t->name, NULL, reread_fields,
				  &rr, err);
	free(bytes);
	return rc;
}

/* table_load_named: every record's span, the rows the key may name. */
static int named_row(void *ctx, char **f, size_t n, long line,
		     struct crm_err *err)
{
	struct loader *ld = ctx;
	struct table *t = ld->t;
	size_t before = t->nrows, k = t->nall;
	int name;

	if (!ld->map) {
		int rc = loader_row(ctx, f, n, line, err);

		ld->name_col = table_col(t, "name");
		ld->want_len = strlen(ld->want);
		return rc;
	}
	name = ld->name_col;
	if (!canonical_len(ld, f, n) || (ld->last.len &&
					 strcmp(ld->last.s, f[0]) >= 0))
		ld->odd = 1;
	buf_reset(&ld->last);
	buf_adds(&ld->last, f[0]);
	if ((k & (k - 1)) == 0) {      /* 0, 1, 2, 4, ...: double */
		t->all_off = xrealloc(t->all_off, 2 * (k + 1) * sizeof(size_t));
		t->all_len = xrealloc(t->all_len, 2 * (k + 1) *
				      sizeof(uint32_t));
	}
	t->all_off[k] = ld->span[0];
	t->all_len[k] = (uint32_t)(ld->span[1] - ld->span[0]);
	t->nall++;
	if (ld->hold_none)
		return 0;
	if (ld->want_ids ? !idmap_get(ld->want_ids, f[0]) :
	    strncmp(f[0], ld->want, ld->want_len) && (name < 0 ||
	    (size_t)name >= n || strcmp(f[name], ld->name)))
		return 0;
	if (reread_row(ld, line, err) < 0)
		return -1;
	if ((before & (before - 1)) == 0)      /* 0, 1, 2, 4, ...: double */
		t->held = xrealloc(t->held, 2 * (before + 1) *
				   sizeof *t->held);
	t->held[before] = k;
	return 0;
}

static int load_into(struct loader *ld, FILE *fp, struct crm_err *err)
{
	struct csv_opts opts = {0};
	int rc;

	opts.span = ld->span;
	opts.written_as_ours = &ld->ours;
	if (ld->want) {
		/* Only the id and the name tell which rows the key names. */
		const struct col_def *name = table_def_col(ld->t->def, "name");

		opts.keep_fields = name ? (size_t)(name - ld->t->def->cols) + 1
				       : 1;
		ld->fd = fileno(fp);
	}
	rc = csv_read(fp, ld->t->name, &opts, ld->fn ? scan_row :
		      ld->want ? named_row : loader_row, ld, err);
	free(ld->map);
	free(ld->scratch);
	return rc;
}

static FILE *open_table(struct table *t, int *missing, struct crm_err *err)
{
	FILE *fp = fopen(t->path, "r");

	*missing = 0;
	if (!fp && errno == ENOENT)
		*missing = 1;
	else if (!fp)
		crm_errf(err, NULL, 0, "cannot open %s: %s", t->name,
			 strerror(errno));
	return fp;
}

/* What tells that a file is still the one read. */
static int file_stamp(int fd, long long *size, long long *mtime,
		      long long *ino)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	*size = (long long)st.st_size;
	*mtime = (long long)st.st_mtim.tv_sec * 1000000000LL +
		 st.st_mtim.tv_nsec;
	*ino = (long long)st.st_ino;
	return 0;
}

/* Read t->path into t; NULL (t freed) on error. */
static struct table *load_table(struct table *t, struct crm_err *err)
{
	struct loader ld = {.t = t};
	int missing;
	FILE *fp = open_table(t, &missing, err);

	if (!fp && missing)
		return t;
	if (!fp || load_into(&ld, fp, err) < 0) {
		if (fp)
			fclose(fp);
		table_free(t);
		return NULL;
	}
	t->raw_ok = ld.identity && file_stamp(fileno(fp), &t->raw_size,
					      &t->raw_mtime, &t->raw_ino) == 0;
	fclose(fp);
	return t;
}

struct table *table_load(const char *dir, const struct table_def *def,
			 struct crm_err *err)
{
	return load_table(table_new(def, dir), err);
}

struct table *table_load_file(const char *path, const char *name,
			      const struct table_def *def,
			      struct crm_err *err)
{
	struct table *t = table_new(def, NULL);

	free(t->path);
	free(t->name);
	t->path = xstrdup(path);
	t->name = xstrdup(name);
	return load_table(t, err);
}

static struct table *load_named(const char *dir, const struct table_def *def,
				const char *key, int hold_none,
				const struct idmap *ids, struct crm_err *err)
{
	struct table *t = table_new(def, dir);
	char *want = xstrdup(key);
	struct loader ld = {.t = t, .want = want, .name = key,
			    .hold_none = hold_none, .want_ids = ids};
	int missing, rc;
	FILE *fp = open_table(t, &missing, err);

	id_normalize(want);
	if (!fp || (!*want && !hold_none && !ids)) {
		free(want);
		table_free(t);
		return !fp && !missing ? NULL : table_load(dir, def, err);
	}
	rc = load_into(&ld, fp, err);
	t->raw_ok = rc == 0 && !ld.odd && file_stamp(fileno(fp),
		&t->raw_size, &t->raw_mtime, &t->raw_ino) == 0;
	t->file_ncols = t->ncols;
	t->nheld = t->nrows;
	fclose(fp);
	free(want);
	buf_free(&ld.last);
	if (rc < 0 || !t->raw_ok) {
		table_free(t);
		return rc < 0 ? NULL : table_load(dir, def, err);
	}
	return t;
}

struct table *table_load_named(const char *dir, const struct table_def *def,
			       const char *key, struct crm_err *err)
{
	return load_named(dir, def, key, 0, NULL, err);
}

struct table *table_load_ids(const char *dir, const struct table_def *def,
			     const struct idmap *ids, struct crm_err *err)
{
	return load_named(dir, def, "", 0, ids, err);
}

struct table *table_load_to_add(const char *dir, const struct table_def *def,
				struct crm_err *err)
{
	return load_named(dir, def, "", 1, NULL, err);
}

int table_scan(const char *dir, const struct table_def *def,
	       table_row_fn fn, void *ctx, struct crm_err *err)
{
	struct table *t = table_new(def, dir);
	struct loader ld = {.t = t, .fn = fn, .ctx = ctx};
	int missing, rc = 0;
	FILE *fp = open_table(t, &missing, err);

	if (fp) {
		rc = load_into(&ld, fp, err);
		fclose(fp);
	} else if (!missing) {
		rc = -1;
	}
	table_free(t);
	return rc;
}

void table_row_view(struct table *v, const struct table *t, char ***rowp,
		    long *line)
{
	*v = *t;
	v->rows = rowp;
	v->lines = line;
	v->nrows = v->cap = 1;
	v->raw_off = NULL;
	v->raw_len = NULL;
	v->raw_ok = 0;
}

/* ---- lookup -------------------------------------------------------------- */

long table_find_id(const struct table *t, const char *prefix,
		   struct crm_err *err)
{
	const char *what = t->def ? t->def->entity : "record";
	char *want = xstrdup(prefix);
	size_t len;
	long found = -1, nfound = 0;
	struct buf list = {0};

	id_normalize(want);
	len = strlen(want);
	for (size_t r = 0; len && r < t->nrows; r++) {
		const char *id = t->rows[r][0];

		if (strncmp(id, want, len))
			continue;
		if (!id[len]) {		/* an exact match always wins */
			found = (long)r;
			nfound = 1;
			break;
		}
		if (nfound++ < 5)
			buf_printf(&list, "%s%s", nfound > 1 ? ", " : "", id);
		found = (long)r;
	}
	if (nfound == 0)
		crm_errf(err, NULL, 0, "unknown %s '%s'", what, prefix);
	else if (nfound > 1)
		crm_errf(err, NULL, 0, "ambiguous %s id '%s': %s%s", what,
			 prefix, list.s, nfound > 5 ? ", ..." : "");
	free(want);
	buf_free(&list);
	return nfound == 1 ? found : -1;
}

long table_find_value(const struct table *t, const char *col, const char *v)
{
	int c = table_col(t, col);
	long found = -1;

	if (c < 0)
		return -1;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(t->rows[r][c], v))
			continue;
		if (found >= 0)
			return -2;
		found = (long)r;
	}
	return found;
}

/* Record k's id (its first field) as the file has it, into id (ID_MAX
 * bytes); "" when it can't be read. */
static void file_record_id(const struct table *t, int fd, size_t k,
			   char *id)
{
	size_t n = t->all_len[k] < ID_MAX - 1 ? t->all_len[k] : ID_MAX - 1;
	ssize_t got = pread(fd, id, n, (off_t)t->all_off[k]);

	id[got > 0 ? got : 0] = '\0';
	id[strcspn(id, ",\n")] = '\0';
}

/* How many of the file's records (sorted by id) have an id before id;
 * *found when the next one has id itself. */
static size_t file_id_pos(const struct table *t, int fd, const char *id,
			  int *found)
{
	size_t lo = 0, hi = t->nall;
	char at[ID_MAX];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		file_record_id(t, fd, mid, at);
		if (strcmp(at, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	if (lo < t->nall) {
		file_record_id(t, fd, lo, at);
		*found = !strcmp(at, id);
	}
	return lo;
}

void table_new_id(struct table *t, char *out)
{
	int fd = t->all_off ? open(t->path, O_RDONLY | O_CLOEXEC) : -1;
	int found;

	if (!t->ids) {
		t->ids = idset_new();
		for (size_t r = 0; r < t->nrows; r++)
			idset_add(t->ids, t->rows[r][0]);
	}
	/* a table of some rows: the file's other records have ids too */
	do
		id_new(t->def ? t->def->id_type : 'X', out);
	while (idset_has(t->ids, out) ||
	       (fd >= 0 && (file_id_pos(t, fd, out, &found), found)));
	idset_add(t->ids, out);
	if (fd >= 0)
		close(fd);
}

/* ---- writing --------------------------------------------------------------- */

static int cmp_row_id(const void *a, const void *b)
{
	char **ra = *(char ***)a, **rb = *(char ***)b;

	return strcmp(ra[0], rb[0]);
}

void table_sort_by_id(struct table *t)
{
	/* lines[] would no longer match rows[]: a sorted table is new. */
	qsort(t->rows, t->nrows, sizeof *t->rows, cmp_row_id);
	for (size_t r = 0; r < t->nrows; r++)
		t->lines[r] = 0;
	t->raw_ok = 0;
}

/* Written in id order so diffs stay small; the table in memory keeps its
 * order, so row indexes a caller holds stay valid after a save. */
struct sorted_row { char **row; size_t r; };

static int cmp_sorted(const void *a, const void *b)
{
	const struct sorted_row *x = a, *y = b;
	int c = strcmp(x->row[0], y->row[0]);

	return c ? c : x->r < y->r ? -1 : x->r > y->r;
}

/* Rows unchanged since the file was read are copied from it as they
 * were, in runs as long as the file has them in a row: a change of one
 * record costs about a copy of the file. */
struct copier {
	int fd;                 /* the file as read, or -1 */
	size_t off, len;        /* the run of raw bytes not yet copied */
	char *buf;
	int failed;             /* reading it failed */
	int no_kernel_copy;     /* copy_file_range failed once */
};

/* Shorter runs are not worth a flush and a system call. */
#define COPY_IN_KERNEL_MIN (64 * 1024)

/* The run copied by the kernel, page cache to page cache, where it
 * can: 0, or -1 to copy it through our buffer (what is left of it). */
static int copy_run_in_kernel(struct copier *c, FILE *out)
{
#ifdef __linux__
	loff_t off = (loff_t)c->off;

	if (c->no_kernel_copy || fflush(out) != 0)
		return -1;
	while (c->len > 0) {
		ssize_t n = copy_file_range(c->fd, &off, fileno(out), NULL,
					    c->len, 0);

		if (n <= 0) {
			/* not on this file system, or not now: read it */
			c->no_kernel_copy = 1;
			return -1;
		}
		c->off += (size_t)n;
		c->len -= (size_t)n;
	}
	return 0;
#else
	return -1;
#endif
}

static int copy_run(struct copier *c, FILE *out)
{
	if (c->len > COPY_IN_KERNEL_MIN && copy_run_in_kernel(c, out) == 0)
		return 0;
	while (c->len > 0) {
		size_t n = c->len < (1 << 20) ? c->len : (1 << 20);
		ssize_t got = pread(c->fd, c->buf, n, (off_t)c->off);

		if (got <= 0) {
			c->failed = 1;
			return -1;
		}
		fwrite(c->buf, 1, (size_t)got, out);
		c->off += (size_t)got;
		c->len -= (size_t)got;
	}
	return 0;
}

/* Add a span to the run, copying the run first when it does not go on
 * from there. */
static int copy_span(struct copier *c, size_t off, size_t len, FILE *out)
{
	int rc = 0;

	if (!c->len || c->off + c->len != off) {
		rc = copy_run(c, out);
		c->off = off;
		c->len = 0;
	}
	c->len += len;
	return rc;
}

/* The last run copied, the file closed; rc, with err said. */
static int copier_close(struct copier *c, FILE *out, const struct table *t,
			int rc, struct crm_err *err)
{
	if (rc == 0 && c->fd >= 0)
		rc = copy_run(c, out);
	if (c->failed)
		crm_errf(err, NULL, 0, "cannot read %s: %s", t->name,
			 strerror(errno ? errno : EIO));
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	return rc;
}

static int copier_open(struct copier *c, const struct table *t)
{
	long long size, mtime, ino;

	memset(c, 0, sizeof *c);
	c->fd = t->raw_ok ? open(t->path, O_RDONLY | O_CLOEXEC) : -1;
	if (c->fd >= 0 && (file_stamp(c->fd, &size, &mtime, &ino) < 0 ||
			   size != t->raw_size || mtime != t->raw_mtime ||
			   ino != t->raw_ino)) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->fd >= 0)
		c->buf = xmalloc(1 << 20);
	return c->fd;
}

static int write_rows(struct table *t, const struct sorted_row *v,
		      FILE *out, struct crm_err *err)
{
	struct copier c;
	int rc = 0;

	copier_open(&c, t);
	for (size_t i = 0; rc == 0 && i < t->nrows; i++) {
		size_t r = v[i].r;

		if (c.fd >= 0 && t->raw_len[r]) {
			rc = copy_span(&c, t->raw_off[r], t->raw_len[r], out);
			continue;
		}
		rc = c.fd >= 0 ? copy_run(&c, out) : 0;
		csv_write_row(out, v[i].row, t->ncols, ',');
	}
	return copier_close(&c, out, t, rc, err);
}

/* A table_load_named table: the file's records in its order, the rows
 * held written for themselves (unless unchanged), the others copied --
 * with an empty field more for each column added since. */
/* Rows added to a table of some rows, each with how many of the file's
 * records come before it: written in id order among them. */
struct added { char **row; size_t before; };

static int cmp_added(const void *a, const void *b)
{
	const struct added *x = a, *y = b;

	if (x->before != y->before)
		return x->before < y->before ? -1 : 1;
	return strcmp(x->row[0], y->row[0]);
}

static struct added *place_added(const struct table *t, int fd, size_t *n)
{
	struct added *v;
	int found;

	*n = t->nrows - t->nheld;
	v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; fd >= 0 && i < *n; i++) {
		v[i].row = t->rows[t->nheld + i];
		v[i].before = file_id_pos(t, fd, v[i].row[0], &found);
	}
	if (*n)
		qsort(v, *n, sizeof *v, cmp_added);
	return v;
}

static int write_added(struct copier *c, FILE *out, const struct table *t,
		       const struct added *v, size_t n, size_t *a, size_t k)
{
	int rc = 0;

	for (; rc == 0 && *a < n && v[*a].before == k; (*a)++) {
		rc = copy_run(c, out);
		csv_write_row(out, v[*a].row, t->ncols, ',');
	}
	return rc;
}

static int write_partial(struct table *t, FILE *out, struct crm_err *err)
{
	struct copier c = {.buf = xmalloc(1 << 20)};
	size_t h = 0, a = 0, nadd, extra = t->ncols - t->file_ncols;
	long long size, mtime, ino;
	struct added *add;
	int rc = 0;

	c.fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (c.fd < 0 || file_stamp(c.fd, &size, &mtime, &ino) < 0 ||
	    size != t->raw_size || mtime != t->raw_mtime || ino != t->raw_ino)
		rc = crm_errf(err, NULL, 0, "%s changed while being written",
			      t->name);
	add = place_added(t, rc == 0 ? c.fd : -1, &nadd);
	for (size_t k = 0; rc == 0 && k < t->nall; k++) {
		int held = h < t->nheld && t->held[h] == k;

		if ((rc = write_added(&c, out, t, add, nadd, &a, k)) < 0)
			break;
		if ((held && (!t->raw_len[h] || extra)) || (!held && extra)) {
			rc = copy_run(&c, out);
			if (held) {
				csv_write_row(out, t->rows[h++], t->ncols, ',');
				continue;
			}
			c.off = t->all_off[k];
			c.len = t->all_len[k] - 1;       /* all but its LF */
			rc = rc ? rc : copy_run(&c, out);
			for (size_t i = 0; i < extra; i++)
				fputc(',', out);
			fputc('\n', out);
			continue;
		}
		h += held;
		rc = copy_span(&c, t->all_off[k], t->all_len[k], out);
	}
	if (rc == 0)
		rc = write_added(&c, out, t, add, nadd, &a, t->nall);
	free(add);
	if (rc == 0 && h != t->nheld)
		rc = crm_errf(err, NULL, 0, "%s: a row of a table of some rows "
			      "was removed", t->name);
	return copier_close(&c, out, t, rc, err);
}

/* The temp file written and synced; a->tmp awaits atomic_commit(). */
int table_write_temp(struct table *t, struct atomic_file *a,
		     struct crm_err *err)
{
	struct sorted_row *v = xcalloc(t->nrows + 1, sizeof *v);
	int rc;

	for (size_t r = 0; r < t->nrows; r++)
		v[r] = (struct sorted_row){t->rows[r], r};
	if (t->nrows)
		qsort(v, t->nrows, sizeof *v, cmp_sorted);
	if (atomic_begin(a, t->path, err) < 0) {
		free(v);
		return -1;
	}
	csv_write_row(a->fp, t->cols, t->ncols, ',');
	rc = t->all_off || t->held ? write_partial(t, a->fp, err)
				   : write_rows(t, v, a->fp, err);
	free(v);
	if (rc < 0) {
		atomic_abort(a);
		return -1;
	}
	return atomic_sync(a, err);
}

int table_save(struct table *t, struct crm_err *err)
{
	struct atomic_file a;

	if (table_write_temp(t, &a, err) < 0)
		return -1;
	return atomic_commit(&a, err);
}

long table_find_ref(const struct table *t, const char *key,
		    struct crm_err *err)
{
	char type = t->def ? t->def->id_type : 0;
	long r;

	/* An id prefix first; a name that merely looks like one ("C-Suite
	 * Partners") is still found by name. */
	if (type && (key[0] == type || key[0] == type + 32) && key[1] == '-' &&
	    ((r = table_find_id(t, key, err)) >= 0 ||
	     strncmp(err->msg, "unknown", 7) ||
	     table_find_value(t, "name", key) == -1))
		return r;
	r = table_find_value(t, "name", key);
	if (r == -2)
		crm_errf(err, NULL, 0, "several %s records are named '%s': "
			 "use the id", t->def ? t->def->entity : "", key);
	else if (r == -1)
		crm_errf(err, NULL, 0, "unknown %s '%s'",
			 t->def ? t->def->entity : "record", key);
	return r < 0 ? -1 : r;
}

struct strmap *table_index_by(const struct table *t, const char *col)
{
	struct strmap *ix = strmap_new();
	int c = table_col(t, col);

	for (size_t r = 0; c >= 0 && r < t->nrows; r++) {
		void **slot = strmap_slot(ix, t->rows[r][c]);

		if (!*slot)
			*slot = (void *)(intptr_t)(r + 1);
	}
	return ix;
}

long table_index_row(const struct strmap *ix, const char *value)
{
	return (long)(intptr_t)strmap_get(ix, value) - 1;
}

void table_del_row(struct table *t, size_t r)
{
	if (r >= t->nrows)
		return;
	row_free(t->rows[r], t->ncols);
	memmove(t->rows + r, t->rows + r + 1,
		(t->nrows - r - 1) * sizeof *t->rows);
	memmove(t->lines + r, t->lines + r + 1,
		(t->nrows - r - 1) * sizeof *t->lines);
	memmove(t->raw_off + r, t->raw_off + r + 1,
		(t->nrows - r - 1) * sizeof *t->raw_off);
	memmove(t->raw_len + r, t->raw_len + r + 1,
		(t->nrows - r - 1) * sizeof *t->raw_len);
	t->nrows--;
}
