/* crm-cust - customers: profiles, contacts, tiers and tags, contracts,
 * payments (回款) and the public pool (公海) */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-cust [-C dir] [--today date] [--user name] command [args]\n"
	"       crm-cust add name [--kind kind] [--owner user] [--source source] [--industry industry] [--phone phone] [--email email] [--city city] [--country country] [--set field=value]\n"
	"       crm-cust list [--where expr] [--owner user] [--pool] [--tag tag] [--tier tier] [--sort field] [--format format] [--output file] [-]\n"
	"       crm-cust show id [--format format]\n"
	"       crm-cust set id field=value ...\n"
	"       crm-cust log id text [--type type] [--next date] [--action text]\n"
	"       crm-cust tag id|- +tag|-tag ...\n"
	"       crm-cust tier [--since date] [--dry-run] [--format format] [--output file]\n"
	"       crm-cust claim id [--to user]\n"
	"       crm-cust release id --reason text\n"
	"       crm-cust reclaim [--dry-run] [--format format] [--output file]\n"
	"       crm-cust lock id [--reason text]\n"
	"       crm-cust unlock id [--reason text]\n"
	"       crm-cust dedupe [--format format] [--output file]\n"
	"       crm-cust merge keep duplicate ...\n"
	"       crm-cust contact add customer name [--title title] [--email email] [--phone phone] [--wechat id] [--primary]\n"
	"       crm-cust contact list [customer] [--where expr] [--format format] [--output file]\n"
	"       crm-cust contract add customer --amount amount --start date --end date [--opp id] [--renewal kind] [--title title] [--currency code]\n"
	"       crm-cust contract list [customer] [--expiring days] [--where expr] [--sort field] [--format format] [--output file]\n"
	"       crm-cust pay plan contract --due date --amount amount ...\n"
	"       crm-cust pay plan contract --split n --every interval [--due date] [--amount total]\n"
	"       crm-cust pay record contract --amount amount [--date date] [--plan id] [--method text]\n"
	"       crm-cust pay list [contract] [--customer id] [--overdue] [--format format] [--output file]\n"
	"       crm-cust import file [--sheet sheet] [--encoding encoding] [--delimiter char] [--map column=field] [--date-order order] [--match keys] [--on-dup action] [--rejects file] [--dry-run]\n";

static const char help_text[] =
	"Customers: profiles, contacts, follow-ups, tiers and tags, contracts,\n"
	"payment plans and collections, and the public pool.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"      --excel              CSV for spreadsheets: a BOM, and ' before = + - @\n"
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
	"      --tag=TAG            only customers tagged TAG (list)\n"
	"      --tier=TIER          only customers of tier TIER (list)\n"
	"      --sort=FIELD         sort by FIELD; -FIELD sorts descending\n"
	"  -f, --format=FORMAT      table, csv, tsv, jsonl, ids or xlsx (default: table\n"
	"                           on a terminal, csv otherwise); show: text or jsonl\n"
	"      --output=FILE        write the listing to FILE, atomically (list,\n"
	"                           tier, reclaim, dedupe, pay list; xlsx needs it;\n"
	"                           default format by the name)\n"
	"  -t, --type=TYPE          call, visit, email, meeting, note, revisit or\n"
	"                           service (log; default note)\n"
	"  -n, --next=DATE          date of the next follow-up (log)\n"
	"  -a, --action=TEXT        what the next follow-up is (log)\n"
	"      --since=DATE         tier by won revenue since DATE (default: 12\n"
	"                           months before today)\n"
	"      --dry-run            show what tier, reclaim or import would do,\n"
	"                           change nothing\n"
	"      --to=USER            who claims the customer (claim; default --user)\n"
	"  -r, --reason=TEXT        why (release, lock, unlock)\n"
	"      --title=TITLE        job title (contact add); title (contract add)\n"
	"      --wechat=ID          WeChat id (contact add)\n"
	"      --primary            make it the customer's main contact (contact add)\n"
	"      --amount=AMOUNT      contract amount (contract add); instalment\n"
	"                           (pay plan, repeatable, one a --due); money\n"
	"                           collected (pay record)\n"
	"      --currency=CODE      currency of the contract (contract add)\n"
	"      --start=DATE         first day of the contract (contract add)\n"
	"      --end=DATE           last day of the contract (contract add)\n"
	"      --opp=ID             the opportunity the contract closes (contract add)\n"
	"      --renewal=KIND       auto, manual or none (contract add; default manual)\n"
	"      --expiring=DAYS      only active contracts ending within DAYS days\n"
	"                           (contract list)\n"
	"      --due=DATE           due date of an instalment (pay plan, repeatable);\n"
	"                           the first one with --split\n"
	"      --split=N            plan N equal instalments (pay plan)\n"
	"      --every=INTERVAL     between instalments: Nd, Nw, Nm or Ny (pay plan)\n"
	"      --date=DATE          when the money came in (pay record; default today)\n"
	"      --plan=ID            the plan line a payment settles (pay record)\n"
	"      --method=TEXT        how it was paid, e.g. transfer (pay record)\n"
	"      --customer=ID        only this customer's payment lines (pay list)\n"
	"      --overdue            only lines past due and not fully paid (pay list)\n"
	CLI_IMPORT_HELP
	"      --match=KEYS         duplicate customers: name, id (import; default\n"
	"                           name,id)\n"
	CLI_IMPORT_HELP2
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_EXCEL, OPT_SOURCE, OPT_INDUSTRY, OPT_PHONE,
	OPT_EMAIL, OPT_CITY, OPT_COUNTRY, OPT_POOL, OPT_SORT, OPT_TITLE,
	OPT_WECHAT, OPT_PRIMARY, OPT_TAG, OPT_TIER, OPT_SINCE, OPT_DRY_RUN,
	OPT_TO, OPT_AMOUNT, OPT_CURRENCY, OPT_START, OPT_END, OPT_OPP,
	OPT_RENEWAL, OPT_EXPIRING, OPT_DUE, OPT_SPLIT, OPT_EVERY, OPT_DATE,
	OPT_PLAN, OPT_METHOD, OPT_CUSTOMER, OPT_OVERDUE, OPT_OUTPUT
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
	{"tag", required_argument, NULL, OPT_TAG},
	{"tier", required_argument, NULL, OPT_TIER},
	{"sort", required_argument, NULL, OPT_SORT},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"excel", no_argument, NULL, OPT_EXCEL},
	{"type", required_argument, NULL, 't'},
	{"next", required_argument, NULL, 'n'},
	{"action", required_argument, NULL, 'a'},
	{"since", required_argument, NULL, OPT_SINCE},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"to", required_argument, NULL, OPT_TO},
	{"reason", required_argument, NULL, 'r'},
	{"title", required_argument, NULL, OPT_TITLE},
	{"wechat", required_argument, NULL, OPT_WECHAT},
	{"primary", no_argument, NULL, OPT_PRIMARY},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"currency", required_argument, NULL, OPT_CURRENCY},
	{"start", required_argument, NULL, OPT_START},
	{"end", required_argument, NULL, OPT_END},
	{"opp", required_argument, NULL, OPT_OPP},
	{"renewal", required_argument, NULL, OPT_RENEWAL},
	{"expiring", required_argument, NULL, OPT_EXPIRING},
	{"due", required_argument, NULL, OPT_DUE},
	{"split", required_argument, NULL, OPT_SPLIT},
	{"every", required_argument, NULL, OPT_EVERY},
	{"date", required_argument, NULL, OPT_DATE},
	{"plan", required_argument, NULL, OPT_PLAN},
	{"method", required_argument, NULL, OPT_METHOD},
	{"customer", required_argument, NULL, OPT_CUSTOMER},
	{"overdue", no_argument, NULL, OPT_OVERDUE},
	CLI_IMPORT_LONGOPTS,
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};
static const char short_options[] = "C:u:k:o:s:w:f:t:n:a:r:h";
static struct cli *cli;
static struct store st;

static const char *opt(const char *name)
{
	return cli_opt(cli, name);
}

static struct table *load(const char *name, struct crm_err *err)
{
	return store_table(&st, name, err);
}

/* Save one table, then its log lines (the lock is held). */
static int commit(struct table *t, struct crm_err *err)
{
	struct table *tables[] = {t, NULL};

	return store_commit(&st, tables, err);
}

/* A date option as YYYY-MM-DD, or def when not given. */
static int date_opt(const char *name, int32_t def, int32_t *day,
		    struct crm_err *err)
{
	char iso[16];

	*day = def;
	if (!opt(name))
		return 0;
	if (cli_date(name, opt(name), iso, err) < 0)
		return -1;
	*day = date_field(iso);
	return 0;
}

static int money_opt(const char *name, const char *v, int64_t *minor,
		     struct crm_err *err)
{
	struct crm_err e = {0};

	if (money_parse(v, minor, &e) < 0)
		return crm_usagef(err, "--%s: %s", name, e.msg);
	if (*minor <= 0)
		return crm_usagef(err, "--%s: '%s' is not more than zero",
				  name, v);
	return 0;
}

/* A report verb's --format and --output. */
static int format_opt(struct crm_err *err)
{
	return out_report_format(&st, opt("format"), opt("output"), err);
}

/* Its listing, on stdout or into the --output FILE. */
static struct out *report_open(int fmt, const char *sheet, char *const *cols,
			       size_t n, const struct table_def *def,
			       struct crm_err *err)
{
	return out_report_open(fmt, opt("output"), sheet, cols, n, def, err);
}

static int is_terminal_table(int fmt)
{
	return fmt == FMT_TABLE || (fmt == FMT_AUTO && isatty(1));
}

/* Operands of a list verb: nothing, or "-" for records on stdin. */
static int stdin_operand(int argc, char **argv, struct crm_err *err)
{
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "unexpected operand '%s'",
				  argv[argc - 1]);
	return argc == 1;
}

static int ref_id(const char *table, const char *key, char **id,
		  struct crm_err *err)
{
	struct table *t;
	long r;

	*id = NULL;
	if (!key)
		return 0;
	if (!(t = load(table, err)) || (r = table_find_ref(t, key, err)) < 0) {
		table_free(t);
		return -1;
	}
	*id = xstrdup(t->rows[r][0]);
	table_free(t);
	return 0;
}

/* An optional leading customer operand, as an id. */
static int customer_operand(int *argc, char ***argv, char **id,
			    struct crm_err *err)
{
	*id = NULL;
	if (*argc == 0 || !strcmp((*argv)[0], "-"))
		return 0;
	if (ref_id("customers", (*argv)[0], id, err) < 0)
		return -1;
	(*argc)--;
	(*argv)++;
	return 0;
}

/* ---- add ----------------------------------------------------------------- */

static const char *const add_fields[] = {
	"owner", "source", "industry", "phone", "email", "city", "country"
};

static int fill_new_customer(struct table *t, size_t r, const char *name,
			     struct crm_err *err)
{
	const char **sets;
	size_t nsets;

	if (record_init(&st, t, r, "name", name, err) < 0 ||
	    record_init(&st, t, r, "kind", opt("kind") ? opt("kind") :
			"company", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof add_fields / sizeof *add_fields; i++)
		if (opt(add_fields[i]) && record_init(&st, t, r, add_fields[i],
						      opt(add_fields[i]),
						      err) < 0)
			return -1;
	sets = cli_opt_all(cli, "set", &nsets);
	return record_assign(&st, t, r, sets, nsets, 0, err);
}

static int cmd_add(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
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
	r = record_new(&st, t);
	if (fill_new_customer(t, r, argv[0], err) < 0 || commit(t, err) < 0)
		goto out;
	printf("%s\n", t->rows[r][0]);
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

static int customer_selected(void *ctx, const struct table *t, char **row)
{
	const char *owner = opt("owner");
	const char *tier = opt("tier");
	const char **tags;
	size_t ntags;
	int c = table_col(t, "owner");

	if ((owner && strcmp(row[c], owner)) || (opt("pool") && *row[c]))
		return 0;
	if (tier && strcmp(row[table_col(t, "tier")], tier))
		return 0;
	tags = cli_opt_all(cli, "tag", &ntags);
	for (size_t i = 0; i < ntags; i++)
		if (!tags_has(row[table_col(t, "tags")], tags[i]))
			return 0;
	return 1;
}

static int cmd_list(int argc, char **argv, struct crm_err *err)
{
	struct listing *l;
	int from_stdin = stdin_operand(argc, argv, err);

	if (from_stdin < 0 || !(l = listing_new(opt("format"), opt("where"),
						opt("sort"), customer_view, 8,
						err)))
		return -1;
	listing_output(l, &st, opt("output"));
	return listing_run(l, st.dir, table_def_find("customers"), from_stdin,
			   customer_selected, NULL, err);
}

/* ---- plan lines: what is paid and what is still out ------------------------ */

struct plan_line {
	size_t row;                 /* in payments */
	int64_t amount, paid, open;
	long overdue;               /* days past due while open, else 0 */
	const char *status;         /* paid, partial, open or overdue */
};

static void plan_line_of(const struct table *pay, size_t r,
			 const int64_t *paid, struct plan_line *pl)
{
	int32_t due = date_field(table_get(pay, r, "date"));

	pl->row = r;
	pl->amount = money_of(pay, r, "amount");
	pl->paid = paid[r];
	pl->open = pl->amount - pl->paid;
	pl->overdue = 0;
	if (pl->open <= 0) {
		pl->open = 0;
		pl->status = "paid";
	} else if (due != DATE_NONE && due < date_today()) {
		pl->overdue = (long)(date_today() - due);
		pl->status = "overdue";
	} else {
		pl->status = pl->paid > 0 ? "partial" : "open";
	}
}

/* ---- show ------------------------------------------------------------------ */

struct view {
	struct table *cust, *contacts, *opps, *contracts, *pay;
	size_t row;
	const char *id;
	struct strmap *merged;     /* id -> the customer it was merged into */
	struct strmap *opp_ix, *contact_ix;
	struct buf *acts;          /* per activity: text line, JSON object */
	size_t nacts;
};

static int collect_merge(void *ctx, const struct logrec *r, long line,
			 struct crm_err *err)
{
	struct view *v = ctx;
	const char *field = logrec_get(r, "field");
	const char *to = logrec_get(r, "to"), *id = logrec_get(r, "id");
	void **slot;

	if (!field || strcmp(field, "merged_into") || !to || !id)
		return 0;
	slot = strmap_slot(v->merged, id);
	free(*slot);
	*slot = xstrdup(to);
	return 0;
}

/* This customer, or one merged into it (perhaps through others). */
static int is_this_customer(const struct view *v, const char *id)
{
	for (int hops = 0; id && hops < 64; hops++) {
		if (!strcmp(id, v->id))
			return 1;
		id = strmap_get(v->merged, id);
	}
	return 0;
}

static int belongs(const struct view *v, const char *entity, const char *id)
{
	long r;

	if (!strcmp(entity, "customer"))
		return is_this_customer(v, id);
	if (!strcmp(entity, "opportunity"))
		return (r = table_index_row(v->opp_ix, id)) >= 0 &&
		       is_this_customer(v, table_get(v->opps, (size_t)r,
						     "customer"));
	if (!strcmp(entity, "contact"))
		return (r = table_index_row(v->contact_ix, id)) >= 0 &&
		       is_this_customer(v, table_get(v->contacts, (size_t)r,
						     "customer"));
	return 0;
}

static void activity_json(struct buf *b, const struct logrec *r)
{
	buf_addc(b, '{');
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_addc(b, ',');
		json_add_string(b, r->keys[i]);
		buf_addc(b, ':');
		json_add_string(b, r->vals[i]);
	}
	buf_addc(b, '}');
}

static int collect_activity(void *ctx, const struct logrec *r, long line,
			    struct crm_err *err)
{
	struct view *v = ctx;
	const char *entity = logrec_get(r, "entity");
	const char *id = logrec_get(r, "id");
	struct buf *b;

	if (!entity || !id || !belongs(v, entity, id))
		return 0;
	v->acts = xrealloc(v->acts, (v->nacts + 1) * 2 * sizeof *v->acts);
	b = &v->acts[2 * v->nacts++];
	memset(b, 0, 2 * sizeof *b);
	activity_line(b, r, strcmp(entity, "customer") ? id : NULL);
	activity_json(b + 1, r);
	return 0;
}

static int scan_log(struct view *v, const char *name, jsonl_fn fn,
		    struct crm_err *err)
{
	char *path = store_path(&st, name);
	int rc = jsonl_scan(path, name, fn, v, err);

	free(path);
	return rc;
}

/* The customer's deals (and those of customers merged into it), the
 * others streamed past: at a million deals the table is 400 MB. */
static int keep_deal(void *ctx, const struct table *t, char **row,
		     long line, struct crm_err *err)
{
	struct view *v = ctx;
	struct table view;

	if (!v->opps)
		v->opps = table_like(t);
	table_row_view(&view, t, &row, &line);
	if (is_this_customer(v, table_get(&view, 0, "customer")))
		table_copy_row(v->opps, t, row, line);
	return 0;
}

static int load_deals(struct view *v, struct crm_err *err)
{
	const struct table_def *def = table_def_find("opportunities");

	if (table_scan(st.dir, def, keep_deal, v, err) < 0)
		return -1;
	if (!v->opps)
		v->opps = table_new(def, st.dir);
	return 0;
}

static void show_fields(const struct table *t, size_t r)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (*t->rows[r][c])
			printf("%-13s %s\n", t->cols[c], t->rows[r][c]);
}

static void show_related(const struct view *v, const struct table *t,
			 const char *title, const char *const *fields,
			 size_t nf)
{
	int any = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		if (!is_this_customer(v, table_get(t, r, "customer")))
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

static const char *const contact_line[] = {
	"id", "name", "title", "email", "phone"
};
static const char *const opp_line[] = {
	"id", "name", "stage", "amount", "close", "closed", "owner"
};
static const char *const contract_line[] = {
	"id", "title", "amount", "currency", "start", "end", "renewal", "status"
};

static void show_payments(const struct view *v, const int64_t *paid)
{
	size_t n, *order = pay_plan_lines(v->pay, &n);
	int64_t sum[3] = {0};
	char a[32], p[32], o[32];
	int any = 0;

	for (size_t i = 0; i < n; i++) {
		struct plan_line pl;

		if (!is_this_customer(v, table_get(v->pay, order[i],
						   "customer")))
			continue;
		plan_line_of(v->pay, order[i], paid, &pl);
		if (!any++)
			printf("\npayments (due, amount, paid, outstanding)\n");
		money_format(pl.amount, a);
		money_format(pl.paid, p);
		money_format(pl.open, o);
		printf("  %s  %s  %s  %s  %s  %s", v->pay->rows[pl.row][0],
		       table_get(v->pay, pl.row, "date"), a, p, o, pl.status);
		if (pl.overdue)
			printf(" %ld day%s", pl.overdue, plural(pl.overdue));
		printf("\n");
		sum[0] += pl.amount;
		sum[1] += pl.paid;
		sum[2] += pl.open;
	}
	if (any) {
		money_format(sum[0], a);
		money_format(sum[1], p);
		money_format(sum[2], o);
		printf("  total amount %s, paid %s, outstanding %s\n", a, p, o);
	}
	free(order);
}

/* The next revisit (回访): last contact plus the tier's revisit-days. */
static int32_t next_revisit(const struct table *t, size_t r, long *every)
{
	const char *tier = table_get(t, r, "tier");
	int32_t last = date_field(table_get(t, r, "last_contact"));

	if (last == DATE_NONE)
		last = date_field(table_get(t, r, "created"));
	if (!*tier || last == DATE_NONE ||
	    conf_get_long(st.conf, "tier", tier, "revisit-days", 0, every,
			  NULL) < 0 || *every <= 0)
		return DATE_NONE;
	return last + (int32_t)*every;
}

static void show_clocks(const struct view *v, int32_t due, const char *why)
{
	long every;
	int32_t next = next_revisit(v->cust, v->row, &every);
	char day[16];

	printf("\n");
	if (next != DATE_NONE) {
		date_format(next, day);
		printf("%-13s %s (tier %s: every %ld days)\n", "next revisit",
		       day, table_get(v->cust, v->row, "tier"), every);
	}
	if (due == DATE_NONE) {
		printf("%-13s %s\n", "pool", why);
		return;
	}
	date_format(due, day);
	if (due <= date_today())
		printf("%-13s due back now (%s): %s\n", "pool", day, why);
	else
		printf("%-13s returns on %s, in %ld day%s: %s\n", "pool", day,
		       (long)(due - date_today()),
		       plural((long)(due - date_today())), why);
}

static void show_text(const struct view *v, const int64_t *paid,
		      int32_t due, const char *why)
{
	show_fields(v->cust, v->row);
	show_related(v, v->contacts, "contacts", contact_line, 5);
	show_related(v, v->opps, "opportunities", opp_line, 7);
	show_related(v, v->contracts, "contracts", contract_line, 8);
	show_payments(v, paid);
	show_clocks(v, due, why);
	if (v->nacts)
		printf("\nactivities (newest first)\n");
	for (size_t i = v->nacts; i-- > 0 && v->nacts - i <= 20;)
		printf("%s\n", v->acts[2 * i].s);
}

static void json_rows(struct buf *b, const char *key, const struct view *v,
		      const struct table *t)
{
	int any = 0;

	buf_printf(b, ",\"%s\":[", key);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!is_this_customer(v, table_get(t, r, "customer")))
			continue;
		if (any++)
			buf_addc(b, ',');
		row_to_json(b, t, t->rows[r]);
	}
	buf_addc(b, ']');
}

static void json_payments(struct buf *b, const struct view *v,
			  const int64_t *paid)
{
	size_t n, *order = pay_plan_lines(v->pay, &n);
	char p[32], o[32];
	int any = 0;

	buf_adds(b, ",\"payments\":[");
	for (size_t i = 0; i < n; i++) {
		struct plan_line pl;

		if (!is_this_customer(v, table_get(v->pay, order[i],
						   "customer")))
			continue;
		plan_line_of(v->pay, order[i], paid, &pl);
		if (any++)
			buf_addc(b, ',');
		row_to_json(b, v->pay, v->pay->rows[pl.row]);
		b->len--;	/* reopen the object for what is computed */
		money_format(pl.paid, p);
		money_format(pl.open, o);
		buf_printf(b, ",\"paid\":%s,\"outstanding\":%s,\"status\":\"%s\","
			   "\"days_overdue\":", p, o, pl.status);
		/* null when not overdue, as in pay list */
		if (pl.overdue)
			buf_printf(b, "%ld}", pl.overdue);
		else
			buf_adds(b, "null}");
	}
	buf_addc(b, ']');
	free(order);
}

static void json_date(struct buf *b, const char *key, int32_t day)
{
	char iso[16];

	date_format(day, iso);
	buf_printf(b, ",\"%s\":", key);
	if (day == DATE_NONE)
		buf_adds(b, "null");
	else
		json_add_string(b, iso);
}

static void show_json(const struct view *v, const int64_t *paid,
		      int32_t due, const char *why)
{
	struct buf b = {0};
	long every;

	buf_adds(&b, "{\"customer\":");
	row_to_json(&b, v->cust, v->cust->rows[v->row]);
	json_rows(&b, "contacts", v, v->contacts);
	json_rows(&b, "opportunities", v, v->opps);
	json_rows(&b, "contracts", v, v->contracts);
	json_payments(&b, v, paid);
	json_date(&b, "next_revisit", next_revisit(v->cust, v->row, &every));
	buf_adds(&b, ",\"pool\":{\"why\":");
	json_add_string(&b, why);
	json_date(&b, "due", due);
	buf_adds(&b, "},\"activities\":[");
	for (size_t i = v->nacts; i-- > 0;) {
		buf_adds(&b, v->acts[2 * i + 1].s);
		if (i)
			buf_addc(&b, ',');
	}
	buf_adds(&b, "]}\n");
	fwrite(b.s, 1, b.len, stdout);
	buf_free(&b);
}

static void view_close(struct view *v)
{
	table_free(v->cust);
	table_free(v->contacts);
	table_free(v->opps);
	table_free(v->contracts);
	table_free(v->pay);
	strmap_free_values(v->merged);
	strmap_free(v->opp_ix);
	strmap_free(v->contact_ix);
	for (size_t i = 0; i < 2 * v->nacts; i++)
		buf_free(&v->acts[i]);
	free(v->acts);
}

static int view_open(struct view *v, const char *key, struct crm_err *err)
{
	long r;

	memset(v, 0, sizeof *v);
	if (!(v->cust = load("customers", err)) ||
	    (r = table_find_ref(v->cust, key, err)) < 0 ||
	    !(v->contacts = load("contacts", err)) ||
	    !(v->contracts = load("contracts", err)) ||
	    !(v->pay = load("payments", err)))
		return -1;
	v->row = (size_t)r;
	v->id = v->cust->rows[r][0];
	v->merged = strmap_new();
	/* the merges first: they say which deals are the customer's */
	if (scan_log(v, "history.jsonl", collect_merge, err) < 0 ||
	    load_deals(v, err) < 0)
		return -1;
	v->opp_ix = table_index_by(v->opps, "id");
	v->contact_ix = table_index_by(v->contacts, "id");
	return scan_log(v, "activities.jsonl", collect_activity, err);
}

static int cmd_show(int argc, char **argv, struct crm_err *err)
{
	const char *fmt = opt("format") ? opt("format") : "text";
	struct view v;
	struct pool *pool = NULL;
	int64_t *paid = NULL;
	char why[160];
	int32_t due;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "show takes one customer id");
	if (strcmp(fmt, "text") && strcmp(fmt, "jsonl"))
		return crm_usagef(err, "--format: '%s' is not text or jsonl",
				  fmt);
	if (view_open(&v, argv[0], err) == 0 &&
	    (pool = pool_open(&st, v.cust, err))) {
		paid = pay_collected(v.pay);
		due = pool_due(pool, v.row, why, sizeof why);
		if (!strcmp(fmt, "text"))
			show_text(&v, paid, due, why);
		else
			show_json(&v, paid, due, why);
		rc = 0;
	}
	free(paid);
	pool_close(pool);
	view_close(&v);
	return rc;
}

/* ---- set and log ------------------------------------------------------------ */

/* Names find customers: a rename may not take another's, as add may not. */
static int name_taken(const struct table *t, size_t row, int n, char **sets,
		      struct crm_err *err)
{
	for (int i = 0; i < n; i++) {
		long other;

		if (strncmp(sets[i], "name=", 5))
			continue;
		other = table_find_value(t, "name", sets[i] + 5);
		if (other == -2 || (other >= 0 && (size_t)other != row)) {
			crm_errf(err, NULL, 0, "a customer named '%s' already "
				 "exists", sets[i] + 5);
			return 1;
		}
		if (!sets[i][5]) {
			crm_usagef(err, "the customer name can't be empty");
			return 1;
		}
	}
	return 0;
}

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
	if ((r = table_find_ref(t, argv[0], err)) < 0 ||
	    name_taken(t, (size_t)r, argc - 1, argv + 1, err))
		goto out;
	if (record_assign(&st, t, (size_t)r, (const char *const *)argv + 1,
			  (size_t)argc - 1, 1, err) == 0)
		rc = commit(t, err);
out:
	table_free(t);
	return rc;
}

static int log_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	return record_followup(&st, t, r, ctx, err);
}

static int cmd_log(int argc, char **argv, struct crm_err *err)
{
	struct followup f;

	if (argc != 2)
		return crm_usagef(err, "log takes an id and a text");
	if (followup_init(&f, opt("type"), argv[1], opt("next"), opt("action"),
			  err) < 0)
		return -1;
	return records_change(&st, "customers", 1, argv, log_one, &f, err);
}

/* ---- tags ---------------------------------------------------------------- */

struct tag_ops {
	char **ops;           /* "+vip", "-churn-risk" */
	size_t n;
	const char *note;     /* activity text, or NULL */
};

static int tag_op_check(const char *op, struct crm_err *err)
{
	if ((*op != '+' && *op != '-') || !op[1])
		return crm_usagef(err, "'%s' is not +TAG or -TAG", op);
	if (strpbrk(op + 1, " ,\t\r\n\"'"))
		return crm_usagef(err, "tag '%s' may not hold blanks, commas "
				  "or quotes", op + 1);
	return 0;
}

/* Tags are kept one space apart in the order they were added; commas
 * written by hand or by other tools read as separators too. */
static char *tags_apply(const char *tags, const char *op)
{
	const char *name = op + 1;
	size_t n = strlen(name);
	struct buf b = {0};
	int had = 0;

	for (const char *p = tags; *p;) {
		size_t len = strcspn(p, " ,");
		int same = len == n && !strncmp(p, name, n);

		had |= same;
		if (len && !(same && *op == '-')) {
			if (b.len)
				buf_addc(&b, ' ');
			buf_add(&b, p, len);
		}
		p += len;
		p += strspn(p, " ,");
	}
	if (*op == '+' && !had) {
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, name);
	}
	buf_addc(&b, '\0');
	return b.s;
}

static int tag_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	const struct tag_ops *to = ctx;
	char *tags = xstrdup(table_get(t, r, "tags"));
	int rc;

	for (size_t i = 0; i < to->n; i++) {
		char *next = tags_apply(tags, to->ops[i]);

		free(tags);
		tags = next;
	}
	rc = record_set(&st, t, r, "tags", tags, err);
	free(tags);
	if (rc == 0 && to->note)
		activity_append(&st, "customer", t->rows[r][0], "note",
				to->note, NULL, NULL, 0);
	return rc;
}

static int cmd_tag(int argc, char **argv, struct crm_err *err)
{
	struct tag_ops to = {argv + 1, (size_t)argc - 1, NULL};

	if (argc < 2)
		return crm_usagef(err, "tag takes an id and +TAG or -TAG...");
	for (int i = 1; i < argc; i++)
		if (tag_op_check(argv[i], err) < 0)
			return -1;
	return records_change(&st, "customers", 1, argv, tag_one, &to, err);
}

/* A locked customer never goes back to the pool. */
static int lock_change(int argc, char **argv, char *op, const char *what,
		       struct crm_err *err)
{
	struct tag_ops to = {&op, 1, NULL};
	char *note = NULL;
	int rc;

	if (argc != 1)
		return crm_usagef(err, "%s takes one customer id", what);
	if (opt("reason"))
		to.note = note = xasprintf("%s: %s", what, opt("reason"));
	rc = records_change(&st, "customers", 1, argv, tag_one, &to, err);
	free(note);
	return rc;
}

static int cmd_lock(int argc, char **argv, struct crm_err *err)
{
	return lock_change(argc, argv, "+locked", "locked", err);
}

static int cmd_unlock(int argc, char **argv, struct crm_err *err)
{
	return lock_change(argc, argv, "-locked", "unlocked", err);
}

/* ---- tiers (客户分层) -------------------------------------------------------- */

static const struct col_def change_defs[] = {
	{"id", COL_ID, NULL, NULL},
	{"name", COL_TEXT, NULL, NULL},
	{"revenue", COL_MONEY, NULL, NULL},
	{"from", COL_TEXT, NULL, NULL},
	{"to", COL_TEXT, NULL, NULL},
};
static const struct table_def tier_view = {
	"tier changes", "customer", "", 'C', change_defs, 5
};
static char *tier_cols[] = {"id", "name", "revenue", "from", "to"};

/* Won revenue per customer row: deals in a won stage closed in
 * [since, today].  The deals are streamed, not held. */
struct revenue {
	struct pipelines ps;
	struct strmap *ix;        /* customer id -> row */
	int64_t *rev;
	int32_t since;
};

static int add_revenue(void *ctx, const struct table *t, char **row,
		       long line, struct crm_err *err)
{
	struct revenue *w = ctx;
	struct table o;
	const struct pipeline *pl;
	const struct stage *s;
	int32_t closed;
	long c;

	table_row_view(&o, t, &row, &line);
	pl = pipeline_find(&w->ps, table_get(&o, 0, "pipeline"));
	s = pl ? pipeline_stage(pl, table_get(&o, 0, "stage")) : NULL;
	closed = date_field(table_get(&o, 0, "closed"));
	c = table_index_row(w->ix, table_get(&o, 0, "customer"));
	if (s && s->won && c >= 0 && closed != DATE_NONE &&
	    closed >= w->since && closed <= date_today())
		w->rev[c] += money_of(&o, 0, "amount");
	return 0;
}

static int64_t *won_revenue(const struct table *cust, int32_t since,
			    struct crm_err *err)
{
	struct revenue w = {.since = since};
	int rc;

	if (pipelines_load(st.conf, &w.ps, err) < 0)
		return NULL;
	w.ix = table_index_by(cust, "id");
	w.rev = xcalloc(cust->nrows + 1, sizeof *w.rev);
	rc = table_scan(st.dir, table_def_find("opportunities"), add_revenue,
			&w, err);
	strmap_free(w.ix);
	pipelines_free(&w.ps);
	if (rc < 0) {
		free(w.rev);
		return NULL;
	}
	return w.rev;
}

static const int64_t *rank_rev;
static const struct table *rank_cust;

static int cmp_revenue(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (rank_rev[x] != rank_rev[y])
		return rank_rev[x] > rank_rev[y] ? -1 : 1;
	return strcmp(rank_cust->rows[x][0], rank_cust->rows[y][0]);
}

static int tier_cuts(long *a, long *b, struct crm_err *err)
{
	if (conf_get_long(st.conf, "tiers", NULL, "a", 80, a, err) < 0 ||
	    conf_get_long(st.conf, "tiers", NULL, "b", 15, b, err) < 0)
		return -1;
	if (*a < 0 || *b < 0 || *a + *b > 100)
		return crm_errf(err, "crm.conf", conf_line(st.conf, "tiers",
			NULL, "a"), "[tiers] a and b must be percentages "
			"adding up to 100 at most");
	return 0;
}

/* Pareto: A while the revenue ranked above a customer is under a% of
 * the total, B under (a+b)%, the rest C; no revenue is always C. */
static char **tiers_by_revenue(const struct table *cust, const int64_t *rev,
			       long a, long b, size_t *order)
{
	char **tier = xcalloc(cust->nrows + 1, sizeof *tier);
	int64_t total = 0, above = 0;   /* cents: far from overflow at *100 */

	for (size_t r = 0; r < cust->nrows; r++) {
		order[r] = r;
		total += rev[r];
	}
	rank_rev = rev;
	rank_cust = cust;
	qsort(order, cust->nrows, sizeof *order, cmp_revenue);
	for (size_t i = 0; i < cust->nrows; i++) {
		size_t r = order[i];

		tier[r] = rev[r] <= 0 ? "C" : above * 100 < total * a ? "A" :
			  above * 100 < total * (a + b) ? "B" : "C";
		above += rev[r];
	}
	return tier;
}

/* The changes, printed highest revenue first.  The --output FILE is
 * opened before and committed before the customers: when it cannot be
 * written, nothing changes. */
static int tier_apply(struct table *cust, const int64_t *rev, char **tier,
		      const size_t *order, int fmt, struct crm_err *err)
{
	struct out *o = report_open(fmt, "tier", tier_cols, 5, &tier_view,
				    err);
	size_t changed = 0;

	if (!o)
		return -1;
	for (size_t i = 0; i < cust->nrows; i++) {
		size_t r = order[i];
		char money[32], *row[5];

		if (!strcmp(table_get(cust, r, "tier"), tier[r]))
			continue;
		money_format(rev[r], money);
		row[0] = cust->rows[r][0];
		row[1] = (char *)table_get(cust, r, "name");
		row[2] = money;
		row[3] = (char *)table_get(cust, r, "tier");
		row[4] = tier[r];
		out_row(o, row);
		changed++;
		if (!opt("dry-run") && record_set(&st, cust, r, "tier",
						  tier[r], err) < 0) {
			out_abort(o);
			return -1;
		}
	}
	if (out_close(o, &changed, err) < 0)
		return -1;
	if (!changed)
		return CRM_NONE;
	return opt("dry-run") ? 0 : commit(cust, err);
}

static int cmd_tier(int argc, char **argv, struct crm_err *err)
{
	struct table *cust = NULL;
	int64_t *rev = NULL;
	char **tier = NULL;
	size_t *order = NULL;
	int32_t since;
	long a, b;
	int rc = -1, fmt = format_opt(err);

	if (argc)
		return crm_usagef(err, "tier takes no operands");
	if (fmt < 0 || date_opt("since", date_add_months(date_today(), -12),
				&since, err) < 0 || tier_cuts(&a, &b, err) < 0)
		return -1;
	if ((opt("dry-run") || store_lock(&st, err) == 0) &&
	    (cust = load("customers", err)) &&
	    (rev = won_revenue(cust, since, err))) {
		order = xcalloc(cust->nrows + 1, sizeof *order);
		tier = tiers_by_revenue(cust, rev, a, b, order);
		rc = tier_apply(cust, rev, tier, order, fmt, err);
	}
	free(order);
	free(tier);
	free(rev);
	table_free(cust);
	return rc;
}

/* ---- the public pool (公海) ------------------------------------------------ */

static int cmd_claim(int argc, char **argv, struct crm_err *err)
{
	const char *to = opt("to") ? opt("to") : st.user;
	struct table *cust;
	struct pool *pool = NULL;
	long r;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "claim takes one customer id");
	if (!*to)
		return crm_usagef(err, "--to: who claims it?");
	if (store_lock(&st, err) < 0 || !(cust = load("customers", err)))
		return -1;
	if ((r = table_find_ref(cust, argv[0], err)) >= 0 &&
	    (pool = pool_open(&st, cust, err)) &&
	    pool_may_claim(pool, (size_t)r, to, err) == 0 &&
	    record_set(&st, cust, (size_t)r, "owner", to, err) == 0)
		rc = commit(cust, err);
	pool_close(pool);
	table_free(cust);
	return rc;
}

static int release_one(struct table *t, size_t r, void *ctx,
		       struct crm_err *err)
{
	char *note;

	if (!*table_get(t, r, "owner"))
		return crm_errf(err, NULL, 0, "already in the pool");
	if (record_set(&st, t, r, "owner", "", err) < 0)
		return -1;
	note = xasprintf("released to the public pool: %s", (char *)ctx);
	activity_append(&st, "customer", t->rows[r][0], "note", note, NULL,
			NULL, 0);
	free(note);
	return 0;
}

static int cmd_release(int argc, char **argv, struct crm_err *err)
{
	if (argc != 1)
		return crm_usagef(err, "release takes one customer id");
	if (!opt("reason") || !*opt("reason"))
		return crm_usagef(err, "release needs --reason");
	return records_change(&st, "customers", 1, argv, release_one,
			      (void *)opt("reason"), err);
}

static char *reclaim_cols[] = {"id", "name", "owner", "reason"};

/* Customers whose pool clock ran out go back, on the pool's behalf. */
static size_t reclaim_due(struct table *cust, struct pool *pool,
			  struct out *o, struct crm_err *err)
{
	size_t n = 0;
	char why[160];

	for (size_t r = 0; r < cust->nrows; r++) {
		int32_t due = pool_due(pool, r, why, sizeof why);
		char *row[4], *note;

		if (due == DATE_NONE || due > date_today())
			continue;
		row[0] = cust->rows[r][0];
		row[1] = (char *)table_get(cust, r, "name");
		row[2] = (char *)table_get(cust, r, "owner");
		row[3] = why;
		out_row(o, row);
		n++;
		if (opt("dry-run"))
			continue;
		if (record_set(&st, cust, r, "owner", "", err) < 0)
			return (size_t)-1;
		note = xasprintf("returned to the public pool: %s", why);
		activity_append(&st, "customer", cust->rows[r][0], "note",
				note, NULL, NULL, 0);
		free(note);
	}
	return n;
}

static int cmd_reclaim(int argc, char **argv, struct crm_err *err)
{
	const char *user = st.user;
	struct table *cust = NULL;
	struct pool *pool = NULL;
	struct out *o;
	size_t n = (size_t)-1;
	int fmt = format_opt(err), rc = -1;

	if (argc)
		return crm_usagef(err, "reclaim takes no operands");
	if (fmt < 0 || (!opt("dry-run") && store_lock(&st, err) < 0) ||
	    !(cust = load("customers", err)) ||
	    !(pool = pool_open(&st, cust, err)))
		goto out;
	/* The --output FILE first: when it cannot be written, nothing
	 * changes. */
	if (!(o = report_open(fmt, "reclaim", reclaim_cols, 4,
			      table_def_find("customers"), err)))
		goto out;
	st.user = "pool";
	n = reclaim_due(cust, pool, o, err);
	if (n == (size_t)-1)
		out_abort(o);
	else if (out_close(o, &n, err) < 0)
		n = (size_t)-1;
	if (n != (size_t)-1)
		rc = n == 0 ? CRM_NONE : opt("dry-run") ? 0 : commit(cust, err);
	st.user = user;
out:
	pool_close(pool);
	table_free(cust);
	return rc;
}

/* ---- duplicates ------------------------------------------------------------ */

/* Legal forms say nothing about who a company is. */
static const char *const company_suffixes[] = {
	"股份有限公司", "有限责任公司", "有限公司", "集团", "公司",
	"co", "ltd", "inc", "llc", "gmbh", "corp", "corporation", "limited",
	"company", "plc", "sa", "ag", "bv", NULL
};

static int ends_with_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && !strncmp(s + len - n, w, n) &&
	       ((unsigned char)*w >= 0x80 || len == n ||
		s[len - n - 1] == ' ');
}

/* Lowercase, punctuation to blanks, legal forms off the end, then the
 * blanks out: "ACME Co., Ltd." and "Acme" are one name. */
static void norm_company(const char *in, char *out, size_t n)
{
	size_t len = 0;
	int again = 1;

	for (const unsigned char *p = (const unsigned char *)in;
	     *p && len + 1 < n; p++)
		out[len++] = *p >= 0x80 || isalnum(*p) ? (char)tolower(*p)
						       : ' ';
	while (again) {
		again = 0;
		while (len && out[len - 1] == ' ')
			len--;
		for (size_t i = 0; company_suffixes[i] && len; i++)
			if (ends_with_word(out, len, company_suffixes[i]) &&
			    len > strlen(company_suffixes[i])) {
				len -= strlen(company_suffixes[i]);
				again = 1;
				break;
			}
	}
	out[len] = '\0';
	len = 0;
	for (char *p = out; *p; p++)
		if (*p != ' ')
			out[len++] = *p;
	out[len] = '\0';
}

static const char *const mail_providers[] = {
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com",
	"live.com", "yahoo.com", "icloud.com", "me.com", "aol.com",
	"proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de",
	"qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
	"sina.com", "sina.cn", "sohu.com", "139.com", "aliyun.com", NULL
};

static void norm_mail_domain(const char *in, char *out, size_t n)
{
	const char *at = strrchr(in, '@');

	import_norm_email(at ? at + 1 : "", out, n);
	for (size_t i = 0; mail_providers[i]; i++)
		if (!strcmp(out, mail_providers[i]))
			*out = '\0';
}

/* A person's mail domain is their provider's or employer's, not theirs. */
static int is_company(const struct table *t, size_t r)
{
	return strcmp(table_get(t, r, "kind"), "person") != 0;
}

static char *dedupe_cols[] = {
	"group", "id", "name", "owner", "phone", "email", "created"
};

static int cmd_dedupe(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	size_t *parent, *rows, n, groups;
	struct out *o;
	int fmt = format_opt(err);

	if (argc)
		return crm_usagef(err, "dedupe takes no operands");
	if (fmt < 0 || !(t = load("customers", err)))
		return -1;
	parent = groups_new(t->nrows);
	groups_join_by(t, parent, "name", norm_company, NULL);
	groups_join_by(t, parent, "phone", import_norm_phone, NULL);
	groups_join_by(t, parent, "email", norm_mail_domain, is_company);
	rows = groups_rows(parent, t->nrows, &n);
	groups = 0;
	if ((o = report_open(fmt, "dedupe", dedupe_cols, 7,
			     table_def_find("customers"), err))) {
		groups = groups_print(t, parent, rows, n, o, dedupe_cols, 7);
		if (out_close(o, &n, err) < 0)
			o = NULL;
	}
	free(rows);
	free(parent);
	table_free(t);
	return !o ? -1 : groups ? CRM_OK : CRM_NONE;
}

/* KEEP takes what it lacks from DUP: empty fields, and every tag. */
static int merge_fill(struct table *cust, size_t keep, size_t dup,
		      struct crm_err *err)
{
	for (size_t c = 1; c < cust->ncols; c++) {
		const char *col = cust->cols[c];

		if (!strcmp(col, "created") || !strcmp(col, "updated") ||
		    !strcmp(col, "tags") || *cust->rows[keep][c] ||
		    !*cust->rows[dup][c])
			continue;
		if (record_set(&st, cust, keep, col, cust->rows[dup][c],
			       err) < 0)
			return -1;
	}
	char *tags = xstrdup(table_get(cust, keep, "tags"));
	const char *p = table_get(cust, dup, "tags");

	while (*p) {
		size_t len = strcspn(p, " ,");
		char *op = xasprintf("+%.*s", (int)len, p), *next;

		next = len ? tags_apply(tags, op) : xstrdup(tags);
		free(op);
		free(tags);
		tags = next;
		p += len;
		p += strspn(p, " ,");
	}
	int rc = record_set(&st, cust, keep, "tags", tags, err);

	free(tags);
	return rc;
}

static const char *const merged_tables[] = {
	"contacts", "opportunities", "contracts", "payments", "leads"
};
#define NMERGED (sizeof merged_tables / sizeof *merged_tables)

static int has_primary(const struct table *ct, const char *customer)
{
	for (size_t r = 0; r < ct->nrows; r++)
		if (!strcmp(table_get(ct, r, "customer"), customer) &&
		    !strcmp(table_get(ct, r, "primary"), "yes"))
			return 1;
	return 0;
}

/* Everything of DUP's becomes KEEP's; KEEP's main contact stays so. */
static int merge_move(struct table **tabs, const char *keep,
		      const char *dup, struct crm_err *err)
{
	int primary = has_primary(tabs[0], keep);

	for (size_t i = 0; i < NMERGED; i++)
		for (size_t r = 0; r < tabs[i]->nrows; r++) {
			if (strcmp(table_get(tabs[i], r, "customer"), dup))
				continue;
			if (record_set(&st, tabs[i], r, "customer", keep,
				       err) < 0 ||
			    (i == 0 && primary && record_set(&st, tabs[i], r,
				"primary", "no", err) < 0))
				return -1;
		}
	return 0;
}

static int merge_one(struct table *cust, struct table **tabs,
		     const char *keep_id, const char *key,
		     struct crm_err *err)
{
	long keep = table_find_id(cust, keep_id, err);
	long dup = table_find_ref(cust, key, err);
	char *dup_id;
	int rc;

	if (keep < 0 || dup < 0)
		return -1;
	if (dup == keep)
		return crm_usagef(err, "%s is the customer kept", key);
	dup_id = xstrdup(cust->rows[dup][0]);
	rc = merge_fill(cust, (size_t)keep, (size_t)dup, err);
	if (rc == 0)
		rc = merge_move(tabs, keep_id, dup_id, err);
	if (rc == 0) {
		history_append(&st, "customer", dup_id, "merged_into", "",
			       keep_id);
		history_append(&st, "customer", dup_id, "id", dup_id, "");
		table_del_row(cust, (size_t)dup);
	}
	free(dup_id);
	return rc;
}

static int cmd_merge(int argc, char **argv, struct crm_err *err)
{
	struct table *tabs[NMERGED + 2] = {0};
	char *keep_id = NULL;
	long keep;
	int rc = -1;

	if (argc < 2)
		return crm_usagef(err, "merge takes the customer to keep and "
				  "its duplicates");
	if (store_lock(&st, err) < 0 || !(tabs[NMERGED] = load("customers",
							       err)))
		return -1;
	for (size_t i = 0; i < NMERGED; i++)
		if (!(tabs[i] = load(merged_tables[i], err)))
			goto out;
	if ((keep = table_find_ref(tabs[NMERGED], argv[0], err)) < 0)
		goto out;
	keep_id = xstrdup(tabs[NMERGED]->rows[keep][0]);
	for (int i = 1; i < argc; i++)
		if (merge_one(tabs[NMERGED], tabs, keep_id, argv[i], err) < 0)
			goto out;
	if ((rc = store_commit(&st, tabs, err)) == 0)
		printf("%s\n", keep_id);
out:
	free(keep_id);
	for (size_t i = 0; i <= NMERGED; i++)
		table_free(tabs[i]);
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
		    record_set(&st, ct, r, "primary", "no", err) < 0)
			return -1;
	}
	return record_init(&st, ct, row, "primary", opt("primary") ||
			   !others ? "yes" : "no", err);
}

static const char *const contact_fields[] = {
	"title", "email", "phone", "wechat"
};

static int contact_add(int argc, char **argv, struct crm_err *err)
{
	struct table *cust = NULL, *ct = NULL;
	long c;
	size_t r;
	int rc = -1;

	if (argc != 2)
		return crm_usagef(err, "contact add takes a customer and a name");
	if (store_lock(&st, err) < 0 || !(cust = load("customers", err)) ||
	    (c = table_find_ref(cust, argv[0], err)) < 0 ||
	    !(ct = load("contacts", err)))
		goto out;
	r = record_new(&st, ct);
	if (record_init(&st, ct, r, "customer", cust->rows[c][0], err) < 0 ||
	    record_init(&st, ct, r, "name", argv[1], err) < 0)
		goto out;
	for (size_t i = 0; i < 4; i++)
		if (opt(contact_fields[i]) &&
		    record_init(&st, ct, r, contact_fields[i],
				opt(contact_fields[i]), err) < 0)
			goto out;
	if (mark_primary(ct, r, cust->rows[c][0], err) < 0 ||
	    commit(ct, err) < 0)
		goto out;
	printf("%s\n", ct->rows[r][0]);
	rc = 0;
out:
	table_free(cust);
	table_free(ct);
	return rc;
}

static int contact_selected(void *ctx, const struct table *t, char **row)
{
	const char *customer = ctx;

	return !customer || !strcmp(row[table_col(t, "customer")], customer);
}

static int contact_list(int argc, char **argv, struct crm_err *err)
{
	struct listing *l;
	char *customer;
	int rc = -1, from_stdin;

	if (customer_operand(&argc, &argv, &customer, err) < 0)
		return -1;
	if ((from_stdin = stdin_operand(argc, argv, err)) >= 0 &&
	    (l = listing_new(opt("format"), opt("where"), opt("sort"),
			     contact_view, 7, err))) {
		listing_output(l, &st, opt("output"));
		rc = listing_run(l, st.dir, table_def_find("contacts"),
				 from_stdin, contact_selected, customer, err);
	}
	free(customer);
	return rc;
}

/* ---- contracts ------------------------------------------------------------- */

static int contract_dates(int32_t *start, int32_t *end, struct crm_err *err)
{
	if (!opt("start") || !opt("end"))
		return crm_usagef(err, "contract add needs --start and --end");
	if (date_opt("start", DATE_NONE, start, err) < 0 ||
	    date_opt("end", DATE_NONE, end, err) < 0)
		return -1;
	return 0;
}

/* The deal a contract closes must be the customer's own. */
static long contract_opp(const struct table *opps, const char *customer,
			 struct crm_err *err)
{
	long o;

	if (!opt("opp"))
		return -1;
	if ((o = table_find_ref(opps, opt("opp"), err)) < 0)
		return -2;
	if (strcmp(table_get(opps, (size_t)o, "customer"), customer)) {
		crm_errf(err, NULL, 0, "%s is a deal of %s, not of %s",
			 opps->rows[o][0], *table_get(opps, (size_t)o,
			 "customer") ? table_get(opps, (size_t)o, "customer")
			 : "no customer", customer);
		return -2;
	}
	return o;
}

static long contract_fill(struct table *k, const struct table *cust,
			  size_t c, const struct table *opps, long o,
			  struct crm_err *err)
{
	struct contract_terms ct = {
		.customer = cust->rows[c][0],
		.opportunity = o >= 0 ? opps->rows[o][0] : NULL,
		.title = opt("title") ? opt("title") : o >= 0 ?
			 table_get(opps, (size_t)o, "name") : NULL,
		.amount = opt("amount"),
		.currency = opt("currency") ? opt("currency") : o >= 0 ?
			    table_get(opps, (size_t)o, "currency") : NULL,
		.renewal = opt("renewal"),
		.owner = table_get(cust, c, "owner"),
	};

	if (contract_dates(&ct.start, &ct.end, err) < 0)
		return -1;
	return contract_new(&st, k, &ct, err);
}

static int contract_add(int argc, char **argv, struct crm_err *err)
{
	struct table *cust = NULL, *opps = NULL, *k = NULL;
	int64_t amount;
	long c, o, r;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "contract add takes one customer");
	if (!opt("amount"))
		return crm_usagef(err, "contract add needs --amount");
	if (money_opt("amount", opt("amount"), &amount, err) < 0)
		return -1;
	if (store_lock(&st, err) < 0 || !(cust = load("customers", err)) ||
	    (c = table_find_ref(cust, argv[0], err)) < 0 ||
	    !(opps = load("opportunities", err)) ||
	    (o = contract_opp(opps, cust->rows[c][0], err)) < -1 ||
	    !(k = load("contracts", err)))
		goto out;
	if ((r = contract_fill(k, cust, (size_t)c, opps, o, err)) < 0 ||
	    commit(k, err) < 0)
		goto out;
	printf("%s\n", k->rows[r][0]);
	rc = 0;
out:
	table_free(cust);
	table_free(opps);
	table_free(k);
	return rc;
}

static const char *const contract_view[] = {
	"id", "customer", "title", "amount", "start", "end", "renewal",
	"status"
};

struct contract_filter {
	char *customer;        /* NULL: every customer */
	long expiring;         /* -1: no window */
};

static int contract_selected(void *ctx, const struct table *t, char **row)
{
	const struct contract_filter *f = ctx;
	int32_t end = date_field(row[table_col(t, "end")]);
	const char *status = row[table_col(t, "status")];

	if (f->customer && strcmp(row[table_col(t, "customer")], f->customer))
		return 0;
	return f->expiring < 0 ||
	       ((!*status || !strcmp(status, "active")) && end != DATE_NONE &&
		end >= date_today() && end - date_today() <= f->expiring);
}

static int contract_list(int argc, char **argv, struct crm_err *err)
{
	struct contract_filter f = {NULL, -1};
	struct listing *l;
	char *end;
	int rc = -1, from_stdin;

	if (opt("expiring")) {
		f.expiring = strtol(opt("expiring"), &end, 10);
		if (*end || end == opt("expiring") || f.expiring < 0)
			return crm_usagef(err, "--expiring: '%s' is not a "
					  "number of days", opt("expiring"));
	}
	if (customer_operand(&argc, &argv, &f.customer, err) < 0)
		return -1;
	if ((from_stdin = stdin_operand(argc, argv, err)) >= 0 &&
	    (l = listing_new(opt("format"), opt("where"), opt("sort"),
			     contract_view, 8, err))) {
		listing_output(l, &st, opt("output"));
		rc = listing_run(l, st.dir, table_def_find("contracts"),
				 from_stdin, contract_selected, &f, err);
	}
	free(f.customer);
	return rc;
}

/* ---- payments (回款) ------------------------------------------------------- */

struct plan_req {
	size_t n;
	int32_t *due;
	int64_t *amount;
};

static int64_t contract_sum(const struct table *pay, const char *contract,
			    const char *kind)
{
	int64_t sum = 0;

	for (size_t r = 0; r < pay->nrows; r++)
		if (!strcmp(table_get(pay, r, "contract"), contract) &&
		    !strcmp(table_get(pay, r, "kind"), kind))
			sum += money_of(pay, r, "amount");
	return sum;
}

/* --split N --every I: TOTAL in N instalments, the odd cents first. */
static int plan_split(struct plan_req *q, int32_t first, int64_t total,
		      struct crm_err *err)
{
	char *end;
	long n = strtol(opt("split"), &end, 10);

	if (*end || end == opt("split") || n < 1 || n > 1000)
		return crm_usagef(err, "--split: '%s' is not a number from 1 "
				  "to 1000", opt("split"));
	if (n > 1 && !opt("every"))
		return crm_usagef(err, "--split needs --every");
	if (total <= 0)
		return crm_errf(err, NULL, 0, "nothing left to plan: the "
				"contract amount is planned already");
	q->n = (size_t)n;
	q->due = xcalloc(q->n, sizeof *q->due);
	q->amount = xcalloc(q->n, sizeof *q->amount);
	for (size_t i = 0; i < q->n; i++) {
		q->amount[i] = total / n + (i == 0 ? total % n : 0);
		if (date_step(first, opt("every") ? opt("every") : "1m",
			      (int)i, &q->due[i]) < 0)
			return crm_usagef(err, "--every: '%s' is not Nd, Nw, "
					  "Nm or Ny", opt("every"));
	}
	return 0;
}

/* --due D --amount X, as many pairs as wanted. */
static int plan_pairs(struct plan_req *q, struct crm_err *err)
{
	size_t nd, na;
	const char **dues = cli_opt_all(cli, "due", &nd);
	const char **amounts = cli_opt_all(cli, "amount", &na);
	char iso[16];

	if (!nd || nd != na)
		return crm_usagef(err, "pay plan needs one --amount for every "
				  "--due, or --split");
	if (opt("every"))
		return crm_usagef(err, "--every goes with --split");
	q->n = nd;
	q->due = xcalloc(nd, sizeof *q->due);
	q->amount = xcalloc(nd, sizeof *q->amount);
	for (size_t i = 0; i < nd; i++) {
		if (cli_date("due", dues[i], iso, err) < 0 ||
		    money_opt("amount", amounts[i], &q->amount[i], err) < 0)
			return -1;
		q->due[i] = date_field(iso);
	}
	return 0;
}

static int plan_request(struct plan_req *q, const struct table *k, size_t c,
			int64_t planned, struct crm_err *err)
{
	int64_t total = money_of(k, c, "amount") - planned;
	int32_t first = date_field(table_get(k, c, "start"));
	size_t n;

	if (!opt("split"))
		return plan_pairs(q, err);
	if (cli_opt_all(cli, "due", &n) && n > 1)
		return crm_usagef(err, "--split takes one --due, the first");
	if (cli_opt_all(cli, "amount", &n) && n > 1)
		return crm_usagef(err, "--split takes one --amount, the total");
	if (date_opt("due", first, &first, err) < 0 ||
	    (opt("amount") && money_opt("amount", opt("amount"), &total,
					err) < 0))
		return -1;
	if (first == DATE_NONE)
		return crm_usagef(err, "the contract has no start: give --due");
	return plan_split(q, first, total, err);
}

static int plan_lines_add(struct table *pay, const struct table *k,
			  size_t c, const struct plan_req *q,
			  struct crm_err *err)
{
	for (size_t i = 0; i < q->n; i++) {
		size_t r = record_new(&st, pay);
		char due[16], amount[32], *note = NULL;
		const char *vals[][2] = {
			{"contract", k->rows[c][0]},
			{"customer", table_get(k, c, "customer")},
			{"kind", "plan"}, {"date", due}, {"amount", amount},
			{"currency", table_get(k, c, "currency")},
			{"note", q->n > 1 ? (note = xasprintf(
				"instalment %zu of %zu", i + 1, q->n)) : ""},
		};

		date_format(q->due[i], due);
		money_format(q->amount[i], amount);
		for (size_t v = 0; v < sizeof vals / sizeof *vals; v++)
			if (*vals[v][1] && record_init(&st, pay, r, vals[v][0],
						       vals[v][1], err) < 0) {
				free(note);
				return -1;
			}
		free(note);
	}
	return 0;
}

static int pay_plan(int argc, char **argv, struct crm_err *err)
{
	struct table *k = NULL, *pay = NULL;
	struct plan_req q = {0};
	int64_t planned, sum = 0;
	char total[32], has[32];
	long c;
	size_t first;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "pay plan takes one contract");
	if (store_lock(&st, err) < 0 || !(k = load("contracts", err)) ||
	    (c = table_find_ref(k, argv[0], err)) < 0 ||
	    !(pay = load("payments", err)))
		goto out;
	planned = contract_sum(pay, k->rows[c][0], "plan");
	if (plan_request(&q, k, (size_t)c, planned, err) < 0)
		goto out;
	for (size_t i = 0; i < q.n; i++)
		sum += q.amount[i];
	if (money_of(k, (size_t)c, "amount") > 0 &&
	    planned + sum > money_of(k, (size_t)c, "amount")) {
		money_format(planned + sum, total);
		money_format(money_of(k, (size_t)c, "amount"), has);
		crm_errf(err, NULL, 0, "%s: the plan would total %s, more than "
			 "the contract's %s", k->rows[c][0], total, has);
		goto out;
	}
	first = pay->nrows;
	if (plan_lines_add(pay, k, (size_t)c, &q, err) < 0)
		goto out;
	char **ids = xcalloc(q.n, sizeof *ids);

	for (size_t i = 0; i < q.n; i++)
		ids[i] = xstrdup(pay->rows[first + i][0]);
	if ((rc = commit(pay, err)) == 0)
		for (size_t i = 0; i < q.n; i++)
			printf("%s\n", ids[i]);
	for (size_t i = 0; i < q.n; i++)
		free(ids[i]);
	free(ids);
out:
	free(q.due);
	free(q.amount);
	table_free(k);
	table_free(pay);
	return rc;
}

/* What a receipt may settle: its plan line's rest, else the contract's. */
static int64_t receivable(const struct table *pay, const struct table *k,
			  size_t c, long plan, struct crm_err *err)
{
	const char *id = k->rows[c][0];
	int64_t planned = contract_sum(pay, id, "plan"), open;
	int64_t *paid;

	if (plan < 0)
		return (planned ? planned : money_of(k, c, "amount")) -
		       contract_sum(pay, id, "receipt");
	if (strcmp(table_get(pay, (size_t)plan, "kind"), "plan") ||
	    strcmp(table_get(pay, (size_t)plan, "contract"), id)) {
		crm_errf(err, NULL, 0, "%s is not a plan line of %s",
			 pay->rows[plan][0], id);
		return INT64_MIN;
	}
	paid = pay_collected(pay);
	open = money_of(pay, (size_t)plan, "amount") - paid[plan];
	free(paid);
	return open;
}

static int receipt_add(struct table *pay, const struct table *k, size_t c,
		       long plan, int32_t day, struct crm_err *err)
{
	size_t r = record_new(&st, pay);
	char date[16];
	const char *vals[][2] = {
		{"contract", k->rows[c][0]},
		{"customer", table_get(k, c, "customer")},
		{"kind", "receipt"},
		{"plan", plan >= 0 ? pay->rows[plan][0] : ""},
		{"date", date}, {"amount", opt("amount")},
		{"currency", table_get(k, c, "currency")},
		{"method", opt("method") ? opt("method") : ""},
	};

	date_format(day, date);
	for (size_t v = 0; v < sizeof vals / sizeof *vals; v++)
		if (*vals[v][1] && record_init(&st, pay, r, vals[v][0],
					       vals[v][1], err) < 0)
			return -1;
	return 0;
}

static int pay_record(int argc, char **argv, struct crm_err *err)
{
	struct table *k = NULL, *pay = NULL;
	int64_t amount, open;
	int32_t day;
	long c, plan = -1;
	char a[32], o[32];
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "pay record takes one contract");
	if (!opt("amount"))
		return crm_usagef(err, "pay record needs --amount");
	if (money_opt("amount", opt("amount"), &amount, err) < 0 ||
	    date_opt("date", date_today(), &day, err) < 0)
		return -1;
	if (store_lock(&st, err) < 0 || !(k = load("contracts", err)) ||
	    (c = table_find_ref(k, argv[0], err)) < 0 ||
	    !(pay = load("payments", err)) ||
	    (opt("plan") && (plan = table_find_ref(pay, opt("plan"),
						   err)) < 0) ||
	    (open = receivable(pay, k, (size_t)c, plan, err)) == INT64_MIN)
		goto out;
	if (amount > open) {
		money_format(amount, a);
		money_format(open, o);
		crm_errf(err, NULL, 0, "%s: %s would overpay it, %s is "
			 "outstanding", plan >= 0 ? pay->rows[plan][0] :
			 k->rows[c][0], a, o);
		goto out;
	}
	if (receipt_add(pay, k, (size_t)c, plan, day, err) == 0) {
		char *id = xstrdup(pay->rows[pay->nrows - 1][0]);

		if ((rc = commit(pay, err)) == 0)
			printf("%s\n", id);
		free(id);
	}
out:
	table_free(k);
	table_free(pay);
	return rc;
}

static const struct col_def pay_list_defs[] = {
	{"id", COL_ID, NULL, NULL},
	{"contract", COL_REF, "contracts", NULL},
	{"customer", COL_REF, "customers", NULL},
	{"due", COL_DATE, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"paid", COL_MONEY, NULL, NULL},
	{"outstanding", COL_MONEY, NULL, NULL},
	{"days_overdue", COL_NUMBER, NULL, NULL},
	{"status", COL_TEXT, NULL, NULL},
};
static const struct table_def pay_list_view = {
	"payment plan", "payment", "", 'Y', pay_list_defs, 9
};
static char *pay_list_cols[] = {
	"id", "contract", "customer", "due", "amount", "paid", "outstanding",
	"days_overdue", "status"
};

struct pay_filter {
	char *contract, *customer;
	int64_t sum[3];            /* amount, paid, outstanding */
};

static void pay_row(struct out *o, const struct table *pay,
		    const struct plan_line *pl)
{
	char a[32], p[32], left[32], days[24];
	char *row[9];

	money_format(pl->amount, a);
	money_format(pl->paid, p);
	money_format(pl->open, left);
	snprintf(days, sizeof days, "%ld", pl->overdue);
	row[0] = pay->rows[pl->row][0];
	row[1] = (char *)table_get(pay, pl->row, "contract");
	row[2] = (char *)table_get(pay, pl->row, "customer");
	row[3] = (char *)table_get(pay, pl->row, "date");
	row[4] = a;
	row[5] = p;
	row[6] = left;
	row[7] = pl->overdue ? days : "";
	row[8] = (char *)pl->status;
	out_row(o, row);
}

static size_t pay_rows(const struct table *pay, struct pay_filter *f,
		       struct out *o)
{
	size_t n, sel = 0, *order = pay_plan_lines(pay, &n);
	int64_t *paid = pay_collected(pay);

	for (size_t i = 0; i < n; i++) {
		struct plan_line pl;

		plan_line_of(pay, order[i], paid, &pl);
		if ((f->contract && strcmp(table_get(pay, pl.row, "contract"),
					   f->contract)) ||
		    (f->customer && strcmp(table_get(pay, pl.row, "customer"),
					   f->customer)) ||
		    (opt("overdue") && !pl.overdue))
			continue;
		pay_row(o, pay, &pl);
		f->sum[0] += pl.amount;
		f->sum[1] += pl.paid;
		f->sum[2] += pl.open;
		sel++;
	}
	free(paid);
	free(order);
	return sel;
}

static void pay_total(struct out *o, const int64_t *sum)
{
	char a[32], p[32], left[32];
	char *row[9] = {"total", "", "", "", a, p, left, "", ""};

	money_format(sum[0], a);
	money_format(sum[1], p);
	money_format(sum[2], left);
	out_row(o, row);
}

static int pay_list(int argc, char **argv, struct crm_err *err)
{
	struct pay_filter f = {0};
	struct table *pay = NULL;
	struct out *o;
	size_t n = 0, rows;
	int fmt = format_opt(err), rc = -1;

	if (argc > 1)
		return crm_usagef(err, "pay list takes at most one contract");
	if (fmt >= 0 && ref_id("contracts", argc ? argv[0] : NULL,
			       &f.contract, err) == 0 &&
	    ref_id("customers", opt("customer"), &f.customer, err) == 0 &&
	    (pay = load("payments", err)) &&
	    (o = report_open(fmt, "payments", pay_list_cols, 9,
			     &pay_list_view, err))) {
		n = pay_rows(pay, &f, o);
		if (n && is_terminal_table(fmt))
			pay_total(o, f.sum);
		if (out_close(o, &rows, err) == 0)
			rc = n ? CRM_OK : CRM_NONE;
	}
	free(f.contract);
	free(f.customer);
	table_free(pay);
	return rc;
}

/* ---- verbs and main --------------------------------------------------------------- */

static int cmd_contact(int argc, char **argv, struct crm_err *err);
static int cmd_contract(int argc, char **argv, struct crm_err *err);
static int cmd_pay(int argc, char **argv, struct crm_err *err);

static int cmd_import(int argc, char **argv, struct crm_err *err)
{
	return cli_import(&st, cli, "customers", argc, argv, err);
}

static const struct cli_verb verbs[] = {
	{"add", cmd_add, "kind owner source industry phone email city "
	 "country set"},
	{"list", cmd_list, "where owner pool tag tier sort format output"},
	{"show", cmd_show, "format"},
	{"set", cmd_set, ""},
	{"log", cmd_log, "type next action"},
	{"tag", cmd_tag, ""},
	{"tier", cmd_tier, "since dry-run format output"},
	{"claim", cmd_claim, "to"},
	{"release", cmd_release, "reason"},
	{"reclaim", cmd_reclaim, "dry-run format output"},
	{"lock", cmd_lock, "reason"},
	{"unlock", cmd_unlock, "reason"},
	{"dedupe", cmd_dedupe, "format output"},
	{"merge", cmd_merge, ""},
	{"contact", cmd_contact, "title email phone wechat primary where "
	 "format sort"},
	{"contract", cmd_contract, "amount start end opp renewal title "
	 "currency expiring where sort format"},
	{"pay", cmd_pay, "due amount split every date plan method customer "
	 "overdue format output"},
	{"import", cmd_import, CLI_IMPORT_VERB_OPTIONS},
	{NULL, NULL, NULL}
};

static const struct cli_verb contact_verbs[] = {
	{"add", contact_add, "title email phone wechat primary"},
	{"list", contact_list, "where format sort output"},
	{NULL, NULL, NULL}
};

static const struct cli_verb contract_verbs[] = {
	{"add", contract_add, "amount start end opp renewal title currency"},
	{"list", contract_list, "expiring where sort format output"},
	{NULL, NULL, NULL}
};

static const struct cli_verb pay_verbs[] = {
	{"plan", pay_plan, "due amount split every"},
	{"record", pay_record, "amount date plan method"},
	{"list", pay_list, "customer overdue format output"},
	{NULL, NULL, NULL}
};

static int cmd_contact(int argc, char **argv, struct crm_err *err)
{
	if (argc < 1)
		return crm_usagef(err, "contact needs add or list");
	return cli_run_verb(cli, contact_verbs, argc, argv, err);
}

static int cmd_contract(int argc, char **argv, struct crm_err *err)
{
	if (argc < 1)
		return crm_usagef(err, "contract needs add or list");
	return cli_run_verb(cli, contract_verbs, argc, argv, err);
}

static int cmd_pay(int argc, char **argv, struct crm_err *err)
{
	if (argc < 1)
		return crm_usagef(err, "pay needs plan, record or list");
	return cli_run_verb(cli, pay_verbs, argc, argv, err);
}

/* Does option word a take the next word as its argument? */
static int takes_next(const char *a)
{
	if (a[1] == '-') {
		for (const struct option *o = long_options; o->name; o++)
			if (!strcmp(o->name, a + 2))
				return o->has_arg == required_argument;
		return 0;
	}
	for (const char *p = a + 1; *p; p++) {
		const char *s = strchr(short_options, *p);

		if (s && s[1] == ':')
			return !p[1];
	}
	return 0;
}

/* In "tag ID +vip -churn-risk" a word after the verb that starts with a
 * '-' is a tag to take off, not an option: an end-of-options mark after
 * the verb tells getopt so. */
static char **tag_words_kept(int *argc, char **argv)
{
	char **v;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			return argv;
		if (argv[i][0] == '-' && argv[i][1]) {
			i += takes_next(argv[i]);
			continue;
		}
		if (strcmp(argv[i], "tag"))
			return argv;
		v = xcalloc((size_t)*argc + 2, sizeof *v);
		memcpy(v, argv, (size_t)(i + 1) * sizeof *v);
		v[i + 1] = "--";
		memcpy(v + i + 2, argv + i + 1,
		       (size_t)(*argc - i - 1) * sizeof *v);
		(*argc)++;
		return v;
	}
	return argv;
}

int main(int argc, char **argv)
{
	static const struct cli_program program = {
		synopsis, help_text, long_options, short_options, verbs, &cli,
		&st, NULL, NULL
	};
	char **args = tag_words_kept(&argc, argv);
	int rc = cli_main(argc, args, &program);

	if (args != argv)
		free(args);
	return rc;
}
