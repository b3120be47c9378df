/* crm-lead - leads: capture, import, dedupe, score, assign, convert, drop */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-lead [-C dir] [--today date] [--user name] command [args]\n"
	"       crm-lead add name [--company company] [--email email] [--phone phone] [--source source] [--owner user] [--title title] [--set field=value] [--force]\n"
	"       crm-lead list [--where expr] [--status status] [--owner user | --pool] [--sort field] [--format format] [-]\n"
	"       crm-lead show id\n"
	"       crm-lead set id field=value ...\n"
	"       crm-lead log id text [--type type] [--next date] [--action text]\n"
	"       crm-lead score [--explain id] [-]\n"
	"       crm-lead assign [--to user | --round-robin users | --rules] id ...\n"
	"       crm-lead dedupe [--merge]\n"
	"       crm-lead convert id [--customer customer] [--opp name] [--amount amount] [--close date]\n"
	"       crm-lead drop id --reason reason\n"
	"       crm-lead import file [--encoding encoding] [--delimiter char] [--map column=field] [--date-order order] [--match keys] [--on-dup action] [--rejects file] [--dry-run]\n";

static const char help_text[] =
	"Leads: capture, import, clean, dedupe, score, rank, assign, convert or drop.\n"
	"Every id operand may be - to read ids or records from standard input.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
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
	"  -f, --format=FORMAT      table, csv, tsv, jsonl or ids (default: table on a\n"
	"                           terminal, csv otherwise)\n"
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
	"      --encoding=ENCODING  the file's encoding (import; default: sniffed)\n"
	"      --delimiter=CHAR     the file's delimiter (import; default: sniffed)\n"
	"      --map=COLUMN=FIELD   map a source column to a field (import;\n"
	"                           repeatable)\n"
	"      --date-order=ORDER   ymd, mdy or dmy for slashed dates (import)\n"
	"      --match=KEYS         duplicate keys: email, phone, id (import; default\n"
	"                           email,phone)\n"
	"      --on-dup=ACTION      skip, update or create a duplicate (import;\n"
	"                           default skip)\n"
	"      --rejects=FILE       write rejected rows with their reason (import)\n"
	"      --dry-run            print the mapping and the first rows, change\n"
	"                           nothing (import)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_COMPANY, OPT_EMAIL, OPT_PHONE,
	OPT_SOURCE, OPT_TITLE, OPT_FORCE, OPT_STATUS, OPT_POOL, OPT_SORT,
	OPT_EXPLAIN, OPT_TO, OPT_ROUND_ROBIN, OPT_RULES, OPT_MERGE,
	OPT_CUSTOMER, OPT_OPP, OPT_CLOSE, OPT_ENCODING, OPT_DELIMITER, OPT_MAP,
	OPT_DATE_ORDER, OPT_MATCH, OPT_ON_DUP, OPT_REJECTS, OPT_DRY_RUN
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
	{"encoding", required_argument, NULL, OPT_ENCODING},
	{"delimiter", required_argument, NULL, OPT_DELIMITER},
	{"map", required_argument, NULL, OPT_MAP},
	{"date-order", required_argument, NULL, OPT_DATE_ORDER},
	{"match", required_argument, NULL, OPT_MATCH},
	{"on-dup", required_argument, NULL, OPT_ON_DUP},
	{"rejects", required_argument, NULL, OPT_REJECTS},
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

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", crm_prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%sTry 'crm-lead --help'.\n", synopsis);
	return CRM_USAGE;
}

static struct table *load(const char *name, struct crm_err *err)
{
	return store_table(&st, name, err);
}

static int change_leads(int nops, char **operands, record_fn fn, void *ctx,
			struct crm_err *err)
{
	return records_change(&st, "leads", nops, operands, fn, ctx, err);
}

static int lead_is_open(const struct table *t, size_t r)
{
	const char *s = table_get(t, r, "status");

	return strcmp(s, "converted") && strcmp(s, "dropped");
}

/* ---- duplicates ------------------------------------------------------------ */

/* The lead row that has the same normalised e-mail or phone, or -1. */
static long find_duplicate(const struct table *t, const char *email,
			   const char *phone, size_t skip, const char **why)
{
	char want_e[256] = "", want_p[64] = "", have[256];

	if (email && *email)
		import_norm_email(email, want_e, sizeof want_e);
	if (phone && *phone)
		import_norm_phone(phone, want_p, sizeof want_p);
	for (size_t r = 0; r < t->nrows; r++) {
		if (r == skip)
			continue;
		import_norm_email(table_get(t, r, "email"), have, sizeof have);
		if (*want_e && !strcmp(have, want_e)) {
			*why = "same e-mail";
			return (long)r;
		}
		import_norm_phone(table_get(t, r, "phone"), have, sizeof have);
		if (*want_p && !strcmp(have, want_p)) {
			*why = "same phone";
			return (long)r;
		}
	}
	return -1;
}

/* ---- add -------------------------------------------------------------------- */

static const char *const add_fields[] = {
	"company", "email", "phone", "source", "owner", "title"
};

static int cmd_add(int argc, char **argv, struct crm_err *err)
{
	struct table *t;
	const char **sets, *why;
	size_t r, nsets;
	long dup;
	int rc = -1;

	if (argc != 1 || !*argv[0])
		return crm_usagef(err, "add takes one lead name");
	if (store_lock(&st, err) < 0 || !(t = load("leads", err)))
		return -1;
	dup = find_duplicate(t, opt("email"), opt("phone"), (size_t)-1, &why);
	if (dup >= 0 && !opt("force")) {
		crm_errf(err, NULL, 0, "duplicate of %s %s (%s): use --force "
			 "to add it anyway", t->rows[dup][0],
			 table_get(t, (size_t)dup, "name"), why);
		goto out;
	}
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
	if (dup >= 0)
		crm_warn("%s looks like a duplicate of %s (%s)", t->rows[r][0],
			 t->rows[dup][0], why);
	printf("%s\n", t->rows[r][0]);
	rc = 0;
out:
	table_free(t);
	return rc;
}
