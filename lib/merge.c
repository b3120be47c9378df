/* merge.c - three-way merge of a table by record id, union of a log */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* Columns whose later value is simply the right one: a merge takes the
 * greater (ISO dates sort as text) and reports nothing. */
static int is_latest_col(const char *col)
{
	return !strcmp(col, "updated") || !strcmp(col, "last_contact");
}

/* ---- when a change was made ---------------------------------------------- */

/* Seconds since the epoch of a stored timestamp ("2026-03-02" counts as
 * its midnight UTC); -1 when it is not one. */
long long merge_instant(const char *s)
{
	int32_t day;
	int hh = 0, mi = 0, ss = 0, zh = 0, zm = 0, sign = 0;
	const char *p;

	if (!s || date_parse_iso(s, &day) < 0)
		return -1;
	p = s + 10;
	if (*p == 'T') {
		if (sscanf(p + 1, "%2d:%2d:%2d", &hh, &mi, &ss) != 3)
			return -1;
		p += 9;
		while (*p == '.' || (*p >= '0' && *p <= '9'))
			p++;
		if (*p == '+' || *p == '-') {
			sign = *p == '+' ? 1 : -1;
			if (sscanf(p + 1, "%2d:%2d", &zh, &zm) != 2)
				return -1;
		}
	}
	return (long long)day * 86400 + hh * 3600 + mi * 60 + ss -
	       sign * (zh * 3600 + zm * 60);
}

void merge_history_free(struct strmap *ix)
{
	strmap_free_values(ix);
}

static char *history_key(const char *id, const char *field, const char *to)
{
	return xasprintf("%s\x1f%s\x1f%s", id, field, to);
}

static int history_line(void *ctx, const struct logrec *r, long line,
			struct crm_err *err)
{
	const char *id = logrec_get(r, "id"), *field = logrec_get(r, "field");
	const char *to = logrec_get(r, "to"), *at = logrec_get(r, "at");
	char *key;
	void **slot;

	if (!id || !field || !to || !at || merge_instant(at) < 0)
		return 0;
	key = history_key(id, field, to);
	slot = strmap_slot(ctx, key);
	if (!*slot || merge_instant(at) >= merge_instant(*slot)) {
		free(*slot);
		*slot = xstrdup(at);
	}
	free(key);
	return 0;
}

int merge_history_add(struct strmap *ix, const char *text, size_t len,
		      const char *name, struct crm_err *err)
{
	FILE *fp;
	int rc;

	if (!len)
		return 0;
	if (!(fp = fmemopen((void *)text, len, "r")))
		return crm_errf(err, NULL, 0, "cannot read %s", name);
	rc = jsonl_scan_fp(fp, name, history_line, ix, err);
	fclose(fp);
	return rc;
}

const char *merge_history_when(const struct strmap *ix, const char *id,
			       const char *field, const char *value)
{
	char *key = history_key(id, field, value);
	const char *at = ix ? strmap_get(ix, key) : NULL;

	free(key);
	return at ? at : "";
}

/* ---- tables ------------------------------------------------------------------- */

struct side {
	const struct table *t;
	struct strmap *ix;      /* id -> row + 1 */
	int *col;               /* out column -> this table's, or -1 */
};

static int side_open(struct side *s, const struct table *t,
		     const char *label, struct crm_err *err)
{
	s->t = t;
	s->ix = strmap_new();
	s->col = NULL;
	for (size_t r = 0; r < t->nrows; r++) {
		void **slot;

		if (!t->rows[r][0][0])
			return crm_errf(err, t->name, t->lines[r],
					"record without an id (%s)", label);
		slot = strmap_slot(s->ix, t->rows[r][0]);
		if (*slot)
			return crm_errf(err, t->name, t->lines[r],
					"duplicate id %s (%s)", t->rows[r][0],
					label);
		*slot = (void *)(intptr_t)(r + 1);
	}
	return 0;
}

static void side_map(struct side *s, const struct table *out)
{
	s->col = xcalloc(out->ncols + 1, sizeof *s->col);
	for (size_t c = 0; c < out->ncols; c++)
		s->col[c] = table_col(s->t, out->cols[c]);
}

static void side_close(struct side *s)
{
	if (s->ix)
		strmap_free(s->ix);
	free(s->col);
}

/* The record's row in this side, or NULL. */
static char **side_row(const struct side *s, const char *id)
{
	long r = table_index_row(s->ix, id);

	return r < 0 ? NULL : s->t->rows[r];
}

static const char *side_val(const struct side *s, char **row, size_t c)
{
	return row && s->col[c] >= 0 ? row[s->col[c]] : "";
}

static void collect_ids(const struct table *t, struct strmap *seen,
			const char ***ids, size_t *n, size_t *cap)
{
	for (size_t r = 0; r < t->nrows; r++) {
		void **slot = strmap_slot(seen, t->rows[r][0]);

		if (*slot)
			continue;
		*slot = seen;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*ids = xrealloc(*ids, *cap * sizeof **ids);
		}
		(*ids)[(*n)++] = t->rows[r][0];
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct merger {
	struct side b, o, t;
	const struct merge_opts *opts;
	struct merge *m;
};

static struct merge_conflict *add_conflict(struct merge *m, const char *id)
{
	struct merge_conflict *c;

	m->c = xrealloc(m->c, (m->nc + 1) * sizeof *m->c);
	c = &m->c[m->nc++];
	memset(c, 0, sizeof *c);
	c->id = xstrdup(id);
	return c;
}

/* Which value of a field changed two ways stays: the later change by the
 * history's "at", equal times (or none found) the greater value, so that
 * both clones merging each other come to the same. */
static int pick_later(struct merger *mg, const char *id, const char *field,
		      const char *vo, const char *vt, struct merge_conflict *c)
{
	const struct strmap *h = mg->opts ? mg->opts->history : NULL;
	long long to, tt;

	c->ours_at = xstrdup(merge_history_when(h, id, field, vo));
	c->theirs_at = xstrdup(merge_history_when(h, id, field, vt));
	to = merge_instant(c->ours_at);
	tt = merge_instant(c->theirs_at);
	if (to != tt)
		return to > tt ? 'o' : 't';
	return strcmp(vo, vt) >= 0 ? 'o' : 't';
}

/* A field of a record both sides kept: into row (ours' side) and alt
 * (theirs' side, made on the first conflict in strict mode). */
static void merge_field(struct merger *mg, const char *id, char **rb,
			char **ro, char **rt, size_t c, char **row,
			char ***alt)
{
	const char *vb = side_val(&mg->b, rb, c), *vo = side_val(&mg->o, ro, c);
	const char *vt = side_val(&mg->t, rt, c), *col = mg->m->out->cols[c];
	struct merge_conflict *k;
	int strict = mg->opts && mg->opts->strict;

	if (!strcmp(vo, vt) || !strcmp(vt, vb))
		row[c] = xstrdup(vo);
	else if (!strcmp(vo, vb))
		row[c] = xstrdup(vt);
	else if (is_latest_col(col))
		row[c] = xstrdup(strcmp(vo, vt) >= 0 ? vo : vt);
	else {
		k = add_conflict(mg->m, id);
		k->kind = MERGE_FIELD;
		k->field = xstrdup(col);
		k->base = xstrdup(vb);
		k->ours = xstrdup(vo);
		k->theirs = xstrdup(vt);
		k->kept = pick_later(mg, id, col, vo, vt, k);
		if (strict) {
			k->kept = 0;
			if (!*alt) {
				*alt = xcalloc(mg->m->out->ncols,
					       sizeof **alt);
				for (size_t i = 0; i < c; i++)
					(*alt)[i] = xstrdup(row[i]);
			}
			(*alt)[c] = xstrdup(vt);
			row[c] = xstrdup(vo);
			return;
		}
		row[c] = xstrdup(k->kept == 'o' ? vo : vt);
	}
	if (*alt)
		(*alt)[c] = xstrdup(row[c]);
}

/* Did a side change the record from base (in any column)? */
static int changed(const struct merger *mg, const struct side *s,
		   char **row, char **rb)
{
	for (size_t c = 0; c < mg->m->out->ncols; c++)
		if (strcmp(side_val(s, row, c), side_val(&mg->b, rb, c)))
			return 1;
	return 0;
}

static void copy_row(const struct merger *mg, const struct side *s,
		     char **from, char **row)
{
	for (size_t c = 0; c < mg->m->out->ncols; c++)
		row[c] = xstrdup(side_val(s, from, c));
}

static void push_row(struct merge *m, char **row, char **alt)
{
	struct table *t = m->out;
	size_t r = table_add_row(t);

	/* the table owns its rows' memory (table.c lays a row out itself) */
	for (size_t c = 0; c < t->ncols; c++) {
		table_set(t, r, t->cols[c], row[c]);
		free(row[c]);
	}
	free(row);
	m->alt = xrealloc(m->alt, t->nrows * sizeof *m->alt);
	m->alt[r] = alt;
}

static void merge_record(struct merger *mg, const char *id)
{
	char **rb = side_row(&mg->b, id), **ro = side_row(&mg->o, id);
	char **rt = side_row(&mg->t, id), **row, **alt = NULL;
	size_t ncols = mg->m->out->ncols;
	struct merge_conflict *k;

	if (!ro && !rt)
		return;				/* deleted on both sides */
	if (rb && (!ro || !rt)) {		/* deleted on one side */
		const struct side *kept = ro ? &mg->o : &mg->t;
		char **from = ro ? ro : rt;

		if (!changed(mg, kept, from, rb))
			return;
		k = add_conflict(mg->m, id);
		k->kind = MERGE_DELETED;
		k->kept = ro ? 'o' : 't';
	}
	row = xcalloc(ncols + 1, sizeof *row);
	if (!ro || !rt)
		copy_row(mg, ro ? &mg->o : &mg->t, ro ? ro : rt, row);
	else
		for (size_t c = 0; c < ncols; c++)
			merge_field(mg, id, rb, ro, rt, c, row, &alt);
	push_row(mg->m, row, alt);
}

/* Ours' columns, then the custom columns only theirs has. */
static struct table *out_table(const struct table *ours,
			       const struct table *theirs)
{
	struct table *t = table_new(ours->def, NULL);

	for (size_t c = 0; c < ours->ncols; c++)
		table_add_col(t, ours->cols[c]);
	for (size_t c = 0; c < theirs->ncols; c++)
		table_add_col(t, theirs->cols[c]);
	free(t->name);
	t->name = xstrdup(ours->name);
	return t;
}

int merge_tables(const struct table *base, const struct table *ours,
		 const struct table *theirs, const struct merge_opts *opts,
		 struct merge *m, struct crm_err *err)
{
	struct merger mg = {{0}, {0}, {0}, opts, m};
	struct strmap *seen;
	const char **ids = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (side_open(&mg.b, base, "base", err) < 0 ||
	    side_open(&mg.o, ours, "ours", err) < 0 ||
	    side_open(&mg.t, theirs, "theirs", err) < 0)
		goto out;
	m->out = out_table(ours, theirs);
	side_map(&mg.b, m->out);
	side_map(&mg.o, m->out);
	side_map(&mg.t, m->out);
	seen = strmap_new();
	collect_ids(base, seen, &ids, &n, &cap);
	collect_ids(ours, seen, &ids, &n, &cap);
	collect_ids(theirs, seen, &ids, &n, &cap);
	strmap_free(seen);
	if (n)
		qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++)
		merge_record(&mg, ids[i]);
	rc = 0;
out:
	free(ids);
	side_close(&mg.b);
	side_close(&mg.o);
	side_close(&mg.t);
	return rc;
}

void merge_free(struct merge *m)
{
	for (size_t r = 0; m->out && r < m->out->nrows; r++) {
		for (size_t c = 0; m->alt[r] && c < m->out->ncols; c++)
			free(m->alt[r][c]);
		free(m->alt[r]);
	}
	free(m->alt);
	table_free(m->out);
	for (size_t i = 0; i < m->nc; i++) {
		free(m->c[i].id);
		free(m->c[i].field);
		free(m->c[i].base);
		free(m->c[i].ours);
		free(m->c[i].theirs);
		free(m->c[i].ours_at);
		free(m->c[i].theirs_at);
	}
	free(m->c);
	memset(m, 0, sizeof *m);
}

/* The merged table as CSV; a record left in conflict (strict) between
 * git's markers, ours' version then theirs'. */
void merge_format(const struct merge *m, struct buf *b)
{
	const struct table *t = m->out;

	csv_buf_row(b, t->cols, t->ncols, ',');
	for (size_t r = 0; r < t->nrows; r++) {
		if (m->alt[r])
			buf_adds(b, "<<<<<<< ours\n");
		csv_buf_row(b, t->rows[r], t->ncols, ',');
		if (!m->alt[r])
			continue;
		buf_adds(b, "=======\n");
		csv_buf_row(b, m->alt[r], t->ncols, ',');
		buf_adds(b, ">>>>>>> theirs\n");
	}
}

static const char *side_name(int kept)
{
	return kept == 'o' ? "ours" : kept == 't' ? "theirs" : "";
}

void merge_conflict_json(struct buf *b, const char *at, const char *by,
			 const char *file, const struct merge_conflict *c)
{
	int field = c->kind == MERGE_FIELD;

	buf_addc(b, '{');
	json_add_pair(b, "at", at);
	json_add_pair(b, "by", by);
	json_add_pair(b, "file", file);
	json_add_pair(b, "id", c->id);
	json_add_pair(b, "conflict", field ? "field" : "deleted");
	if (field) {
		json_add_pair(b, "field", c->field);
		json_add_pair(b, "base", c->base);
		json_add_pair(b, "ours", c->ours);
		json_add_pair(b, "theirs", c->theirs);
		json_add_pair(b, "ours_at", c->ours_at);
		json_add_pair(b, "theirs_at", c->theirs_at);
	}
	json_add_pair(b, "kept", side_name(c->kept));
	buf_adds(b, "}\n");
}

/* ---- logs ------------------------------------------------------------------------ */

struct lines {
	const char **s;
	size_t *len, n;
};

static void split_lines(const char *text, size_t len, struct lines *l)
{
	const char *p = text, *end = text + len;

	memset(l, 0, sizeof *l);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		l->s = xrealloc(l->s, (l->n + 1) * sizeof *l->s);
		l->len = xrealloc(l->len, (l->n + 1) * sizeof *l->len);
		l->s[l->n] = p;
		l->len[l->n++] = n;
		p += n + 1;
	}
}

/* The count slot of a line in a map keyed by its text. */
static void **line_slot(struct strmap *m, const char *s, size_t n)
{
	char *key = xstrndup(s, n);
	void **slot = strmap_slot(m, key);

	free(key);
	return slot;
}

void merge_logs(const char *ours, size_t olen, const char *theirs,
		size_t tlen, struct buf *out)
{
	struct lines o, t;
	struct strmap *have = strmap_new();

	split_lines(ours, olen, &o);
	split_lines(theirs, tlen, &t);
	for (size_t i = 0; i < o.n; i++) {
		void **c = line_slot(have, o.s[i], o.len[i]);

		*c = (void *)((intptr_t)*c + 1);
		buf_add(out, o.s[i], o.len[i]);
		buf_addc(out, '\n');
	}
	/* A line theirs has k times comes in as often as ours lacks it. */
	for (size_t i = 0; i < t.n; i++) {
		void **c = line_slot(have, t.s[i], t.len[i]);
		intptr_t left = (intptr_t)*c;

		*c = (void *)(left - 1);
		if (t.len[i] == 0 || left > 0)
			continue;
		buf_add(out, t.s[i], t.len[i]);
		buf_addc(out, '\n');
	}
	free(o.s);
	free(o.len);
	free(t.s);
	free(t.len);
	strmap_free(have);
}
