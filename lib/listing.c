/* listing.c - the list verb every program shares */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

struct listing {
	enum out_format fmt;
	const char *const *view;   /* table format: these columns */
	size_t nview;
	struct filter *where;
	const char *sort;
	listing_pred pred;
	void *ctx;
	struct out *out;
	const struct col_def **defs;   /* per table column, for row_valid */
	const char *output;        /* --output FILE */
	struct crm_err output_err; /* why FILE may not be written */
	int *cols;                 /* output column -> table column */
	size_t ncols;
	char **cells;
};

struct listing *listing_new(const char *format, const char *where,
			    const char *sort, const char *const *view,
			    size_t nview, struct crm_err *err)
{
	int fmt = !format ? FMT_AUTO : !strcmp(format, "xlsx") ? FMT_XLSX
			      : out_format_parse(format);
	struct listing *l;

	if (fmt < 0) {
		crm_usagef(err, "--format: '%s' is not one of table, csv, "
			   "tsv, jsonl, ids, xlsx", format);
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->fmt = (enum out_format)fmt;
	l->view = view;
	l->nview = nview;
	l->sort = sort;
	if (where && !(l->where = filter_compile(where, err))) {
		free(l);
		return NULL;
	}
	return l;
}

void listing_output(struct listing *l, const struct store *s,
		    const char *path)
{
	size_t n = path ? strlen(path) : 0;

	l->output = path;
	if (n && s)
		store_check_output(s, path, "--output", &l->output_err);
	if (l->fmt == FMT_AUTO && path)
		l->fmt = out_format_by_name(path);
}

/* The terminal table shows the view's columns that the table has. */
static int listing_begin(struct listing *l, const struct table *t,
			 struct crm_err *err)
{
	size_t n = 0, max = l->fmt == FMT_TABLE ? l->nview : t->ncols;
	char **names = xcalloc(max + 1, sizeof *names);

	l->cols = xcalloc(max + 1, sizeof *l->cols);
	for (size_t i = 0; i < max; i++) {
		int c = l->fmt == FMT_TABLE ? table_col(t, l->view[i]) : (int)i;

		if (c < 0)
			continue;
		l->cols[n] = c;
		names[n++] = t->cols[c];
	}
	l->ncols = n;
	l->cells = xcalloc(n + 1, sizeof *l->cells);
	if (l->output)
		l->out = out_open(l->output, l->fmt, NULL, names, n, t->def,
				  err);
	else
		l->out = out_begin(stdout, l->fmt, names, n, t->def);
	free(names);
	return l->out ? 0 : -1;
}

/* Amounts, numbers and dates must be what they claim before a filter
 * or the next program in the pipe relies on them. */
/* The typed columns' definitions, NULL for the others (looked up once a
 * table, not once a row). */
const struct col_def **table_typed_cols(const struct table *t)
{
	const struct col_def **defs = xcalloc(t->ncols + 1, sizeof *defs);

	for (size_t c = 0; t->def && c < t->ncols; c++) {
		const struct col_def *d = table_def_col(t->def, t->cols[c]);

		if (d && (d->type == COL_MONEY || d->type == COL_NUMBER ||
			  d->type == COL_DATE))
			defs[c] = d;
	}
	return defs;
}

int table_row_valid(const struct table *t, const struct col_def **defs,
		    char **row, long line, struct crm_err *err)
{
	for (size_t c = 0; t->def && c < t->ncols; c++) {
		if (!defs[c] || !*row[c])
			continue;
		if (value_check_col(t->def, defs[c], row[c], err) < 0) {
			snprintf(err->file, sizeof err->file, "%s", t->name);
			err->line = line;
			return -1;
		}
	}
	return 0;
}

struct typed_scan {
	table_row_fn fn;
	void *ctx;
	const struct col_def **defs;
};

static int typed_row(void *ctx, const struct table *t, char **row, long line,
		     struct crm_err *err)
{
	struct typed_scan *ts = ctx;

	if (!ts->defs)
		ts->defs = table_typed_cols(t);
	if (table_row_valid(t, ts->defs, row, line, err) < 0)
		return -1;
	return ts->fn(ts->ctx, t, row, line, err);
}

int table_scan_typed(const char *dir, const struct table_def *def,
		     table_row_fn fn, void *ctx, struct crm_err *err)
{
	struct typed_scan ts = {fn, ctx, NULL};
	int rc = table_scan(dir, def, typed_row, &ts, err);

	free(ts.defs);
	return rc;
}

int table_check_typed(const struct table *t, struct crm_err *err)
{
	const struct col_def **defs = table_typed_cols(t);
	int rc = 0;

	for (size_t r = 0; rc == 0 && r < t->nrows; r++)
		rc = table_row_valid(t, defs, t->rows[r], t->lines[r], err);
	free(defs);
	return rc;
}

/* Is the row well formed (else -1) and one the listing shows (1)? */
static int row_selected(struct listing *l, const struct table *t,
			char **row, long line, struct crm_err *err)
{
	int sel = 1;

	if (!l->defs)
		l->defs = table_typed_cols(t);
	if (table_row_valid(t, l->defs, row, line, err) < 0)
		return -1;
	if (l->pred)
		sel = l->pred(l->ctx, t, row);
	if (sel > 0 && l->where)
		sel = filter_match(l->where, t, row, err);
	return sel;
}

static int row_out(struct listing *l, const struct table *t, char **row,
		   struct crm_err *err)
{
	if (!l->out && listing_begin(l, t, err) < 0)
		return -1;
	for (size_t i = 0; i < l->ncols; i++)
		l->cells[i] = row[l->cols[i]];
	out_row(l->out, l->cells);
	return 0;
}

static int listing_row(void *ctx, const struct table *t, char **row,
		       long line, struct crm_err *err)
{
	struct listing *l = ctx;
	int sel;

	if (!l->out && listing_begin(l, t, err) < 0)
		return -1;
	sel = row_selected(l, t, row, line, err);
	return sel <= 0 ? sel : row_out(l, t, row, err);
}

/* A sorted listing holds only the rows it shows: the table streamed
 * past, the rows selected kept, to be sorted. */
struct selected {
	struct listing *l;
	struct table *kept;
};

static int keep_selected(void *ctx, const struct table *t, char **row,
			 long line, struct crm_err *err)
{
	struct selected *s = ctx;
	int sel;

	if (!s->kept)
		s->kept = table_like(t);
	if ((sel = row_selected(s->l, t, row, line, err)) > 0)
		table_copy_row(s->kept, t, row, line);
	return sel < 0 ? -1 : 0;
}

static int listing_end(struct listing *l, const struct table *t, int rc,
		       struct crm_err *err)
{
	size_t n = 0;

	if (!l->out && rc == 0 && t && listing_begin(l, t, err) < 0)
		rc = -1;
	if (l->out && rc == 0 && l->output)
		rc = out_close(l->out, &n, err);
	else if (l->out && l->output)
		out_abort(l->out);
	else if (l->out)
		n = out_end(l->out);
	free(l->cols);
	free(l->cells);
	free(l->defs);
	filter_free(l->where);
	free(l);
	if (rc < 0)
		return -1;
	return n ? CRM_OK : CRM_NONE;
}

/* ---- sorting ---------------------------------------------------------- */

struct sort_key {
	const struct table *t;
	int col, desc, numeric;
};
static struct sort_key sort_key;

static int cmp_rows(const void *a, const void *b)
{
	size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
	const char *x = sort_key.t->rows[ra][sort_key.col];
	const char *y = sort_key.t->rows[rb][sort_key.col];
	int c;

	if (sort_key.numeric && *x && *y) {
		double dx = strtod(x, NULL), dy = strtod(y, NULL);
		c = dx < dy ? -1 : dx > dy;
	} else {
		c = strcmp(x, y);
	}
	if (sort_key.desc)
		c = -c;
	return c ? c : ra < rb ? -1 : ra > rb;   /* stable */
}

static int sort_rows(const struct table *t, const char *key, size_t *idx,
		     size_t n, struct crm_err *err)
{
	const struct col_def *d;

	sort_key.desc = key[0] == '-';
	key += sort_key.desc;
	if ((sort_key.col = table_col(t, key)) < 0)
		return crm_usagef(err, "--sort: no field '%s'", key);
	d = t->def ? table_def_col(t->def, key) : NULL;
	sort_key.numeric = d && (d->type == COL_MONEY ||
				 d->type == COL_NUMBER);
	sort_key.t = t;
	qsort(idx, n, sizeof *idx, cmp_rows);
	return 0;
}

/* ---- running ----------------------------------------------------------- */

/* Rows by their whole id (row + 1; ROW_TWICE for an id on two rows),
 * so that many records named on stdin are found without a pass over the
 * table each. */
#define ROW_TWICE ((void *)-1)

static struct idmap *index_ids(const struct table *t)
{
	struct idmap *ix = idmap_new();

	for (size_t r = 0; r < t->nrows; r++) {
		void **slot = idmap_slot(ix, t->rows[r][0]);

		*slot = *slot ? ROW_TWICE : (void *)(intptr_t)(r + 1);
	}
	return ix;
}

/* table_find_id, by the index when the id is a whole one it holds once. */
static long find_id(const struct table *t, const struct idmap *ix,
		    const char *id, struct crm_err *err)
{
	void *row = ix && id_code(id) ? idmap_get(ix, id) : NULL;

	if (row && row != ROW_TWICE)
		return (long)(intptr_t)row - 1;
	return table_find_id(t, id, err);
}

/* The rows of t named by the records of in, in its order. */
static size_t *rows_named_in(const struct table *t, const struct table *in,
			     size_t *n, struct crm_err *err)
{
	struct idmap *by_id = in->nrows > 16 ? index_ids(t) : NULL;
	size_t *idx = xcalloc(in->nrows + 1, sizeof *idx);
	long r;

	for (size_t i = 0; i < in->nrows; i++) {
		if ((r = find_id(t, by_id, table_get(in, i, "id"), err)) < 0) {
			snprintf(err->file, sizeof err->file, "-");
			err->line = in->lines[i];
			free(idx);
			idx = NULL;
			break;
		}
		idx[(*n)++] = (size_t)r;
	}
	idmap_free(by_id);
	return idx;
}

/* The records on stdin, which must have ids. */
static struct table *read_stdin_ids(struct crm_err *err)
{
	struct table *in = input_read(stdin, "-", err);

	if (in && in->nrows && table_col(in, "id") < 0) {
		crm_errf(err, "-", in->lines[0], "records on standard input "
			 "have no id");
		table_free(in);
		return NULL;
	}
	return in;
}

size_t *rows_from_stdin(const struct table *t, size_t *n,
			struct crm_err *err)
{
	struct table *in = read_stdin_ids(err);
	size_t *idx;

	*n = 0;
	if (!in)
		return NULL;
	idx = rows_named_in(t, in, n, err);
	table_free(in);
	return idx;
}

/* Streaming the table for the ids named on stdin: which are wanted
 * ((void *)1) and, once met, their row in kept (row + 2). */
struct wanted {
	struct idmap *ids;
	struct table *kept;
};

static int keep_wanted(void *ctx, const struct table *t, char **row,
		       long line, struct crm_err *err)
{
	struct wanted *w = ctx;

	if (!w->kept)
		w->kept = table_like(t);
	/* the first row with an id is the one it names */
	if (idmap_get(w->ids, row[0]) == (void *)1)
		*idmap_slot(w->ids, row[0]) = (void *)(intptr_t)
			(table_copy_row(w->kept, t, row, line) + 2);
	return 0;
}

/* Every id of in whole (normalised) into w->ids: 0, or -1 when one is
 * not (a prefix, say), which only the whole table can tell. */
static int want_whole_ids(struct wanted *w, const struct table *in)
{
	char id[ID_MAX];

	for (size_t i = 0; i < in->nrows; i++) {
		snprintf(id, sizeof id, "%s", table_get(in, i, "id"));
		id_normalize(id);
		if (!id_code(id))
			return -1;
		*idmap_slot(w->ids, id) = (void *)1;
	}
	return 0;
}

static size_t *rows_wanted(const struct wanted *w, const struct table *in,
			   size_t *n, struct crm_err *err)
{
	size_t *idx = xcalloc(in->nrows + 1, sizeof *idx);
	char id[ID_MAX];

	for (size_t i = 0; i < in->nrows; i++) {
		intptr_t r;

		snprintf(id, sizeof id, "%s", table_get(in, i, "id"));
		id_normalize(id);
		if ((r = (intptr_t)idmap_get(w->ids, id)) < 2) {
			crm_errf(err, "-", in->lines[i], "unknown %s '%s'",
				 w->kept->def ? w->kept->def->entity : "record",
				 table_get(in, i, "id"));
			free(idx);
			return NULL;
		}
		idx[(*n)++] = (size_t)(r - 2);
	}
	return idx;
}

struct table *table_load_for_stdin(const char *dir,
				   const struct table_def *def,
				   size_t **rows, size_t *n, int to_change,
				   struct crm_err *err)
{
	struct table *in = read_stdin_ids(err), *t = NULL;
	struct wanted w = {idmap_new(), NULL};

	*rows = NULL;
	*n = 0;
	if (in && want_whole_ids(&w, in) == 0 && to_change) {
		if ((t = table_load_ids(dir, def, w.ids, err)))
			*rows = rows_named_in(t, in, n, err);
	} else if (in && want_whole_ids(&w, in) == 0) {
		if (table_scan(dir, def, keep_wanted, &w, err) == 0) {
			t = w.kept ? w.kept : table_new(def, dir);
			w.kept = t;
			*rows = rows_wanted(&w, in, n, err);
		}
	} else if (in && (t = table_load(dir, def, err))) {
		*rows = rows_named_in(t, in, n, err);
	}
	idmap_free(w.ids);
	table_free(in);
	if (t && !*rows) {
		table_free(t);
		return NULL;
	}
	if (!t)
		table_free(w.kept);
	return t;
}

/* The records of a loaded table, idx[0..n) of it (NULL: all), sorted;
 * all of them shown when selected already. */
static int run_loaded(struct listing *l, struct table *t, size_t *idx,
		      size_t n, int selected, struct crm_err *err)
{
	int rc = 0;

	if (!idx) {
		n = t->nrows;
		idx = xcalloc(n + 1, sizeof *idx);
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
	}
	if (l->sort && sort_rows(t, l->sort, idx, n, err) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = selected ? row_out(l, t, t->rows[idx[i]], err) :
		     listing_row(l, t, t->rows[idx[i]], t->lines[idx[i]], err);
	free(idx);
	return rc;
}

int listing_run(struct listing *l, const char *dir,
		const struct table_def *def, int from_stdin,
		listing_pred pred, void *ctx, struct crm_err *err)
{
	struct table *t;
	int rc;

	l->pred = pred;
	l->ctx = ctx;
	if (l->output_err.msg[0]) {
		*err = l->output_err;
		return listing_end(l, NULL, -1, err);
	}
	if ((l->fmt == FMT_XLSX && !l->output) || (l->output &&
						     !*l->output)) {
		crm_usagef(err, l->output ? "--output: no file name" :
			   "--format xlsx: give the file with --output");
		return listing_end(l, NULL, -1, err);
	}
	if (l->fmt == FMT_AUTO)
		l->fmt = isatty(1) ? FMT_TABLE : FMT_CSV;
	if (!from_stdin && !l->sort) {
		/* Nothing to reorder: stream, whatever the table's size. */
		t = table_new(def, dir);
		rc = table_scan(dir, def, listing_row, l, err);
	} else if (from_stdin) {
		size_t *idx, n;

		t = table_load_for_stdin(dir, def, &idx, &n, 0, err);
		rc = t ? run_loaded(l, t, idx, n, 0, err) : -1;
	} else {
		struct selected sel = {l, NULL};

		rc = table_scan(dir, def, keep_selected, &sel, err);
		t = sel.kept ? sel.kept : table_new(def, dir);
		if (rc == 0)
			rc = run_loaded(l, t, NULL, 0, 1, err);
	}
	rc = listing_end(l, t, rc, err);
	table_free(t);
	return rc;
}
