/* crm - the front door: init, check, and "crm TOOL" runs crm-TOOL */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm [-C dir] [--today date] [--user name] command [args]\n"
	"       crm init [dir]\n"
	"       crm check\n"
	"       crm tool [args ...]\n";

static const char help_text[] =
	"The front door of the crm toolkit.\n"
	"\n"
	"commands:\n"
	"  init      make a new data directory with a default crm.conf and empty tables\n"
	"  check     report every problem in the data directory, one file:line each\n"
	"  lead      leads (crm-lead)\n"
	"  opp       opportunities (crm-opp)\n"
	"  cust      customers, contracts, payments, the pool (crm-cust)\n"
	"  funnel    funnel, conversion and forecast reports (crm-funnel)\n"
	"  remind    what is due today (crm-remind)\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum { OPT_TODAY = 256 };

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static struct cli_common common;

/* ---- init ------------------------------------------------------------------ */

static const char *const log_files[] = {"activities.jsonl", "history.jsonl"};

static int write_file(const char *dir, const char *name, const char *text,
		      struct crm_err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct atomic_file a;
	int rc = -1;

	if (atomic_begin(&a, path, err) == 0) {
		fputs(text, a.fp);
		rc = atomic_commit(&a, err);
	}
	free(path);
	return rc;
}

/* Nothing of a data directory may be there yet: init never overwrites. */
static int refuse_existing(const char *dir, struct crm_err *err)
{
	const char *names[2 + 6 + 1] = {"crm.conf", log_files[0], log_files[1]};
	size_t n = 3;

	for (size_t i = 0; i < crm_ntables; i++)
		names[n++] = crm_tables[i].file;
	for (size_t i = 0; i < n; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		int exists = access(p, F_OK) == 0;

		free(p);
		if (exists)
			return crm_errf(err, dir, 0, "already holds %s: "
					"refusing to touch it", names[i]);
	}
	return 0;
}

static int cmd_init(int argc, char **argv, struct crm_err *err)
{
	const char *dir = argc > 0 ? argv[0] : common.dir ? common.dir : ".";
	struct buf header = {0};

	if (argc > 1)
		return crm_usagef(err, "init takes at most one directory");
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return crm_errf(err, NULL, 0, "cannot create %s: %s", dir,
				strerror(errno));
	if (refuse_existing(dir, err) < 0)
		return -1;
	for (size_t i = 0; i < crm_ntables; i++) {
		char **cols = xcalloc(crm_tables[i].ncols, sizeof *cols);

		for (size_t c = 0; c < crm_tables[i].ncols; c++)
			cols[c] = (char *)crm_tables[i].cols[c].name;
		buf_reset(&header);
		csv_buf_row(&header, cols, crm_tables[i].ncols, ',');
		free(cols);
		if (write_file(dir, crm_tables[i].file, header.s, err) < 0)
			goto fail;
	}
	for (size_t i = 0; i < 2; i++)
		if (write_file(dir, log_files[i], "", err) < 0)
			goto fail;
	/* crm.conf last: it is what makes the directory a data directory. */
	if (write_file(dir, "crm.conf", conf_default_text, err) < 0)
		goto fail;
	buf_free(&header);
	fprintf(stderr, "%s: initialised data directory %s\n", crm_prog, dir);
	return 0;
fail:
	buf_free(&header);
	return -1;
}

/* ---- check ---------------------------------------------------------------- */

struct checker {
	struct store *st;
	long problems;
	struct table *tables[8];
	const char **ids[8];       /* each table's ids, sorted */
	struct pipelines pipes;    /* empty when crm.conf's are broken */
	const char *log;           /* the log being checked */
	struct strmap *removed;    /* "entity id" of records deleted on
				    * purpose (a merge), per history */
};

static void problem(struct checker *ck, const char *file, long line,
		    const char *msg)
{
	ck->problems++;
	if (line > 0)
		printf("%s:%ld: %s\n", file, line, msg);
	else
		printf("%s: %s\n", file, msg);
}

static void problem_err(struct checker *ck, const struct crm_err *e)
{
	problem(ck, e->file[0] ? e->file : "crm", e->line, e->msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t table_index(const char *name)
{
	const struct table_def *d = table_def_find(name);

	return d ? (size_t)(d - crm_tables) : (size_t)-1;
}

/* Does the table named name hold id?  Unknown when it failed to load. */
static int has_id(struct checker *ck, const char *name, const char *id)
{
	size_t i = table_index(name);

	if (i == (size_t)-1 || !ck->tables[i])
		return i != (size_t)-1;
	return bsearch(&id, ck->ids[i], ck->tables[i]->nrows, sizeof(char *),
		       cmp_str) != NULL;
}

static const struct table *sort_table;

static int cmp_row(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_table->rows[x][0], sort_table->rows[y][0]);

	return c ? c : x < y ? -1 : x > y;
}

/* Sort the ids (for lookups) and report duplicates, each on its line. */
static void check_ids(struct checker *ck, size_t ti)
{
	struct table *t = ck->tables[ti];
	size_t *idx = xcalloc(t->nrows + 1, sizeof *idx);
	const char **ids = xcalloc(t->nrows + 1, sizeof *ids);
	char msg[160];

	for (size_t r = 0; r < t->nrows; r++)
		idx[r] = r;
	sort_table = t;
	qsort(idx, t->nrows, sizeof *idx, cmp_row);
	for (size_t i = 0; i < t->nrows; i++) {
		ids[i] = t->rows[idx[i]][0];
		if (i && !strcmp(ids[i], ids[i - 1])) {
			snprintf(msg, sizeof msg, "duplicate id %s (also on "
				 "line %ld)", ids[i], t->lines[idx[i - 1]]);
			problem(ck, t->name, t->lines[idx[i]], msg);
		}
	}
	free(idx);
	ck->ids[ti] = ids;
}

/* A deal's stage must be one of its pipeline's. */
static void check_stage(struct checker *ck, const struct table *t, size_t r,
			const char *v)
{
	const char *name = table_get(t, r, "pipeline");
	const struct pipeline *p = pipeline_find(&ck->pipes, name);
	char msg[300];

	if (!ck->pipes.n)
		return;
	if (!p)
		snprintf(msg, sizeof msg, "unknown pipeline '%s' (not in "
			 "crm.conf)", name);
	else if (!pipeline_stage(p, v))
		snprintf(msg, sizeof msg, "unknown stage '%s' (not in "
			 "pipeline '%s' of crm.conf)", v, p->name);
	else
		return;
	problem(ck, t->name, t->lines[r], msg);
}

static void check_cell(struct checker *ck, const struct table *t, size_t r,
		       size_t c)
{
	const struct col_def *d = table_def_col(t->def, t->cols[c]);
	const char *v = t->rows[r][c];
	struct crm_err e = {0};
	char msg[300];

	if (!d || !*v)
		return;
	if (value_check(t->def, t->cols[c], v, &e) < 0) {
		problem(ck, t->name, t->lines[r], e.msg);
	} else if (d->type == COL_REF && !has_id(ck, d->ref, v)) {
		snprintf(msg, sizeof msg, "%s %s does not exist", t->cols[c],
			 v);
		problem(ck, t->name, t->lines[r], msg);
	} else if (d->type == COL_STAGE) {
		check_stage(ck, t, r, v);
	}
}

static void check_rows(struct checker *ck, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			check_cell(ck, t, r, c);
}

/* A record removed with its removal in history ("id" set to "") keeps
 * its earlier log lines: they are its story, not dangling. */
static int note_removal(void *ctx, const struct logrec *rec, long line,
			struct crm_err *err)
{
	struct checker *ck = ctx;
	const char *field = logrec_get(rec, "field");
	const char *to = logrec_get(rec, "to");
	char *key;

	if (!field || !to || strcmp(field, "id") || *to ||
	    !logrec_get(rec, "entity") || !logrec_get(rec, "id"))
		return 0;
	key = xasprintf("%s %s", logrec_get(rec, "entity"),
			logrec_get(rec, "id"));
	*strmap_slot(ck->removed, key) = ck;
	free(key);
	return 0;
}

static int was_removed(struct checker *ck, const char *entity,
		       const char *id)
{
	char *key = xasprintf("%s %s", entity, id);
	int found = strmap_get(ck->removed, key) != NULL;

	free(key);
	return found;
}

static int check_log_line(void *ctx, const struct logrec *rec, long line,
			  struct crm_err *err)
{
	struct checker *ck = ctx;
	const char *need_h[] = {"at", "by", "entity", "id", "field", "from",
				"to"};
	const char *need_a[] = {"at", "by", "entity", "id", "type", "text"};
	int history = !strcmp(ck->log, "history.jsonl");
	const char *entity = logrec_get(rec, "entity");
	const char *id = logrec_get(rec, "id");
	const char *type = logrec_get(rec, "type");
	char msg[300];

	for (size_t i = 0; i < (history ? 7u : 6u); i++)
		if (!logrec_get(rec, history ? need_h[i] : need_a[i])) {
			snprintf(msg, sizeof msg, "missing \"%s\"",
				 history ? need_h[i] : need_a[i]);
			problem(ck, ck->log, line, msg);
			return 0;
		}
	if (!date_is_timestamp(logrec_get(rec, "at"))) {
		snprintf(msg, sizeof msg, "at '%s' is not an ISO 8601 "
			 "timestamp", logrec_get(rec, "at"));
		problem(ck, ck->log, line, msg);
	}
	if (!table_def_find(entity) ||
	    strcmp(entity, table_def_find(entity)->entity)) {
		snprintf(msg, sizeof msg, "unknown entity '%s'", entity);
		problem(ck, ck->log, line, msg);
	} else if (!has_id(ck, entity, id) && !was_removed(ck, entity, id)) {
		snprintf(msg, sizeof msg, "%s %s does not exist", entity, id);
		problem(ck, ck->log, line, msg);
	}
	if (!history && !activity_type_ok(type)) {
		snprintf(msg, sizeof msg, "unknown activity type '%s'", type);
		problem(ck, ck->log, line, msg);
	}
	return 0;
}

static void bad_log_line(void *ctx, const struct crm_err *e)
{
	problem_err(ctx, e);
}

static void check_logs(struct checker *ck)
{
	struct crm_err e = {0};
	char *history = store_path(ck->st, "history.jsonl");

	/* a broken history is reported below, line by line */
	ck->removed = strmap_new();
	jsonl_check(history, "history.jsonl", note_removal, ck, NULL, &e);
	free(history);

	for (size_t i = 0; i < 2; i++) {
		char *path = store_path(ck->st, log_files[i]);

		ck->log = log_files[i];
		if (jsonl_check(path, log_files[i], check_log_line, ck,
				bad_log_line, &e) < 0)
			problem_err(ck, &e);
		free(path);
	}
}

/* Stages and pipelines in crm.conf that the tables rely on. */
static void check_conf(struct checker *ck)
{
	struct crm_err e = {0};

	if (pipelines_load(ck->st->conf, &ck->pipes, &e) < 0) {
		problem_err(ck, &e);
		pipelines_free(&ck->pipes);
	}
}

static int cmd_check(int argc, char **argv, struct crm_err *err)
{
	struct checker ck = {0};
	struct store st;

	if (argc > 0)
		return crm_usagef(err, "check takes no operands");
	if (cli_open(&st, &common, err) < 0) {
		if (err->code == CRM_USAGE || !err->file[0])
			return -1;
		problem_err(&ck, err);
		crm_msg("1 problem");
		return CRM_FAIL;
	}
	ck.st = &st;
	check_conf(&ck);
	for (size_t i = 0; i < crm_ntables; i++) {
		if (!(ck.tables[i] = table_load(st.dir, &crm_tables[i], err)))
			problem_err(&ck, err);
		else
			check_ids(&ck, i);
	}
	for (size_t i = 0; i < crm_ntables; i++)
		if (ck.tables[i])
			check_rows(&ck, ck.tables[i]);
	check_logs(&ck);
	strmap_free(ck.removed);
	pipelines_free(&ck.pipes);
	for (size_t i = 0; i < crm_ntables; i++) {
		table_free(ck.tables[i]);
		free(ck.ids[i]);
	}
	store_close(&st);
	if (ck.problems)
		crm_msg("%ld problem%s", ck.problems, ck.problems == 1 ? "" : "s");
	return ck.problems ? CRM_FAIL : CRM_OK;
}

/* ---- running a tool ------------------------------------------------------------ */

static void export_common(void)
{
	if (common.dir)
		setenv("CRM_DIR", common.dir, 1);
	if (common.today)
		setenv("CRM_TODAY", common.today, 1);
	if (common.user)
		setenv("CRM_USER", common.user, 1);
}

/* crm-TOOL beside this binary first (an uninstalled build), then PATH. */
static int run_tool(int argc, char **argv)
{
	char self[PATH_MAX], *slash, *prog = xasprintf("crm-%s", argv[0]);
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	export_common();
	argv[0] = prog;
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			char *path = xasprintf("%.*s/%s", (int)(slash - self),
					       self, prog);
			execv(path, argv);
			free(path);
		}
	}
	execvp(prog, argv);
	if (errno == ENOENT) {
		crm_msg("'%s' is not a crm command (no %s)", argv[0] + 4, prog);
		return CRM_USAGE;
	}
	crm_msg("cannot run %s: %s", prog, strerror(errno));
	return CRM_FAIL;
}

struct verb {
	const char *name;
	int (*run)(int argc, char **argv, struct crm_err *err);
};

static const struct verb verbs[] = {
	{"init", cmd_init},
	{"check", cmd_check},
	{NULL, NULL}
};

/* Options before the command, and again after init/check. */
static int parse_options(int argc, char **argv, const char *shortopts)
{
	int c;

	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'C': common.dir = optarg; break;
		case OPT_TODAY: common.today = optarg; break;
		case 'u': common.user = optarg; break;
		case 'h':
			fputs(synopsis, stdout);
			fputs("\n", stdout);
			fputs(help_text, stdout);
			exit(cli_finish(CRM_OK));
		default:
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct crm_err err = {0};
	const struct verb *v;
	int status;

	crm_set_prog(argv[0]);
	argv[0] = (char *)crm_prog;	/* getopt's messages name it */
	if (parse_options(argc, argv, "+C:u:h") < 0) {
		fprintf(stderr, "Try 'crm --help'.\n");
		return CRM_USAGE;
	}
	if (optind >= argc)
		return cli_usage(synopsis, "%s", "a command is required");
	for (v = verbs; v->name && strcmp(v->name, argv[optind]); v++)
		;
	if (!v->name) {
		if (common.today && date_set_today(common.today, &err) < 0)
			return cli_usage(synopsis, "--today: %s", err.msg);
		return run_tool(argc - optind, argv + optind);
	}
	argc -= optind;
	argv += optind;
	optind = 1;
	if (parse_options(argc, argv, "C:u:h") < 0) {
		fprintf(stderr, "Try 'crm --help'.\n");
		return CRM_USAGE;
	}
	status = v->run(argc - optind, argv + optind, &err);
	if (status < 0)
		status = err.code == CRM_USAGE ? cli_usage(synopsis, "%s", err.msg)
					       : cli_fail(&err);
	return cli_finish(status);
}
