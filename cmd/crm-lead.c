/* crm-lead - leads: capture, import, dedupe, score, assign, convert, drop */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-lead [-C dir] [--today date] [--user name] command [args]\n"
	"       crm-lead add name [--company company] [--email email] [--phone phone] [--source source] [--owner user] [--title title] [--set field=value] [--force]\n"
	"       crm-lead list [--where expr] [--status status] [--owner user | --pool] [--sort field] [--format format] [--output file] [-]\n"
	"       crm-lead show id\n"
	"       crm-lead set id field=value ...\n"
	"       crm-lead log id text [--type type] [--next date] [--action text]\n"
	"       crm-lead score [--explain id] [-]\n"
	"       crm-lead assign [--to user | --round-robin users | --rules] id ...\n"
	"       crm-lead dedupe [--merge] [--format format] [--output file]\n"
	"       crm-lead convert id [--customer customer] [--opp name] [--amount amount] [--close date]\n"
	"       crm-lead drop id --reason reason\n"
	"       crm-lead import file [--sheet sheet] [--encoding encoding] [--delimiter char] [--map column=field] [--date-order order] [--match keys] [--on-dup action] [--rejects file] [--dry-run]\n";

static const char help_text[] =
	"Leads: capture, import, clean, dedupe, score, rank, assign, convert or drop.\n"
	"Every id operand but show's may be - to read ids or records from stdin.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"      --excel              CSV for spreadsheets: a BOM, and ' before = + - @\n"
	"      --company=COMPANY    the lead's company (add)\n"
	"      --email=EMAIL        e-mail address (add)\n"
	"      --phone=PHONE        phone number (add)\n"
	"      --source=SOURCE      where the lead came from (add)\n"
	"  -o, --owner=USER         owner (add); only this owner's leads (list)\n"
	"      --title=TITLE        job title (add)\n"
	"  -s, --set=FIELD=VALUE    set any field, custom ones too (add; repeatable)\n"
	"      --force              add even when the lead looks like a duplicate\n"
	"  -w, --where=EXPR         only records for which the jq expression is true\n"
	"      --status=STATUS      only leads with this status (list)\n"
	"      --pool               only leads with no owner (list)\n"
	"      --sort=FIELD         sort by FIELD; -FIELD sorts descending (list)\n"
	"  -f, --format=FORMAT      table, csv, tsv, jsonl, ids or xlsx (default: table\n"
	"                           on a terminal, csv otherwise)\n"
	"      --output=FILE        write the listing to FILE, atomically (list,\n"
	"                           dedupe; xlsx needs it; default format by the name)\n"
	"  -t, --type=TYPE          call, visit, email, meeting, note, revisit or\n"
	"                           service (log; default note)\n"
	"  -n, --next=DATE          date of the next follow-up (log)\n"
	"  -a, --action=TEXT        what the next follow-up is (log)\n"
	"      --explain=ID         show which rules gave a lead its score (score)\n"
	"      --to=USER            the new owner (assign)\n"
	"      --round-robin=USERS  owners in turn, comma-separated (assign)\n"
	"      --rules              owners by the [assign] rules of crm.conf (assign)\n"
	"      --merge              keep the oldest of each group, fill it from the\n"
	"                           others and drop them (dedupe)\n"
	"      --customer=CUSTOMER  attach to this customer, by id or name (convert)\n"
	"      --opp=NAME           also open an opportunity so named (convert)\n"
	"  -m, --amount=AMOUNT      the opportunity's amount (convert)\n"
	"      --close=DATE         the opportunity's expected close date (convert)\n"
	"  -r, --reason=REASON      why the lead is dropped (drop)\n"
	CLI_IMPORT_HELP
	"      --match=KEYS         duplicate keys: email, phone, id (import; default\n"
	"                           email,phone)\n"
	CLI_IMPORT_HELP2
	"      --dry-run            print the mapping and the first rows, change\n"
	"                           nothing (import)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_EXCEL, OPT_COMPANY, OPT_EMAIL, OPT_PHONE,
	OPT_SOURCE, OPT_TITLE, OPT_FORCE, OPT_STATUS, OPT_POOL, OPT_SORT,
	OPT_EXPLAIN, OPT_TO, OPT_ROUND_ROBIN, OPT_RULES, OPT_MERGE,
	OPT_CUSTOMER, OPT_OPP, OPT_CLOSE, OPT_DRY_RUN, OPT_OUTPUT
};

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"company", required_argument, NULL, OPT_COMPANY},
	{"email", required_argument, NULL, OPT_EMAIL},
	{"phone", required_argument, NULL, OPT_PHONE},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"owner", required_argument, NULL, 'o'},
	{"title", required_argument, NULL, OPT_TITLE},
	{"set", required_argument, NULL, 's'},
	{"force", no_argument, NULL, OPT_FORCE},
	{"where", required_argument, NULL, 'w'},
	{"status", required_argument, NULL, OPT_STATUS},
	{"pool", no_argument, NULL, OPT_POOL},
	{"sort", required_argument, NULL, OPT_SORT},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"excel", no_argument, NULL, OPT_EXCEL},
	{"type", required_argument, NULL, 't'},
	{"next", required_argument, NULL, 'n'},
	{"action", required_argument, NULL, 'a'},
	{"explain", required_argument, NULL, OPT_EXPLAIN},
	{"to", required_argument, NULL, OPT_TO},
	{"round-robin", required_argument, NULL, OPT_ROUND_ROBIN},
	{"rules", no_argument, NULL, OPT_RULES},
	{"merge", no_argument, NULL, OPT_MERGE},
	{"customer", required_argument, NULL, OPT_CUSTOMER},
	{"opp", required_argument, NULL, OPT_OPP},
	{"amount", required_argument, NULL, 'm'},
	{"close", required_argument, NULL, OPT_CLOSE},
	{"reason", required_argument, NULL, 'r'},
	CLI_IMPORT_LONGOPTS,
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
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

static int change_leads(int nops, char **operands, record_fn fn, void *ctx,
			struct crm_err *err)
{
	/* every fn here looks at its own row only */
	return records_change_in(&st, "leads", nops, operands, fn, ctx, 1,
				 err);
}

static int lead_is_open(const struct table *t, size_t r)
{
	const char *s = table_get(t, r, "status");

	return strcmp(s, "converted") && strcmp(s, "dropped");
}

/* ---- duplicates ------------------------------------------------------------ */

/* The first lead with the same normalised e-mail or phone as a new one:
 * the table streamed past, only that lead's id and name kept. */
struct duplicate {
	char want_e[256], want_p[64];
	char *id, *name;
	const char *why;
};

static int note_duplicate(void *ctx, const struct table *t, char **row,
			  long line, struct crm_err *err)
{
	struct duplicate *d = ctx;
	char have[256];

	if (d->id)
		return 0;
	import_norm_email(row[table_col(t, "email")], have, sizeof have);
	if (*d->want_e && !strcmp(have, d->want_e))
		d->why = "same e-mail";
	import_norm_phone(row[table_col(t, "phone")], have, sizeof have);
	if (!d->why && *d->want_p && !strcmp(have, d->want_p))
		d->why = "same phone";
	if (d->why) {
		d->id = xstrdup(row[0]);
		d->name = xstrdup(row[table_col(t, "name")]);
	}
	return 0;
}

static int find_duplicate(struct duplicate *d, const char *email,
			  const char *phone, struct crm_err *err)
{
	memset(d, 0, sizeof *d);
	if (email && *email)
		import_norm_email(email, d->want_e, sizeof d->want_e);
	if (phone && *phone)
		import_norm_phone(phone, d->want_p, sizeof d->want_p);
	if (!*d->want_e && !*d->want_p)
		return 0;
	return table_scan(st.dir, table_def_find("leads"), note_duplicate, d,
			  err);
}

/* ---- add -------------------------------------------------------------------- */

static const char *const add_fields[] = {
	"company", "email", "phone", "source", "owner", "title"
};

static int cmd_add(int argc, char **argv, struct crm_err *err)
{
	struct table *t = NULL;
	struct duplicate dup;
	const char **sets;
	size_t r, nsets;
	int rc = -1;

	if (argc != 1 || !*argv[0])
		return crm_usagef(err, "add takes one lead name");
	if (store_lock(&st, err) < 0)
		return -1;
	if (find_duplicate(&dup, opt("email"), opt("phone"), err) < 0)
		goto out;
	if (dup.id && !opt("force")) {
		crm_errf(err, NULL, 0, "duplicate of %s %s (%s): use --force "
			 "to add it anyway", dup.id, dup.name, dup.why);
		goto out;
	}
	if (!(t = table_load_to_add(st.dir, table_def_find("leads"), err)))
		goto out;
	r = record_new(&st, t);
	if (record_init(&st, t, r, "name", argv[0], err) < 0 ||
	    record_init(&st, t, r, "status", "new", err) < 0)
		goto out;
	for (size_t i = 0; i < sizeof add_fields / sizeof *add_fields; i++)
		if (opt(add_fields[i]) && record_init(&st, t, r, add_fields[i],
						      opt(add_fields[i]),
						      err) < 0)
			goto out;
	sets = cli_opt_all(cli, "set", &nsets);
	if (record_assign(&st, t, r, sets, nsets, 0, err) < 0 ||
	    store_commit(&st, (struct table *const[]){t, NULL}, err) < 0)
		goto out;
	if (dup.id)
		crm_warn("%s looks like a duplicate of %s (%s)", t->rows[r][0],
			 dup.id, dup.why);
	printf("%s\n", t->rows[r][0]);
	rc = 0;
out:
	table_free(t);
	free(dup.id);
	free(dup.name);
	return rc;
}

/* ---- list, show, set, log ---------------------------------------------------------- */

static const char *const lead_view[] = {
	"id", "name", "company", "source", "status", "score", "owner",
	"next_date"
};

static int lead_selected(void *ctx, const struct table *t, char **row)
{
	const char *owner = opt("owner"), *status = opt("status");

	if (owner && strcmp(row[table_col(t, "owner")], owner))
		return 0;
	if (opt("pool") && *row[table_col(t, "owner")])
		return 0;
	return !status || !strcmp(row[table_col(t, "status")], status);
}

static int cmd_list(int argc, char **argv, struct crm_err *err)
{
	struct listing *l;
	int from_stdin = argc == 1 && !strcmp(argv[0], "-");

	if (argc > 1 || (argc == 1 && !from_stdin))
		return crm_usagef(err, "unexpected operand '%s'",
				  argv[argc - 1]);
	if (opt("owner") && opt("pool"))
		return crm_usagef(err, "--owner and --pool exclude each other");
	if (!(l = listing_new(opt("format"), opt("where"), opt("sort"),
			      lead_view, 8, err)))
		return -1;
	listing_output(l, &st, opt("output"));
	return listing_run(l, st.dir, table_def_find("leads"), from_stdin,
			   lead_selected, NULL, err);
}

struct timeline {
	const char *id;
	struct buf lines;
};

static int lead_activity(void *ctx, const struct logrec *rec, long line,
			 struct crm_err *err)
{
	struct timeline *tl = ctx;
	const char *id = logrec_get(rec, "id");

	if (!id || strcmp(id, tl->id))
		return 0;
	activity_line(&tl->lines, rec, NULL);
	buf_addc(&tl->lines, '\n');
	return 0;
}

static int cmd_show(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	struct timeline tl = {0};
	char *path = store_path(&st, "activities.jsonl");
	long r;
	int rc = -1;

	if (argc != 1) {
		free(path);
		return crm_usagef(err, "show takes one id");
	}
	/* Only the rows and the log lines that could be the lead's are
	 * read: at a million leads the files are large. */
	if ((t = table_load_named(st.dir, table_def_find("leads"), argv[0],
				  err)) &&
	    (r = table_find_ref(t, argv[0], err)) >= 0) {
		tl.id = t->rows[r][0];
		rc = jsonl_scan_grep(path, "activities.jsonl", tl.id,
				     lead_activity, &tl, err);
		for (size_t c = 0; rc == 0 && c < t->ncols; c++)
			if (*t->rows[r][c])
				printf("%-13s %s\n", t->cols[c], t->rows[r][c]);
		if (rc == 0 && tl.lines.len)
			printf("\nactivities\n%s", tl.lines.s);
	}
	buf_free(&tl.lines);
	free(path);
	table_free(t);
	return rc;
}

struct assignments {
	char **v;
	size_t n;
};

static int set_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	struct assignments *a = ctx;

	return record_assign(&st, t, r, (const char *const *)a->v, a->n, 1,
			     err);
}

static int cmd_set(int argc, char **argv, struct crm_err *err)
{
	struct assignments a = {argv + 1, (size_t)argc - 1};

	if (argc < 2)
		return crm_usagef(err, "set takes an id and FIELD=VALUE...");
	for (int i = 1; i < argc; i++)
		if (!strchr(argv[i], '=') || argv[i][0] == '=')
			return crm_usagef(err, "'%s' is not FIELD=VALUE",
					  argv[i]);
	return change_leads(1, argv, set_one, &a, err);
}

/* A follow-up on a new lead means someone is working it. */
static int log_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	int was_new = !strcmp(table_get(t, r, "status"), "new");

	if (record_followup(&st, t, r, ctx, err) < 0)
		return -1;
	return was_new ? record_set(&st, t, r, "status", "working", err) : 0;
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
	return change_leads(1, argv, log_one, &f, err);
}

/* ---- score ---------------------------------------------------------------------------- */

struct rule {
	const char *name, *when;
	long points;
	struct filter *f;
};

static struct rule *rules_load(const char *section, size_t *n,
			       struct crm_err *err)
{
	const char **names = conf_subsections(st.conf, section, n);
	struct rule *rules = xcalloc(*n + 1, sizeof *rules);

	for (size_t i = 0; i < *n; i++) {
		struct rule *r = &rules[i];

		r->name = names[i];
		r->when = conf_get(st.conf, section, names[i], "when");
		if (!r->when)
			r->when = "true";
		if (conf_get_long(st.conf, section, names[i], "points", 0,
				  &r->points, err) < 0)
			goto fail;
		if (!(r->f = filter_compile(r->when, err))) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg + 9);
			crm_errf(err, "crm.conf", conf_line(st.conf, section,
				 names[i], "when"), "[%s \"%s\"] when:%s",
				 section, names[i], msg);
			goto fail;
		}
	}
	return rules;
fail:
	for (size_t i = 0; i < *n; i++)
		filter_free(rules[i].f);
	free(rules);
	return NULL;
}

static void rules_free(struct rule *rules, size_t n)
{
	for (size_t i = 0; rules && i < n; i++)
		filter_free(rules[i].f);
	free(rules);
}

/* Σ points of the rules true for the lead; explain prints each. */
static int score_of(struct rule *rules, size_t n, const struct table *t,
		    size_t r, int explain, long *total, struct crm_err *err)
{
	int m;

	*total = 0;
	for (size_t i = 0; i < n; i++) {
		if ((m = filter_match(rules[i].f, t, t->rows[r], err)) < 0) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			return crm_errf(err, NULL, 0, "[score \"%s\"]: %s",
					rules[i].name, msg);
		}
		if (m)
			*total += rules[i].points;
		if (explain)
			printf("%s %+5ld  %-20s %s\n", m ? "yes" : "no ",
			       m ? rules[i].points : 0L, rules[i].name,
			       rules[i].when);
	}
	if (explain)
		printf("    %5ld  total\n", *total);
	return 0;
}

struct scoring {
	struct rule *rules;
	size_t n;
	long changed;
};

static int score_one(struct table *t, size_t r, void *ctx,
		     struct crm_err *err)
{
	struct scoring *sc = ctx;
	char v[24];
	long total;

	if (!lead_is_open(t, r))
		return 0;
	if (score_of(sc->rules, sc->n, t, r, 0, &total, err) < 0)
		return -1;
	snprintf(v, sizeof v, "%ld", total);
	sc->changed += strcmp(table_get(t, r, "score"), v) != 0;
	return record_set(&st, t, r, "score", v, err);
}

/* Every lead of the table, under one lock. */
static int change_all(record_fn fn, void *ctx, struct crm_err *err)
{
	struct table *t;
	int rc = -1;

	if (store_lock(&st, err) < 0 || !(t = load("leads", err)))
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		if (fn(t, r, ctx, err) < 0)
			goto out;
	rc = store_commit(&st, (struct table *const[]){t, NULL}, err);
out:
	table_free(t);
	return rc;
}

static int explain(struct scoring *sc, struct crm_err *err)
{
	struct table *t = load("leads", err);
	long r, total;
	int rc = -1;

	if (t && (r = table_find_ref(t, opt("explain"), err)) >= 0) {
		printf("%s %s\n", t->rows[r][0], table_get(t, (size_t)r,
							   "name"));
		rc = score_of(sc->rules, sc->n, t, (size_t)r, 1, &total, err);
	}
	table_free(t);
	return rc;
}

static int cmd_score(int argc, char **argv, struct crm_err *err)
{
	struct scoring sc = {0};
	int rc;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "score takes no ids but -");
	if (!(sc.rules = rules_load("score", &sc.n, err)))
		return -1;
	if (opt("explain"))
		rc = explain(&sc, err);
	else if (argc == 1)
		rc = change_leads(1, argv, score_one, &sc, err);
	else
		rc = change_all(score_one, &sc, err);
	if (rc == 0 && !opt("explain"))
		crm_msg("%ld lead%s rescored", sc.changed,
			sc.changed == 1 ? "" : "s");
	rules_free(sc.rules, sc.n);
	return rc;
}

/* ---- assign ---------------------------------------------------------------------------- */

/* Owners from "a,b c": commas or blanks. */
static char **split_owners(const char *s, size_t *n)
{
	char **v = NULL;

	*n = 0;
	for (s += strspn(s, ", \t"); *s; s += strspn(s, ", \t")) {
		size_t len = strcspn(s, ", \t");

		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xstrndup(s, len);
		s += len;
	}
	return v;
}

static void free_owners(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct assigning {
	char **owners;          /* --round-robin */
	size_t nowners, next;
	struct rule *rules;     /* --rules */
	size_t nrules;
	struct strmap *open_of; /* --rules: owner -> open leads, kept as
				   leads are assigned */
	long assigned, left;
};

static int count_open_lead(void *ctx, const struct table *t, char **row,
			   long line, struct crm_err *err)
{
	const char *owner = row[table_col(t, "owner")];
	struct table v;
	void **slot;

	table_row_view(&v, t, &row, &line);
	if (!*owner || !lead_is_open(&v, 0))
		return 0;
	slot = strmap_slot(ctx, owner);
	*slot = (void *)((intptr_t)*slot + 1);
	return 0;
}

/* Each owner's open leads, counted once (the table streamed past, under
 * the lock), not once a lead a candidate. */
static int open_counts(struct assigning *a, struct crm_err *err)
{
	if (a->open_of)
		return 0;
	a->open_of = strmap_new();
	return table_scan(st.dir, table_def_find("leads"), count_open_lead,
			  a->open_of, err);
}

static long open_leads_of(const struct assigning *a, const char *owner)
{
	return (long)(intptr_t)strmap_get(a->open_of, owner);
}

/* Lead r (open) goes from its owner to owner: the counts follow. */
static void open_move(struct assigning *a, const struct table *t, size_t r,
		      const char *owner)
{
	const char *was = table_get(t, r, "owner");
	void **slot;

	if (!a->open_of)
		return;
	if (*was) {
		slot = strmap_slot(a->open_of, was);
		*slot = (void *)((intptr_t)*slot - 1);
	}
	slot = strmap_slot(a->open_of, owner);
	*slot = (void *)((intptr_t)*slot + 1);
}

/* The first rule true for the lead; among its owners the one with the
 * fewest open leads under the rule's cap (the first on a tie). */
static const char *owner_by_rules(struct assigning *a, const struct table *t,
				  size_t r, struct crm_err *err)
{
	for (size_t i = 0; i < a->nrules; i++) {
		int m = filter_match(a->rules[i].f, t, t->rows[r], err);
		const char *owners = conf_get(st.conf, "assign",
					      a->rules[i].name, "owners");
		const char *best = NULL;
		long cap = 0, least = 0;
		char **v;
		size_t n;

		if (m < 0 || conf_get_long(st.conf, "assign", a->rules[i].name,
					   "cap", 0, &cap, err) < 0)
			return NULL;
		if (!m || !owners)
			continue;
		v = split_owners(owners, &n);
		for (size_t k = 0; k < n; k++) {
			long have = open_leads_of(a, v[k]);

			if ((cap <= 0 || have < cap) && (!best || have < least)) {
				least = have;
				best = v[k];
			}
		}
		if (best) {
			static char chosen[256];

			snprintf(chosen, sizeof chosen, "%s", best);
			free_owners(v, n);
			return chosen;
		}
		free_owners(v, n);
	}
	return "";
}

static int assign_one(struct table *t, size_t r, void *ctx,
		      struct crm_err *err)
{
	struct assigning *a = ctx;
	const char *owner = opt("to");

	if (!lead_is_open(t, r))
		return crm_errf(err, NULL, 0, "%s is %s: only open leads are "
				"assigned", t->rows[r][0], table_get(t, r, "status"));
	if (a->nowners)
		owner = a->owners[a->next++ % a->nowners];
	else if (a->rules && (open_counts(a, err) < 0 ||
			      !(owner = owner_by_rules(a, t, r, err))))
		return -1;
	if (!*owner) {
		a->left++;
		return 0;
	}
	a->assigned++;
	open_move(a, t, r, owner);
	return record_set(&st, t, r, "owner", owner, err);
}

static int cmd_assign(int argc, char **argv, struct crm_err *err)
{
	struct assigning a = {0};
	int rc;

	if (!!opt("to") + !!opt("round-robin") + !!opt("rules") != 1)
		return crm_usagef(err, "assign needs one of --to, "
				  "--round-robin, --rules");
	if (argc < 1)
		return crm_usagef(err, "assign takes ids, or - for stdin");
	if (opt("to") && !*opt("to"))
		return crm_usagef(err, "--to: the owner is empty");
	if (opt("round-robin") &&
	    !(a.owners = split_owners(opt("round-robin"), &a.nowners), a.nowners))
		return crm_usagef(err, "--round-robin: no owners");
	if (opt("rules") && !(a.rules = rules_load("assign", &a.nrules, err)))
		return -1;
	rc = change_leads(argc, argv, assign_one, &a, err);
	if (rc == 0 && a.left)
		crm_warn("%ld lead%s matched no [assign] rule with room left",
			 a.left, a.left == 1 ? "" : "s");
	free_owners(a.owners, a.nowners);
	rules_free(a.rules, a.nrules);
	strmap_free(a.open_of);
	return rc;
}

/* ---- dedupe ------------------------------------------------------------------------------ */

/* Union-find over rows: leads sharing an e-mail or a phone are one. */
/* The oldest of a group is the one kept. */
static int older(const struct table *t, size_t a, size_t b)
{
	int c = strcmp(table_get(t, a, "created"), table_get(t, b, "created"));

	return c ? c < 0 : strcmp(t->rows[a][0], t->rows[b][0]) < 0;
}

/* The oldest of a group (rows[0..n)) is kept and filled from the others,
 * which are dropped as its duplicates. */
static int merge_group(struct table *t, const size_t *rows, size_t n,
		       struct crm_err *err)
{
	size_t keep = rows[0];
	char reason[64];

	for (size_t i = 1; i < n; i++)
		if (older(t, rows[i], keep))
			keep = rows[i];
	snprintf(reason, sizeof reason, "duplicate of %s", t->rows[keep][0]);
	for (size_t i = 0; i < n; i++) {
		size_t r = rows[i];

		if (r == keep)
			continue;
		for (size_t c = 1; c < t->ncols; c++)
			if (!*t->rows[keep][c] && *t->rows[r][c] &&
			    record_set(&st, t, keep, t->cols[c], t->rows[r][c],
				       err) < 0)
				return -1;
		if (record_set(&st, t, r, "status", "dropped", err) < 0 ||
		    record_set(&st, t, r, "reason", reason, err) < 0)
			return -1;
	}
	return 0;
}

static int merge_groups(struct table *t, const size_t *parent,
			const size_t *rows, size_t n, struct crm_err *err)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && parent[rows[j]] == parent[rows[i]];)
			j++;
		if (merge_group(t, rows + i, j - i, err) < 0)
			return -1;
	}
	return 0;
}

static char *dedupe_cols[] = {
	"group", "id", "name", "company", "email", "phone", "created"
};

static int cmd_dedupe(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	size_t *parent, *rows, n, groups, written;
	struct out *o;
	int rc = 0, fmt;

	if (argc > 0)
		return crm_usagef(err, "dedupe takes no operands");
	if ((fmt = out_report_format(&st, opt("format"), opt("output"),
				     err)) < 0)
		return -1;
	if ((opt("merge") && store_lock(&st, err) < 0) ||
	    !(t = load("leads", err)))
		return -1;
	parent = groups_new(t->nrows);
	groups_join_by(t, parent, "email", import_norm_email, lead_is_open);
	groups_join_by(t, parent, "phone", import_norm_phone, lead_is_open);
	rows = groups_rows(parent, t->nrows, &n);
	/* The --output FILE is committed before the merge: when it cannot
	 * be written, nothing changes. */
	groups = 0;
	if (!(o = out_report_open(fmt, opt("output"), "dedupe", dedupe_cols, 7,
				  NULL, err)))
		rc = -1;
	else
		groups = groups_print(t, parent, rows, n, o, dedupe_cols, 7);
	if (o && out_close(o, &written, err) < 0)
		rc = -1;
	if (rc == 0 && opt("merge") && groups &&
	    (merge_groups(t, parent, rows, n, err) < 0 ||
	     store_commit(&st, (struct table *const[]){t, NULL}, err) < 0))
		rc = -1;
	free(rows);
	free(parent);
	table_free(t);
	return rc < 0 ? -1 : groups ? CRM_OK : CRM_NONE;
}

/* ---- convert and drop ------------------------------------------------------------------------ */

static long customer_by_name(const struct table *cust, const char *name)
{
	char want[512], have[512];

	name_key(name, want, sizeof want);
	for (size_t r = 0; *want && r < cust->nrows; r++) {
		name_key(table_get(cust, r, "name"), have, sizeof have);
		if (!strcmp(want, have))
			return (long)r;
	}
	return -1;
}

struct conversion {
	struct table *leads, *cust, *contacts, *opps;
	size_t lead;
	char cust_id[ID_MAX], contact_id[ID_MAX], opp_id[ID_MAX];
};

/* The customer the lead becomes: named, matched by company, or new. */
static int convert_customer(struct conversion *cv, struct crm_err *err)
{
	const struct table *l = cv->leads;
	const char *company = table_get(l, cv->lead, "company");
	const char *name = *company ? company : table_get(l, cv->lead, "name");
	long c = opt("customer") ? table_find_ref(cv->cust, opt("customer"),
						  err) : customer_by_name(cv->cust, name);
	size_t r;

	if (c == -1 && opt("customer"))
		return -1;
	if (c >= 0) {
		snprintf(cv->cust_id, ID_MAX, "%s", cv->cust->rows[c][0]);
		return 0;
	}
	r = record_new(&st, cv->cust);
	snprintf(cv->cust_id, ID_MAX, "%s", cv->cust->rows[r][0]);
	if (record_init(&st, cv->cust, r, "name", name, err) < 0 ||
	    record_init(&st, cv->cust, r, "kind", *company ? "company" :
			"person", err) < 0)
		return -1;
	for (const char *const *f = (const char *const[]){"owner", "source",
	     NULL}; *f; f++)
		if (record_init(&st, cv->cust, r, *f, table_get(l, cv->lead, *f),
				err) < 0)
			return -1;
	return 0;
}

static int convert_contact(struct conversion *cv, struct crm_err *err)
{
	const struct table *l = cv->leads;
	size_t r = record_new(&st, cv->contacts);
	int first = table_find_value(cv->contacts, "customer", cv->cust_id) == -1;

	snprintf(cv->contact_id, ID_MAX, "%s", cv->contacts->rows[r][0]);
	if (record_init(&st, cv->contacts, r, "customer", cv->cust_id, err) < 0 ||
	    record_init(&st, cv->contacts, r, "primary", first ? "yes" : "no",
			err) < 0)
		return -1;
	for (const char *const *f = (const char *const[]){"name", "title",
	     "email", "phone", NULL}; *f; f++)
		if (record_init(&st, cv->contacts, r, *f,
				table_get(l, cv->lead, *f), err) < 0)
			return -1;
	return 0;
}

static int convert_opp(struct conversion *cv, struct crm_err *err)
{
	struct pipelines ps;
	const struct pipeline *p;
	const struct table *l = cv->leads;
	const char *amount = opt("amount") ? opt("amount")
					   : table_get(l, cv->lead, "amount");
	size_t r;
	int rc = -1;

	if (pipelines_load(st.conf, &ps, err) < 0)
		return -1;
	p = pipeline_find(&ps, NULL);
	r = record_new(&st, cv->opps);
	snprintf(cv->opp_id, ID_MAX, "%s", cv->opps->rows[r][0]);
	if (record_init(&st, cv->opps, r, "name", opt("opp"), err) == 0 &&
	    record_init(&st, cv->opps, r, "customer", cv->cust_id, err) == 0 &&
	    record_init(&st, cv->opps, r, "contact", cv->contact_id, err) == 0 &&
	    record_init(&st, cv->opps, r, "owner", table_get(l, cv->lead,
			"owner"), err) == 0 &&
	    record_init(&st, cv->opps, r, "source", table_get(l, cv->lead,
			"source"), err) == 0 &&
	    record_init(&st, cv->opps, r, "amount", amount, err) == 0 &&
	    record_init(&st, cv->opps, r, "close", opt("close") ? opt("close")
			: "", err) == 0 &&
	    record_init(&st, cv->opps, r, "pipeline", p->name, err) == 0 &&
	    record_init(&st, cv->opps, r, "currency", conf_get(st.conf, "crm",
			NULL, "currency") ? conf_get(st.conf, "crm", NULL,
			"currency") : "", err) == 0) {
		table_set(cv->opps, r, "stage", pipeline_first(p)->name);
		history_append(&st, "opportunity", cv->opp_id, "stage", "",
			       pipeline_first(p)->name);
		rc = 0;
	}
	pipelines_free(&ps);
	return rc;
}

static int convert_lead(struct conversion *cv, struct crm_err *err)
{
	if (!lead_is_open(cv->leads, cv->lead))
		return crm_errf(err, NULL, 0, "%s is already %s",
				cv->leads->rows[cv->lead][0],
				table_get(cv->leads, cv->lead, "status"));
	if (convert_customer(cv, err) < 0 || convert_contact(cv, err) < 0 ||
	    (opt("opp") && convert_opp(cv, err) < 0))
		return -1;
	return record_set(&st, cv->leads, cv->lead, "customer", cv->cust_id,
			  err) < 0 ||
	       (opt("opp") && record_set(&st, cv->leads, cv->lead,
					 "opportunity", cv->opp_id, err) < 0) ||
	       record_set(&st, cv->leads, cv->lead, "status", "converted",
			  err) < 0 ? -1 : 0;
}

static int cmd_convert(int argc, char **argv, struct crm_err *err)
{
	struct conversion cv = {0};
	long r;
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "convert takes one id");
	if ((opt("amount") || opt("close")) && !opt("opp"))
		return crm_usagef(err, "--amount and --close go with --opp");
	/* Of the leads only the one converted is held, of the deals none:
	 * the others are copied as they were. */
	if (store_lock(&st, err) < 0 ||
	    !(cv.leads = table_load_named(st.dir, table_def_find("leads"),
					  argv[0], err)) ||
	    (r = table_find_ref(cv.leads, argv[0], err)) < 0 ||
	    !(cv.cust = load("customers", err)) ||
	    !(cv.contacts = load("contacts", err)) ||
	    !(cv.opps = table_load_to_add(st.dir,
					  table_def_find("opportunities"), err)))
		goto out;
	cv.lead = (size_t)r;
	if (convert_lead(&cv, err) < 0 ||
	    store_commit(&st, (struct table *const[]){cv.cust, cv.contacts,
			 cv.opps, cv.leads, NULL}, err) < 0)
		goto out;
	printf("%s\n%s\n", cv.cust_id, cv.contact_id);
	if (*cv.opp_id)
		printf("%s\n", cv.opp_id);
	rc = 0;
out:
	table_free(cv.leads);
	table_free(cv.cust);
	table_free(cv.contacts);
	table_free(cv.opps);
	return rc;
}

static int drop_one(struct table *t, size_t r, void *ctx, struct crm_err *err)
{
	if (!lead_is_open(t, r))
		return crm_errf(err, NULL, 0, "%s is already %s", t->rows[r][0],
				table_get(t, r, "status"));
	return record_set(&st, t, r, "status", "dropped", err) < 0 ||
	       record_set(&st, t, r, "reason", opt("reason"), err) < 0 ? -1 : 0;
}

static int cmd_drop(int argc, char **argv, struct crm_err *err)
{
	if (argc < 1)
		return crm_usagef(err, "drop takes ids, or - for stdin");
	if (!opt("reason") || !*opt("reason"))
		return crm_usagef(err, "drop needs --reason");
	return change_leads(argc, argv, drop_one, NULL, err);
}

/* ---- import ------------------------------------------------------------------------------------ */

static int cmd_import(int argc, char **argv, struct crm_err *err)
{
	return cli_import(&st, cli, "leads", argc, argv, err);
}

/* ---- verbs and main ------------------------------------------------------------------------------ */

static const struct cli_verb verbs[] = {
	{"add", cmd_add, "company email phone source owner title set force"},
	{"list", cmd_list, "where status owner pool sort format output"},
	{"show", cmd_show, ""},
	{"set", cmd_set, ""},
	{"log", cmd_log, "type next action"},
	{"score", cmd_score, "explain"},
	{"assign", cmd_assign, "to round-robin rules"},
	{"dedupe", cmd_dedupe, "merge format output"},
	{"convert", cmd_convert, "customer opp amount close"},
	{"drop", cmd_drop, "reason"},
	{"import", cmd_import, CLI_IMPORT_VERB_OPTIONS},
	{NULL, NULL, NULL}
};

int main(int argc, char **argv)
{
	static const struct cli_program program = {
		synopsis, help_text, long_options, "C:u:o:s:w:f:t:n:a:m:r:h", verbs, &cli, &st,
		NULL, NULL
	};

	return cli_main(argc, argv, &program);
}
