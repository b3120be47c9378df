/* table.c - a CSV table in memory, indexed by header name */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static void row_free(char **row, size_t n)
{
	if (!row)
		return;
	for (size_t i = 0; i < n; i++)
		free(row[i]);
	free(row);
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
	for (size_t r = 0; r < t->nrows; r++) {
		t->rows[r] = xrealloc(t->rows[r],
				      (t->ncols + 1) * sizeof *t->rows[r]);
		t->rows[r][t->ncols] = xstrdup("");
	}
	return (int)t->ncols++;
}

static size_t table_push(struct table *t, char **row, long line)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
		t->lines = xrealloc(t->lines, t->cap * sizeof *t->lines);
	}
	t->rows[t->nrows] = row;
	t->lines[t->nrows] = line;
	return t->nrows++;
}

size_t table_add_row(struct table *t)
{
	char **row = xmalloc(t->ncols * sizeof *row);

	for (size_t i = 0; i < t->ncols; i++)
		row[i] = xstrdup("");
	return table_push(t, row, 0);
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
	free(t->rows[row][c]);
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
	return 0;
}

static int loader_row(void *ctx, char **f, size_t n, long line,
		      struct crm_err *err)
{
	struct loader *ld = ctx;
	struct table *t = ld->t;
	char **row;

	if (!ld->map)
		return loader_header(ld, f, n, line, err);
	if (ld->fn) {
		for (size_t i = 0; i < t->ncols; i++)
			ld->scratch[i] = "";
		for (size_t i = 0; i < n && i < ld->nfile; i++)
			ld->scratch[ld->map[i]] = f[i];
		return ld->fn(ld->ctx, t, ld->scratch, line, err);
	}
	row = xmalloc(t->ncols * sizeof *row);
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = NULL;
	for (size_t i = 0; i < n && i < ld->nfile; i++)
		row[ld->map[i]] = xstrdup(f[i]);
	for (size_t i = 0; i < t->ncols; i++)
		if (!row[i])
			row[i] = xstrdup("");
	table_push(t, row, line);
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

static int load_into(struct loader *ld, FILE *fp, struct crm_err *err)
{
	struct csv_opts opts = {0};
	int rc;

	rc = csv_read(fp, ld->t->name, &opts, ld->fn ? scan_row : loader_row,
		      ld, err);
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

/* Read t->path into t; NULL (t freed) on error. */
static struct table *load_table(struct table *t, struct crm_err *err)
{
	struct loader ld = {t, 0, NULL, NULL, NULL, NULL};
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

int table_scan(const char *dir, const struct table_def *def,
	       table_row_fn fn, void *ctx, struct crm_err *err)
{
	struct table *t = table_new(def, dir);
	struct loader ld = {t, 0, NULL, fn, ctx, NULL};
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

void table_new_id(struct table *t, char *out)
{
	if (!t->ids) {
		t->ids = idset_new();
		for (size_t r = 0; r < t->nrows; r++)
			idset_add(t->ids, t->rows[r][0]);
	}
	do
		id_new(t->def ? t->def->id_type : 'X', out);
	while (idset_has(t->ids, out));
	idset_add(t->ids, out);
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
}

/* Written in id order so diffs stay small; the table in memory keeps its
 * order, so row indexes a caller holds stay valid after a save.  The temp
 * file is written and synced; a->tmp awaits atomic_commit(). */
int table_write_temp(struct table *t, struct atomic_file *a,
		     struct crm_err *err)
{
	char ***sorted = xcalloc(t->nrows + 1, sizeof *sorted);

	if (t->nrows) {
		memcpy(sorted, t->rows, t->nrows * sizeof *sorted);
		qsort(sorted, t->nrows, sizeof *sorted, cmp_row_id);
	}
	if (atomic_begin(a, t->path, err) < 0) {
		free(sorted);
		return -1;
	}
	csv_write_row(a->fp, t->cols, t->ncols, ',');
	for (size_t r = 0; r < t->nrows; r++)
		csv_write_row(a->fp, sorted[r], t->ncols, ',');
	free(sorted);
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
	for (size_t c = 0; c < t->ncols; c++)
		free(t->rows[r][c]);
	free(t->rows[r]);
	memmove(t->rows + r, t->rows + r + 1,
		(t->nrows - r - 1) * sizeof *t->rows);
	memmove(t->lines + r, t->lines + r + 1,
		(t->nrows - r - 1) * sizeof *t->lines);
	t->nrows--;
}
