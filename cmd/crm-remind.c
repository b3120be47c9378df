/* crm-remind - what is due today, and one e-mail per owner from cron */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-remind [-C dir] [--today date] [--kind kinds] [--owner user] [--days n] [--where expr] [--format format] [--output file]\n"
	"       crm-remind --format mail [--mbox file | --send] [--digest] [--once]\n";

static const char help_text[] =
	"What is due: follow-ups, stale deals, untouched new leads, passed close\n"
	"dates, revisits, renewals, payments and customers about to return to the\n"
	"public pool; for a person, a terminal, a pipe or one e-mail per owner.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who sends, for reminders.jsonl (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"      --excel              CSV for spreadsheets: a BOM, and ' before = + - @\n"
	"  -k, --kind=KINDS         only these kinds, comma-separated: followup, stale,\n"
	"                           new-lead, close-date, revisit, renewal, payment,\n"
	"                           pool\n"
	"  -o, --owner=USER         only this owner's items\n"
	"      --days=N             also what falls due in the next N days (default 0)\n"
	"  -w, --where=EXPR         only items for which the jq expression is true\n"
	"  -f, --format=FORMAT      text, csv, tsv, jsonl, xlsx or mail (default: text\n"
	"                           on a terminal, csv otherwise; xlsx for an --output\n"
	"                           FILE ending .xlsx)\n"
	"      --output=FILE        write the list to FILE, atomically (not mail)\n"
	"      --mbox=FILE          write the mail to FILE instead of standard output\n"
	"      --send               hand each message to [remind] sendmail\n"
	"      --digest             add one message to [remind] manager with the\n"
	"                           counts per owner and kind\n"
	"      --once               mail an item at most once a day (reminders.jsonl)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing due, 2 usage error, 3 data or system error\n"
	"(a failed send, an owner without an e-mail address).\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_EXCEL, OPT_DAYS, OPT_MBOX, OPT_SEND,
	OPT_DIGEST, OPT_ONCE, OPT_OUTPUT
};

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"kind", required_argument, NULL, 'k'},
	{"owner", required_argument, NULL, 'o'},
	{"days", required_argument, NULL, OPT_DAYS},
	{"where", required_argument, NULL, 'w'},
	{"format", required_argument, NULL, 'f'},
	{"excel", no_argument, NULL, OPT_EXCEL},
	{"mbox", required_argument, NULL, OPT_MBOX},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"send", no_argument, NULL, OPT_SEND},
	{"digest", no_argument, NULL, OPT_DIGEST},
	{"once", no_argument, NULL, OPT_ONCE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static struct cli *cli;
static struct store st;
static struct pipelines pipes;
static int32_t today, horizon;    /* horizon = today + --days */

static const char *opt(const char *name)
{
	return cli_opt(cli, name);
}

/* ---- items ---------------------------------------------------------------- */

static const char *const kinds[] = {
	"followup", "stale", "new-lead", "close-date", "revisit", "renewal",
	"payment", "pool", NULL
};

/* What a mail subject calls n items of a kind: [0] one, [1] more. */
static const char *const kind_labels[][2] = {
	{"个跟进到期", "个跟进到期"}, {"stale deal", "stale deals"},
	{"new lead", "new leads"}, {"close date passed", "close dates passed"},
	{"revisit", "revisits"}, {"renewal", "renewals"},
	{"payment", "payments"}, {"pool warning", "pool warnings"}
};

struct item {
	int kind;              /* index into kinds */
	char *owner, *entity, *id, *name, *reason;
	int32_t due;
	long overdue;          /* today - due; negative: days left */
};

/* Items are many at a million deals: owners and entities are kept once
 * each (words), an item's id and name in one block. */
static struct item *items;
static size_t nitems, items_cap;
static struct strmap *words;

static char *word(const char *s)
{
	if (!words)
		words = strmap_new();
	return (char *)strmap_intern(words, s);
}

static void item_release(struct item *it)
{
	free(it->id);            /* and the name after it */
	free(it->reason);
}

static int kind_wanted(int kind)
{
	const char *list = opt("kind");
	size_t n = strlen(kinds[kind]);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, kinds[kind], n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void add_item(int kind, const char *owner, const char *entity,
		     const char *id, const char *name, int32_t due,
		     char *reason)
{
	struct item *it;

	if (!kind_wanted(kind) || (opt("owner") && strcmp(owner, opt("owner")))) {
		free(reason);
		return;
	}
	if (nitems == items_cap) {
		items_cap = items_cap ? items_cap + items_cap / 2 : 256;
		items = xrealloc(items, items_cap * sizeof *items);
	}
	it = &items[nitems++];
	it->kind = kind;
	it->owner = word(owner);
	it->entity = word(entity);
	it->id = xasprintf("%s%c%s", id, '\0', name);
	it->name = it->id + strlen(id) + 1;
	it->reason = reason;
	it->due = due;
	it->overdue = (long)(today - due);
}

static void items_free(void)
{
	for (size_t i = 0; i < nitems; i++)
		item_release(&items[i]);
	free(items);
	strmap_free_values(words);
}

static char *day_text(int32_t day)
{
	char buf[16];

	date_format(day, buf);
	return xstrdup(buf);
}

/* A table whose dates and amounts are what they claim, or NULL: a
 * reminder silently lost to a typo is worse than an error. */
static struct table *load(const char *name, struct crm_err *err)
{
	struct table *t = store_table(&st, name, err);

	if (t && table_check_typed(t, err) < 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

static long conf_days(const char *section, const char *sub, const char *key,
		      long def, struct crm_err *err)
{
	long v;

	if (conf_get_long(st.conf, section, sub, key, def, &v, err) < 0)
		return -1;
	if (v < 0) {
		crm_errf(err, "crm.conf", conf_line(st.conf, section, sub, key),
			 "[%s] %s must not be negative", section, key);
		return -1;
	}
	return v;
}

/* ---- what is due ------------------------------------------------------------ */

/* A next action whose day has come. */
static void due_followup(const struct table *t, size_t r, const char *entity,
			 const char *name)
{
	int32_t next = date_field(table_get(t, r, "next_date"));
	const char *action = table_get(t, r, "next_action");

	if (next == DATE_NONE || next > horizon)
		return;
	add_item(0, table_get(t, r, "owner"), entity, t->rows[r][0], name,
		 next, xasprintf("%s", *action ? action : "follow up"));
}

static void lead_due(const struct table *t, size_t r, long hours)
{
	const char *status = table_get(t, r, "status");
	const char *name = *table_get(t, r, "company") ?
			   table_get(t, r, "company") : table_get(t, r, "name");
	int32_t created = date_field(table_get(t, r, "created"));

	if (!strcmp(status, "converted") || !strcmp(status, "dropped"))
		return;
	due_followup(t, r, "lead", table_get(t, r, "name"));
	/* Creation has no time of day: the hours round up to days. */
	if (!strcmp(status, "new") && *table_get(t, r, "owner") &&
	    !*table_get(t, r, "last_contact") && created != DATE_NONE &&
	    created + (hours + 23) / 24 <= horizon)
		add_item(2, table_get(t, r, "owner"), "lead", t->rows[r][0],
			 name, created + (hours + 23) / 24,
			 xasprintf("new lead from %s not contacted since %s",
				   *table_get(t, r, "source") ?
				   table_get(t, r, "source") : "nowhere said",
				   table_get(t, r, "created")));
}

static int scan_lead(void *ctx, const struct table *t, char **row, long line,
		     struct crm_err *err)
{
	struct table v;

	table_row_view(&v, t, &row, &line);
	lead_due(&v, 0, *(long *)ctx);
	return 0;
}

/* The leads are streamed, not held, as the deals are. */
static int leads_due(struct crm_err *err)
{
	long hours = conf_days("remind", NULL, "new-lead-hours", 24, err);

	if (hours < 0)
		return -1;
	return table_scan_typed(st.dir, table_def_find("leads"), scan_lead,
				&hours, err);
}

static void opp_due(const struct table *t, size_t r)
{
	const struct pipeline *p = pipeline_find(&pipes, table_get(t, r,
						 "pipeline"));
	const struct stage *s = p ? pipeline_stage(p, table_get(t, r, "stage"))
				  : NULL;
	int32_t close = date_field(table_get(t, r, "close"));

	if (!s || !stage_is_open(s))
		return;
	due_followup(t, r, "opportunity", table_get(t, r, "name"));
	if (close != DATE_NONE && close < horizon)
		add_item(3, table_get(t, r, "owner"), "opportunity",
			 t->rows[r][0], table_get(t, r, "name"), close,
			 xasprintf("expected to close %s, still in %s",
				   table_get(t, r, "close"), s->name));
}

/* The deals are streamed, not held: a stale one keeps what its item
 * needs, v[k].row being k, in order of the file. */
struct opp_scan {
	struct idmap *moved;
	struct stale *v;
	char *(*keep)[4];       /* owner, id, name, stage of v[k]: the
				   owner and stage words, the name in the
				   id's block */
	size_t n, cap;
};

static int scan_opp(void *ctx, const struct table *t, char **row, long line,
		    struct crm_err *err)
{
	struct opp_scan *os = ctx;
	struct table v;

	table_row_view(&v, t, &row, &line);
	opp_due(&v, 0);
	if (os->n == os->cap) {
		os->cap = os->cap ? 2 * os->cap : 256;
		os->v = xrealloc(os->v, os->cap * sizeof *os->v);
		os->keep = xrealloc(os->keep, os->cap * sizeof *os->keep);
	}
	if (!stale_row(&pipes, &v, 0, os->moved, horizon - today,
		       &os->v[os->n]))
		return 0;
	os->v[os->n].row = os->n;
	os->keep[os->n][0] = word(table_get(&v, 0, "owner"));
	os->keep[os->n][1] = xasprintf("%s%c%s", row[0], '\0',
				       table_get(&v, 0, "name"));
	os->keep[os->n][2] = os->keep[os->n][1] + strlen(row[0]) + 1;
	os->keep[os->n++][3] = word(table_get(&v, 0, "stage"));
	return 0;
}

/* History is read once, on a thread from the start: the deals' stage
 * moves and the customers' owners, needed once the leads are done. */
struct history_job {
	struct bg bg;
	struct idmap *moved;
	struct owner_facts *owners;
	int rc;
	struct crm_err err;
};

static int note_history(void *ctx, const struct logrec *rec, long line,
			struct crm_err *err)
{
	struct history_job *j = ctx;

	stale_note(j->moved, rec);
	owner_facts_note(j->owners, rec);
	return 0;
}

static void *read_history(void *arg)
{
	struct history_job *j = arg;
	char *path = store_path(&st, "history.jsonl");

	j->rc = jsonl_scan(path, "history.jsonl", note_history, j, &j->err);
	free(path);
	return NULL;
}

static void history_start(struct history_job *j)
{
	j->moved = idmap_new();
	j->owners = owner_facts_new();
	bg_start(&j->bg, read_history, j);
}

/* 0, or -1 with history's error. */
static int history_wait(struct history_job *j, struct crm_err *err)
{
	bg_wait(&j->bg);
	if (j->rc < 0)
		*err = j->err;
	return j->rc;
}

static void history_free(struct history_job *j)
{
	bg_wait(&j->bg);
	idmap_free(j->moved);
	owner_facts_free(j->owners);
}

static int opps_due(struct history_job *h, struct crm_err *err)
{
	struct opp_scan os = {h->moved, NULL, NULL, 0, 0};
	int rc = history_wait(h, err) < 0 ? -1 : table_scan_typed(st.dir,
		table_def_find("opportunities"), scan_opp, &os, err);

	stale_sort(os.v, os.n);
	for (size_t i = 0; rc == 0 && i < os.n; i++) {
		char **k = os.keep[os.v[i].row];
		char *since = day_text(os.v[i].touched);

		add_item(1, k[0], "opportunity", k[1], k[2],
			 os.v[i].touched + (int32_t)os.v[i].rot,
			 xasprintf("no follow-up in %s since %s (%ld days, "
				   "rot-days %ld)", k[3], since,
				   (long)(today - os.v[i].touched),
				   os.v[i].rot));
		free(since);
	}
	for (size_t i = 0; i < os.n; i++)
		free(os.keep[i][1]);      /* and the name after it */
	free(os.keep);
	free(os.v);
	return rc;
}

/* Revisits by tier, and the public pool: an owned customer nobody
 * follows up returns to it (see pool_due); its owner hears of it
 * notify-days before. */
static void customer_due(const struct table *t, size_t r,
			 const struct pool *pool)
{
	const char *owner = table_get(t, r, "owner");
	const char *tier = table_get(t, r, "tier");
	int32_t last = date_field(table_get(t, r, "last_contact"));
	int32_t back;
	long revisit = 0;
	char *when, why[160];

	due_followup(t, r, "customer", table_get(t, r, "name"));
	if (!*owner)
		return;
	back = pool_due(pool, r, why, sizeof why);
	if (back != DATE_NONE && back - pool_notify_days(pool) <= horizon)
		add_item(7, owner, "customer", t->rows[r][0],
			 table_get(t, r, "name"), back,
			 xasprintf("returns to the public pool: %s", why));
	if (last == DATE_NONE)
		last = date_field(table_get(t, r, "created"));
	if (last == DATE_NONE || !*tier ||
	    conf_get_long(st.conf, "tier", tier, "revisit-days", 0, &revisit,
			  NULL) < 0 || revisit <= 0 || last + revisit > horizon)
		return;
	when = day_text(last);
	add_item(4, owner, "customer", t->rows[r][0], table_get(t, r, "name"),
		 last + (int32_t)revisit, xasprintf("tier %s revisit every "
		 "%ld days; last contact %s", tier, revisit, when));
	free(when);
}

/* The deals' facts for the pool are read while history still is. */
static int customers_due(struct history_job *h, struct crm_err *err)
{
	struct table *t = load("customers", err);
	struct pool *pool = t ? pool_open_with(&st, t, h->owners, &h->bg,
					       err) : NULL;

	if (pool && history_wait(h, err) < 0) {
		pool_close(pool);
		pool = NULL;
	}

	for (size_t r = 0; pool && r < t->nrows; r++)
		customer_due(t, r, pool);
	pool_close(pool);
	table_free(t);
	return pool ? 0 : -1;
}

/* Rows by id, built once: the loops below look up one table in another. */
static struct strmap *customer_ix, *contract_ix;

/* A contract's owner, else its customer's. */
static const char *contract_owner(const struct table *k, size_t r,
				  const struct table *cust)
{
	long c;

	if (*table_get(k, r, "owner"))
		return table_get(k, r, "owner");
	c = table_index_row(customer_ix, table_get(k, r, "customer"));
	return c >= 0 ? table_get(cust, (size_t)c, "owner") : "";
}

static void renewals_due(const struct table *k, const struct table *cust,
			 long window)
{
	for (size_t r = 0; r < k->nrows; r++) {
		const char *status = table_get(k, r, "status");
		const char *renewal = table_get(k, r, "renewal");
		int32_t end = date_field(table_get(k, r, "end"));

		if ((*status && strcmp(status, "active")) ||
		    !strcmp(renewal, "none") || end == DATE_NONE ||
		    end - window > horizon)
			continue;
		add_item(5, contract_owner(k, r, cust), "contract",
			 k->rows[r][0], table_get(k, r, "title"), end,
			 xasprintf("contract ends %s (renewal %s)",
				   table_get(k, r, "end"), *renewal ? renewal :
				   "not set"));
	}
}

static void payments_due(const struct table *pay, const struct table *k,
			 const struct table *cust, long window)
{
	size_t n, *order = pay_plan_lines(pay, &n);
	int64_t *paid = pay_collected(pay);
	char due_s[32], open_s[32];

	for (size_t i = 0; i < n; i++) {
		size_t r = order[i];
		int32_t due = date_field(table_get(pay, r, "date"));
		int64_t open = money_of(pay, r, "amount") - paid[r];
		long c = table_index_row(contract_ix, table_get(pay, r, "contract"));

		if (open <= 0 || due == DATE_NONE || due - window > horizon)
			continue;
		money_format(money_of(pay, r, "amount"), due_s);
		money_format(open, open_s);
		add_item(6, c >= 0 ? contract_owner(k, (size_t)c, cust) : "",
			 "payment", pay->rows[r][0], c >= 0 ?
			 table_get(k, (size_t)c, "title") : "",
			 due, xasprintf("%s of %s outstanding, due %s", open_s,
					due_s, table_get(pay, r, "date")));
	}
	free(order);
	free(paid);
}

static int money_due(struct crm_err *err)
{
	struct table *k = load("contracts", err);
	struct table *pay = k ? load("payments", err) : NULL;
	struct table *cust = pay ? load("customers", err) : NULL;
	long renew = conf_days("remind", NULL, "renewal-days", 60, err);
	long window = renew < 0 ? -1 : conf_days("remind", NULL,
						 "payment-days", 7, err);
	int rc = -1;

	if (cust && renew >= 0 && window >= 0) {
		customer_ix = table_index_by(cust, "id");
		contract_ix = table_index_by(k, "id");
		renewals_due(k, cust, renew);
		payments_due(pay, k, cust, window);
		strmap_free(customer_ix);
		strmap_free(contract_ix);
		rc = 0;
	}
	table_free(k);
	table_free(pay);
	table_free(cust);
	return rc;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);

	if (c)
		return c;
	if (x->overdue != y->overdue)
		return x->overdue > y->overdue ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(x->id, y->id);
}

/* History is read on its thread while the leads, then the customers and
 * the deals' facts for the pool are; the deals after it. */
static int collect(struct crm_err *err)
{
	struct history_job h = {0};
	int rc;

	history_start(&h);
	rc = leads_due(err) < 0 || customers_due(&h, err) < 0 ||
	     opps_due(&h, err) < 0 ? -1 : 0;
	history_free(&h);
	if (rc < 0 || money_due(err) < 0)
		return -1;
	if (nitems)
		qsort(items, nitems, sizeof *items, cmp_item);
	return 0;
}

/* ---- listing the items --------------------------------------------------------- */

static char *item_cols[] = {
	"kind", "owner", "entity", "id", "name", "due", "overdue", "reason"
};
static const struct col_def item_types[] = {
	{"due", COL_DATE, NULL, NULL},
	{"overdue", COL_NUMBER, NULL, NULL},
};
static const struct table_def item_def = {
	"items", "item", "", 0, item_types, 2
};

/* An item as the 8 cells of a row; bufs hold the numbers. */
static void item_cells(const struct item *it, char **cells, char due[16],
		       char over[24])
{
	date_format(it->due, due);
	snprintf(over, 24, "%ld", it->overdue);
	cells[0] = (char *)kinds[it->kind];
	cells[1] = it->owner;
	cells[2] = it->entity;
	cells[3] = it->id;
	cells[4] = it->name;
	cells[5] = due;
	cells[6] = over;
	cells[7] = it->reason;
}

/* --where keeps the items for which the jq expression is true. */
static int filter_items(struct crm_err *err)
{
	struct filter *f;
	struct table t = {0};
	size_t kept = 0;
	char due[16], over[24], *cells[8];
	int m;

	if (!opt("where"))
		return 0;
	if (!(f = filter_compile(opt("where"), err)))
		return -1;
	t.def = &item_def;
	t.ncols = 8;
	t.cols = item_cols;
	for (size_t i = 0; i < nitems; i++) {
		item_cells(&items[i], cells, due, over);
		if ((m = filter_match(f, &t, cells, err)) < 0) {
			filter_free(f);
			return -1;
		}
		if (m)
			items[kept++] = items[i];
		else
			item_release(&items[i]);
	}
	nitems = kept;
	filter_free(f);
	return 0;
}

static int print_rows(int fmt, struct crm_err *err)
{
	struct out *o = out_report_open(fmt, opt("output"), "reminders",
					item_cols, 8, &item_def, err);
	char due[16], over[24], *cells[8];
	size_t n;

	if (!o)
		return -1;
	for (size_t i = 0; i < nitems; i++) {
		item_cells(&items[i], cells, due, over);
		out_row(o, cells);
	}
	return out_close(o, &n, err);
}

/* "3 days overdue", "due today", "in 2 days" */
static void when_text(long overdue, char *out, size_t n)
{
	if (overdue > 0)
		snprintf(out, n, "%ld day%s overdue", overdue,
			 overdue == 1 ? "" : "s");
	else if (overdue == 0)
		snprintf(out, n, "due today");
	else
		snprintf(out, n, "in %ld day%s", -overdue,
			 overdue == -1 ? "" : "s");
}

/* One owner's items as text, for the terminal and the mail body. */
static void owner_text(struct buf *b, size_t from, size_t to)
{
	char when[40];

	for (size_t i = from; i < to; i++) {
		const struct item *it = &items[i];
		char *name = indent_lines(it->name, 4);

		when_text(it->overdue, when, sizeof when);
		buf_printf(b, "  %-16s %-10s %s  %s\n      %s\n", when,
			   kinds[it->kind], it->id, name, it->reason);
		free(name);
	}
}

static size_t owner_end(size_t from)
{
	size_t to = from;

	while (to < nitems && !strcmp(items[to].owner, items[from].owner))
		to++;
	return to;
}

/* On stdout, or atomically into the --output FILE. */
static int print_text(struct crm_err *err)
{
	struct atomic_file af;
	struct buf b = {0};
	int rc = 0;

	for (size_t i = 0, end; i < nitems; i = end) {
		end = owner_end(i);
		buf_printf(&b, "%s%s (%zu)\n", i ? "\n" : "",
			   *items[i].owner ? items[i].owner : "(no owner)",
			   end - i);
		owner_text(&b, i, end);
	}
	if (!opt("output"))
		fputs(b.s ? b.s : "", stdout);
	else if (atomic_begin(&af, opt("output"), err) < 0)
		rc = -1;
	else {
		fputs(b.s ? b.s : "", af.fp);
		rc = atomic_commit(&af, err);
	}
	buf_free(&b);
	return rc;
}

/* ---- mail ------------------------------------------------------------------------ */

/* Nothing from a record may become a header: control characters go. */
static char *header_clean(const char *s)
{
	char *out = xstrdup(s), *o = out;

	for (; *s; s++)
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			*o++ = *s;
		else if (*s == '\t')
			*o++ = ' ';
	*o = '\0';
	return out;
}

/* A plain addr-spec: local@domain.tld, nothing a header could abuse. */
static int addr_ok(const char *a)
{
	const char *at = strchr(a, '@');
	static const char local[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR"
		"STUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-";
	static const char domain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"
		"PQRSTUVWXYZ0123456789.-";

	return at && at > a && strspn(a, local) == (size_t)(at - a) &&
	       at[1] && strspn(at + 1, domain) == strlen(at + 1) &&
	       strchr(at + 1, '.') && strlen(a) < 255;
}

static void base64(struct buf *b, const unsigned char *s, size_t n,
		   int wrap)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789+/";
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 |
			     (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63],
			     i + 1 < n ? tab[v >> 6 & 63] : '=',
			     i + 2 < n ? tab[v & 63] : '='};

		buf_add(b, q, 4);
		if (wrap && (col += 4) >= 76 && i + 3 < n) {
			buf_addc(b, '\n');
			col = 0;
		}
	}
}

/* RFC 2047: non-ASCII text as UTF-8 "B" words of at most 75 characters,
 * never splitting a character. */
static void encoded_words(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int ascii = 1;

	for (size_t k = 0; k < n; k++)
		ascii &= p[k] >= 0x20 && p[k] < 0x7f;
	if (ascii) {
		buf_adds(b, s);
		return;
	}
	while (i < n) {
		size_t len = 0;

		while (i + len < n && len < 39) {
			size_t step = 1;

			while (i + len + step < n &&
			       (p[i + len + step] & 0xC0) == 0x80)
				step++;
			if (len + step > 39)
				break;
			len += step;
		}
		buf_adds(b, i ? "\n =?UTF-8?B?" : "=?UTF-8?B?");
		base64(b, p + i, len, 0);
		buf_adds(b, "?=");
		i += len;
	}
}

static const char *const wdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
				    "Wed"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
				     "Jun", "Jul", "Aug", "Sep", "Oct",
				     "Nov", "Dec"};

/* The moment as RFC 5322 wants it, from date_now_iso(); mbox too. */
static void mail_dates(char *rfc, char *mbox, char *stamp)
{
	char iso[40], zone[8] = "+0000";
	int y, m, d, hh = 0, mm = 0, ss = 0;
	int32_t day;

	date_now_iso(iso);
	date_parse_iso(iso, &day);
	date_to_ymd(day, &y, &m, &d);
	sscanf(iso + 11, "%2d:%2d:%2d", &hh, &mm, &ss);
	if (strlen(iso) >= 25 && (iso[19] == '+' || iso[19] == '-'))
		snprintf(zone, sizeof zone, "%c%.2s%.2s", iso[19], iso + 20,
			 iso + 23);
	snprintf(rfc, 64, "%s, %02d %s %04d %02d:%02d:%02d %s",
		 wdays[((day % 7) + 7) % 7], d, months[(m - 1) % 12], y % 10000,
		 hh % 100, mm % 100, ss % 100, zone);
	snprintf(mbox, 64, "%s %s %2d %02d:%02d:%02d %04d",
		 wdays[((day % 7) + 7) % 7], months[(m - 1) % 12], d, hh % 100,
		 mm % 100, ss % 100, y % 10000);
	snprintf(stamp, 32, "%04d%02d%02d%02d%02d%02d", y % 10000, m % 100,
		 d % 100, hh % 100, mm % 100, ss % 100);
}

struct message {
	char *to_addr;          /* checked */
	char *to_name;          /* display name, may be CJK */
	char *subject;
	struct buf body;
	const char *key;        /* owner, for the Message-ID */
};

/* Message-ID: owner in hex, so any name makes a valid id. */
static void message_id(struct buf *b, const char *stamp, const char *key,
		       const char *from)
{
	const char *at = strchr(from, '@');

	buf_printf(b, "<%s.", stamp);
	if (!*key)
		key = "unassigned";
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		buf_printf(b, "%02x", *p);
	buf_printf(b, ".crm-remind@%s>", at ? at + 1 : "localhost");
}

/* A display name: plain when it is only atoms, encoded words when it
 * is not ASCII, else quoted ("Wang, Li") so it stays one address. */
static void display_name(struct buf *b, const char *name)
{
	int ascii = 1, plain = 1;

	if (!*name)
		return;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		ascii &= *p < 0x7f;
		plain &= *p == ' ' || (*p < 0x7f && !strchr("()<>[]:;@\\,.\"", *p));
	}
	if (!ascii) {
		encoded_words(b, name);
	} else if (plain) {
		buf_adds(b, name);
	} else {
		buf_addc(b, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *p);
		}
		buf_addc(b, '"');
	}
	buf_adds(b, " ");
}

static void message_text(struct buf *b, const struct message *m,
			 const char *from)
{
	char rfc[64], mbox[64], stamp[32];
	char *name = header_clean(m->to_name);

	mail_dates(rfc, mbox, stamp);
	buf_printf(b, "From: %s\nTo: ", from);
	display_name(b, name);
	buf_printf(b, "<%s>\nDate: %s\nMessage-ID: ", m->to_addr, rfc);
	message_id(b, stamp, m->key, from);
	buf_adds(b, "\nSubject: ");
	encoded_words(b, m->subject);
	buf_adds(b, "\nMIME-Version: 1.0\nContent-Type: text/plain; "
		 "charset=UTF-8\nContent-Transfer-Encoding: base64\n\n");
	base64(b, (const unsigned char *)(m->body.s ? m->body.s : ""),
	       m->body.len, 1);
	buf_adds(b, "\n");
	free(name);
}

/* [remind] sendmail with the recipient after "--"; never -t, so no
 * header decides where a message goes. */
static int send_one(const char *text, size_t len, const char *to,
		    struct crm_err *err)
{
	const char *cmd = conf_get(st.conf, "remind", NULL, "sendmail");
	char *line = xstrdup(cmd ? cmd : "/usr/sbin/sendmail -i"), *save;
	char *argv[64];
	int fds[2], status, argc = 0;
	pid_t pid;
	ssize_t w = 0;

	for (char *t = strtok_r(line, " \t", &save); t && argc < 60;
	     t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	argv[argc++] = "--";
	argv[argc++] = (char *)to;
	argv[argc] = NULL;
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		free(line);
		return crm_errf(err, NULL, 0, "cannot run %s: %s", argv[0],
				strerror(errno));
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[0]);
	/* A sendmail that quits early is a failed send, not our death. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	for (size_t off = 0; off < len && w >= 0; off += (size_t)w)
		w = write(fds[1], text + off, len - off);
	close(fds[1]);
	signal(SIGPIPE, old);
	waitpid(pid, &status, 0);
	free(line);
	if (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return crm_errf(err, NULL, 0, "sending to %s failed (%s %s)",
				to, cmd ? cmd : "/usr/sbin/sendmail",
				WIFEXITED(status) ? "exited" : "was killed");
	return 0;
}

/* "3 个跟进到期 · 2 stale deals — 2026-03-02" */
static char *subject_for(size_t from, size_t to)
{
	long count[8] = {0};
	struct buf b = {0};
	char day[16];

	for (size_t i = from; i < to; i++)
		count[items[i].kind]++;
	for (int k = 0; k < 8; k++)
		if (count[k])
			buf_printf(&b, "%s%ld %s", b.len ? " · " : "", count[k],
				   kind_labels[k][count[k] != 1]);
	date_format(today, day);
	buf_printf(&b, " — %s", day);
	return b.s;
}

/* ---- delivering ------------------------------------------------------------------ */

struct delivery {
	const char *from;
	FILE *mbox;             /* NULL with --send */
	struct atomic_file file;
	int failed;
	struct buf sent;        /* reminders.jsonl lines */
	struct strmap *seen;    /* "owner|kind|id" sent today (--once) */
};

static int deliver(struct delivery *d, struct message *m, struct crm_err *err)
{
	struct buf text = {0};
	char rfc[64], mbox[64], stamp[32];
	struct crm_err e = {0};

	message_text(&text, m, d->from);
	if (d->mbox) {
		mail_dates(rfc, mbox, stamp);
		fprintf(d->mbox, "From crm-remind %s\n%s\n", mbox, text.s);
	} else if (send_one(text.s, text.len, m->to_addr, &e) < 0) {
		crm_err_print(&e);
		d->failed++;
		buf_free(&text);
		return -1;
	}
	buf_free(&text);
	return 0;
}

static const char *owner_address(const char *owner, const char **name)
{
	const char *manager = conf_get(st.conf, "remind", NULL, "manager");

	*name = "";
	if (!*owner)
		return manager;
	*name = conf_get(st.conf, "owner", owner, "name");
	if (!*name)
		*name = "";
	return conf_get(st.conf, "owner", owner, "email");
}

static void note_sent(struct delivery *d, size_t from, size_t to)
{
	char at[40], day[16];

	date_now_iso(at);
	date_format(today, day);
	for (size_t i = from; i < to; i++) {
		buf_adds(&d->sent, "{\"at\":");
		json_add_string(&d->sent, at);
		buf_adds(&d->sent, ",\"by\":");
		json_add_string(&d->sent, st.user);
		buf_adds(&d->sent, ",\"day\":");
		json_add_string(&d->sent, day);
		buf_adds(&d->sent, ",\"owner\":");
		json_add_string(&d->sent, items[i].owner);
		buf_printf(&d->sent, ",\"kind\":\"%s\",\"id\":", kinds[items[i].kind]);
		json_add_string(&d->sent, items[i].id);
		buf_adds(&d->sent, "}\n");
	}
}

static int mail_owner(struct delivery *d, size_t from, size_t to,
		      struct crm_err *err)
{
	struct message m = {0};
	const char *name, *addr = owner_address(items[from].owner, &name);
	int rc;

	if (!addr || !addr_ok(addr)) {
		crm_warn("%s %s has %s e-mail address in crm.conf: %zu item%s "
			 "not mailed", *items[from].owner ? "owner" : "the",
			 *items[from].owner ? items[from].owner :
			 "[remind] manager", addr ? "no valid" : "no",
			 to - from, to - from == 1 ? "" : "s");
		d->failed++;
		return 0;
	}
	m.to_addr = (char *)addr;
	m.to_name = (char *)name;
	m.key = items[from].owner;
	m.subject = subject_for(from, to);
	buf_printf(&m.body, "%s: what is due (%zu)\n\n",
		   *items[from].owner ? items[from].owner : "unassigned",
		   to - from);
	owner_text(&m.body, from, to);
	rc = deliver(d, &m, err);
	if (rc == 0)
		note_sent(d, from, to);
	free(m.subject);
	buf_free(&m.body);
	return 0;
}

/* --digest: counts per owner and kind for the manager. */
static void mail_digest(struct delivery *d, struct crm_err *err)
{
	struct message m = {0};
	const char *manager = conf_get(st.conf, "remind", NULL, "manager");
	char day[16];

	if (!manager || !addr_ok(manager)) {
		crm_warn("no valid [remind] manager address: no digest");
		d->failed++;
		return;
	}
	date_format(today, day);
	m.to_addr = (char *)manager;
	m.to_name = "";
	m.key = "digest";
	m.subject = xasprintf("crm reminders: %zu items — %s", nitems, day);
	for (size_t i = 0, end; i < nitems; i = end) {
		long count[8] = {0};

		end = owner_end(i);
		for (size_t k = i; k < end; k++)
			count[items[k].kind]++;
		buf_printf(&m.body, "%-12s %4zu ", *items[i].owner ?
			   items[i].owner : "(no owner)", end - i);
		for (int k = 0; k < 8; k++)
			if (count[k])
				buf_printf(&m.body, " %s %ld", kinds[k], count[k]);
		buf_addc(&m.body, '\n');
	}
	deliver(d, &m, err);
	free(m.subject);
	buf_free(&m.body);
}

/* --once: what reminders.jsonl says went out today. */
static int note_seen(void *ctx, const struct logrec *rec, long line,
		     struct crm_err *err)
{
	struct strmap *seen = ctx;
	const char *day = logrec_get(rec, "day"), *id = logrec_get(rec, "id");
	const char *owner = logrec_get(rec, "owner");
	const char *kind = logrec_get(rec, "kind");
	char key[512], today_s[16];

	date_format(today, today_s);
	if (day && id && owner && kind && !strcmp(day, today_s)) {
		snprintf(key, sizeof key, "%s|%s|%s", owner, kind, id);
		*strmap_slot(seen, key) = (void *)1;
	}
	return 0;
}

static int drop_seen(struct crm_err *err)
{
	struct strmap *seen = strmap_new();
	char *path = store_path(&st, "reminders.jsonl");
	size_t kept = 0;
	char key[512];
	int rc = jsonl_scan(path, "reminders.jsonl", note_seen, seen, err);

	for (size_t i = 0; rc == 0 && i < nitems; i++) {
		snprintf(key, sizeof key, "%s|%s|%s", items[i].owner,
			 kinds[items[i].kind], items[i].id);
		if (!strmap_get(seen, key)) {
			items[kept++] = items[i];
			continue;
		}
		item_release(&items[i]);
	}
	if (rc == 0)
		nitems = kept;
	strmap_free(seen);
	free(path);
	return rc;
}

static int run_mail(struct crm_err *err)
{
	struct delivery d = {0};
	char *path = store_path(&st, "reminders.jsonl");
	int rc = -1;

	d.from = conf_get(st.conf, "remind", NULL, "from");
	if (!d.from || !addr_ok(d.from)) {
		free(path);
		return crm_errf(err, "crm.conf", conf_line(st.conf, "remind",
				NULL, "from"), "[remind] from is not an e-mail "
				"address");
	}
	if ((opt("mbox") &&
	     store_check_output(&st, opt("mbox"), "--mbox", err) < 0) ||
	    (opt("once") && (store_lock(&st, err) < 0 || drop_seen(err) < 0)) ||
	    (opt("mbox") && atomic_begin(&d.file, opt("mbox"), err) < 0))
		goto out;
	d.mbox = opt("send") ? NULL : opt("mbox") ? d.file.fp : stdout;
	for (size_t i = 0, end; i < nitems; i = end) {
		end = owner_end(i);
		mail_owner(&d, i, end, err);
	}
	if (opt("digest") && nitems)
		mail_digest(&d, err);
	if (opt("mbox") && atomic_commit(&d.file, err) < 0)
		goto out;
	d.file.fp = NULL;
	if (opt("once") && jsonl_append(path, d.sent.s ? d.sent.s : "",
					d.sent.len, err) < 0)
		goto out;
	rc = d.failed ? CRM_FAIL : nitems ? CRM_OK : CRM_NONE;
out:
	if (d.file.fp)
		atomic_abort(&d.file);
	buf_free(&d.sent);
	free(path);
	return rc;
}

/* ---- main ------------------------------------------------------------------------- */

static int parse_days(struct crm_err *err)
{
	const char *d = opt("days");
	char *end;
	long n = d ? strtol(d, &end, 10) : 0;

	if (d && (*end || end == d || n < 0 || n > 3650))
		return crm_usagef(err, "--days: '%s' is not a number of days",
				  d);
	horizon = today + (int32_t)n;
	for (const char *k = opt("kind"); k && *k;) {
		size_t len = strcspn(k, ",");
		int known = 0;

		for (int i = 0; kinds[i]; i++)
			known |= strlen(kinds[i]) == len &&
				 !strncmp(kinds[i], k, len);
		if (!known)
			return crm_usagef(err, "--kind: '%.*s' is not one of "
					  "followup, stale, new-lead, close-date, "
					  "revisit, renewal, payment, pool",
					  (int)len, k);
		k += len + (k[len] == ',');
	}
	return 0;
}

static int run(struct crm_err *err)
{
	const char *f = opt("format"), *o = opt("output");
	int fmt = !f ? (!o && isatty(1) ? -2 : FMT_AUTO) :
		  !strcmp(f, "text") ? -2 : !strcmp(f, "mail") ? -3 :
		  !strcmp(f, "xlsx") ? FMT_XLSX : out_format_parse(f);

	if (fmt == -1 || fmt == FMT_IDS || fmt == FMT_TABLE)
		return crm_usagef(err, "--format: '%s' is not one of text, csv, "
				  "tsv, jsonl, xlsx, mail", f);
	if (fmt == -3 && o)
		return crm_usagef(err, "--output: not with --format mail "
				  "(--mbox writes the mail to a file)");
	if (fmt >= 0 && (fmt = out_report_format(&st, f, o, err)) < 0)
		return -1;
	if (fmt == -2 && o && (!*o || store_check_output(&st, o, "--output",
							   err) < 0))
		return *o ? -1 : crm_usagef(err, "--output: no file name");
	if (fmt != -3 && (opt("mbox") || opt("send") || opt("digest") ||
			  opt("once")))
		return crm_usagef(err, "--mbox, --send, --digest and --once go "
				  "with --format mail");
	if (opt("mbox") && opt("send"))
		return crm_usagef(err, "--mbox and --send exclude each other");
	today = date_today();
	if (parse_days(err) < 0 || pipelines_load(st.conf, &pipes, err) < 0 ||
	    collect(err) < 0 || filter_items(err) < 0)
		return -1;
	if (fmt == -3)
		return run_mail(err);
	if ((fmt == -2 ? print_text(err) : print_rows(fmt, err)) < 0)
		return -1;
	return nitems ? CRM_OK : CRM_NONE;
}

int main(int argc, char **argv)
{
	struct crm_err err = {0};
	struct cli_common common;
	int status, help;

	crm_set_prog(argv[0]);
	argv[0] = (char *)crm_prog;	/* getopt's messages name it */
	if (!(cli = cli_parse(argc, argv, long_options, "C:u:k:o:w:f:h",
			      &help))) {
		fprintf(stderr, "Try 'crm-remind --help'.\n");
		return CRM_USAGE;
	}
	if (help) {
		printf("%s\n%s", synopsis, help_text);
		cli_free(cli);
		return cli_finish(CRM_OK);
	}
	cli_common_from(cli, &common);
	if (optind < argc)
		status = cli_usage(synopsis, "unexpected operand '%s'", argv[optind]);
	else if (cli_open(&st, &common, &err) < 0)
		status = cli_fail(&err);
	else if ((status = run(&err)) < 0)
		status = err.code == CRM_USAGE ? cli_usage(synopsis, "%s", err.msg)
					       : cli_fail(&err);
	items_free();
	pipelines_free(&pipes);
	store_close(&st);
	cli_free(cli);
	return cli_finish(status);
}
