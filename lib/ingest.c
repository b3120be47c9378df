/* ingest.c - imported rows landing in the tables
 *
 * The importer (import.c) turns a source row into values by field; this
 * file decides where each value goes and which records a row makes:
 *
 * - leads: one lead a row, deduplicated on e-mail, phone and the
 *   source's record id against the table and the file itself.
 * - customers: the row's customer, matched by name (ignoring case and
 *   spacing) or created; with a contact person in the row, that contact,
 *   matched within the customer by e-mail, phone or name, or created.
 *   E-mail, phone, title and WeChat are the contact's when the row names
 *   one, else the customer's own.
 * - opportunities: the deal, its customer (by id, or by name as above,
 *   created if new, with the columns only customers have) and its contact
 *   as above; a deal without a contact gets the customer's main one and
 *   one without an owner the customer's owner, as with crm-opp add.
 *
 * A row is checked whole before anything is created, so a reject leaves
 * nothing behind, not even a history line.  Tables are written together
 * at the end by store_commit (all or nothing).
 *
 * A million-row lead export streams: a new lead is not kept in memory
 * but written at once, as its CSV line without the id, to a scratch file
 * in the data directory (the spool); memory holds the dedupe keys (a
 * 64-bit hash and a reference each) and an offset and length a new lead.
 * At the end the new leads get their ids: as many fresh random ids as
 * there are leads, sorted, given out in spool order, so that the spool
 * is read once from start to end while leads.csv is written merging the
 * table's rows and the spooled ones by id (tables stay sorted by id).
 * Their creation lines go to history then, spilled to disk as they
 * grow.  A spooled lead that a later row updates (--on-dup update) is
 * read back into the table first, with an id of its own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KEY_MAX 512

enum dest { D_TARGET, D_CUSTOMER, D_CONTACT, D_NONE };

/* Dedupe keys of leads: a 64-bit hash of kind and value -> a reference
 * (a table row r as r, spooled lead k as -(k + 2)), kept in a u64map as
 * ref - NO_REF (never 0).  Two keys with the same hash are taken as the
 * same key: at a million rows the odds are about one in 10^7. */

/* A spooled lead: where its line is in the spool, and its row in the
 * table once read back (-1 until then; len 0 after). */
struct spooled {
	uint64_t off;
	uint32_t len;
	long row;
};

#define NO_REF (-1L)
#define SPOOL_REF(k) (-(long)(k) - 2)
#define SPOOL_INDEX(ref) ((size_t)(-(ref) - 2))
#define SPILL_AT (4 << 20)

struct ingest {
	struct store *st;
	struct import *im;
	const struct table_def *def;
	int leads, customers, opps;   /* which target */
	unsigned match;
	enum ingest_dup on_dup;
	const struct pipelines *ps;
	const struct pipeline *pipe;
	struct table *t, *cust, *contacts;
	struct strmap *keys;          /* "e:..." "p:..." "i:..." "n:..." */
	struct strmap *names;         /* customer name key -> row + 1 */
	struct strmap *ckeys;         /* "CUST\te:..." -> contact row + 1 */
	struct strmap *mains;         /* customer id -> main contact row + 1 */
	size_t ncols;
	enum dest *dest;              /* per import column */
	long col_customer, col_contact, col_email, col_phone, col_sid;
	long col_name, col_stage, col_pipeline;
	struct ingest_counts n;
	char **norm;                  /* per import column: stored form */
	const struct col_def **tdef;  /* per import column: in the target */
	/* leads: the spool */
	struct u64map *dedupe;   /* made when first needed */
	FILE *spool;
	uint64_t spool_end;
	struct spooled *sp;
	size_t nsp, capsp;
	size_t spool_ncols;           /* fields of a spooled line */
	size_t base_ncols;            /* the table's columns before */
	char *used;                   /* per column: a spooled lead has it */
	int *tcol;                    /* per import column: column in t */
	char **cells;
	int c_status, c_created, c_updated, c_email, c_phone, c_sid;
	char today[16];
	struct buf line;
	/* the row's source id when it is one of the table's own ids (crm's
	 * own records moving between data directories): kept as the id
	 * when no record has it yet */
	char own[ID_MAX];
	long own_row;                 /* the record that has it, or -1 */
	int keep_id;
	struct strmap *ids;           /* id -> target row + 1, made when asked */
	struct strmap *cust_ids;      /* the same for customers of deals */
	struct strmap *contact_ids;   /* and for their contacts */
	char (*newids)[16];           /* the spooled leads', sorted */
	size_t nnewids, nlogged;
};

/* ---- keys ---------------------------------------------------------------- */

void name_key(const char *s, char *out, size_t n)
{
	size_t k = 0;

	if (!n)
		return;
	while (*s && k + 4 < n) {
		if (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
			s++;
		} else if (!strncmp(s, "\xc2\xa0", 2)) {
			s += 2;
		} else if (!strncmp(s, "\xe3\x80\x80", 3)) {
			s += 3;
		} else {
			out[k++] = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
			s++;
		}
	}
	out[k] = '\0';
}

static void put_key(struct strmap *m, const char *pre, char kind,
		    const char *v, size_t row, int keep_first)
{
	struct buf b = {0};
	void **slot;

	if (!*v)
		return;
	buf_printf(&b, "%s%c:%s", pre, kind, v);
	slot = strmap_slot(m, b.s);
	if (!*slot || !keep_first)
		*slot = (void *)(intptr_t)(row + 1);
	buf_free(&b);
}

static long get_key(const struct strmap *m, const char *pre, char kind,
		    const char *v)
{
	struct buf b = {0};
	long r;

	if (!*v)
		return -1;
	buf_printf(&b, "%s%c:%s", pre, kind, v);
	r = (long)(intptr_t)strmap_get(m, b.s) - 1;
	buf_free(&b);
	return r;
}

/* The key of a value of kind e (e-mail), p (phone) or n (name). */
static void norm(char kind, const char *v, char *out, size_t n)
{
	if (kind == 'e')
		import_norm_email(v, out, n);
	else if (kind == 'p')
		import_norm_phone(v, out, n);
	else
		name_key(v, out, n);
}

static uint64_t key_hash(char kind, const char *v)
{
	uint64_t h = hash_add(hash_add(HASH_SEED, &kind, 1), v, strlen(v));

	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 32;
	return h ? h : 1;
}

static void keymap_put(struct ingest *g, char kind, const char *v,
		       long ref)
{
	if (!*v)
		return;
	if (!g->dedupe)
		g->dedupe = u64map_new();
	*u64map_slot(g->dedupe, key_hash(kind, v)) = (void *)(intptr_t)(ref -
								      NO_REF);
}

static long keymap_get(const struct ingest *g, char kind, const char *v)
{
	intptr_t ref;

	if (!*v || !g->dedupe)
		return NO_REF;
	ref = (intptr_t)u64map_get(g->dedupe, key_hash(kind, v));
	return ref ? (long)ref + NO_REF : NO_REF;
}

static void keymap_prefetch(const struct ingest *g, char kind, const char *v)
{
	if (*v && g->dedupe)
		u64map_prefetch(g->dedupe, key_hash(kind, v));
}

/* A lead's keys: its e-mail, phone and source id. */
static void index_lead(struct ingest *g, const char *email,
		       const char *phone, const char *sid, long ref)
{
	char k[KEY_MAX];

	norm('e', email, k, sizeof k);
	keymap_put(g, 'e', k, ref);
	norm('p', phone, k, sizeof k);
	keymap_put(g, 'p', k, ref);
	keymap_put(g, 'i', sid, ref);
}

/* The dedupe keys of target row r. */
static void index_target(struct ingest *g, size_t r)
{
	char k[KEY_MAX];
	const struct table *t = g->t;

	if (g->leads) {
		index_lead(g, table_get(t, r, "email"), table_get(t, r, "phone"),
			   table_get(t, r, "source_id"), (long)r);
		return;
	}
	if (g->opps) {
		struct buf b = {0};

		name_key(table_get(t, r, "name"), k, sizeof k);
		buf_printf(&b, "%s\t%s", table_get(t, r, "customer"), k);
		put_key(g->keys, "", 'n', b.s, r, 1);
		buf_free(&b);
	}
	put_key(g->keys, "", 'i', table_get(t, r, "source_id"), r, 0);
}

static void index_customer(struct ingest *g, size_t r)
{
	char k[KEY_MAX];

	name_key(table_get(g->cust, r, "name"), k, sizeof k);
	if (*k && !strmap_get(g->names, k))
		*strmap_slot(g->names, k) = (void *)(intptr_t)(r + 1);
}

static void index_contact(struct ingest *g, size_t r)
{
	const struct table *c = g->contacts;
	const char *cust = table_get(c, r, "customer");
	char k[KEY_MAX], pre[ID_MAX + 2];
	void **slot;

	snprintf(pre, sizeof pre, "%s\t", cust);
	for (const char *kinds = "epn"; *kinds; kinds++) {
		norm(*kinds, table_get(c, r, *kinds == 'e' ? "email" :
				       *kinds == 'p' ? "phone" : "name"),
		     k, sizeof k);
		put_key(g->ckeys, pre, *kinds, k, r, 1);
	}
	/* The main contact: the one marked primary, else the first. */
	slot = strmap_slot(g->mains, cust);
	if (!*slot || (!strcmp(table_get(c, r, "primary"), "yes") &&
		       strcmp(table_get(c, (size_t)(intptr_t)*slot - 1,
					"primary"), "yes")))
		*slot = (void *)(intptr_t)(r + 1);
}

/* ---- where each column goes ---------------------------------------------- */

static int is_contact_field(const char *f)
{
	return !strcmp(f, "title") || !strcmp(f, "wechat") ||
	       !strcmp(f, "email") || !strcmp(f, "phone");
}

static enum dest dest_of(const struct ingest *g, const char *f)
{
	const struct table_def *cd = table_def_find("customers");

	if (g->leads)
		return D_TARGET;
	if (!strcmp(f, "contact"))
		return g->opps ? D_NONE : D_CONTACT;
	if (is_contact_field(f))
		return D_CONTACT;     /* or the target's: see row_dest() */
	if (g->opps && !strcmp(f, "customer"))
		return D_NONE;
	if (g->opps && table_def_col(cd, f) && !table_def_col(g->def, f))
		return D_CUSTOMER;
	return D_TARGET;
}

static long col_of(const struct import *im, const char *field)
{
	for (size_t i = 0; i < import_ncols(im); i++)
		if (!strcmp(import_field(im, i), field))
			return (long)i;
	return -1;
}

static const char *val(const struct import_row *row, long col)
{
	return col < 0 ? "" : row->vals[col];
}

/* Column i of this row: a contact field goes to the contact only when
 * the row names one. */
static enum dest row_dest(const struct ingest *g,
			  const struct import_row *row, size_t i)
{
	if (g->dest[i] == D_CONTACT && !*val(row, g->col_contact) &&
	    strcmp(import_field(g->im, i), "contact"))
		return D_TARGET;
	return g->dest[i];
}

static void note_id(struct ingest *g, size_t r);

/* ---- the spool of new leads ---------------------------------------------- */

/* Every field a lead may get is a column before the first is spooled,
 * so that spooled lines and the table agree. */
static int spool_begin(struct ingest *g, struct crm_err *err)
{
	struct table *t = g->t;

	g->base_ncols = t->ncols;
	g->tcol = xcalloc(g->ncols + 1, sizeof *g->tcol);
	for (size_t i = 0; i < g->ncols; i++)
		g->tcol[i] = table_add_col(t, import_field(g->im, i));
	g->c_status = table_col(t, "status");
	g->c_created = table_col(t, "created");
	g->c_updated = table_col(t, "updated");
	g->c_email = table_col(t, "email");
	g->c_phone = table_col(t, "phone");
	g->c_sid = table_col(t, "source_id");
	g->spool_ncols = t->ncols;
	g->cells = xcalloc(t->ncols + 1, sizeof *g->cells);
	g->used = xcalloc(t->ncols + 1, 1);
	date_format(date_today(), g->today);
	if (!(g->spool = store_tmpfile(g->st, err)))
		return -1;
	return 0;
}

static long lead_duplicate(struct ingest *g, const struct import_row *row)
{
	char ke[KEY_MAX], kp[KEY_MAX];
	long r = NO_REF;

	/* Both slots asked for at once: the table is big, each is a miss. */
	norm('e', val(row, g->col_email), ke, sizeof ke);
	norm('p', val(row, g->col_phone), kp, sizeof kp);
	keymap_prefetch(g, 'e', ke);
	keymap_prefetch(g, 'p', kp);
	if ((g->match & MATCH_ID) && g->col_sid >= 0)
		r = keymap_get(g, 'i', val(row, g->col_sid));
	if (r == NO_REF && (g->match & MATCH_EMAIL))
		r = keymap_get(g, 'e', ke);
	if (r == NO_REF && (g->match & MATCH_PHONE))
		r = keymap_get(g, 'p', kp);
	if (r < NO_REF && g->sp[SPOOL_INDEX(r)].row >= 0)
		r = g->sp[SPOOL_INDEX(r)].row;
	return r;
}

static const char *cell(struct ingest *g, int c)
{
	return c < 0 ? "" : g->cells[c];
}

/* A new lead of the row's checked values (g->norm), written to the
 * spool with an empty id; its keys indexed. */
static int spool_lead(struct ingest *g, const struct import_row *row,
		      struct crm_err *err)
{
	struct spooled *e;

	for (size_t c = 0; c < g->spool_ncols; c++)
		g->cells[c] = "";
	g->cells[g->c_created] = g->cells[g->c_updated] = g->today;
	for (size_t i = 0; i < g->ncols; i++)
		if (*row->vals[i] && g->tcol[i] > 0)
			g->cells[g->tcol[i]] = g->norm[i] ? g->norm[i]
							  : row->vals[i];
	if (!*g->cells[g->c_status])
		g->cells[g->c_status] = "new";
	for (size_t c = g->base_ncols; c < g->spool_ncols; c++)
		g->used[c] |= *g->cells[c] != '\0';
	buf_reset(&g->line);
	csv_buf_row(&g->line, g->cells, g->spool_ncols, ',');
	if (fwrite(g->line.s, 1, g->line.len, g->spool) != g->line.len)
		return crm_errf(err, NULL, 0, "cannot write a scratch file: "
				"%s", strerror(errno));
	if (g->nsp == g->capsp) {
		g->capsp = g->capsp ? g->capsp * 2 : 1024;
		g->sp = xrealloc(g->sp, g->capsp * sizeof *g->sp);
	}
	e = &g->sp[g->nsp];
	e->off = g->spool_end;
	e->len = (uint32_t)g->line.len;
	e->row = -1;
	g->spool_end += g->line.len;
	index_lead(g, cell(g, g->c_email), cell(g, g->c_phone),
		   cell(g, g->c_sid), SPOOL_REF(g->nsp));
	g->nsp++;
	return 0;
}

/* The spooled line of entry e into b (NUL-terminated), read at its
 * offset, or (seq) next from where the last read ended. */
static int spool_line(struct ingest *g, const struct spooled *e, int seq,
		      struct buf *b, struct crm_err *err)
{
	size_t n;

	buf_reset(b);
	if (b->cap < (size_t)e->len + 1) {
		b->cap = (size_t)e->len + 1;
		b->s = xrealloc(b->s, b->cap);
	}
	if (!seq && fseeko(g->spool, (off_t)e->off, SEEK_SET) < 0)
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				strerror(errno));
	n = fread(b->s, 1, e->len, g->spool);
	if (n != e->len)
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				ferror(g->spool) ? strerror(errno)
						 : "short read");
	b->len = e->len;
	b->s[b->len] = '\0';
	return 0;
}

static int read_back_row(void *ctx, char **f, size_t n, long line,
			 struct crm_err *err)
{
	struct table *t = ctx;
	size_t r = table_add_row(t);

	for (size_t c = 1; c < n && c < t->ncols; c++) {
		free(t->rows[r][c]);
		t->rows[r][c] = xstrdup(f[c]);
	}
	return 0;
}

/* Spooled lead k into the table (a later row updates it), with a fresh
 * id and its creation in history: its row. */
static long spool_read_back(struct ingest *g, size_t k, struct crm_err *err)
{
	struct spooled *e = &g->sp[k];
	struct csv_opts o = {0};
	char id[ID_MAX];
	long r;

	if (e->row >= 0)
		return e->row;
	o.delim = ',';
	if (fflush(g->spool) == EOF || spool_line(g, e, 0, &g->line, err) < 0 ||
	    fseeko(g->spool, 0, SEEK_END) < 0 ||
	    csv_read_mem(g->line.s, g->line.len, "spool", &o, read_back_row,
			 g->t, err) < 0)
		return -1;
	r = (long)g->t->nrows - 1;
	table_new_id(g->t, id);
	table_set(g->t, (size_t)r, "id", id);
	history_append(g->st, g->def->entity, id, "id", "", id);
	note_id(g, (size_t)r);
	e->row = r;
	e->len = 0;
	return r;
}

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp((*(char ***)a)[0], (*(char ***)b)[0]);
}

/* Ids for the spooled leads still there, sorted, into g->newids (their
 * creation goes to history once the table is in place). */
static void spool_ids(struct ingest *g)
{
	char id[ID_MAX];
	size_t n = 0;

	for (size_t k = 0; k < g->nsp; k++)
		n += g->sp[k].len > 0;
	g->newids = xcalloc(n + 1, sizeof *g->newids);
	for (size_t k = 0; k < n; k++) {
		table_new_id(g->t, id);
		snprintf(g->newids[k], sizeof g->newids[k], "%.15s", id);
	}
	qsort(g->newids, n, sizeof *g->newids, cmp_ids);
	g->nnewids = n;
}

/* The creation of the spooled leads queued, spilled to disk a few MB at
 * a time; the commit's journal appends them with the rest. */
static int log_new_leads(struct ingest *g, struct crm_err *err)
{
	while (g->nlogged < g->nnewids) {
		const char *id = g->newids[g->nlogged++];

		history_append(g->st, g->def->entity, id, "id", "", id);
		if (g->st->pending_history.len >= SPILL_AT &&
		    store_spill_logs(g->st, err) < 0)
			return -1;
	}
	return 0;
}

/* The columns written: a field the import added for its leads stays
 * only when one of them has it (as a column is made by the first value
 * in it).  n of them; *all when every column is. */
static size_t *kept_columns(struct ingest *g, size_t *n, int *all)
{
	const struct table *t = g->t;
	size_t *keep = xcalloc(t->ncols + 1, sizeof *keep);
	int used;

	*n = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		used = c < g->base_ncols || (c < g->spool_ncols && g->used[c]);
		for (size_t r = 0; !used && r < t->nrows; r++)
			used = *t->rows[r][c] != '\0';
		if (used)
			keep[(*n)++] = c;
	}
	*all = *n == t->ncols;
	return keep;
}

struct put {
	FILE *out;
	const size_t *keep;
	size_t nkeep;
	char **cells;
	const char *id;        /* a spooled lead's */
};

static int put_fields(void *ctx, char **f, size_t n, long line,
		      struct crm_err *err)
{
	struct put *p = ctx;

	for (size_t i = 0; i < p->nkeep; i++)
		p->cells[i] = p->keep[i] < n ? f[p->keep[i]] : "";
	if (p->id)
		p->cells[0] = (char *)p->id;
	csv_write_row(p->out, p->cells, p->nkeep, ',');
	return 0;
}

/* A spooled line, its id first, as a record of the columns written. */
static int put_spooled(struct ingest *g, struct put *p, int all,
		       const struct buf *b, const char *id,
		       struct crm_err *err)
{
	struct csv_opts o = {0};
	int rc = 0;

	if (!all) {
		o.delim = ',';
		p->id = id;
		rc = csv_read_mem(b->s, b->len, "spool", &o, put_fields, p,
				  err);
		p->id = NULL;
		return rc;
	}
	fputs(id, p->out);
	fwrite(b->s, 1, b->len - 1, p->out);
	for (size_t c = g->spool_ncols; c < g->t->ncols; c++)
		putc(',', p->out);
	putc('\n', p->out);
	return 0;
}

/* The table's rows and the spooled leads (read once, in order), merged
 * by id. */
static int write_merged(struct ingest *g, struct atomic_file *a,
			struct crm_err *err)
{
	struct table *t = g->t;
	char ***rows = xcalloc(t->nrows + 1, sizeof *rows);
	struct put p = {a->fp, NULL, 0, NULL, NULL};
	struct buf b = {0};
	size_t i = 0, k = 0, j = 0, nids;
	uint64_t pos = 0;
	char (*ids)[16];
	int rc = 0, all;

	spool_ids(g);
	ids = g->newids;
	nids = g->nnewids;
	if (fflush(g->spool) == EOF || fseeko(g->spool, 0, SEEK_SET) < 0) {
		free(rows);
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				strerror(errno));
	}
	p.keep = kept_columns(g, &p.nkeep, &all);
	p.cells = xcalloc(p.nkeep + 1, sizeof *p.cells);
	if (t->nrows) {
		memcpy(rows, t->rows, t->nrows * sizeof *rows);
		qsort(rows, t->nrows, sizeof *rows, cmp_rows);
	}
	put_fields(&p, t->cols, t->ncols, 0, err);
	while (rc == 0 && (i < t->nrows || j < nids)) {
		while (k < g->nsp && !g->sp[k].len)
			k++;
		if (j == nids || (i < t->nrows && strcmp(rows[i][0], ids[j]) < 0))
			put_fields(&p, rows[i++], t->ncols, 0, err);
		else if ((rc = spool_line(g, &g->sp[k], g->sp[k].off == pos,
					  &b, err)) == 0) {
			pos = g->sp[k].off + g->sp[k].len;
			rc = put_spooled(g, &p, all, &b, ids[j++], err);
			k++;
		}
	}
	free(rows);
	free((void *)p.keep);
	free(p.cells);
	buf_free(&b);
	return rc;
}

/* store_commit's writer: the target of a lead import merged with its
 * spool, any other table as it is. */
static int write_table(void *ctx, struct table *t, struct atomic_file *a,
		       struct crm_err *err)
{
	struct ingest *g = ctx;

	if (t != g->t || !g->spool)
		return table_write_temp(t, a, err);
	if (fflush(g->spool) == EOF)
		return crm_errf(err, NULL, 0, "cannot write a scratch file: "
				"%s", strerror(errno));
	if (atomic_begin(a, t->path, err) < 0)
		return -1;
	if (write_merged(g, a, err) < 0 || log_new_leads(g, err) < 0) {
		atomic_abort(a);
		return -1;
	}
	return atomic_sync(a, err);
}

/* ---- setting up ---------------------------------------------------------- */

static struct table *load(struct ingest *g, const char *name,
			  struct crm_err *err)
{
	return store_table(g->st, name, err);
}

/* Where each column of the import goes, and which are which. */
static void import_columns(struct ingest *g, struct import *im)
{
	g->ncols = import_ncols(im);
	g->dest = xcalloc(g->ncols + 1, sizeof *g->dest);
	g->norm = xcalloc(g->ncols + 1, sizeof *g->norm);
	g->tdef = xcalloc(g->ncols + 1, sizeof *g->tdef);
	for (size_t i = 0; i < g->ncols; i++) {
		g->dest[i] = dest_of(g, import_field(im, i));
		g->tdef[i] = table_def_col(g->def, import_field(im, i));
	}
	g->col_customer = col_of(im, g->customers ? "name" : "customer");
	g->col_contact = col_of(im, "contact");
	g->col_email = col_of(im, "email");
	g->col_phone = col_of(im, "phone");
	g->col_sid = col_of(im, "source_id");
	g->col_name = col_of(im, "name");
	g->col_stage = col_of(im, "stage");
	g->col_pipeline = col_of(im, "pipeline");
}

struct ingest *ingest_begin(struct store *s, struct import *im,
			    const struct ingest_opts *o, struct crm_err *err)
{
	struct ingest *g = xcalloc(1, sizeof *g);

	g->st = s;
	g->im = im;
	g->def = table_def_find(o->table);
	g->leads = !strcmp(o->table, "leads");
	g->customers = !strcmp(o->table, "customers");
	g->opps = !strcmp(o->table, "opportunities");
	g->match = o->match;
	g->on_dup = o->on_dup;
	g->ps = o->pipelines;
	g->pipe = o->pipeline;
	if (!(g->t = load(g, o->table, err)) ||
	    (!g->leads && !(g->contacts = load(g, "contacts", err))) ||
	    (g->opps && !(g->cust = load(g, "customers", err)))) {
		ingest_free(g);
		return NULL;
	}
	if (g->customers)
		g->cust = g->t;
	g->keys = strmap_new();
	g->names = strmap_new();
	g->ckeys = strmap_new();
	g->mains = strmap_new();
	for (size_t r = 0; r < g->t->nrows; r++)
		index_target(g, r);
	for (size_t r = 0; g->cust && r < g->cust->nrows; r++)
		index_customer(g, r);
	for (size_t r = 0; g->contacts && r < g->contacts->nrows; r++)
		index_contact(g, r);
	import_columns(g, im);
	if (g->leads && spool_begin(g, err) < 0) {
		ingest_free(g);
		return NULL;
	}
	return g;
}

void ingest_free(struct ingest *g)
{
	if (!g)
		return;
	if (g->cust != g->t)
		table_free(g->cust);
	table_free(g->t);
	table_free(g->contacts);
	strmap_free(g->keys);
	strmap_free(g->names);
	strmap_free(g->ckeys);
	strmap_free(g->mains);
	free(g->dest);
	for (size_t i = 0; g->norm && i < g->ncols; i++)
		free(g->norm[i]);
	free(g->norm);
	free(g->tdef);
	u64map_free(g->dedupe);
	if (g->spool)
		fclose(g->spool);
	free(g->sp);
	free(g->tcol);
	free(g->cells);
	free(g->used);
	buf_free(&g->line);
	strmap_free(g->ids);
	strmap_free(g->cust_ids);
	strmap_free(g->contact_ids);
	free(g->newids);
	free(g);
}

const struct ingest_counts *ingest_counts(const struct ingest *g)
{
	return &g->n;
}

int ingest_commit(struct ingest *g, struct crm_err *err)
{
	struct table *tables[4] = {NULL};
	size_t k = 0;

	if (g->cust && g->cust != g->t && g->n.customers_new)
		tables[k++] = g->cust;
	if (g->contacts && g->n.contacts_new)
		tables[k++] = g->contacts;
	tables[k++] = g->t;
	return store_commit_via(g->st, tables, write_table, g, err);
}

/* ---- a row --------------------------------------------------------------- */

/* A new target record is known by its id. */
static void note_id(struct ingest *g, size_t r)
{
	if (g->ids)
		*strmap_slot(g->ids, g->t->rows[r][0]) = (void *)(intptr_t)(r + 1);
}

/* Is the row's source id one of the table's own (C-..., O-...)?  Then
 * g->own is it, g->own_row the record that has it, and g->keep_id says
 * a new record takes it. */
static void own_id(struct ingest *g, const struct import_row *row)
{
	const char *v = val(row, g->col_sid);

	g->own[0] = '\0';
	g->own_row = -1;
	g->keep_id = 0;
	if (!*v || strlen(v) >= ID_MAX)
		return;
	snprintf(g->own, ID_MAX, "%s", v);
	id_normalize(g->own);
	if (!id_valid(g->own, g->def->id_type)) {
		g->own[0] = '\0';
		return;
	}
	if (!g->ids)
		g->ids = table_index_by(g->t, "id");
	g->own_row = table_index_row(g->ids, g->own);
	g->keep_id = g->own_row < 0;
}

/* A new target record: the row's own id, else a fresh one. */
static size_t new_target(struct ingest *g, struct table *t)
{
	size_t r = g->keep_id && t == g->t ? record_new_as(g->st, t, g->own)
					   : record_new(g->st, t);

	if (t == g->t)
		note_id(g, r);
	return r;
}

/* The target record this row duplicates, by the --match keys; -1. */
static long duplicate_of(struct ingest *g, const struct import_row *row,
			 long cust)
{
	char k[KEY_MAX];
	long r = -1;

	if ((g->match & MATCH_ID) && g->own_row >= 0)
		return g->own_row;
	if (g->leads)
		return lead_duplicate(g, row);
	if ((g->match & MATCH_ID) && g->col_sid >= 0)
		r = get_key(g->keys, "", 'i', val(row, g->col_sid));
	if (r < 0 && (g->match & MATCH_EMAIL) && g->leads) {
		norm('e', val(row, g->col_email), k, sizeof k);
		r = get_key(g->keys, "", 'e', k);
	}
	if (r < 0 && (g->match & MATCH_PHONE) && g->leads) {
		norm('p', val(row, g->col_phone), k, sizeof k);
		r = get_key(g->keys, "", 'p', k);
	}
	if (r < 0 && (g->match & MATCH_NAME) && g->customers)
		r = cust;
	if (r < 0 && (g->match & MATCH_NAME) && g->opps && cust >= 0) {
		struct buf b = {0};

		name_key(val(row, g->col_name), k, sizeof k);
		buf_printf(&b, "%s\t%s", g->cust->rows[cust][0], k);
		r = get_key(g->keys, "", 'n', b.s);
		buf_free(&b);
	}
	return r;
}

/* The existing customer the row names, -1 when none (a new one), -2 and
 * why when it names an id that is not there. */
static long find_customer(struct ingest *g, const char *v,
			  struct crm_err *why)
{
	char k[KEY_MAX];
	long r;

	if (!*v)
		return -1;
	name_key(v, k, sizeof k);
	if ((r = (long)(intptr_t)strmap_get(g->names, k) - 1) >= 0)
		return r;
	if ((v[0] == 'C' || v[0] == 'c') && v[1] == '-' && g->opps) {
		char id[ID_MAX];
		int whole;

		snprintf(id, sizeof id, "%s", v);
		id_normalize(id);
		whole = strlen(v) < ID_MAX && id_valid(id, 'C');
		/* A whole id by index (a deal sheet of a million); a prefix
		 * by a scan. */
		if (whole && !g->cust_ids)
			g->cust_ids = table_index_by(g->cust, "id");
		r = whole ? table_index_row(g->cust_ids, id)
			  : table_find_id(g->cust, v, why);
		if (whole && r < 0)
			crm_errf(why, NULL, 0, "unknown customer '%s'", v);
		/* "C-Suite Partners" is a name that looks like an id. */
		return r >= 0 ? r : whole ? -2 : -1;
	}
	return -1;
}

/* The contact of customer cust the row names, or -1. */
static long find_contact(struct ingest *g, const struct import_row *row,
			 const char *cust)
{
	char k[KEY_MAX], pre[ID_MAX + 2];
	long r;

	snprintf(pre, sizeof pre, "%s\t", cust);
	norm('e', val(row, g->col_email), k, sizeof k);
	if ((r = get_key(g->ckeys, pre, 'e', k)) >= 0)
		return r;
	norm('p', val(row, g->col_phone), k, sizeof k);
	if ((r = get_key(g->ckeys, pre, 'p', k)) >= 0)
		return r;
	norm('n', val(row, g->col_contact), k, sizeof k);
	return get_key(g->ckeys, pre, 'n', k);
}

/* Would every value of the row go where it goes? */
static int check_values(struct ingest *g, const struct import_row *row,
			struct crm_err *why)
{
	static const char *const names[] = {
		[D_TARGET] = NULL, [D_CUSTOMER] = "customers",
		[D_CONTACT] = "contacts"
	};

	for (size_t i = 0; i < g->ncols; i++) {
		enum dest d = row_dest(g, row, i);
		const struct table_def *def = d == D_TARGET ? g->def :
			d == D_NONE ? NULL : table_def_find(names[d]);
		const char *f = import_field(g->im, i);
		char *v;

		const struct col_def *cd;

		free(g->norm[i]);
		g->norm[i] = NULL;
		if (!def || !*row->vals[i] ||
		    (d == D_CONTACT && !strcmp(f, "contact")))
			continue;
		/* Custom fields pass as they are. */
		cd = d == D_TARGET ? g->tdef[i] : table_def_col(def, f);
		if (!cd)
			continue;
		if (!(v = col_normalize(cd, f, row->vals[i], why)))
			return -1;
		g->norm[i] = v;
	}
	return 0;
}

/* The pipeline and stage a new deal gets; NULL pipeline with why. */
static const struct pipeline *deal_stage(struct ingest *g,
					 const struct import_row *row,
					 const struct stage **st,
					 struct crm_err *why)
{
	const char *pname = val(row, g->col_pipeline);
	const char *sname = val(row, g->col_stage);
	const struct pipeline *p = *pname ? pipeline_find(g->ps, pname)
					  : g->pipe;

	if (!p) {
		crm_errf(why, NULL, 0, "unknown pipeline '%s' (not in "
			 "crm.conf)", pname);
		return NULL;
	}
	*st = *sname ? pipeline_stage(p, sname) : pipeline_first(p);
	if (!*st) {
		crm_errf(why, NULL, 0, "stage '%s' is not in pipeline '%s'",
			 sname, p->name);
		return NULL;
	}
	return p;
}

/* Reasons a row of this target can't be taken, before anything is made. */
static int check_row(struct ingest *g, const struct import_row *row,
		     long cust, struct crm_err *why)
{
	const struct stage *st;

	if (g->customers && !*val(row, g->col_customer))
		return crm_errf(why, NULL, 0, "no customer name");
	if (g->opps && !*val(row, g->col_customer))
		return crm_errf(why, NULL, 0, "no customer");
	if (g->opps && !*val(row, g->col_name))
		return crm_errf(why, NULL, 0, "no deal name");
	if (g->opps && cust == -2)
		return -1;
	if (g->opps && !deal_stage(g, row, &st, why))
		return -1;
	return check_values(g, row, why);
}

/* "ACME Ltd" for "Acme  Ltd": a match by name does not rename. */
static int same_name(const char *a, const char *b)
{
	char ka[KEY_MAX], kb[KEY_MAX];

	name_key(a, ka, sizeof ka);
	name_key(b, kb, sizeof kb);
	return !strcmp(ka, kb);
}

/* Set (new record) or overwrite (logged) the row's values bound for d. */
static int apply(struct ingest *g, struct table *t, size_t r,
		 const struct import_row *row, enum dest d, int logged,
		 int fill_only, struct crm_err *err)
{
	for (size_t i = 0; i < g->ncols; i++) {
		const char *f = import_field(g->im, i);
		int rc;

		if (row_dest(g, row, i) != d || !*row->vals[i] ||
		    (d == D_CONTACT && !strcmp(f, "contact")) ||
		    (g->keep_id && t == g->t && !strcmp(f, "source_id")) ||
		    (g->opps && d == D_TARGET && (!strcmp(f, "stage") ||
						  !strcmp(f, "pipeline"))) ||
		    (logged && (!strcmp(f, "created") ||
				!strcmp(f, "updated"))))
			continue;
		if ((fill_only && *table_get(t, r, f)) ||
		    (logged && !strcmp(f, "name") &&
		     same_name(table_get(t, r, f), row->vals[i])))
			continue;
		rc = logged ? record_set(g->st, t, r, f, row->vals[i], err)
			    : record_init(g->st, t, r, f, row->vals[i], err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A new customer named by the row, with what the row says of it: the
 * customers' columns of a deal sheet, the whole row of a customer sheet. */
static long new_customer(struct ingest *g, const struct import_row *row,
			 struct crm_err *err)
{
	size_t r = new_target(g, g->cust);
	long owner = col_of(g->im, "owner"), source = col_of(g->im, "source");

	if (apply(g, g->cust, r, row, g->opps ? D_CUSTOMER : D_TARGET, 0, 0,
		  err) < 0)
		return -1;
	if (!*table_get(g->cust, r, "name"))
		table_set(g->cust, r, "name", val(row, g->col_customer));
	if (!*table_get(g->cust, r, "kind"))
		table_set(g->cust, r, "kind", "company");
	if (g->opps) {
		table_set(g->cust, r, "owner", val(row, owner));
		table_set(g->cust, r, "source", val(row, source));
	}
	index_customer(g, r);
	if (g->customers)
		index_target(g, r);
	if (g->cust_ids)
		*strmap_slot(g->cust_ids, g->cust->rows[r][0]) =
			(void *)(intptr_t)(r + 1);
	g->n.customers_new++;
	return (long)r;
}

/* The row's contact at customer cust: matched, or made when it names a
 * person.  Its id in out ("" when none). */
static int land_contact(struct ingest *g, const struct import_row *row,
			size_t cust, char *out, struct crm_err *err)
{
	const char *cid = g->cust->rows[cust][0];
	const char *name = val(row, g->col_contact);
	long r;

	out[0] = '\0';
	if (!*name)
		return 0;
	if (g->opps && id_valid(name, 'P')) {
		struct crm_err none;

		/* By index: a deal sheet of a million rows, each naming its
		 * contact.  An id of a contact not here: the customer's main
		 * one. */
		if (!g->contact_ids)
			g->contact_ids = table_index_by(g->contacts, "id");
		if ((r = table_index_row(g->contact_ids, name)) >= 0 ||
		    (r = table_find_id(g->contacts, name, &none)) >= 0)
			snprintf(out, ID_MAX, "%s", g->contacts->rows[r][0]);
		return 0;
	}
	if ((r = find_contact(g, row, cid)) >= 0) {
		g->n.contacts_matched++;
	} else {
		r = (long)record_new(g->st, g->contacts);
		table_set(g->contacts, (size_t)r, "customer", cid);
		table_set(g->contacts, (size_t)r, "name", name);
		table_set(g->contacts, (size_t)r, "primary",
			  strmap_get(g->mains, cid) ? "no" : "yes");
		if (apply(g, g->contacts, (size_t)r, row, D_CONTACT, 0, 0,
			  err) < 0)
			return -1;
		index_contact(g, (size_t)r);
		if (g->contact_ids)
			*strmap_slot(g->contact_ids, g->contacts->rows[r][0]) =
				(void *)(intptr_t)(r + 1);
		g->n.contacts_new++;
	}
	snprintf(out, ID_MAX, "%s", g->contacts->rows[r][0]);
	return 0;
}

/* A new deal of the row for customer cust with contact cid. */
static int new_deal(struct ingest *g, const struct import_row *row,
		    size_t cust, const char *cid, struct crm_err *err)
{
	const struct stage *st;
	const struct pipeline *p = deal_stage(g, row, &st, err);
	struct table *t = g->t;
	long main;
	size_t r;

	if (!p)
		return -1;
	r = new_target(g, t);
	table_set(t, r, "customer", g->cust->rows[cust][0]);
	if (apply(g, t, r, row, D_TARGET, 0, 0, err) < 0)
		return -1;
	main = (long)(intptr_t)strmap_get(g->mains, g->cust->rows[cust][0]) -
	       1;
	table_set(t, r, "contact", *cid ? cid : main >= 0 ?
		  g->contacts->rows[main][0] : "");
	if (!*table_get(t, r, "owner"))
		table_set(t, r, "owner", table_get(g->cust, cust, "owner"));
	table_set(t, r, "pipeline", p->name);
	table_set(t, r, "stage", st->name);
	/* A closed deal needs the day it closed: the expected one, else
	 * the day it came in. */
	if (!stage_is_open(st) && !*table_get(t, r, "closed"))
		table_set(t, r, "closed", *table_get(t, r, "close") ?
			  table_get(t, r, "close") : table_get(t, r, "created"));
	history_append(g->st, "opportunity", t->rows[r][0], "stage", "",
		       st->name);
	index_target(g, r);
	return 0;
}

/* A duplicate updated: mapped fields overwritten, with history; a deal's
 * stage too. */
static int update(struct ingest *g, const struct import_row *row, long dup,
		  struct crm_err *why)
{
	if (apply(g, g->t, (size_t)dup, row, D_TARGET, 1, 0, why) < 0)
		return INGEST_REJECTED;
	if (g->opps && *val(row, g->col_stage) &&
	    record_set(g->st, g->t, (size_t)dup, "stage",
		       val(row, g->col_stage), why) < 0)
		return INGEST_REJECTED;
	return INGEST_UPDATED;
}

/* A lead that keeps its own id: into the table, not the spool. */
static int table_lead(struct ingest *g, const struct import_row *row,
		      struct crm_err *err)
{
	size_t r = new_target(g, g->t);

	if (apply(g, g->t, r, row, D_TARGET, 0, 0, err) < 0)
		return -1;
	if (!*table_get(g->t, r, "status"))
		table_set(g->t, r, "status", "new");
	index_target(g, r);
	return 0;
}

static int lead_row(struct ingest *g, const struct import_row *row,
		    struct crm_err *why, struct crm_err *err)
{
	long dup = duplicate_of(g, row, -1);

	if (dup != NO_REF && g->on_dup == DUP_SKIP)
		return INGEST_DUPLICATE;
	if (dup < NO_REF && g->on_dup == DUP_UPDATE &&
	    (dup = spool_read_back(g, SPOOL_INDEX(dup), err)) < 0)
		return -1;
	if (dup >= 0 && g->on_dup == DUP_UPDATE)
		return update(g, row, dup, why);
	if (g->keep_id)
		return table_lead(g, row, err) < 0 ? -1 : INGEST_IMPORTED;
	return spool_lead(g, row, err) < 0 ? -1 : INGEST_IMPORTED;
}

/* A customer sheet's row: the customer (a duplicate when matched), then
 * its contact. */
static int customer_row(struct ingest *g, const struct import_row *row,
			long cust, struct crm_err *why, struct crm_err *err)
{
	long dup = duplicate_of(g, row, cust), c = dup;
	char cid[ID_MAX];
	int rc = INGEST_DUPLICATE;

	if (dup >= 0 && g->on_dup == DUP_UPDATE)
		rc = update(g, row, dup, why);
	if (dup >= 0 && g->on_dup != DUP_CREATE)
		g->n.customers_matched++;
	else if ((c = new_customer(g, row, err)) < 0)
		return -1;
	else
		rc = INGEST_IMPORTED;
	if (rc == INGEST_REJECTED)
		return rc;
	return land_contact(g, row, (size_t)c, cid, err) < 0 ? -1 : rc;
}

/* A deal sheet's row: its customer and contact, then the deal. */
static int deal_row(struct ingest *g, const struct import_row *row,
		    long cust, struct crm_err *why, struct crm_err *err)
{
	char cid[ID_MAX];
	long dup;

	if (cust >= 0) {
		g->n.customers_matched++;
		if (apply(g, g->cust, (size_t)cust, row, D_CUSTOMER, 1, 1,
			  err) < 0)
			return -1;
	} else if ((cust = new_customer(g, row, err)) < 0) {
		return -1;
	}
	if (land_contact(g, row, (size_t)cust, cid, err) < 0)
		return -1;
	dup = duplicate_of(g, row, cust);
	if (dup >= 0 && g->on_dup == DUP_SKIP)
		return INGEST_DUPLICATE;
	if (dup >= 0 && g->on_dup == DUP_UPDATE)
		return update(g, row, dup, why);
	return new_deal(g, row, (size_t)cust, cid, err) < 0 ? -1
							   : INGEST_IMPORTED;
}

static int land_row(struct ingest *g, const struct import_row *row,
		    struct crm_err *why, struct crm_err *err)
{
	long cust = -1;

	if (row->reject) {
		crm_errf(why, NULL, 0, "%s", row->reject);
		return INGEST_REJECTED;
	}
	own_id(g, row);
	if (!g->leads)
		cust = find_customer(g, val(row, g->col_customer), why);
	if (check_row(g, row, cust, why) < 0)
		return INGEST_REJECTED;
	if (g->leads)
		return lead_row(g, row, why, err);
	if (g->customers)
		return customer_row(g, row, cust, why, err);
	return deal_row(g, row, cust, why, err);
}

int ingest_row(struct ingest *g, const struct import_row *row,
	       struct crm_err *why, struct crm_err *err)
{
	int rc = land_row(g, row, why, err);

	/* Updates of a million leads queue a million history lines. */
	if (rc >= 0 && g->st->pending_history.len >= SPILL_AT &&
	    store_spill_logs(g->st, err) < 0)
		return -1;
	return rc;
}
