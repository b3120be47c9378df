/* crm-opp - opportunities: the pipeline from first contact to won or lost */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-opp [-C dir] [--today date] [--user name] command [args]\n"
	"       crm-opp add name --customer customer [--amount amount] [--close date] [--owner user] [--stage stage] [--source source] [--pipeline pipeline] [--set field=value]\n"
	"       crm-opp list [--where expr] [--stage stage] [--owner user] [--open | --won | --lost] [--sort field] [--format format] [--output file] [-]\n"
	"       crm-opp show id\n"
	"       crm-opp stage id stage [--note text]\n"
	"       crm-opp set id field=value ...\n"
	"       crm-opp log id text [--type type] [--next date] [--action text]\n"
	"       crm-opp win id [--amount amount] [--date date] [--contract]\n"
	"       crm-opp lose id --reason reason [--note text] [--date date]\n"
	"       crm-opp reopen id\n"
	"       crm-opp assign --to user id ...\n"
	"       crm-opp stale [--owner user] [--format format] [--output file]\n"
	"       crm-opp import file [--sheet sheet] [--encoding encoding] [--delimiter char] [--map column=field] [--map-stage source=stage] [--pipeline pipeline] [--date-order order] [--match keys] [--on-dup action] [--rejects file] [--dry-run]\n";

static const char help_text[] =
	"Opportunities: the pipeline from first contact to won or lost.\n"
	"Every id operand may be - to read ids or records from standard input.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"      --excel              CSV for spreadsheets: a BOM, and ' before = + - @\n"
	"  -c, --customer=CUSTOMER  the customer, by id or exact name (add)\n"
	"  -m, --amount=AMOUNT      deal amount: 350000, 1,200,000.00, 35万 (add, win)\n"
	"      --close=DATE         expected close date (add)\n"
	"  -o, --owner=USER         owner (add); only this owner's deals (list, stale)\n"
	"      --stage=STAGE        initial stage (add); only deals in STAGE (list)\n"
	"      --source=SOURCE      where the deal came from (add)\n"
	"      --pipeline=PIPELINE  the pipeline from crm.conf (add, import; default\n"
	"                           the first)\n"
	"  -s, --set=FIELD=VALUE    set any field, custom ones too (add; repeatable)\n"
	"  -w, --where=EXPR         only records for which the jq expression is true\n"
	"      --open               only open deals (list)\n"
	"      --won                only won deals (list)\n"
	"      --lost               only lost deals (list)\n"
	"      --sort=FIELD         sort by FIELD; -FIELD sorts descending (list)\n"
	"  -f, --format=FORMAT      table, csv, tsv, jsonl, ids or xlsx (default: table\n"
	"                           on a terminal, csv otherwise)\n"
	"      --output=FILE        write the listing to FILE, atomically (list,\n"
	"                           stale; xlsx needs it; default format by the name)\n"
	"      --note=TEXT          a note kept with the change (stage, lose)\n"
	"  -t, --type=TYPE          call, visit, email, meeting, note, revisit or\n"
	"                           service (log; default note)\n"
	"  -n, --next=DATE          date of the next follow-up (log)\n"
	"  -a, --action=TEXT        what the next follow-up is (log)\n"
	"  -d, --date=DATE          the day it was won or lost (win, lose; default\n"
	"                           today)\n"
	"      --contract           also make the customer's contract for the deal:\n"
	"                           its amount, for 12 months from the day won (win)\n"
	"  -r, --reason=REASON      why it was lost (lose; required)\n"
	"      --to=USER            the new owner (assign)\n"
	CLI_IMPORT_HELP
	"      --map-stage=SOURCE=STAGE  map a source stage name to a stage (import;\n"
	"                           repeatable)\n"
	"      --match=KEYS         duplicate deals: name (same customer and deal\n"
	"                           name), id (import; default name,id)\n"
	CLI_IMPORT_HELP2
	"      --dry-run            print the mapping and the first rows, change\n"
	"                           nothing (import)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_EXCEL, OPT_CLOSE, OPT_STAGE, OPT_SOURCE,
	OPT_PIPELINE, OPT_OPEN, OPT_WON, OPT_LOST, OPT_SORT, OPT_NOTE, OPT_TO,
	OPT_CONTRACT, OPT_DRY_RUN, OPT_OUTPUT
};

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"customer", required_argument, NULL, 'c'},
	{"amount", required_argument, NULL, 'm'},
	{"close", required_argument, NULL, OPT_CLOSE},
	{"owner", required_argument, NULL, 'o'},
	{"stage", required_argument, NULL, OPT_STAGE},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"pipeline", required_argument, NULL, OPT_PIPELINE},
	{"set", required_argument, NULL, 's'},
	{"where", required_argument, NULL, 'w'},
	{"open", no_argument, NULL, OPT_OPEN},
	{"won", no_argument, NULL, OPT_WON},
	{"lost", no_argument, NULL, OPT_LOST},
	{"sort", required_argument, NULL, OPT_SORT},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"excel", no_argument, NULL, OPT_EXCEL},
	{"note", required_argument, NULL, OPT_NOTE},
	{"type", required_argument, NULL, 't'},
	{"next", required_argument, NULL, 'n'},
	{"action", required_argument, NULL, 'a'},
	{"date", required_argument, NULL, 'd'},
	{"reason", required_argument, NULL, 'r'},
	{"to", required_argument, NULL, OPT_TO},
	{"contract", no_argument, NULL, OPT_CONTRACT},
	CLI_IMPORT_LONGOPTS,
	{"map-stage", required_argument, NULL, CLI_OPT_MAP_STAGE},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static struct cli *cli;
static struct store st;
static struct pipelines pipes;

static const char *opt(const char *name)
{
	return cli_opt(cli, name);
}

static struct table *load(const char *name, struct crm_err *err)
{
	return store_table(&st, name, err);
}

static int commit(struct table *t, struct crm_err *err)
{
	struct table *tables[] = {t, NULL};

	return store_commit(&st, tables, err);
}

/* ---- stages of a deal ---------------------------------------------------- */

static const struct pipeline *deal_pipeline(const struct table *t, size_t r,
					    struct crm_err *err)
{
	const char *name = table_get(t, r, "pipeline");
	const struct pipeline *p = pipeline_find(&pipes, name);

	if (!p)
		crm_errf(err, NULL, 0, "%s: unknown pipeline '%s' (not in "
			 "crm.conf)", t->rows[r][0], name);
	return p;
}

/* The deal's current stage; NULL with err when crm.conf lacks it. */
static const struct stage *deal_stage(const struct table *t, size_t r,
				      struct crm_err *err)
{
	const struct pipeline *p = deal_pipeline(t, r, err);
	const struct stage *s;

	if (!p)
		return NULL;
	if (!(s = pipeline_stage(p, table_get(t, r, "stage"))))
		crm_errf(err, NULL, 0, "%s: unknown stage '%s' in pipeline "
			 "'%s'", t->rows[r][0], table_get(t, r, "stage"),
			 p->name);
	return s;
}

/* Move a deal to stage to.  An empty probability follows the stage; one
 * set by hand stays while the deal is open and is cleared when it
 * closes, where the stage's own (100 or 0) is the truth. */
static int move_stage(struct table *t, size_t r, const struct stage *to,
		      struct crm_err *err)
{
	char day[16] = "";

	if (record_set(&st, t, r, "stage", to->name, err) < 0)
		return -1;
	if (stage_is_open(to))
		return record_set(&st, t, r, "closed", "", err) < 0 ||
		       record_set(&st, t, r, "reason", "", err) < 0 ? -1 : 0;
	date_format(date_today(), day);
	if (opt("date") && cli_date("date", opt("date"), day, err) < 0)
		return -1;
	/* A closed deal has no next step to be reminded of. */
	return record_set(&st, t, r, "probability", "", err) < 0 ||
	       record_set(&st, t, r, "next_date", "", err) < 0 ||
	       record_set(&st, t, r, "next_action", "", err) < 0 ||
	       record_set(&st, t, r, "closed", day, err) < 0 ? -1 : 0;
}

static int change_deals(int nops, char **operands, record_fn fn, void *ctx,
			struct crm_err *err)
{
	/* every fn here looks at its own row only */
	return records_change_in(&st, "opportunities", nops, operands, fn,
				 ctx, 1, err);
}

static int deal_assign(struct table *t, size_t r, char *const *sets,
		       size_t n, int logged, struct crm_err *err);

/* ---- add ------------------------------------------------------------------- */

/* The customer's main contact, if it has one. */
static const char *main_contact(const struct table *contacts,
				const char *customer)
{
	const char *any = "";

	for (size_t r = 0; r < contacts->nrows; r++) {
		if (strcmp(table_get(contacts, r, "customer"), customer))
			continue;
		if (!strcmp(table_get(contacts, r, "primary"), "yes"))
			return contacts->rows[r][0];
		if (!*any)
			any = contacts->rows[r][0];
	}
	return any;
}

static const char *const add_fields[] = {
	"amount", "close", "owner", "source"
};

static int fill_new_deal(struct table *t, size_t r, const char *name,
			 const struct table *cust, size_t c,
			 const struct table *contacts, struct crm_err *err)
{
	const struct pipeline *p = pipeline_find(&pipes, opt("pipeline"));
	const struct stage *s;
	const char **sets;
	size_t nsets;

	if (!p)
		return crm_errf(err, NULL, 0, "unknown pipeline '%s' (not in "
				"crm.conf)", opt("pipeline"));
	s = opt("stage") ? pipeline_stage(p, opt("stage")) : pipeline_first(p);
	if (!s)
		return crm_errf(err, NULL, 0, "unknown stage '%s' in pipeline "
				"'%s'", opt("stage") ? opt("stage") : "", p->name);
	if (!stage_is_open(s))
		return crm_usagef(err, "a new deal can't start %s: add it, "
				  "then win or lose it", s->name);
	if (record_init(&st, t, r, "name", name, err) < 0 ||
	    record_init(&st, t, r, "customer", cust->rows[c][0], err) < 0 ||
	    record_init(&st, t, r, "contact", main_contact(contacts,
			cust->rows[c][0]), err) < 0 ||
	    record_init(&st, t, r, "owner", table_get(cust, c, "owner"),
			err) < 0 ||
	    record_init(&st, t, r, "pipeline", p->name, err) < 0 ||
	    record_init(&st, t, r, "currency", conf_get(st.conf, "crm", NULL,
			"currency") ? conf_get(st.conf, "crm", NULL,
			"currency") : "", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof add_fields / sizeof *add_fields; i++)
		if (opt(add_fields[i]) && record_init(&st, t, r, add_fields[i],
						      opt(add_fields[i]),
						      err) < 0)
			return -1;
	sets = cli_opt_all(cli, "set", &nsets);
	if (deal_assign(t, r, (char *const *)sets, nsets, 0, err) < 0)
		return -1;
	/* The deal enters its first stage: the funnel starts here. */
	table_set(t, r, "stage", s->name);
	history_append(&st, "opportunity", t->rows[r][0], "stage", "",
		       s->name);
	return 0;
}

static int cmd_add(int argc, char **argv, struct crm_err *err)
{
	struct table *t = NULL, *cust = NULL, *contacts = NULL;
	size_t r;
	long c;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "add takes one deal name");
	if (!opt("customer"))
		return crm_usagef(err, "add needs --customer");
	if (!*argv[0])
		return crm_usagef(err, "the deal name is empty");
	if (store_lock(&st, err) < 0 || !(cust = load("customers", err)) ||
	    (c = table_find_ref(cust, opt("customer"), err)) < 0 ||
	    !(contacts = load("contacts", err)) ||
	    !(t = table_load_to_add(st.dir, table_def_find("opportunities"),
				    err)))
		goto out;
	r = record_new(&st, t);
	if (fill_new_deal(t, r, argv[0], cust, (size_t)c, contacts, err) < 0 ||
	    commit(t, err) < 0)
		goto out;
	printf("%s\n", t->rows[r][0]);
	rc = 0;
out:
	table_free(t);
	table_free(cust);
	table_free(contacts);
	return rc;
}

/* ---- list -------------------------------------------------------------------- */

static const char *const deal_view[] = {
	"id", "name", "customer", "owner", "stage", "amount", "close",
	"next_date"
};

/* list's selection, its options looked up once, not once a row */
struct selection { const char *owner, *stage; int open, won, lost; };

static int deal_selected(void *ctx, const struct table *t, char **row)
{
	const struct selection *sel = ctx;
	const char *owner = sel->owner, *stage = sel->stage;
	const struct pipeline *p;
	const struct stage *s;

	if (owner && strcmp(row[table_col(t, "owner")], owner))
		return 0;
	if (stage && strcmp(row[table_col(t, "stage")], stage))
		return 0;
	if (!sel->open && !sel->won && !sel->lost)
		return 1;
	p = pipeline_find(&pipes, row[table_col(t, "pipeline")]);
	s = p ? pipeline_stage(p, row[table_col(t, "stage")]) : NULL;
	if (!s)
		return 0;
	return sel->open ? stage_is_open(s) : sel->won ? s->won : s->lost;
}

static int stdin_operand(int argc, char **argv, struct crm_err *err)
{
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "unexpected operand '%s'",
				  argv[argc - 1]);
	return argc == 1;
}

static int known_stage(const char *name)
{
	for (size_t i = 0; i < pipes.nstages; i++)
		if (!strcmp(pipes.stages[i].name, name))
			return 1;
	return 0;
}

static int cmd_list(int argc, char **argv, struct crm_err *err)
{
	struct listing *l;
	int from_stdin = stdin_operand(argc, argv, err);
	struct selection sel = {opt("owner"), opt("stage"), !!opt("open"),
				!!opt("won"), !!opt("lost")};

	if (!!opt("open") + !!opt("won") + !!opt("lost") > 1)
		return crm_usagef(err, "--open, --won and --lost exclude each "
				  "other");
	if (opt("stage") && !known_stage(opt("stage")))
		return crm_usagef(err, "--stage: no stage '%s' in crm.conf",
				  opt("stage"));
	if (from_stdin < 0 || !(l = listing_new(opt("format"), opt("where"),
						opt("sort"), deal_view, 8,
						err)))
		return -1;
	listing_output(l, &st, opt("output"));
	return listing_run(l, st.dir, table_def_find("opportunities"),
			   from_stdin, deal_selected, &sel, err);
}

/* ---- stage, set, log ----------------------------------------------------------- */

static int stage_one(struct table *t, size_t r, void *ctx,
		     struct crm_err *err)
{
	const char *name = ctx;
	const struct pipeline *p = deal_pipeline(t, r, err);
	const struct stage *from = p ? deal_stage(t, r, err) : NULL;
	const struct stage *to = p ? pipeline_stage(p, name) : NULL;

	if (!from)
		return -1;
	if (!to)
		return crm_errf(err, NULL, 0, "unknown stage '%s' in pipeline "
				"'%s'", name, p->name);
	if (!stage_is_open(from))
		return crm_errf(err, NULL, 0, "%s is %s: reopen it first",
				t->rows[r][0], from->name);
	if (!stage_is_open(to))
		return crm_errf(err, NULL, 0, "%s closes a deal: use crm-opp "
				"%s", to->name, to->won ? "win" : "lose");
	if (move_stage(t, r, to, err) < 0)
		return -1;
	if (opt("note"))
		activity_append(&st, "opportunity", t->rows[r][0], "note",
				opt("note"), NULL, NULL, 0);
	return 0;
}

static int cmd_stage(int argc, char **argv, struct crm_err *err)
{
	if (argc != 2)
		return crm_usagef(err, "stage takes an id and a stage");
	return change_deals(1, argv, stage_one, argv[1], err);
}

struct assignments {
	char **v;
	size_t n;
};

/* Customers [0] and contacts [1], read once a run however many deals
 * a command changes (the lock keeps them as they are). */
static struct table *refs[2];

static const struct table *ref_table(int which, struct crm_err *err)
{
	if (!refs[which])
		refs[which] = load(which ? "contacts" : "customers", err);
	return refs[which];
}

/* A value for a deal's field that the rest of crm can rely on: the
 * customer and contact exist (a customer named is stored by id), the
 * pipeline exists and has the deal's stage, a probability is 0 to 100.
 * Stages, closing days and reasons move only through stage, win, lose. */
static char *deal_value(const struct table *t, size_t r, const char *field,
			const char *v, struct crm_err *err)
{
	static const char *const moved[] = {"stage", "closed", "reason", NULL};
	const struct table *ref;
	const struct pipeline *p;
	char *out = NULL;
	long n, row;

	for (const char *const *m = moved; *m; m++)
		if (!strcmp(field, *m)) {
			crm_usagef(err, "%s is set by crm-opp stage, win and "
				   "lose", field);
			return NULL;
		}
	if (!*v || (strcmp(field, "customer") && strcmp(field, "contact") &&
		    strcmp(field, "pipeline") && strcmp(field, "probability")))
		return xstrdup(v);
	if (!strcmp(field, "probability")) {
		char *end;

		n = strtol(v, &end, 10);
		if (*end || n < 0 || n > 100)
			crm_errf(err, NULL, 0, "probability '%s' is not a whole "
				 "number from 0 to 100", v);
		else
			out = xstrdup(v);
	} else if (!strcmp(field, "pipeline")) {
		if (!(p = pipeline_find(&pipes, v)))
			crm_errf(err, NULL, 0, "unknown pipeline '%s' (not in "
				 "crm.conf)", v);
		else if (*table_get(t, r, "stage") &&
			 !pipeline_stage(p, table_get(t, r, "stage")))
			crm_errf(err, NULL, 0, "pipeline '%s' has no stage "
				 "'%s'", v, table_get(t, r, "stage"));
		else
			out = xstrdup(v);
	} else if ((ref = ref_table(!strcmp(field, "customer") ? 0 : 1, err)) &&
		   (row = table_find_ref(ref, v, err)) >= 0) {
		out = xstrdup(ref->rows[row][0]);
	}
	return out;
}

static const char *main_contact(const struct table *contacts,
				const char *customer);

static int follow_customer(struct table *t, size_t r, int logged,
			   struct crm_err *err)
{
	const struct table *ct = ref_table(1, err);
	const char *pid;

	if (!ct)
		return -1;
	pid = main_contact(ct, table_get(t, r, "customer"));
	return logged ? record_set(&st, t, r, "contact", pid, err)
		      : record_init(&st, t, r, "contact", pid, err);
}

/* FIELD=VALUE assignments on deal r, each checked as deal_value says. */
static int deal_assign(struct table *t, size_t r, char *const *sets,
		       size_t n, int logged, struct crm_err *err)
{
	char *field, *v = NULL;
	const char *value;
	int rc = 0;

	int new_customer = 0, contact_given = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (cli_split_assignment(sets[i], &field, &value, err) < 0)
			return -1;
		new_customer |= !strcmp(field, "customer");
		contact_given |= !strcmp(field, "contact");
		if (!strcmp(field, "name") && !*value)
			rc = crm_usagef(err, "the deal name is empty");
		else if (!(v = deal_value(t, r, field, value, err)))
			rc = -1;
		else if (logged)
			rc = record_set(&st, t, r, field, v, err);
		else
			rc = record_init(&st, t, r, field, v, err);
		free(v);
		v = NULL;
		free(field);
	}
	/* Another customer's deal talks to that customer's people. */
	if (rc == 0 && new_customer && !contact_given)
		rc = follow_customer(t, r, logged, err);
	return rc;
}

static int set_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	struct assignments *a = ctx;

	return deal_assign(t, r, a->v, a->n, 1, err);
}

static int cmd_set(int argc, char **argv, struct crm_err *err)
{
	struct assignments a = {argv + 1, (size_t)argc - 1};

	if (argc < 2)
		return crm_usagef(err, "set takes an id and FIELD=VALUE...");
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "stage=", 6))
			return crm_usagef(err, "use crm-opp stage, win or lose "
					  "to move a deal");
		if (!strchr(argv[i], '=') || argv[i][0] == '=')
			return crm_usagef(err, "'%s' is not FIELD=VALUE",
					  argv[i]);
	}
	return change_deals(1, argv, set_one, &a, err);
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
	if (opt("action") && !opt("next"))
		return crm_usagef(err, "--action goes with --next");
	if (!*argv[1])
		return crm_usagef(err, "the follow-up text is empty");
	return change_deals(1, argv, log_one, &f, err);
}

/* ---- win, lose, reopen, assign --------------------------------------------------- */

static int close_one(struct table *t, size_t r, const struct stage *to,
		     struct crm_err *err)
{
	const struct stage *from = deal_stage(t, r, err);

	if (!from)
		return -1;
	if (!stage_is_open(from))
		return crm_errf(err, NULL, 0, "%s is already %s",
				t->rows[r][0], from->name);
	if (!to)
		return crm_errf(err, NULL, 0, "pipeline '%s' has no %s stage",
				table_get(t, r, "pipeline"), "closing");
	return move_stage(t, r, to, err);
}

static int win_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	const struct pipeline *p = deal_pipeline(t, r, err);

	if (!p || close_one(t, r, pipeline_won(p), err) < 0)
		return -1;
	return opt("amount") ? record_set(&st, t, r, "amount", opt("amount"),
					  err) : 0;
}

static int same_day_of_month(int32_t a, int32_t b)
{
	int y, m, da, db;

	date_to_ymd(a, &y, &m, &da);
	date_to_ymd(b, &y, &m, &db);
	return da == db;
}

/* The contract a won deal becomes: its amount, for a year from the day
 * it was won. */
static long contract_of_deal(const struct table *t, size_t r,
			     struct table *k, struct crm_err *err)
{
	struct contract_terms ct = {
		.customer = table_get(t, r, "customer"),
		.opportunity = t->rows[r][0],
		.title = table_get(t, r, "name"),
		.amount = table_get(t, r, "amount"),
		.currency = table_get(t, r, "currency"),
		.owner = table_get(t, r, "owner"),
		.start = date_field(table_get(t, r, "closed")),
	};

	if (!*ct.customer || !*ct.amount)
		return crm_errf(err, NULL, 0, "%s: a contract needs the deal's "
				"%s", t->rows[r][0], *ct.customer ? "amount" :
				"customer");
	ct.end = date_add_months(ct.start, 12);
	if (same_day_of_month(ct.end, ct.start))
		ct.end--;	/* won on 29 Feb: it runs to 28 Feb, not the 27th */
	return contract_new(&st, k, &ct, err);
}

static int win_with_contract(char *key, struct crm_err *err)
{
	struct table *t = NULL, *k = NULL;
	long r, c;
	char *id;
	int rc = -1;

	if (store_lock(&st, err) < 0 || !(t = load("opportunities", err)) ||
	    (r = table_find_ref(t, key, err)) < 0 ||
	    !(k = load("contracts", err)) ||
	    win_one(t, (size_t)r, NULL, err) < 0 ||
	    (c = contract_of_deal(t, (size_t)r, k, err)) < 0)
		goto out;
	id = xstrdup(k->rows[c][0]);
	if ((rc = store_commit(&st, (struct table *const[]){t, k, NULL},
			       err)) == 0)
		printf("%s\n", id);
	free(id);
out:
	table_free(t);
	table_free(k);
	return rc;
}

static int cmd_win(int argc, char **argv, struct crm_err *err)
{
	if (argc != 1)
		return crm_usagef(err, "win takes one id");
	if (opt("contract"))
		return win_with_contract(argv[0], err);
	return change_deals(1, argv, win_one, NULL, err);
}

/* [lost-reasons] reason = ... in crm.conf, when present, is the list. */
static int reason_allowed(const char *reason, struct crm_err *err)
{
	size_t n;
	const char **allowed = conf_get_all(st.conf, "lost-reasons", NULL,
					    "reason", &n);
	struct buf list = {0};

	for (size_t i = 0; i < n; i++)
		if (!strcmp(allowed[i], reason))
			return 0;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		buf_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
	crm_usagef(err, "--reason: '%s' is not one of the [lost-reasons] in "
		   "crm.conf: %s", reason, list.s);
	buf_free(&list);
	return -1;
}

static int lose_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	const struct pipeline *p = deal_pipeline(t, r, err);

	if (!p || close_one(t, r, pipeline_lost(p), err) < 0 ||
	    record_set(&st, t, r, "reason", opt("reason"), err) < 0)
		return -1;
	if (opt("note"))
		activity_append(&st, "opportunity", t->rows[r][0], "note",
				opt("note"), NULL, NULL, 0);
	return 0;
}

static int cmd_lose(int argc, char **argv, struct crm_err *err)
{
	if (argc != 1)
		return crm_usagef(err, "lose takes one id");
	if (!opt("reason") || !*opt("reason"))
		return crm_usagef(err, "lose needs --reason");
	if (reason_allowed(opt("reason"), err) < 0)
		return -1;
	return change_deals(1, argv, lose_one, NULL, err);
}

/* The stage a deal was in before it closed, from history. */
struct before_close {
	const char *id, *closing;
	char *stage;
};

static int find_before_close(void *ctx, const struct logrec *rec, long line,
			     struct crm_err *err)
{
	struct before_close *b = ctx;
	const char *id = logrec_get(rec, "id"), *f = logrec_get(rec, "field");
	const char *to = logrec_get(rec, "to"), *from = logrec_get(rec, "from");

	if (id && f && to && from && !strcmp(id, b->id) &&
	    !strcmp(f, "stage") && !strcmp(to, b->closing) && *from) {
		free(b->stage);
		b->stage = xstrdup(from);
	}
	return 0;
}

static int reopen_one(struct table *t, size_t r, void *ctx,
		      struct crm_err *err)
{
	const struct pipeline *p = deal_pipeline(t, r, err);
	const struct stage *from = p ? deal_stage(t, r, err) : NULL, *to;
	struct before_close b = {t->rows[r][0], NULL, NULL};
	char *path = store_path(&st, "history.jsonl");
	int rc;

	if (!from)
		return free(path), -1;
	if (stage_is_open(from)) {
		free(path);
		return crm_errf(err, NULL, 0, "%s is open (%s)", t->rows[r][0],
				from->name);
	}
	b.closing = from->name;
	rc = jsonl_scan(path, "history.jsonl", find_before_close, &b, err);
	free(path);
	to = b.stage ? pipeline_stage(p, b.stage) : NULL;
	if (!to || !stage_is_open(to))
		to = pipeline_first(p);
	free(b.stage);
	if (rc < 0 || !to)
		return -1;
	return move_stage(t, r, to, err);
}

static int cmd_reopen(int argc, char **argv, struct crm_err *err)
{
	if (argc != 1)
		return crm_usagef(err, "reopen takes one id");
	return change_deals(1, argv, reopen_one, NULL, err);
}

static int assign_one(struct table *t, size_t r, void *ctx,
		      struct crm_err *err)
{
	return record_set(&st, t, r, "owner", opt("to"), err);
}

static int cmd_assign(int argc, char **argv, struct crm_err *err)
{
	if (!opt("to") || !*opt("to"))
		return crm_usagef(err, "assign needs --to");
	if (argc < 1)
		return crm_usagef(err, "assign takes ids, or - for stdin");
	return change_deals(argc, argv, assign_one, NULL, err);
}

/* ---- stale ------------------------------------------------------------------ */

static const struct col_def stale_types[] = {
	{"amount", COL_MONEY, NULL, NULL},
	{"last_touch", COL_DATE, NULL, NULL},
	{"rot_days", COL_NUMBER, NULL, NULL},
	{"days_overdue", COL_NUMBER, NULL, NULL},
};
static const struct table_def stale_def = {
	"stale", "opportunity", "", 'O', stale_types, 4
};

static char *stale_cols[] = {
	"id", "name", "customer", "owner", "stage", "amount", "last_touch",
	"rot_days", "days_overdue"
};

static int print_stale(const struct table *t, const struct stale *v,
		       size_t n, int fmt, struct crm_err *err)
{
	struct out *o = out_report_open(fmt, opt("output"), "stale",
					stale_cols, 9, &stale_def, err);
	char touched[16], rot[24], over[24];
	char *cells[9];

	if (!o)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < 6; c++)
			cells[c] = (char *)table_get(t, v[i].row,
						     stale_cols[c]);
		date_format(v[i].touched, touched);
		snprintf(rot, sizeof rot, "%ld", v[i].rot);
		snprintf(over, sizeof over, "%ld", v[i].overdue);
		cells[6] = touched;
		cells[7] = rot;
		cells[8] = over;
		out_row(o, cells);
	}
	if (out_close(o, &n, err) < 0)
		return -1;
	return n ? CRM_OK : CRM_NONE;
}

/* The deals are streamed, not held (at a million they take 400 MB): the
 * stale ones are copied into a table of their own, v[k].row its row k. */
struct stale_scan {
	struct idmap *moved;
	struct table *kept;
	struct stale *v;
	size_t n, cap;
};

static int scan_stale(void *ctx, const struct table *t, char **row,
		      long line, struct crm_err *err)
{
	struct stale_scan *ss = ctx;
	struct table view;
	struct stale s;
	size_t r;

	table_row_view(&view, t, &row, &line);
	if ((opt("owner") && strcmp(table_get(&view, 0, "owner"),
				    opt("owner"))) ||
	    !stale_row(&pipes, &view, 0, ss->moved, 0, &s))
		return 0;
	if (!ss->kept)
		ss->kept = table_like(t);
	r = table_copy_row(ss->kept, t, row, line);
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 64;
		ss->v = xrealloc(ss->v, ss->cap * sizeof *ss->v);
	}
	s.row = r;
	ss->v[ss->n++] = s;
	return 0;
}

static int cmd_stale(int argc, char **argv, struct crm_err *err)
{
	const struct table_def *def = table_def_find("opportunities");
	struct stale_scan ss = {NULL, NULL, NULL, 0, 0};
	int rc = -1, fmt = out_report_format(&st, opt("format"), opt("output"),
					     err);

	if (argc > 0)
		rc = crm_usagef(err, "stale takes no operands");
	else if (fmt >= 0 && (ss.moved = stale_moves(&st, err)) &&
		 table_scan(st.dir, def, scan_stale, &ss, err) == 0) {
		stale_sort(ss.v, ss.n);
		if (!ss.kept)
			ss.kept = table_new(def, NULL);
		rc = print_stale(ss.kept, ss.v, ss.n, fmt, err);
	}
	idmap_free(ss.moved);
	table_free(ss.kept);
	free(ss.v);
	return rc;
}

/* ---- show -------------------------------------------------------------------- */

struct story {
	const char *id;
	struct buf stages;      /* "day\tstage\n" per stage entered */
	char **acts;            /* activity lines, oldest first */
	size_t nacts;
};

static int story_history(void *ctx, const struct logrec *rec, long line,
			 struct crm_err *err)
{
	struct story *s = ctx;
	const char *id = logrec_get(rec, "id"), *f = logrec_get(rec, "field");
	const char *at = logrec_get(rec, "at"), *to = logrec_get(rec, "to");

	if (id && f && at && to && !strcmp(id, s->id) && !strcmp(f, "stage"))
		buf_printf(&s->stages, "%.10s\t%s\n", at, to);
	return 0;
}

static int story_activity(void *ctx, const struct logrec *rec, long line,
			  struct crm_err *err)
{
	struct story *s = ctx;
	const char *id = logrec_get(rec, "id");
	struct buf text = {0};

	if (!id || strcmp(id, s->id))
		return 0;
	activity_line(&text, rec, NULL);
	s->acts = xrealloc(s->acts, (s->nacts + 1) * sizeof *s->acts);
	s->acts[s->nacts++] = text.s;
	return 0;
}

/* The day a "YYYY-MM-DD..." line starts with. */
static int32_t line_day(const char *p)
{
	char day[11];

	snprintf(day, sizeof day, "%.10s", p);
	return date_field(day);
}

/* Each stage entered, with the days spent there until the next. */
static void print_stages(const char *lines)
{
	if (*lines)
		printf("\nstages\n");
	for (const char *p = lines; *p;) {
		const char *nl = strchr(p, '\n'), *next = nl + 1;
		const char *name = p + 11;
		int32_t from = line_day(p);
		int32_t to = *next ? line_day(next) : date_today();
		long days = (long)(to - from);

		printf("  %.10s  %-14.*s %ld day%s%s\n", p, (int)(nl - name),
		       name, days, days == 1 ? "" : "s", *next ? "" : " (now)");
		p = next;
	}
}

static void print_deal(const struct table *t, size_t r)
{
	const struct pipeline *p = pipeline_find(&pipes,
						 table_get(t, r, "pipeline"));
	const struct stage *s = p ? pipeline_stage(p, table_get(t, r,
						   "stage")) : NULL;

	for (size_t c = 0; c < t->ncols; c++)
		if (*t->rows[r][c])
			printf("%-13s %s\n", t->cols[c], t->rows[r][c]);
	if (s && !*table_get(t, r, "probability"))
		printf("%-13s %ld (from the stage)\n", "probability",
		       s->probability);
}

static void print_people(const struct table *t, size_t r,
			 const struct table *cust, const struct table *ct)
{
	long c = table_find_value(cust, "id", table_get(t, r, "customer"));
	const char *pid = table_get(t, r, "contact");
	long p;

	if (c >= 0)
		printf("\ncustomer      %s  %s\n", cust->rows[c][0],
		       table_get(cust, (size_t)c, "name"));
	if (!*pid && c >= 0)
		pid = main_contact(ct, cust->rows[c][0]);
	if (*pid && (p = table_find_value(ct, "id", pid)) >= 0) {
		printf("contact       %s", pid);
		for (const char *const *f = (const char *const[]){"name",
		     "title", "phone", "email", NULL}; *f; f++)
			if (*table_get(ct, (size_t)p, *f))
				printf("  %s", table_get(ct, (size_t)p, *f));
		printf("\n");
	}
}

static int show_one(const struct table *t, size_t r, const struct table *cust,
		    const struct table *ct, struct crm_err *err)
{
	struct story s = {0};
	char *hist = store_path(&st, "history.jsonl");
	char *acts = store_path(&st, "activities.jsonl");
	int rc = -1;

	s.id = t->rows[r][0];
	/* Only the lines naming the deal are read: at a million deals the
	 * logs are gigabytes. */
	if (jsonl_scan_grep(hist, "history.jsonl", s.id, story_history, &s,
			    err) == 0 &&
	    jsonl_scan_grep(acts, "activities.jsonl", s.id, story_activity, &s,
			    err) == 0) {
		print_deal(t, r);
		print_people(t, r, cust, ct);
		print_stages(s.stages.s ? s.stages.s : "");
		if (s.nacts)
			printf("\nactivities (newest first)\n");
		for (size_t i = s.nacts; i-- > 0;)
			printf("%s\n", s.acts[i]);
		rc = 0;
	}
	for (size_t i = 0; i < s.nacts; i++)
		free(s.acts[i]);
	free(s.acts);
	buf_free(&s.stages);
	free(hist);
	free(acts);
	return rc;
}

static int cmd_show(int argc, char **argv, struct crm_err *err)
{
	struct table *t = NULL, *cust = NULL, *ct = NULL;
	size_t *rows = NULL, n = 0;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "show takes one id, or - for stdin");
	/* One deal named: only the rows it could be are read in. */
	t = strcmp(argv[0], "-") ? table_load_named(st.dir,
		table_def_find("opportunities"), argv[0], err)
				 : load("opportunities", err);
	if (t && (rows = records_named(t, argv[0], &n, err)) &&
	    (cust = load("customers", err)) && (ct = load("contacts", err))) {
		rc = 0;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (i)
				printf("\n");
			rc = show_one(t, rows[i], cust, ct, err);
		}
	}
	free(rows);
	table_free(t);
	table_free(cust);
	table_free(ct);
	return rc;
}

/* ---- import ------------------------------------------------------------------- */

static int cmd_import(int argc, char **argv, struct crm_err *err)
{
	return cli_import(&st, cli, "opportunities", argc, argv, err);
}

/* ---- verbs and main -------------------------------------------------------------- */

static const struct cli_verb verbs[] = {
	{"add", cmd_add, "customer amount close owner stage source pipeline "
	 "set"},
	{"list", cmd_list, "where stage owner open won lost sort format "
	 "output"},
	{"show", cmd_show, ""},
	{"stage", cmd_stage, "note"},
	{"set", cmd_set, ""},
	{"log", cmd_log, "type next action"},
	{"win", cmd_win, "amount date contract"},
	{"lose", cmd_lose, "reason note date"},
	{"reopen", cmd_reopen, ""},
	{"assign", cmd_assign, "to"},
	{"stale", cmd_stale, "owner format output"},
	{"import", cmd_import, CLI_IMPORT_VERB_OPTIONS " map-stage pipeline"},
	{NULL, NULL, NULL}
};

static int load_pipelines(struct crm_err *err)
{
	return pipelines_load(st.conf, &pipes, err);
}

static void free_pipelines(void)
{
	pipelines_free(&pipes);
	table_free(refs[0]);
	table_free(refs[1]);
}

int main(int argc, char **argv)
{
	static const struct cli_program program = {
		synopsis, help_text, long_options, "C:u:c:m:o:s:w:f:t:n:a:d:r:h", verbs, &cli, &st,
		load_pipelines, free_pipelines
	};

	return cli_main(argc, argv, &program);
}
