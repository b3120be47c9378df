/* crm-cust - customers and their contacts */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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
	int c = table_col(t, "owner");

	if (owner && strcmp(row[c], owner))
		return 0;
	return !(opt("pool") && *row[c]);
}

/* Operands of a list verb: nothing, or "-" for records on stdin. */
static int stdin_operand(int argc, char **argv, struct crm_err *err)
{
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "unexpected operand '%s'",
				  argv[argc - 1]);
	return argc == 1;
}

static int cmd_list(int argc, char **argv, struct crm_err *err)
{
	struct listing *l;
	int from_stdin = stdin_operand(argc, argv, err);

	if (from_stdin < 0 || !(l = listing_new(opt("format"), opt("where"),
						opt("sort"), customer_view, 8,
						err)))
		return -1;
	return listing_run(l, st.dir, table_def_find("customers"), from_stdin,
			   customer_selected, NULL, err);
}

/* ---- show ----------------------------------------------------------------- */

struct recent {
	const char *id;            /* the customer */
	const struct table *opps;  /* its opportunities' ids are its too */
	struct strmap *opp_ix;     /* opportunity id -> row + 1 */
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
	long r = table_index_row(rc->opp_ix, id);

	return r >= 0 && !strcmp(table_get(rc->opps, (size_t)r, "customer"),
				 rc->id);
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
	char *body = indent_lines(text ? text : "", 32);

	rc->lines = xrealloc(rc->lines, (rc->n + 1) * sizeof *rc->lines);
	rc->lines[rc->n++] = xasprintf("  %.10s  %-8s %-8s %s%s%s",
		at ? at : "", logrec_get(r, "type") ? logrec_get(r, "type")
		: "", logrec_get(r, "by") ? logrec_get(r, "by") : "",
		strcmp(entity, "customer") ? id : "",
		strcmp(entity, "customer") ? " " : "", body);
	free(body);
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
	rc.opp_ix = table_index_by(opps, "id");
	show_related(contacts, "customer", rc.id, "contacts", contact_line, 5);
	show_related(opps, "customer", rc.id, "opportunities", opp_line, 6);
	status = show_activities(&rc, err);
	strmap_free(rc.opp_ix);
out:
	table_free(t);
	table_free(contacts);
	table_free(opps);
	return status;
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
	struct table *cust = NULL;
	char *customer = NULL;
	long c;
	int rc = -1, from_stdin;

	if (argc > 0 && strcmp(argv[0], "-")) {
		if (!(cust = load("customers", err)) ||
		    (c = table_find_ref(cust, argv[0], err)) < 0) {
			table_free(cust);
			return -1;
		}
		customer = xstrdup(cust->rows[c][0]);
		table_free(cust);
		argc--;
		argv++;
	}
	if ((from_stdin = stdin_operand(argc, argv, err)) >= 0 &&
	    (l = listing_new(opt("format"), opt("where"), opt("sort"),
			     contact_view, 7, err)))
		rc = listing_run(l, st.dir, table_def_find("contacts"),
				 from_stdin, contact_selected, customer, err);
	free(customer);
	return rc;
}

/* ---- verbs and main --------------------------------------------------------------- */

static int cmd_contact(int argc, char **argv, struct crm_err *err);

static const struct cli_verb verbs[] = {
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

static const struct cli_verb contact_verbs[] = {
	{"add", contact_add, "title email phone wechat primary"},
	{"list", contact_list, "where format sort"},
	{NULL, NULL, NULL}
};

static int cmd_contact(int argc, char **argv, struct crm_err *err)
{
	if (argc < 1)
		return crm_usagef(err, "contact needs add or list");
	return cli_run_verb(cli, contact_verbs, argc, argv, err);
}

int main(int argc, char **argv)
{
	static const struct cli_program program = {
		synopsis, help_text, long_options, "C:u:k:o:s:w:f:t:n:a:h", verbs, &cli, &st,
		NULL, NULL
	};

	return cli_main(argc, argv, &program);
}
