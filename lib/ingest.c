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
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KEY_MAX 512

enum dest { D_TARGET, D_CUSTOMER, D_CONTACT, D_NONE };

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

/* The dedupe keys of target row r. */
static void index_target(struct ingest *g, size_t r)
{
	char k[KEY_MAX];
	const struct table *t = g->t;

	if (g->leads) {
		norm('e', table_get(t, r, "email"), k, sizeof k);
		put_key(g->keys, "", 'e', k, r, 0);
		norm('p', table_get(t, r, "phone"), k, sizeof k);
		put_key(g->keys, "", 'p', k, r, 0);
	} else if (g->opps) {
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

/* ---- setting up ---------------------------------------------------------- */

static struct table *load(struct ingest *g, const char *name,
			  struct crm_err *err)
{
	return store_table(g->st, name, err);
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
	g->ncols = import_ncols(im);
	g->dest = xcalloc(g->ncols + 1, sizeof *g->dest);
	for (size_t i = 0; i < g->ncols; i++)
		g->dest[i] = dest_of(g, import_field(im, i));
	g->col_customer = col_of(im, g->customers ? "name" : "customer");
	g->col_contact = col_of(im, "contact");
	g->col_email = col_of(im, "email");
	g->col_phone = col_of(im, "phone");
	g->col_sid = col_of(im, "source_id");
	g->col_name = col_of(im, "name");
	g->col_stage = col_of(im, "stage");
	g->col_pipeline = col_of(im, "pipeline");
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
	return store_commit(g->st, tables, err);
}

/* ---- a row --------------------------------------------------------------- */

/* The target record this row duplicates, by the --match keys; -1. */
static long duplicate_of(struct ingest *g, const struct import_row *row,
			 long cust)
{
	char k[KEY_MAX];
	long r = -1;

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
		char *id = xstrdup(v);
		int whole;

		id_normalize(id);
		whole = id_valid(id, 'C');
		free(id);
		r = table_find_id(g->cust, v, why);
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

		if (!def || (d == D_CONTACT && !strcmp(f, "contact")))
			continue;
		if (!(v = value_normalize(def, f, row->vals[i], why)))
			return -1;
		free(v);
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
	size_t r = record_new(g->st, g->cust);
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
	if (g->opps && id_valid(name, 'P') &&
	    (r = table_find_id(g->contacts, name, err)) >= 0) {
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
	r = record_new(g->st, t);
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

static int new_lead(struct ingest *g, const struct import_row *row,
		    struct crm_err *err)
{
	size_t r = record_new(g->st, g->t);

	if (apply(g, g->t, r, row, D_TARGET, 0, 0, err) < 0)
		return -1;
	if (!*table_get(g->t, r, "status"))
		table_set(g->t, r, "status", "new");
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

static int lead_row(struct ingest *g, const struct import_row *row,
		    struct crm_err *why, struct crm_err *err)
{
	long dup = duplicate_of(g, row, -1);

	if (dup >= 0 && g->on_dup == DUP_SKIP)
		return INGEST_DUPLICATE;
	if (dup >= 0 && g->on_dup == DUP_UPDATE)
		return update(g, row, dup, why);
	return new_lead(g, row, err) < 0 ? -1 : INGEST_IMPORTED;
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

int ingest_row(struct ingest *g, const struct import_row *row,
	       struct crm_err *why, struct crm_err *err)
{
	long cust = -1;

	if (row->reject) {
		crm_errf(why, NULL, 0, "%s", row->reject);
		return INGEST_REJECTED;
	}
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
