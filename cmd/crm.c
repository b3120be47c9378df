/* crm - the front door: init, check, and "crm TOOL" runs crm-TOOL */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm [-C dir] [--today date] [--user name] command [args]\n"
	"       crm init [--git] [dir]\n"
	"       crm check\n"
	"       crm git-setup\n"
	"       crm sync\n"
	"       crm merge-driver [--strict | --log] base ours theirs path\n"
	"       crm tool [args ...]\n";

static const char help_text[] =
	"The front door of the crm toolkit.\n"
	"\n"
	"commands:\n"
	"  init          make a new data directory with a default crm.conf and empty\n"
	"                tables\n"
	"  check         report every problem in the data directory, one file:line each\n"
	"  git-setup     keep the data directory in git: merge drivers, attributes\n"
	"  sync          commit, pull, push, and list the deals and stage moves that\n"
	"                came in\n"
	"  merge-driver  merge one table by record id (git runs it)\n"
	"  lead          leads (crm-lead)\n"
	"  opp           opportunities (crm-opp)\n"
	"  cust          customers, contracts, payments, the pool (crm-cust)\n"
	"  funnel        funnel, conversion and forecast reports (crm-funnel)\n"
	"  remind        what is due today (crm-remind)\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who makes the change, for history (also $CRM_USER)\n"
	"      --git                also set the new directory up for git (init)\n"
	"      --strict             leave a field changed two ways as a conflict\n"
	"                           (merge-driver)\n"
	"      --log                merge an append-only log (merge-driver)\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 nothing selected, 2 usage error, 3 data or system error.\n";

enum { OPT_TODAY = 256, OPT_GIT, OPT_STRICT, OPT_LOG };

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"git", no_argument, NULL, OPT_GIT},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"log", no_argument, NULL, OPT_LOG},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static struct cli_common common;
static int opt_git, opt_strict, opt_log;

static int git_setup(const char *dir, struct crm_err *err);

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
	return opt_git ? git_setup(dir, err) : 0;
fail:
	buf_free(&header);
	return -1;
}

/* ---- check ---------------------------------------------------------------- */

struct checker {
	struct store *st;
	long problems;
	struct idmap *ids[8];      /* each table's ids -> the line of the
				    * last row with it; NULL: unreadable */
	struct pipelines pipes;    /* empty when crm.conf's are broken */
	const char *log;           /* the log being checked */
	struct strmap *removed;    /* "entity id" of records deleted on
				    * purpose (a merge), per history */
	const struct col_def **defs;  /* the columns of the table being
				       * checked (defs_of), by index */
	char **defs_of;
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

static size_t table_index(const char *name)
{
	const struct table_def *d = table_def_find(name);

	return d ? (size_t)(d - crm_tables) : (size_t)-1;
}

/* Does the table named name hold id?  Unknown when it failed to load. */
static int has_id(struct checker *ck, const char *name, const char *id)
{
	size_t i = table_index(name);

	if (i == (size_t)-1 || !ck->ids[i])
		return i != (size_t)-1;
	return idmap_get(ck->ids[i], id) != NULL;
}

/* The tables are streamed twice, never held (at a million deals they
 * would take gigabytes): first their ids, each duplicate reported on its
 * line, then every row against all the ids. */
static int note_id(void *ctx, const struct table *t, char **row, long line,
		   struct crm_err *err)
{
	struct checker *ck = ctx;
	void **slot = idmap_slot(ck->ids[t->def - crm_tables], row[0]);
	char msg[160];

	if (*slot) {
		snprintf(msg, sizeof msg, "duplicate id %s (also on line %ld)",
			 row[0], (long)(intptr_t)*slot);
		problem(ck, t->name, line, msg);
	}
	*slot = (void *)(intptr_t)line;
	return 0;
}

static void check_ids(struct checker *ck, size_t ti)
{
	struct crm_err e = {0};

	ck->ids[ti] = idmap_new();
	if (table_scan(ck->st->dir, &crm_tables[ti], note_id, ck, &e) < 0) {
		problem_err(ck, &e);
		idmap_free(ck->ids[ti]);
		ck->ids[ti] = NULL;
	}
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
	const struct col_def *d = ck->defs[c];
	const char *v = t->rows[r][c];
	struct crm_err e = {0};
	char msg[300];

	if (!d || !*v)
		return;
	if (value_check_col(t->def, d, v, &e) < 0) {
		problem(ck, t->name, t->lines[r], e.msg);
	} else if (d->type == COL_REF && !has_id(ck, d->ref, v)) {
		snprintf(msg, sizeof msg, "%s %s does not exist", t->cols[c],
			 v);
		problem(ck, t->name, t->lines[r], msg);
	} else if (d->type == COL_STAGE) {
		check_stage(ck, t, r, v);
	}
}

static int check_row(void *ctx, const struct table *t, char **row,
		     long line, struct crm_err *err)
{
	struct checker *ck = ctx;
	struct table v;

	/* the columns' definitions looked up once a table, not once a cell */
	if (ck->defs_of != t->cols) {
		ck->defs = xrealloc(ck->defs, (t->ncols + 1) *
				    sizeof *ck->defs);
		for (size_t c = 0; c < t->ncols; c++)
			ck->defs[c] = table_def_col(t->def, t->cols[c]);
		ck->defs_of = t->cols;
	}
	table_row_view(&v, t, &row, &line);
	for (size_t c = 0; c < v.ncols; c++)
		check_cell(ck, &v, 0, c);
	return 0;
}

static void check_rows(struct checker *ck, size_t ti)
{
	struct crm_err e = {0};

	ck->defs_of = NULL;       /* a new table, maybe at the same address */
	if (table_scan(ck->st->dir, &crm_tables[ti], check_row, ck, &e) < 0)
		problem_err(ck, &e);      /* the file changed since */
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

/* A log line twice is a merge gone wrong (or a change made twice).  A
 * log has millions of lines: first only their 64-bit hashes are sorted,
 * to find the few hashes seen more than once; then the lines with one of
 * those are read again and compared byte for byte. */
struct seen_line { uint64_t hash, off; uint32_t len, lineno; };
struct repeat { long line, first; };

/* Millions of hashes: a radix sort, a byte a pass, where qsort's calls
 * of a compare function took most of a second. */
static void sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp), *from = v,
		 *to = tmp, *swap;

	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = {0}, pos = 0;

		for (size_t i = 0; i < n; i++)
			count[from[i] >> shift & 0xFF]++;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[from[i] >> shift & 0xFF]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* eight passes: the sorted hashes are back in v */
	free(tmp);
}

static int cmp_seen(const void *a, const void *b)
{
	const struct seen_line *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

static int cmp_repeat(const void *a, const void *b)
{
	const struct repeat *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* Are the two lines (same hash and length) the same bytes? */
static int same_line(int fd, const struct seen_line *a,
		     const struct seen_line *b, struct buf *x, struct buf *y)
{
	buf_reset(x);
	buf_reset(y);
	buf_reserve(x, a->len);
	buf_reserve(y, b->len);
	return pread(fd, x->s, a->len, (off_t)a->off) == (ssize_t)a->len &&
	       pread(fd, y->s, b->len, (off_t)b->off) == (ssize_t)b->len &&
	       !memcmp(x->s, y->s, a->len);
}

/* The repeats among lines v[from..to) of one hash and length: each
 * line the same as an earlier one, with the first of them. */
static void group_repeats(int fd, const struct seen_line *v, size_t from,
			  size_t to, struct repeat **out, size_t *n,
			  struct buf *x, struct buf *y)
{
	size_t *firsts = xmalloc((to - from) * sizeof *firsts), nf = 0;

	for (size_t j = from; j < to; j++) {
		size_t k = 0;

		while (k < nf && !same_line(fd, &v[firsts[k]], &v[j], x, y))
			k++;
		if (k == nf) {
			firsts[nf++] = j;
			continue;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct repeat){v[j].lineno,
						 v[firsts[k]].lineno};
	}
	free(firsts);
}

/* Each line of fp (not the empty ones): fn(ctx, line, len, offset,
 * line number). */
static void each_line(FILE *fp, void (*fn)(void *ctx, const char *s,
					   size_t len, uint64_t off,
					   long lineno), void *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t off = 0;
	long lineno = 0;

	rewind(fp);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		uint64_t at = off;

		off += (uint64_t)len;
		lineno++;
		if (len && line[len - 1] == '\n')
			len--;
		if (len)
			fn(ctx, line, (size_t)len, at, lineno);
	}
	free(line);
}

struct twice {
	uint64_t *hashes;         /* first pass: every line's */
	struct u64map *repeated;  /* hashes seen more than once */
	struct seen_line *v;      /* second pass: the lines with those */
	size_t n, cap;
};

static void note_hash(void *ctx, const char *s, size_t len, uint64_t off,
		      long lineno)
{
	struct twice *tw = ctx;

	if (tw->n == tw->cap) {
		tw->cap = tw->cap ? tw->cap + tw->cap / 2 : 1024;
		tw->hashes = xrealloc(tw->hashes, tw->cap * sizeof *tw->hashes);
	}
	tw->hashes[tw->n++] = hash_bytes(s, len);
}

static void note_candidate(void *ctx, const char *s, size_t len,
			   uint64_t off, long lineno)
{
	struct twice *tw = ctx;
	uint64_t h = hash_bytes(s, len);

	if (!u64map_get(tw->repeated, h ? h : 1))
		return;
	if (tw->n == tw->cap) {
		tw->cap = tw->cap ? 2 * tw->cap : 64;
		tw->v = xrealloc(tw->v, tw->cap * sizeof *tw->v);
	}
	tw->v[tw->n++] = (struct seen_line){h, off, (uint32_t)len,
					    (uint32_t)lineno};
}

/* The lines whose hash is seen more than once, in tw->v. */
static void find_candidates(FILE *fp, struct twice *tw)
{
	each_line(fp, note_hash, tw);
	if (tw->n)
		sort_u64(tw->hashes, tw->n);
	tw->repeated = u64map_new();
	for (size_t i = 1; i < tw->n; i++)
		if (tw->hashes[i] == tw->hashes[i - 1])
			*u64map_slot(tw->repeated, tw->hashes[i] ?
				     tw->hashes[i] : 1) = tw;
	free(tw->hashes);
	tw->hashes = NULL;
	tw->n = tw->cap = 0;
	if (u64map_count(tw->repeated))
		each_line(fp, note_candidate, tw);
	u64map_free(tw->repeated);
}

static void check_log_twice(struct checker *ck, const char *name)
{
	char *path = store_path(ck->st, name);
	FILE *fp = fopen(path, "r");
	struct twice tw = {0};
	struct repeat *reps = NULL;
	struct buf x = {0}, y = {0};
	size_t nreps = 0;
	char msg[64];

	if (fp)
		find_candidates(fp, &tw);
	if (tw.n)
		qsort(tw.v, tw.n, sizeof *tw.v, cmp_seen);
	for (size_t i = 0, j; i < tw.n; i = j) {
		for (j = i + 1; j < tw.n && tw.v[j].hash == tw.v[i].hash &&
		     tw.v[j].len == tw.v[i].len; j++)
			;
		if (j - i > 1)
			group_repeats(fileno(fp), tw.v, i, j, &reps, &nreps,
				      &x, &y);
	}
	if (nreps)
		qsort(reps, nreps, sizeof *reps, cmp_repeat);
	for (size_t i = 0; i < nreps; i++) {
		snprintf(msg, sizeof msg, "same line as line %ld",
			 reps[i].first);
		problem(ck, name, reps[i].line, msg);
	}
	if (fp)
		fclose(fp);
	free(tw.v);
	free(reps);
	buf_free(&x);
	buf_free(&y);
	free(path);
}

/* Each conflict a merge resolved (or left) is a problem until someone
 * looks at it and removes conflicts.jsonl. */
static int check_conflict(void *ctx, const struct logrec *r, long line,
			  struct crm_err *err)
{
	const char *f[] = {"file", "id", "field", "ours", "theirs", "kept"};
	const char *v[6];
	char msg[700];

	for (size_t i = 0; i < 6; i++)
		v[i] = logrec_get(r, f[i]) ? logrec_get(r, f[i]) : "";
	if (strcmp(logrec_get(r, "conflict") ? logrec_get(r, "conflict")
					      : "", "field"))
		snprintf(msg, sizeof msg, "%s %s: deleted on one side, changed "
			 "on the other (%s): the change kept", v[0], v[1],
			 v[5]);
	else
		snprintf(msg, sizeof msg, "%s %s %s: changed both ways, "
			 "'%s' (ours) and '%s' (theirs): %s%s%s", v[0], v[1],
			 v[2], v[3], v[4], *v[5] ? "kept '" : "left as a "
			 "conflict", *v[5] ? !strcmp(v[5], "ours") ? v[3] : v[4]
			 : "", *v[5] ? "'" : "");
	problem(ctx, "conflicts.jsonl", line, msg);
	return 0;
}

static void check_conflicts(struct checker *ck)
{
	struct crm_err e = {0};
	char *path = store_path(ck->st, "conflicts.jsonl");

	if (jsonl_check(path, "conflicts.jsonl", check_conflict, ck,
			bad_log_line, &e) < 0)
		problem_err(ck, &e);
	free(path);
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
		check_log_twice(ck, log_files[i]);
	}
	check_conflicts(ck);
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
	for (size_t i = 0; i < crm_ntables; i++)
		check_ids(&ck, i);
	for (size_t i = 0; i < crm_ntables; i++)
		if (ck.ids[i])
			check_rows(&ck, i);
	check_logs(&ck);
	strmap_free(ck.removed);
	free(ck.defs);
	pipelines_free(&ck.pipes);
	for (size_t i = 0; i < crm_ntables; i++)
		idmap_free(ck.ids[i]);
	store_close(&st);
	if (ck.problems)
		crm_msg("%ld problem%s", ck.problems, ck.problems == 1 ? "" : "s");
	return ck.problems ? CRM_FAIL : CRM_OK;
}

/* ---- git: setup, merge driver, sync ------------------------------------ */

#define CONFLICTS_FILE "conflicts.jsonl"

/* The lines of name in dir that are not there yet, appended after a
 * comment; a file that has them all is left alone. */
static int ensure_lines(const char *dir, const char *name,
			const char *comment, const char *want,
			struct crm_err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct buf have = {0}, out = {0};
	const char *p = want;
	int rc = file_read_all(path, &have, err);

	buf_add(&out, have.s ? have.s : "", have.len);
	while (rc == 0 && *p) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n), *hit = have.s;

		while (hit && (hit = strstr(hit, line)) &&
		       ((hit != have.s && hit[-1] != '\n') ||
			(hit[n] && hit[n] != '\n')))
			hit++;
		if (!hit) {
			if (out.len == have.len) {
				if (out.len && out.s[out.len - 1] != '\n')
					buf_addc(&out, '\n');
				buf_printf(&out, "# %s\n", comment);
			}
			buf_printf(&out, "%s\n", line);
		}
		free(line);
		p += n + (p[n] == '\n');
	}
	if (rc == 0 && out.len != have.len)
		rc = write_file(dir, name, out.s, err);
	buf_free(&have);
	buf_free(&out);
	free(path);
	return rc;
}

static int git_config(const char *dir, const char *key, const char *value,
		      struct crm_err *err)
{
	const char *args[] = {"git", "config", key, value, NULL};
	int rc = git_run(dir, args, NULL, 0, err);

	if (rc > 0)
		crm_errf(err, NULL, 0, "git config %s failed", key);
	return rc ? -1 : 0;
}

/* A git repository (made when dir is in none) whose merges of dir's
 * tables and logs go through crm merge-driver. */
static int git_setup(const char *dir, struct crm_err *err)
{
	const char *inside[] = {"git", "rev-parse", "--is-inside-work-tree",
				NULL};
	const char *init[] = {"git", "init", "-q", NULL};
	static const char *const logs[] = {"activities.jsonl", "history.jsonl",
					   "forecasts.jsonl", "reminders.jsonl"};
	char *in = git_line(dir, inside);
	struct buf attrs = {0};
	int rc = 0;

	if ((!in || strcmp(in, "true")) && (rc = git_run(dir, init, NULL, 0,
							 err)) > 0)
		rc = crm_errf(err, NULL, 0, "git init %s failed", dir);
	free(in);
	for (size_t i = 0; i < crm_ntables; i++)
		buf_printf(&attrs, "%s merge=crm\n", crm_tables[i].file);
	for (size_t i = 0; i < sizeof logs / sizeof *logs; i++)
		buf_printf(&attrs, "%s merge=crm-log\n", logs[i]);
	if (rc == 0 && (ensure_lines(dir, ".gitattributes", "crm: tables "
				     "merge by record, logs by union",
				     attrs.s, err) < 0 ||
			ensure_lines(dir, ".gitignore", "crm: local files",
				     CONFLICTS_FILE "\n.lock\n.commit\n.tmp-*\n",
				     err) < 0 ||
			git_config(dir, "merge.crm.name",
				   "crm: tables by record id", err) < 0 ||
			git_config(dir, "merge.crm.driver",
				   "crm merge-driver %O %A %B %P", err) < 0 ||
			git_config(dir, "merge.crm-log.name",
				   "crm: logs by union", err) < 0 ||
			git_config(dir, "merge.crm-log.driver",
				   "crm merge-driver --log %O %A %B %P",
				   err) < 0))
		rc = -1;
	buf_free(&attrs);
	if (rc == 0)
		crm_msg("git merges of %s go through crm merge-driver", dir);
	return rc;
}

static int cmd_git_setup(int argc, char **argv, struct crm_err *err)
{
	struct store st;
	int rc;

	if (argc > 0)
		return crm_usagef(err, "git-setup takes no operands");
	if (cli_open(&st, &common, err) < 0)
		return -1;
	rc = git_setup(st.dir, err);
	store_close(&st);
	return rc;
}

/* ---- merge-driver ------------------------------------------------------- */

/* Write text over path atomically (git reads the result from OURS). */
static int replace_file(const char *path, const struct buf *text,
			struct crm_err *err)
{
	struct atomic_file a;

	if (atomic_begin(&a, path, err) < 0)
		return -1;
	fwrite(text->s ? text->s : "", 1, text->len, a.fp);
	return atomic_commit(&a, err);
}

static int merge_log_files(char **argv, struct crm_err *err)
{
	struct buf ours = {0}, theirs = {0}, out = {0};
	int rc = -1;

	if (file_read_all(argv[1], &ours, err) == 0 &&
	    file_read_all(argv[2], &theirs, err) == 0) {
		merge_logs(ours.s ? ours.s : "", ours.len,
			   theirs.s ? theirs.s : "", theirs.len, &out);
		rc = replace_file(argv[1], &out, err);
	}
	buf_free(&ours);
	buf_free(&theirs);
	buf_free(&out);
	return rc;
}

/* The commit a rebase is replaying: the last "pick SHA" done. */
static char *rebase_commit(void)
{
	const char *args[] = {"git", "rev-parse", "--git-path",
			      "rebase-merge/done", NULL};
	char *path = git_line(NULL, args), *line, *sha = NULL;
	struct buf done = {0};
	struct crm_err e = {0};

	if (path && file_read_all(path, &done, &e) == 0 && done.len) {
		while (done.len && done.s[done.len - 1] == '\n')
			done.s[--done.len] = '\0';
		line = strrchr(done.s, '\n') ? strrchr(done.s, '\n') + 1
					     : done.s;
		line += strcspn(line, " ");
		line += strspn(line, " ");
		if (*line)
			sha = xstrndup(line, strcspn(line, " "));
	}
	buf_free(&done);
	free(path);
	return sha;
}

/* The commits being merged in: git merge names them in $GITHEAD_<sha>;
 * a rebase in rebase-merge/done; else MERGE_HEAD, CHERRY_PICK_HEAD or
 * REBASE_HEAD. */
extern char **environ;

static size_t theirs_commits(char **out, size_t max)
{
	static const char *const heads[] = {"MERGE_HEAD", "CHERRY_PICK_HEAD",
					    "REBASE_HEAD"};
	size_t n = 0;

	for (char **e = environ; *e && n < max; e++)
		if (!strncmp(*e, "GITHEAD_", 8))
			out[n++] = xstrndup(*e + 8, strcspn(*e + 8, "="));
	if (!n && (out[n] = rebase_commit()))
		n++;
	for (size_t i = 0; !n && i < 3; i++) {
		const char *args[] = {"git", "rev-parse", "-q", "--verify",
				      heads[i], NULL};

		if ((out[n] = git_line(NULL, args)))
			n++;
	}
	return n;
}

/* When each value was set: the history beside the table (ours) and the
 * history of the commits merged in (theirs). */
static struct strmap *merge_history(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1))
			  : xstrdup("");
	char *file = xasprintf("%shistory.jsonl", dir), *commits[8];
	struct strmap *ix = strmap_new();
	struct buf text = {0};
	struct crm_err e = {0};
	size_t n = theirs_commits(commits, 8);

	/* an unreadable history only loses the times: no error */
	if (file_read_all(file, &text, &e) == 0)
		merge_history_add(ix, text.s, text.len, file, &e);
	for (size_t i = 0; i < n; i++) {
		char *obj = xasprintf("%s:%s", commits[i], file);
		const char *args[] = {"git", "cat-file", "blob", obj, NULL};

		buf_reset(&text);
		if (git_run(NULL, args, &text, 1, &e) == 0)
			merge_history_add(ix, text.s, text.len, file, &e);
		free(obj);
		free(commits[i]);
	}
	buf_free(&text);
	free(file);
	free(dir);
	return ix;
}

static const char *side_name(int kept)
{
	return kept == 'o' ? "ours" : kept == 't' ? "theirs" : "";
}

/* One conflicts.jsonl line, and the message on standard error. */
static void report_conflict(struct buf *b, const char *path,
			    const struct merge_conflict *c)
{
	struct store who = {0};
	char at[40];
	int field = c->kind == MERGE_FIELD;

	store_set_user(&who, common.user);
	date_now_iso(at);
	merge_conflict_json(b, at, who.user, path, c);
	if (!field)
		crm_warn("%s: %s deleted by %s but changed by %s: the change "
			 "kept", path, c->id, side_name('o' + 't' - c->kept),
			 side_name(c->kept));
	else if (!c->kept)
		crm_warn("%s: %s %s changed both ways, '%s' (ours) and '%s' "
			 "(theirs): left as a conflict", path, c->id,
			 c->field, c->ours, c->theirs);
	else
		crm_warn("%s: %s %s changed both ways, '%s' (ours) and '%s' "
			 "(theirs): kept '%s', the later change", path, c->id,
			 c->field, c->ours, c->theirs,
			 c->kept == 'o' ? c->ours : c->theirs);
}

static int record_conflicts(const char *path, const struct merge *m,
			    struct crm_err *err)
{
	const char *slash = strrchr(path, '/');
	char *file = xasprintf("%.*s%s", slash ? (int)(slash - path + 1) : 0,
			       path, CONFLICTS_FILE);
	struct buf lines = {0};
	int rc;

	for (size_t i = 0; i < m->nc; i++)
		report_conflict(&lines, path, &m->c[i]);
	rc = jsonl_append(file, lines.s, lines.len, err);
	buf_free(&lines);
	free(file);
	return rc;
}

static const struct table_def *table_of_path(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	for (size_t i = 0; i < crm_ntables; i++)
		if (!strcmp(crm_tables[i].file, base))
			return &crm_tables[i];
	return NULL;
}

static struct table *load_side(const char *file, const char *path,
			       const char *side, const struct table_def *def,
			       struct crm_err *err)
{
	char *name = xasprintf("%s (%s)", path, side);
	struct table *t = table_load_file(file, name, def, err);

	free(name);
	return t;
}

static int merge_table_files(char **argv, struct crm_err *err)
{
	const struct table_def *def = table_of_path(argv[3]);
	struct table *t[3] = {NULL, NULL, NULL};
	static const char *const sides[] = {"base", "ours", "theirs"};
	struct merge_opts o = {opt_strict, NULL};
	struct merge m = {0};
	struct buf text = {0};
	int rc = -1, left = 0;

	if (!def)
		return crm_errf(err, argv[3], 0, "not a crm table");
	for (size_t i = 0; i < 3; i++)
		if (!(t[i] = load_side(argv[i], argv[3], sides[i], def, err)))
			goto out;
	o.history = merge_history(argv[3]);
	if (merge_tables(t[0], t[1], t[2], &o, &m, err) < 0)
		goto out;
	merge_format(&m, &text);
	if (replace_file(argv[1], &text, err) < 0 ||
	    (m.nc && record_conflicts(argv[3], &m, err) < 0))
		goto out;
	for (size_t i = 0; i < m.nc; i++)
		left += m.c[i].kind == MERGE_FIELD && !m.c[i].kept;
	rc = left ? CRM_NONE : CRM_OK;
out:
	merge_history_free((struct strmap *)o.history);
	merge_free(&m);
	buf_free(&text);
	for (size_t i = 0; i < 3; i++)
		table_free(t[i]);
	return rc;
}

static int cmd_merge_driver(int argc, char **argv, struct crm_err *err)
{
	if (argc != 4)
		return crm_usagef(err, "merge-driver takes base, ours, theirs "
				  "and the path");
	if (opt_strict && opt_log)
		return crm_usagef(err, "--strict and --log exclude each "
				  "other");
	return opt_log ? merge_log_files(argv, err) : merge_table_files(argv,
									err);
}

/* ---- sync ------------------------------------------------------------------ */

/* Commit what changed in the data directory since the last commit. */
static int commit_local(const struct store *st, struct crm_err *err)
{
	const char *add[] = {"git", "add", "-A", "--", ".", NULL};
	const char *diff[] = {"git", "diff", "--cached", "--quiet", NULL};
	char *msg = xasprintf("crm sync: changes by %s", st->user);
	const char *commit[] = {"git", "commit", "-q", "-m", msg, NULL};
	int rc = git_run(st->dir, add, NULL, 0, err);

	if (rc == 0 && (rc = git_run(st->dir, diff, NULL, 1, err)) == 1)
		rc = git_run(st->dir, commit, NULL, 0, err);
	free(msg);
	if (rc > 0)
		crm_errf(err, NULL, 0, "git could not commit the local changes");
	return rc ? -1 : 0;
}

/* The lines of now that were not in before (as merge_logs counts). */
static void new_lines(const struct buf *before, const struct buf *now,
		      struct buf *out)
{
	struct buf both = {0};
	size_t skip;

	merge_logs(before->s ? before->s : "", before->len,
		   now->s ? now->s : "", now->len, &both);
	skip = before->len + (before->len && before->s[before->len - 1] !=
			      '\n');
	if (both.len > skip)
		buf_add(out, both.s + skip, both.len - skip);
	buf_free(&both);
}

/* A log as of commit old (empty without one) and as it is now. */
static void log_came_in(const struct store *st, const char *old,
			const char *prefix, const char *log, struct buf *out)
{
	char *obj = xasprintf("%s:%s%s", old ? old : "", prefix, log);
	char *path = store_path(st, log);
	const char *args[] = {"git", "cat-file", "blob", obj, NULL};
	struct buf before = {0}, now = {0};
	struct crm_err e = {0};

	if (old)
		git_run(st->dir, args, &before, 1, &e);
	file_read_all(path, &now, &e);
	new_lines(&before, &now, out);
	buf_free(&before);
	buf_free(&now);
	free(path);
	free(obj);
}

#define SYNC_SCREEN 20

struct incoming {
	const struct table *opps;
	struct strmap *ix;
	long deals, moves, other, shown, hidden;
};

static int incoming_line(void *ctx, const struct logrec *r, long line,
			 struct crm_err *err)
{
	struct incoming *in = ctx;
	const char *entity = logrec_get(r, "entity"), *id = logrec_get(r, "id");
	const char *field = logrec_get(r, "field"), *to = logrec_get(r, "to");
	const char *from = logrec_get(r, "from"), *by = logrec_get(r, "by");
	int deal = entity && !strcmp(entity, "opportunity") && id && field &&
		   to && from && by;
	int added = deal && !strcmp(field, "id") && *to;
	int moved = deal && !strcmp(field, "stage") && *from;
	long row;

	if (!added && !moved) {
		in->other += !deal || strcmp(field, "stage");
		return 0;
	}
	added ? in->deals++ : in->moves++;
	if (in->shown >= SYNC_SCREEN) {
		in->hidden++;
		return 0;
	}
	in->shown++;
	row = table_index_row(in->ix, id);
	printf("%-9s %s  %s", added ? "new deal" : "stage", id,
	       row >= 0 ? table_get(in->opps, (size_t)row, "name") : "");
	if (moved)
		printf("  %s -> %s", from, to);
	printf("  (%s)\n", by);
	return 0;
}

/* What came in since commit old: new deals and stage moves on standard
 * output (one screen), the counts on standard error. */
static int report_incoming(struct store *st, const char *old,
			   const char *prefix, struct crm_err *err)
{
	struct buf hist = {0}, acts = {0};
	struct incoming in = {0};
	struct table *opps = store_table(st, "opportunities", err);
	long nacts = 0;
	FILE *fp;

	if (!opps)
		return -1;
	in.opps = opps;
	in.ix = table_index_by(opps, "id");
	log_came_in(st, old, prefix, "history.jsonl", &hist);
	log_came_in(st, old, prefix, "activities.jsonl", &acts);
	for (size_t i = 0; i < acts.len; i++)
		nacts += acts.s[i] == '\n';
	if (hist.len && (fp = fmemopen(hist.s, hist.len, "r"))) {
		jsonl_scan_fp(fp, "history.jsonl", incoming_line, &in, err);
		fclose(fp);
	}
	if (in.hidden)
		printf("... and %ld more\n", in.hidden);
	if (in.deals + in.moves + in.other + nacts == 0)
		crm_msg("nothing came in");
	else
		crm_msg("came in: %ld new deal%s, %ld stage move%s, %ld other "
			"change%s, %ld activit%s", in.deals,
			in.deals == 1 ? "" : "s", in.moves,
			in.moves == 1 ? "" : "s", in.other,
			in.other == 1 ? "" : "s", nacts, nacts == 1 ? "y" : "ies");
	strmap_free(in.ix);
	table_free(opps);
	buf_free(&hist);
	buf_free(&acts);
	return 0;
}

static int pull_and_push(struct store *st, struct crm_err *err)
{
	const char *head[] = {"git", "rev-parse", "-q", "--verify", "HEAD",
			      NULL};
	const char *prefix[] = {"git", "rev-parse", "--show-prefix", NULL};
	const char *pull[] = {"git", "pull", "-q", "--no-rebase", "--no-edit",
			      NULL};
	const char *push[] = {"git", "push", "-q", NULL};
	char *old = git_line(st->dir, head), *pre = git_line(st->dir, prefix);
	int rc = git_run(st->dir, pull, NULL, 0, err);

	if (rc > 0)
		rc = crm_errf(err, NULL, 0, "git pull failed: resolve what it "
			      "says, commit, then run crm sync again");
	if (rc == 0)
		rc = report_incoming(st, old, pre ? pre : "", err);
	if (rc == 0 && (rc = git_run(st->dir, push, NULL, 0, err)) > 0)
		rc = crm_errf(err, NULL, 0, "git push failed");
	free(old);
	free(pre);
	return rc ? -1 : 0;
}

static int cmd_sync(int argc, char **argv, struct crm_err *err)
{
	const char *driver[] = {"git", "config", "merge.crm.driver", NULL};
	const char *remote[] = {"git", "remote", NULL};
	struct store st;
	char *d = NULL, *r = NULL;
	int rc = -1;

	if (argc > 0)
		return crm_usagef(err, "sync takes no operands");
	if (cli_open(&st, &common, err) < 0)
		return -1;
	/* the tools wait while git rewrites the tables */
	if (!(d = git_line(st.dir, driver)))
		crm_errf(err, NULL, 0, "this clone has no crm merge driver: "
			 "run 'crm git-setup' first");
	else if (store_lock(&st, err) == 0 && commit_local(&st, err) == 0) {
		r = git_line(st.dir, remote);
		rc = r && *r ? pull_and_push(&st, err) : 0;
		if (!r || !*r)
			crm_msg("no git remote: changes committed here only");
	}
	free(d);
	free(r);
	store_close(&st);
	return rc;
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
	const char *options;	/* its own long options */
};

static const struct verb verbs[] = {
	{"init", cmd_init, "git"},
	{"check", cmd_check, ""},
	{"git-setup", cmd_git_setup, ""},
	{"sync", cmd_sync, ""},
	{"merge-driver", cmd_merge_driver, "strict log"},
	{NULL, NULL, NULL}
};

/* A verb given another verb's option: "--git is for init only". */
static int verb_options_ok(const struct verb *v, struct crm_err *err)
{
	static const char *const names[] = {"git", "strict", "log"};
	const int set[] = {opt_git, opt_strict, opt_log};

	for (size_t i = 0; i < 3; i++)
		if (set[i] && !strstr(v->options, names[i]))
			return crm_usagef(err, "--%s is not an option of %s",
					  names[i], v->name);
	return 0;
}

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
		case OPT_GIT: opt_git = 1; break;
		case OPT_STRICT: opt_strict = 1; break;
		case OPT_LOG: opt_log = 1; break;
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
	status = verb_options_ok(v, &err) < 0 ? -1
		 : v->run(argc - optind, argv + optind, &err);
	if (status < 0)
		status = err.code == CRM_USAGE ? cli_usage(synopsis, "%s", err.msg)
					       : cli_fail(&err);
	return cli_finish(status);
}
