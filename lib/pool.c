/* pool.c - the public pool (公海): when an owned customer goes back to it,
 * and who may claim one */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* What history and the deals say about one customer. */
struct pool_facts {
	int32_t owner_since;   /* the current owner got it */
	int32_t last_won;      /* closed date of its latest won deal */
	int32_t reclaimed;     /* the pool last took it back */
	char *reclaimed_from;
	const char *protector; /* an open deal at or past protect-stage */
};

struct pool {
	struct store *st;
	const struct table *cust;
	struct strmap *ix;          /* customer id -> row + 1 */
	struct pool_facts *facts;   /* per customer row */
	long contact_days, deal_days, notify_days, claim_limit, block_days;
	const char *protect_stage;
};

int tags_has(const char *tags, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = tags; *p;) {
		size_t len = strcspn(p, " ,");

		if (len == n && !strncmp(p, tag, n))
			return 1;
		p += len;
		p += strspn(p, " ,");
	}
	return 0;
}

static int pool_setting(struct pool *p, const char *key, const char *old,
			long def, long *out, struct crm_err *err)
{
	const struct conf *c = p->st->conf;

	if (old && conf_get_long(c, "pool", NULL, old, def, &def, err) < 0)
		return -1;
	if (conf_get_long(c, "pool", NULL, key, def, out, err) < 0)
		return -1;
	if (*out < 0)
		return crm_errf(err, "crm.conf", conf_line(c, "pool", NULL,
			key), "[pool] %s must not be negative", key);
	return 0;
}

static int pool_settings(struct pool *p, struct crm_err *err)
{
	const char *ps = conf_get(p->st->conf, "pool", NULL, "protect-stage");

	p->protect_stage = ps ? ps : "negotiation";
	return pool_setting(p, "contact-days", "days", 0, &p->contact_days,
			    err) < 0 ||
	       pool_setting(p, "deal-days", NULL, 0, &p->deal_days, err) < 0 ||
	       pool_setting(p, "notify-days", NULL, 7, &p->notify_days,
			    err) < 0 ||
	       pool_setting(p, "claim-limit", "max-per-owner", 0,
			    &p->claim_limit, err) < 0 ||
	       pool_setting(p, "reclaim-block-days", NULL, 30, &p->block_days,
			    err) < 0 ? -1 : 0;
}

/* What history says of customers' owners, by customer id. */
struct owner_fact {
	int32_t owner_since, reclaimed;
	char *reclaimed_from;
};

struct owner_facts {
	struct strmap *by_id;     /* customer id -> struct owner_fact */
};

struct owner_facts *owner_facts_new(void)
{
	struct owner_facts *f = xcalloc(1, sizeof *f);

	f->by_id = strmap_new();
	return f;
}

static void free_owner_fact(void *ctx, const char *key, void *val)
{
	struct owner_fact *of = val;

	free(of->reclaimed_from);
	free(of);
}

void owner_facts_free(struct owner_facts *f)
{
	if (!f)
		return;
	strmap_each(f->by_id, free_owner_fact, NULL);
	strmap_free(f->by_id);
	free(f);
}

void owner_facts_note(struct owner_facts *f, const struct logrec *r)
{
	const char *entity = logrec_get(r, "entity");
	const char *field = logrec_get(r, "field");
	const char *id = logrec_get(r, "id"), *to = logrec_get(r, "to");
	const char *by = logrec_get(r, "by"), *from = logrec_get(r, "from");
	struct owner_fact *of;
	void **slot;
	int32_t day;

	if (!entity || !field || !id || strcmp(entity, "customer") ||
	    strcmp(field, "owner") ||
	    date_parse_iso(logrec_get(r, "at"), &day) < 0)
		return;
	if (!*(slot = strmap_slot(f->by_id, id))) {
		of = *slot = xcalloc(1, sizeof *of);
		of->owner_since = of->reclaimed = DATE_NONE;
	}
	of = *slot;
	if (to && *to) {
		of->owner_since = day;
	} else if (by && !strcmp(by, "pool") && from && *from) {
		of->reclaimed = day;
		free(of->reclaimed_from);
		of->reclaimed_from = xstrdup(from);
	}
}

static int note_owner_fact(void *ctx, const struct logrec *r, long line,
			   struct crm_err *err)
{
	owner_facts_note(ctx, r);
	return 0;
}

int owner_facts_read(struct store *s, struct owner_facts *f,
		     struct crm_err *err)
{
	char *path = store_path(s, "history.jsonl");
	int rc = jsonl_scan(path, "history.jsonl", note_owner_fact, f, err);

	free(path);
	return rc;
}

/* Each customer row's facts, from those by id. */
static void owner_facts_put(struct pool *p, const struct owner_facts *f)
{
	for (size_t r = 0; r < p->cust->nrows; r++) {
		const struct owner_fact *of;

		if (table_index_row(p->ix, p->cust->rows[r][0]) != (long)r ||
		    !(of = strmap_get(f->by_id, p->cust->rows[r][0])))
			continue;
		p->facts[r].owner_since = of->owner_since;
		p->facts[r].reclaimed = of->reclaimed;
		if (of->reclaimed_from)
			p->facts[r].reclaimed_from =
				xstrdup(of->reclaimed_from);
	}
}

static size_t stage_pos(const struct pipeline *pl, const struct stage *s)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->stages[i] == s)
			return i;
	return 0;
}

/* A deal keeps its customer out of the pool once it is at protect-stage
 * or later in its pipeline and still open. */
static void deal_fact(struct pool *p, const struct pipelines *ps,
		      const struct table *o, size_t r)
{
	long c = table_index_row(p->ix, table_get(o, r, "customer"));
	const struct pipeline *pl = pipeline_find(ps, table_get(o, r,
								"pipeline"));
	const struct stage *s, *guard;
	int32_t closed;

	if (c < 0 || !pl || !(s = pipeline_stage(pl, table_get(o, r,
							       "stage"))))
		return;
	closed = date_field(table_get(o, r, "closed"));
	if (s->won && closed != DATE_NONE &&
	    (p->facts[c].last_won == DATE_NONE || closed > p->facts[c].last_won))
		p->facts[c].last_won = closed;
	guard = pipeline_stage(pl, p->protect_stage);
	if (stage_is_open(s) && guard && stage_pos(pl, s) >= stage_pos(pl,
	    guard) && !p->facts[c].protector)
		p->facts[c].protector = s->name;
}

struct deal_scan { struct pool *p; struct pipelines ps; };

static int scan_deal(void *ctx, const struct table *t, char **row,
		     long line, struct crm_err *err)
{
	struct deal_scan *ds = ctx;
	struct table v;

	table_row_view(&v, t, &row, &line);
	deal_fact(ds->p, &ds->ps, &v, 0);
	return 0;
}

/* The deals are streamed, not held: only their facts are kept. */
static int deal_facts(struct pool *p, struct crm_err *err)
{
	struct deal_scan ds = {p, {0}};
	int rc;

	if (pipelines_load(p->st->conf, &ds.ps, err) < 0)
		return -1;
	rc = table_scan(p->st->dir, table_def_find("opportunities"),
			scan_deal, &ds, err);
	/* stage names point into the pipelines: keep the text instead */
	for (size_t r = 0; r < p->cust->nrows; r++)
		if (p->facts[r].protector)
			p->facts[r].protector = xstrdup(p->facts[r].protector);
	pipelines_free(&ds.ps);
	return rc;
}

/* History is read on a thread while the deals are streamed. */
struct history_job {
	struct store *st;
	struct owner_facts *facts;
	int rc;
	struct crm_err err;
};

static void *read_owner_facts(void *arg)
{
	struct history_job *j = arg;

	j->rc = owner_facts_read(j->st, j->facts, &j->err);
	return NULL;
}

/* A pool of crm.conf's settings (NULL and err when they are bad), its
 * facts not read yet. */
static struct pool *pool_new(struct store *s, const struct table *cust,
			     struct crm_err *err)
{
	struct pool *p = xcalloc(1, sizeof *p);

	p->st = s;
	p->cust = cust;
	p->ix = table_index_by(cust, "id");
	p->facts = xcalloc(cust->nrows + 1, sizeof *p->facts);
	for (size_t r = 0; r < cust->nrows; r++) {
		p->facts[r].owner_since = DATE_NONE;
		p->facts[r].last_won = DATE_NONE;
		p->facts[r].reclaimed = DATE_NONE;
	}
	if (pool_settings(p, err) < 0) {
		pool_close(p);
		return NULL;
	}
	return p;
}

/* The deals' facts streamed, then history's once reading is done. */
static struct pool *pool_fill(struct pool *p, const struct owner_facts *f,
			      struct bg *reading, struct crm_err *err)
{
	int rc = deal_facts(p, err);

	if (reading)
		bg_wait(reading);
	if (rc < 0) {
		pool_close(p);
		return NULL;
	}
	owner_facts_put(p, f);
	return p;
}

struct pool *pool_open(struct store *s, const struct table *cust,
		       struct crm_err *err)
{
	struct history_job j = {.st = s};
	struct pool *p = pool_new(s, cust, err);
	struct bg bg;

	/* crm.conf's errors first, as when history was read after them */
	if (!p)
		return NULL;
	j.facts = owner_facts_new();
	bg_start(&bg, read_owner_facts, &j);
	p = pool_fill(p, j.facts, &bg, err);
	/* history's error first, as when it was read first */
	if (p && j.rc < 0) {
		pool_close(p);
		p = NULL;
	}
	if (j.rc < 0)
		*err = j.err;
	owner_facts_free(j.facts);
	return p;
}

struct pool *pool_open_with(struct store *s, const struct table *cust,
			    const struct owner_facts *f, struct bg *reading,
			    struct crm_err *err)
{
	struct pool *p = pool_new(s, cust, err);

	if (!p) {
		if (reading)
			bg_wait(reading);
		return NULL;
	}
	return pool_fill(p, f, reading, err);
}

void pool_close(struct pool *p)
{
	if (!p)
		return;
	for (size_t r = 0; r < p->cust->nrows; r++) {
		free(p->facts[r].reclaimed_from);
		free((char *)p->facts[r].protector);
	}
	free(p->facts);
	strmap_free(p->ix);
	free(p);
}

long pool_notify_days(const struct pool *p)
{
	return p->notify_days;
}

static int32_t later(int32_t a, int32_t b)
{
	return a == DATE_NONE ? b : b == DATE_NONE || a > b ? a : b;
}

/* The refusal of a claim inside reclaim-block-days. */
static int pool_blocked(const char *id, const char *user, long ago,
			long block, struct crm_err *err)
{
	return crm_errf(err, NULL, 0, "%s went back to the pool from %s %ld "
			"day%s ago; %s may claim it again in %ld day%s", id,
			user, ago, plural(ago), user, block - ago,
			plural(block - ago));
}

/* A tier may have its own clock: [tier "A"] pool-contact-days. */
static long tier_days(const struct pool *p, size_t row, const char *key,
		      long def)
{
	const char *tier = table_get(p->cust, row, "tier");
	long v = def;

	if (*tier && (conf_get_long(p->st->conf, "tier", tier, key, def, &v,
				    NULL) < 0 || v < 0))
		v = def;
	return v;
}

static int32_t rule_due(int32_t start, long days, const char *what,
			char *why, size_t n)
{
	char since[16];

	date_format(start, since);
	snprintf(why, n, "no %s since %s", what, since);
	return start + (int32_t)days;
}

int32_t pool_due(const struct pool *p, size_t row, char *why, size_t n)
{
	const struct table *t = p->cust;
	const struct pool_facts *f = &p->facts[row];
	long cdays = tier_days(p, row, "pool-contact-days", p->contact_days);
	long ddays = tier_days(p, row, "pool-deal-days", p->deal_days);
	int32_t start = later(date_field(table_get(t, row, "created")),
			      f->owner_since);
	int32_t due = DATE_NONE, d;
	char other[128];

	snprintf(why, n, "%s", !*table_get(t, row, "owner") ? "in the pool" :
		 tags_has(table_get(t, row, "tags"), "locked") ? "locked" :
		 "no pool rule applies");
	if (!*table_get(t, row, "owner") || tags_has(table_get(t, row,
							       "tags"),
						     "locked"))
		return DATE_NONE;
	if (f->protector) {
		snprintf(why, n, "kept by an open deal in %s", f->protector);
		return DATE_NONE;
	}
	if (start == DATE_NONE)
		start = date_today();
	if (cdays > 0)
		due = rule_due(later(date_field(table_get(t, row,
			"last_contact")), start), cdays, "follow-up", why, n);
	if (ddays > 0 && ((d = rule_due(later(f->last_won, start), ddays,
					"won deal", other, sizeof other)) < due
			  || due == DATE_NONE)) {
		due = d;
		snprintf(why, n, "%s", other);
	}
	return due;
}

int pool_may_claim(const struct pool *p, size_t row, const char *user,
		   struct crm_err *err)
{
	const struct table *t = p->cust;
	const struct pool_facts *f = &p->facts[row];
	const char *id = t->rows[row][0];
	size_t held = 0;

	if (*table_get(t, row, "owner"))
		return crm_errf(err, NULL, 0, "%s is owned by %s, not in the "
				"pool", id, table_get(t, row, "owner"));
	if (f->reclaimed_from && !strcmp(f->reclaimed_from, user) &&
	    date_today() - f->reclaimed < p->block_days)
		return pool_blocked(id, user, date_today() - f->reclaimed,
				    p->block_days, err);
	for (size_t r = 0; p->claim_limit > 0 && r < t->nrows; r++)
		held += !strcmp(table_get(t, r, "owner"), user);
	if (p->claim_limit > 0 && held >= (size_t)p->claim_limit)
		return crm_errf(err, NULL, 0, "%s already owns %zu customers, "
				"the [pool] claim-limit", user, held);
	return 0;
}
