/* crm-cust - customers and their contacts */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-cust [-C dir] [--today date] [--user name] command [args]\n"
	"       crm-cust add name [--kind kind] [--owner user] [--source source] [--industry industry] [--phone phone] [--email email] [--city city] [--country country] [--set field=value]\n"
	"       crm-cust list [--where expr] [--owner user] [--pool] [--sort field] [--format format] [-]\n"
	"       crm-cust show id\n"
	"       crm-cust set id field=value ...\n"
	"       crm-cust log id text [--type type] [--next date] [--action text]\n"
	"       crm-cust contact add customer name [--title title] [--email email] [--phone phone] [--wechat id] [--primary]\n"
	"       crm-cust contact list [customer] [--where expr] [--format format]\n";

static const char help_text[] =
	"Customers and their contacts: add, list, show, set fields, log follow-ups.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"  -k, --kind=KIND          company or person (add; default company)\n"
	"  -o, --owner=USER         owner (add); only this owner's customers (list)\n"
	"      --source=SOURCE      where the customer came from (add)\n"
	"      --industry=INDUSTRY  industry (add)\n"
	"      --phone=PHONE        phone number (add, contact add)\n"
	"      --email=EMAIL        e-mail address (add, contact add)\n"
	"      --city=CITY          city (add)\n"
	"      --country=COUNTRY    country (add)\n"
	"  -s, --set=FIELD=VALUE    set any field, custom ones too (add; repeatable)\n"
	"  -w, --where=EXPR         only records for which the jq expression is true\n"
	"      --pool               only customers in the public pool, with no owner\n"
	"      --sort=FIELD         sort by FIELD; -FIELD sorts descending\n"
	"  -f, --format=FORMAT      table, csv, tsv, jsonl or ids (default: table on a\n"
	"                           terminal, csv otherwise)\n"
	"  -t, --type=TYPE          call, visit, email, meeting, note, revisit or\n"
	"                           service (log; default note)\n"
	"  -n, --next=DATE          date of the next follow-up (log)\n"
	"  -a, --action=TEXT        what the next follow-up is (log)\n"
	"      --title=TITLE        job title (contact add)\n"
	"      --wechat=ID          WeChat id (contact add)\n"
	"      --primary            make it the customer's main contact (contact add)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_SOURCE, OPT_INDUSTRY, OPT_PHONE,
	OPT_EMAIL, OPT_CITY, OPT_COUNTRY, OPT_POOL, OPT_SORT, OPT_TITLE,
	OPT_WECHAT, OPT_PRIMARY
};

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"kind", required_argument, NULL, 'k'},
	{"owner", required_argument, NULL, 'o'},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"industry", required_argument, NULL, OPT_INDUSTRY},
	{"phone", required_argument, NULL, OPT_PHONE},
	{"email", required_argument, NULL, OPT_EMAIL},
	{"city", required_argument, NULL, OPT_CITY},
	{"country", required_argument, NULL, OPT_COUNTRY},
	{"set", required_argument, NULL, 's'},
	{"where", required_argument, NULL, 'w'},
	{"pool", no_argument, NULL, OPT_POOL},
	{"sort", required_argument, NULL, OPT_SORT},
	{"format", required_argument, NULL, 'f'},
	{"type", required_argument, NULL, 't'},
	{"next", required_argument, NULL, 'n'},
	{"action", required_argument, NULL, 'a'},
	{"title", required_argument, NULL, OPT_TITLE},
	{"wechat", required_argument, NULL, OPT_WECHAT},
	{"primary", no_argument, NULL, OPT_PRIMARY},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};
#define NOPTS (sizeof long_options / sizeof long_options[0] - 1)

/* Options given, by index in long_options, and their values. */
static const char *optval[NOPTS];
static int optseen[NOPTS];
static const char **sets;
static size_t nsets;
static struct cli_common common;
static struct store st;

static const char *opt(const char *name)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (!strcmp(long_options[i].name, name))
			return optseen[i] ? (optval[i] ? optval[i] : "") : NULL;
	return NULL;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", crm_prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%sTry 'crm-cust --help'.\n", synopsis);
	return CRM_USAGE;
}

static const char *const activity_types =
	"call|visit|email|meeting|note|revisit|service";

static int type_ok(const char *t)
{
	size_t n = strlen(t);

	for (const char *p = activity_types; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && !strncmp(p, t, n))
			return 1;
		p += len + (p[len] == '|');
	}
	return 0;
}

/* ---- writing helpers ------------------------------------------------- */

/* Load a table under the lock already held. */
static struct table *load(const char *name, struct crm_err *err)
{
	return store_table(&st, name, err);
}

/* Save the changed tables, then their log lines, then let go. */
static int commit(struct table *t1, struct table *t2, struct crm_err *err)
{
	if ((t1 && table_save(t1, err) < 0) || (t2 && table_save(t2, err) < 0))
		return -1;
	return store_flush_logs(&st, err);
}

/* Set field col of row to the user's value v, normalised and logged. */
static int set_field(struct table *t, size_t row, const char *col,
		     const char *v, struct crm_err *err)
{
	char today[16];
	char *norm;

	if (!strcmp(col, "id") || !strcmp(col, "created"))
		return crm_usagef(err, "field '%s' cannot be changed", col);
	if (strpbrk(col, ",\"\r\n") || !*col)
		return crm_usagef(err, "'%s' is not a field name", col);
	norm = value_normalize(t->def, col, v, err);
	if (!norm)
		return -1;
	if (table_set_logged(&st, t, row, col, norm) > 0 &&
	    strcmp(col, "updated")) {
		date_format(date_today(), today);
		table_set(t, row, "updated", today);
	}
	free(norm);
	return 0;
}

/* ---- add ----------------------------------------------------------------- */

static const char *const add_fields[] = {
	"kind", "owner", "source", "industry", "phone", "email", "city",
	"country"
};

static int fill_new_customer(struct table *t, size_t r, const char *name,
			     struct crm_err *err)
{
	char *field;
	const char *value;

	if (set_field(t, r, "name", name, err) < 0 ||
	    set_field(t, r, "kind", opt("kind") ? opt("kind") : "company",
		      err) < 0)
		return -1;
	for (size_t i = 1; i < sizeof add_fields / sizeof *add_fields; i++)
		if (opt(add_fields[i]) &&
		    set_field(t, r, add_fields[i], opt(add_fields[i]), err) < 0)
			return -1;
	for (size_t i = 0; i < nsets; i++) {
		if (cli_split_assignment(sets[i], &field, &value, err) < 0)
			return -1;
		int rc = set_field(t, r, field, value, err);
		free(field);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int cmd_add(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	char id[ID_MAX], today[16];
	size_t r;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "add takes one customer name");
	if (!*argv[0])
		return crm_usagef(err, "the customer name is empty");
	if (store_lock(&st, err) < 0 || !(t = load("customers", err)))
		return -1;
	if (table_find_value(t, "name", argv[0]) != -1) {
		crm_errf(err, NULL, 0, "a customer named '%s' already exists",
			 argv[0]);
		goto out;
	}
	table_new_id(t, id);
	r = table_add_row(t);
	table_set(t, r, "id", id);
	date_format(date_today(), today);
	table_set(t, r, "created", today);
	table_set(t, r, "updated", today);
	history_append(&st, "customer", id, "id", "", id);
	if (fill_new_customer(t, r, argv[0], err) < 0)
		goto out;
	/* fill_new_customer logged each field as a change: creation is one
	 * event, the "id" line; the fields are its content. */
	buf_reset(&st.pending_history);
	history_append(&st, "customer", id, "id", "", id);
	if (commit(t, NULL, err) < 0)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	table_free(t);
	return rc;
}

/* ---- listings -------------------------------------------------------------- */

/* What a terminal table shows; every other format carries whole records
 * so that the next program in a pipe can read them back. */
static const char *const customer_view[] = {
	"id", "name", "owner", "tier", "industry", "city", "next_date",
	"last_contact"
};
static const char *const contact_view[] = {
	"id", "customer", "name", "title", "email", "phone", "primary"
};

struct listing {
	enum out_format fmt;
	const char *const *view;   /* table format: these columns */
	size_t nview;
	struct filter *where;
	const char *customer;      /* contact list: of this customer only */
	struct out *out;
	int *cols;                 /* output column -> table column */
	size_t ncols;
	char **cells;
};

static void listing_begin(struct listing *l, const struct table *t)
{
	size_t n = l->fmt == FMT_TABLE ? l->nview : t->ncols;
	char **names = xcalloc(n, sizeof *names);

	l->cols = xcalloc(n, sizeof *l->cols);
	for (size_t i = 0; i < n; i++) {
		l->cols[i] = l->fmt == FMT_TABLE ? table_col(t, l->view[i])
						 : (int)i;
		names[i] = t->cols[l->cols[i]];
	}
	l->ncols = n;
	l->cells = xcalloc(n, sizeof *l->cells);
	l->out = out_begin(stdout, l->fmt, names, n, t->def);
	free(names);
}

static int listing_selects(struct listing *l, const struct table *t,
			   char **row, struct crm_err *err)
{
	const char *owner = opt("owner");
	int c;

	if (owner && (c = table_col(t, "owner")) >= 0 && strcmp(row[c], owner))
		return 0;
	if (opt("pool") && (c = table_col(t, "owner")) >= 0 && *row[c])
		return 0;
	if (l->customer && (c = table_col(t, "customer")) >= 0 &&
	    strcmp(row[c], l->customer))
		return 0;
	return l->where ? filter_match(l->where, t, row, err) : 1;
}

static int listing_row(void *ctx, const struct table *t, char **row,
		       long line, struct crm_err *err)
{
	struct listing *l = ctx;
	int sel;

	if (!l->out)
		listing_begin(l, t);
	sel = listing_selects(l, t, row, err);
	if (sel <= 0)
		return sel;
	for (size_t i = 0; i < l->ncols; i++)
		l->cells[i] = row[l->cols[i]];
	out_row(l->out, l->cells);
	return 0;
}

/* Ends the listing; exit status 1 when it selected nothing. */
static int listing_end(struct listing *l, const struct table *t, int rc)
{
	size_t n = 0;

	if (!l->out && rc == 0)
		listing_begin(l, t);
	if (l->out)
		n = out_end(l->out);
	free(l->cols);
	free(l->cells);
	filter_free(l->where);
	if (rc < 0)
		return -1;
	return n ? CRM_OK : CRM_NONE;
}

static int listing_init(struct listing *l, const char *const *view,
			size_t nview, struct crm_err *err)
{
	const char *f = opt("format");
	int fmt = f ? out_format_parse(f) : FMT_AUTO;

	memset(l, 0, sizeof *l);
	if (fmt < 0)
		return crm_usagef(err, "--format: '%s' is not one of table, "
				  "csv, tsv, jsonl, ids", f);
	l->fmt = fmt == FMT_AUTO && isatty(1) ? FMT_TABLE : (enum out_format)fmt;
	if (l->fmt == FMT_AUTO)
		l->fmt = FMT_CSV;
	l->view = view;
	l->nview = nview;
	if (opt("where") && !(l->where = filter_compile(opt("where"), err)))
		return -1;
	return 0;
}

static int cmp_field;
static int cmp_desc;
static int cmp_numeric;
static const struct table *cmp_table;

static int cmp_rows(const void *a, const void *b)
{
	const char *x = cmp_table->rows[*(const size_t *)a][cmp_field];
	const char *y = cmp_table->rows[*(const size_t *)b][cmp_field];
	int c;

	if (cmp_numeric && *x && *y) {
		double dx = strtod(x, NULL), dy = strtod(y, NULL);
		c = dx < dy ? -1 : dx > dy;
	} else {
		c = strcmp(x, y);
	}
	if (!c)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return cmp_desc ? -c : c;
}

static int sort_rows(const struct table *t, size_t *idx, size_t n,
		     struct crm_err *err)
{
	const char *key = opt("sort");
	const struct col_def *d;

	if (!key)
		return 0;
	cmp_desc = key[0] == '-';
	key += cmp_desc;
	if ((cmp_field = table_col(t, key)) < 0)
		return crm_usagef(err, "--sort: no field '%s'", key);
	d = t->def ? table_def_col(t->def, key) : NULL;
	cmp_numeric = d && (d->type == COL_MONEY || d->type == COL_NUMBER);
	cmp_table = t;
	qsort(idx, n, sizeof *idx, cmp_rows);
	return 0;
}

/* Rows picked by ids read from stdin, or all rows; then sorted. */
static size_t *pick_rows(const struct table *t, int from_stdin, size_t *n,
			 struct crm_err *err)
{
	struct table *in = NULL;
	size_t *idx;
	long r;

	*n = 0;
	if (from_stdin && !(in = input_read(stdin, "-", err)))
		return NULL;
	if (in && table_col(in, "id") < 0) {
		crm_errf(err, "-", 0, "records on standard input have no id");
		table_free(in);
		return NULL;
	}
	idx = xcalloc(in ? in->nrows + 1 : t->nrows + 1, sizeof *idx);
	for (size_t i = 0; i < (in ? in->nrows : t->nrows); i++) {
		if (!in) {
			idx[(*n)++] = i;
		} else if ((r = table_find_id(t, table_get(in, i, "id"),
					      err)) < 0) {
			snprintf(err->file, sizeof err->file, "-");
			err->line = in->lines[i];
			free(idx);
			table_free(in);
			return NULL;
		} else {
			idx[(*n)++] = (size_t)r;
		}
	}
	table_free(in);
	return idx;
}

static int list_table(const char *name, int argc, char **argv,
		      struct listing *l, struct crm_err *err)
{
	struct table *t;
	size_t *idx, n;
	int rc = 0;

	if (argc > 0 && strcmp(argv[0], "-"))
		return crm_usagef(err, "unexpected operand '%s'", argv[0]);
	if (argc == 0 && !opt("sort")) {
		const struct table_def *def = table_def_find(name);
		t = table_new(def, st.dir);
		rc = table_scan(st.dir, def, listing_row, l, err);
		rc = listing_end(l, t, rc);
		table_free(t);
		return rc;
	}
	if (!(t = load(name, err)))
		return listing_end(l, NULL, -1);
	idx = pick_rows(t, argc > 0, &n, err);
	if (!idx || sort_rows(t, idx, n, err) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = listing_row(l, t, t->rows[idx[i]], 0, err);
	free(idx);
	rc = listing_end(l, t, rc);
	table_free(t);
	return rc;
}

static int cmd_list(int argc, char **argv, struct crm_err *err)
{
	struct listing l;

	if (listing_init(&l, customer_view, 8, err) < 0)
		return -1;
	return list_table("customers", argc, argv, &l, err);
}

/* ---- show ----------------------------------------------------------------- */

struct recent {
	const char *id;            /* the customer */
	struct table *opps;        /* its opportunities' ids are its too */
	char **lines;              /* "date  type  by  text", oldest first */
	size_t n;
};

static int belongs(const struct recent *rc, const char *entity,
		   const char *id)
{
	if (!strcmp(entity, "customer"))
		return !strcmp(id, rc->id);
	if (strcmp(entity, "opportunity"))
		return 0;
	for (size_t r = 0; r < rc->opps->nrows; r++)
		if (!strcmp(table_get(rc->opps, r, "id"), id) &&
		    !strcmp(table_get(rc->opps, r, "customer"), rc->id))
			return 1;
	return 0;
}

static int collect_activity(void *ctx, const struct logrec *r, long line,
			    struct crm_err *err)
{
	struct recent *rc = ctx;
	const char *entity = logrec_get(r, "entity");
	const char *id = logrec_get(r, "id");
	const char *at = logrec_get(r, "at");
	const char *text = logrec_get(r, "text");

	if (!entity || !id || !belongs(rc, entity, id))
		return 0;
	rc->lines = xrealloc(rc->lines, (rc->n + 1) * sizeof *rc->lines);
	rc->lines[rc->n++] = xasprintf("  %.10s  %-8s %-8s %s%s%s",
		at ? at : "", logrec_get(r, "type") ? logrec_get(r, "type")
		: "", logrec_get(r, "by") ? logrec_get(r, "by") : "",
		strcmp(entity, "customer") ? id : "",
		strcmp(entity, "customer") ? " " : "", text ? text : "");
	return 0;
}

static void show_fields(const struct table *t, size_t r)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (*t->rows[r][c])
			printf("%-13s %s\n", t->cols[c], t->rows[r][c]);
}

static void show_related(const struct table *t, const char *col,
			 const char *id, const char *title,
			 const char *const *fields, size_t nf)
{
	int any = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(table_get(t, r, col), id))
			continue;
		if (!any++)
			printf("\n%s\n", title);
		printf(" ");
		for (size_t i = 0; i < nf; i++)
			if (*table_get(t, r, fields[i]))
				printf(" %s", table_get(t, r, fields[i]));
		printf("\n");
	}
}

static int show_activities(struct recent *rc, struct crm_err *err)
{
	char *path = store_path(&st, "activities.jsonl");
	int ok = jsonl_scan(path, "activities.jsonl", collect_activity, rc,
			    err);

	free(path);
	if (ok < 0)
		return -1;
	if (rc->n)
		printf("\nactivities (newest first)\n");
	for (size_t i = rc->n; i-- > 0;) {
		if (rc->n - i <= 20)
			printf("%s\n", rc->lines[i]);
		free(rc->lines[i]);
	}
	free(rc->lines);
	return 0;
}

static const char *const contact_line[] = {
	"id", "name", "title", "email", "phone"
};
static const char *const opp_line[] = {
	"id", "name", "stage", "amount", "close", "owner"
};

static int cmd_show(int argc, char **argv, struct crm_err *err)
{
	struct table *t = NULL, *contacts = NULL, *opps = NULL;
	struct recent rc = {0};
	long r;
	int status = -1;

	if (argc != 1)
		return crm_usagef(err, "show takes one customer id");
	if (!(t = load("customers", err)) || (r = table_find_ref(t, argv[0],
	    err)) < 0 || !(contacts = load("contacts", err)) ||
	    !(opps = load("opportunities", err)))
		goto out;
	show_fields(t, (size_t)r);
	rc.id = t->rows[r][0];
	rc.opps = opps;
	show_related(contacts, "customer", rc.id, "contacts", contact_line, 5);
	show_related(opps, "customer", rc.id, "opportunities", opp_line, 6);
	status = show_activities(&rc, err);
out:
	table_free(t);
	table_free(contacts);
	table_free(opps);
	return status;
}

/* ---- set and log ------------------------------------------------------------ */

static int cmd_set(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	char *field;
	const char *value;
	long r;
	int rc = -1;

	if (argc < 2)
		return crm_usagef(err, "set takes an id and FIELD=VALUE...");
	for (int i = 1; i < argc; i++) {
		if (cli_split_assignment(argv[i], &field, &value, err) < 0)
			return -1;
		free(field);
	}
	if (store_lock(&st, err) < 0 || !(t = load("customers", err)))
		return -1;
	if ((r = table_find_ref(t, argv[0], err)) < 0)
		goto out;
	for (int i = 1; i < argc; i++) {
		cli_split_assignment(argv[i], &field, &value, err);
		int bad = set_field(t, (size_t)r, field, value, err);
		free(field);
		if (bad < 0)
			goto out;
	}
	rc = commit(t, NULL, err);
out:
	table_free(t);
	return rc;
}

static int cmd_log(int argc, char **argv, struct crm_err *err)
{
	const char *type = opt("type") ? opt("type") : "note";
	const char *xkeys[] = {"next", "action"};
	const char *xvals[2] = {NULL, opt("action")};
	struct table *t;
	char today[16], next[16] = "";
	int32_t day;
	long r;
	int rc = -1;

	if (argc != 2)
		return crm_usagef(err, "log takes an id and a text");
	if (!type_ok(type))
		return crm_usagef(err, "--type: '%s' is not one of %s", type,
				  activity_types);
	if (opt("next")) {
		if (date_parse(opt("next"), &day, err) < 0) {
			err->code = CRM_USAGE;
			return -1;
		}
		date_format(day, next);
		xvals[0] = next;
	}
	if (store_lock(&st, err) < 0 || !(t = load("customers", err)))
		return -1;
	if ((r = table_find_ref(t, argv[0], err)) < 0)
		goto out;
	date_format(date_today(), today);
	activity_append(&st, "customer", t->rows[r][0], type, argv[1],
			xkeys, xvals, 2);
	if (set_field(t, (size_t)r, "last_contact", today, err) < 0 ||
	    (*next && (set_field(t, (size_t)r, "next_date", next, err) < 0 ||
	     set_field(t, (size_t)r, "next_action", opt("action") ?
		       opt("action") : "", err) < 0)))
		goto out;
	rc = commit(t, NULL, err);
out:
	table_free(t);
	return rc;
}

/* ---- contacts ------------------------------------------------------------------ */

/* The first contact of a customer is its main one; --primary moves the
 * mark to the new contact. */
static int mark_primary(struct table *ct, size_t row, const char *customer,
			struct crm_err *err)
{
	int others = 0;

	for (size_t r = 0; r < ct->nrows; r++) {
		if (r == row || strcmp(table_get(ct, r, "customer"), customer))
			continue;
		others++;
		if (opt("primary") && !strcmp(table_get(ct, r, "primary"),
					      "yes") &&
		    set_field(ct, r, "primary", "no", err) < 0)
			return -1;
	}
	return set_field(ct, row, "primary", opt("primary") || !others ?
			 "yes" : "no", err);
}

static const char *const contact_fields[] = {
	"title", "email", "phone", "wechat"
};

static int contact_add(int argc, char **argv, struct crm_err *err)
{
	struct table *cust = NULL, *ct = NULL;
	char id[ID_MAX], today[16];
	long c;
	size_t r;
	int rc = -1;

	if (argc != 2)
		return crm_usagef(err, "contact add takes a customer and a name");
	if (store_lock(&st, err) < 0 || !(cust = load("customers", err)) ||
	    (c = table_find_ref(cust, argv[0], err)) < 0 ||
	    !(ct = load("contacts", err)))
		goto out;
	table_new_id(ct, id);
	r = table_add_row(ct);
	table_set(ct, r, "id", id);
	date_format(date_today(), today);
	table_set(ct, r, "created", today);
	table_set(ct, r, "customer", cust->rows[c][0]);
	if (set_field(ct, r, "name", argv[1], err) < 0)
		goto out;
	for (size_t i = 0; i < 4; i++)
		if (opt(contact_fields[i]) &&
		    set_field(ct, r, contact_fields[i], opt(contact_fields[i]),
			      err) < 0)
			goto out;
	if (mark_primary(ct, r, cust->rows[c][0], err) < 0)
		goto out;
	/* The new contact is one event; other contacts' primary changes are
	 * history of their own, so they are logged again after it. */
	buf_reset(&st.pending_history);
	history_append(&st, "contact", id, "id", "", id);
	for (size_t o = 0; o < ct->nrows; o++)
		if (o != r && opt("primary") &&
		    !strcmp(table_get(ct, o, "customer"), cust->rows[c][0]) &&
		    ct->lines[o] && !strcmp(table_get(ct, o, "primary"), "no"))
			history_append(&st, "contact", table_get(ct, o, "id"),
				       "primary", "yes", "no");
	if (commit(ct, NULL, err) < 0)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	table_free(cust);
	table_free(ct);
	return rc;
}

static int contact_list(int argc, char **argv, struct crm_err *err)
{
	struct listing l;
	struct table *cust;
	long c;
	int rc;

	if (listing_init(&l, contact_view, 7, err) < 0)
		return -1;
	if (argc > 0 && strcmp(argv[0], "-")) {
		if (!(cust = load("customers", err)) ||
		    (c = table_find_ref(cust, argv[0], err)) < 0) {
			table_free(cust);
			return listing_end(&l, NULL, -1);
		}
		l.customer = xstrdup(cust->rows[c][0]);
		table_free(cust);
		argc--;
		argv++;
	}
	rc = list_table("contacts", argc, argv, &l, err);
	free((char *)l.customer);
	return rc;
}

/* ---- verbs and main --------------------------------------------------------------- */

struct verb {
	const char *name;
	int (*run)(int argc, char **argv, struct crm_err *err);
	const char *options;   /* the verb's own long options */
};

static int cmd_contact(int argc, char **argv, struct crm_err *err);

static const struct verb verbs[] = {
	{"add", cmd_add, "kind owner source industry phone email city "
	 "country set"},
	{"list", cmd_list, "where owner pool sort format"},
	{"show", cmd_show, ""},
	{"set", cmd_set, ""},
	{"log", cmd_log, "type next action"},
	{"contact", cmd_contact, "title email phone wechat primary where "
	 "format sort"},
	{NULL, NULL, NULL}
};

static const struct verb contact_verbs[] = {
	{"add", contact_add, "title email phone wechat primary"},
	{"list", contact_list, "where format sort"},
	{NULL, NULL, NULL}
};

static const struct verb *verb_find(const struct verb *v, const char *name)
{
	for (; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static const char *const common_opts = "dir today user lock-timeout help";

/* Has the user given an option this verb has no use for? */
static const char *stray_option(const struct verb *v)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const char *name = long_options[i].name;
		size_t n = strlen(name);
		const char *lists[] = {v->options, common_opts};
		int ok = 0;

		if (!optseen[i])
			continue;
		for (size_t k = 0; k < 2 && !ok; k++)
			for (const char *p = lists[k]; *p && !ok;) {
				size_t len = strcspn(p, " ");
				ok = len == n && !strncmp(p, name, n);
				p += len + (p[len] == ' ');
			}
		if (!ok)
			return name;
	}
	return NULL;
}

static int run_verb(const struct verb *table, const char *what, int argc,
		    char **argv, struct crm_err *err)
{
	const struct verb *v;
	const char *stray;

	if (argc < 1)
		return crm_usagef(err, "%s", what);
	if (!(v = verb_find(table, argv[0])))
		return crm_usagef(err, "unknown command '%s'", argv[0]);
	if ((stray = stray_option(v)))
		return crm_usagef(err, "--%s does not apply to %s", stray,
				  v->name);
	return v->run(argc - 1, argv + 1, err);
}

static int cmd_contact(int argc, char **argv, struct crm_err *err)
{
	return run_verb(contact_verbs, "contact needs add or list", argc, argv,
			err);
}

/* Parse every option wherever it is (GNU permutation); operands stay. */
static int parse_options(int argc, char **argv)
{
	int c, idx;

	while ((c = getopt_long(argc, argv, "C:u:k:o:s:w:f:t:n:a:h",
				long_options, &idx)) != -1) {
		if (c == '?')
			return -1;
		if (c == 'h') {
			fputs(synopsis, stdout);
			fputs("\n", stdout);
			fputs(help_text, stdout);
			exit(cli_finish(CRM_OK));
		}
		for (size_t i = 0; i < NOPTS; i++)
			if (long_options[i].val == c) {
				optseen[i] = 1;
				optval[i] = optarg;
			}
		if (c == 's') {
			sets = xrealloc(sets, (nsets + 1) * sizeof *sets);
			sets[nsets++] = optarg;
		}
	}
	common.dir = opt("dir");
	common.today = opt("today");
	common.user = opt("user");
	common.lock_timeout = opt("lock-timeout");
	return 0;
}

int main(int argc, char **argv)
{
	struct crm_err err = {0};
	int status;

	crm_set_prog(argv[0]);
	argv[0] = (char *)crm_prog;	/* getopt's messages name it */
	if (parse_options(argc, argv) < 0) {
		fprintf(stderr, "Try 'crm-cust --help'.\n");
		return CRM_USAGE;
	}
	if (optind >= argc)
		return usage_error("%s", "a command is required");
	if (!verb_find(verbs, argv[optind]))
		return usage_error("unknown command '%s'", argv[optind]);
	if (cli_open(&st, &common, &err) < 0)
		status = cli_fail(&err);
	else
		status = run_verb(verbs, "", argc - optind, argv + optind,
				  &err);
	if (status < 0)
		status = err.code == CRM_USAGE ?
			 usage_error("%s", err.msg) : cli_fail(&err);
	store_close(&st);
	free(sets);
	return cli_finish(status);
}
