/* crm-funnel - funnel, conversion, cycle, leakage, forecast, accuracy */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"

static const char synopsis[] =
	"usage: crm-funnel [-C dir] [--today date] [scope] [--by key] [--format format] [--output file] [-]\n"
	"       crm-funnel forecast [scope] [--months n] [--by owner] [--save] [--format format] [--output file]\n"
	"       crm-funnel accuracy [--period period] [--by owner] [--format format] [--output file]\n";

static const char help_text[] =
	"The sales funnel, win rate, cycle time, loss reasons, leakage and velocity\n"
	"of the opportunities in scope; the weighted forecast by close month; and\n"
	"how right earlier forecasts were.  Scope: every opportunity, or those\n"
	"chosen by --created, --closed, --owner, --source, --pipeline and --where,\n"
	"or those given on standard input with -.\n"
	"\n"
	"options:\n"
	"  -C, --dir=DIR            use the data directory DIR\n"
	"      --today=DATE         pin today's date (also $CRM_TODAY)\n"
	"  -u, --user=NAME          who saves a forecast snapshot (also $CRM_USER)\n"
	"      --lock-timeout=SECS  wait at most SECS seconds for the lock (default 10)\n"
	"      --excel              CSV for spreadsheets: a BOM, and ' before = + - @\n"
	"      --created=PERIOD     only deals created in PERIOD\n"
	"      --closed=PERIOD      only deals won or lost in PERIOD\n"
	"  -o, --owner=USER         only this owner's deals\n"
	"      --source=SOURCE      only deals from this source\n"
	"      --pipeline=PIPELINE  only deals in this pipeline\n"
	"  -w, --where=EXPR         only deals for which the jq expression is true\n"
	"  -b, --by=KEY             one funnel per owner, source, month, quarter, tier\n"
	"                           or pipeline (funnel); per owner (forecast,\n"
	"                           accuracy)\n"
	"      --months=N           months ahead in the forecast (default 3)\n"
	"      --save               append the forecast to forecasts.jsonl\n"
	"      --period=PERIOD      the month or quarter to check (accuracy; default\n"
	"                           the last full month)\n"
	"  -f, --format=FORMAT      table, csv, jsonl, svg or xlsx (default: table on\n"
	"                           a terminal, csv otherwise)\n"
	"      --output=FILE        the xlsx workbook to write, atomically\n"
	"  -h, --help               show this help and exit\n"
	"\n"
	"A PERIOD is FROM..TO (either side may be left out), a month 2026-03, a\n"
	"quarter 2026-Q1 or a year 2026.\n"
	"\n"
	"Exit status: 0 ok, 1 nothing in scope, 2 usage error, 3 data or system error.\n";

enum {
	OPT_TODAY = 256, OPT_LOCK_TIMEOUT, OPT_EXCEL, OPT_CREATED, OPT_CLOSED, OPT_SOURCE,
	OPT_PIPELINE, OPT_MONTHS, OPT_SAVE, OPT_PERIOD, OPT_OUTPUT
};

static const struct option long_options[] = {
	{"dir", required_argument, NULL, 'C'},
	{"today", required_argument, NULL, OPT_TODAY},
	{"user", required_argument, NULL, 'u'},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"created", required_argument, NULL, OPT_CREATED},
	{"closed", required_argument, NULL, OPT_CLOSED},
	{"owner", required_argument, NULL, 'o'},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"pipeline", required_argument, NULL, OPT_PIPELINE},
	{"where", required_argument, NULL, 'w'},
	{"by", required_argument, NULL, 'b'},
	{"months", required_argument, NULL, OPT_MONTHS},
	{"save", no_argument, NULL, OPT_SAVE},
	{"period", required_argument, NULL, OPT_PERIOD},
	{"format", required_argument, NULL, 'f'},
	{"excel", no_argument, NULL, OPT_EXCEL},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}
};

static struct cli *cli;
static struct store st;
static struct pipelines pipes;

enum fmt { F_TABLE, F_CSV, F_JSONL, F_SVG, F_XLSX };
static enum fmt fmt;
static struct xlsx_book *book;   /* --format xlsx: the funnel's workbook */

static const char *opt(const char *name)
{
	return cli_opt(cli, name);
}

/* ---- periods ------------------------------------------------------------- */

struct period {
	int32_t from, to;        /* inclusive; DATE_NONE = open */
};

/* "2026-03", "2026-Q1", "2026", or FROM..TO with either side open. */
static int period_parse(const char *name, const char *s, struct period *p,
			struct crm_err *err)
{
	const char *dots = strstr(s, "..");
	int y, m, q;
	char tail, side[64], day[16];

	p->from = p->to = DATE_NONE;
	if (sscanf(s, "%4d-Q%1d%c", &y, &q, &tail) == 2 && q >= 1 && q <= 4) {
		p->from = date_from_ymd(y, 3 * q - 2, 1);
		p->to = date_add_months(p->from, 3) - 1;
	} else if (strlen(s) == 7 && sscanf(s, "%4d-%2d%c", &y, &m, &tail) ==
		   2 && m >= 1 && m <= 12) {
		p->from = date_from_ymd(y, m, 1);
		p->to = date_add_months(p->from, 1) - 1;
	} else if (strlen(s) == 4 && sscanf(s, "%4d%c", &y, &tail) == 1) {
		p->from = date_from_ymd(y, 1, 1);
		p->to = date_from_ymd(y, 12, 31);
	} else if (dots) {
		snprintf(side, sizeof side, "%.*s", (int)(dots - s), s);
		if (*side && cli_date(name, side, day, err) < 0)
			return -1;
		if (*side)
			date_parse_iso(day, &p->from);
		if (dots[2] && cli_date(name, dots + 2, day, err) < 0)
			return -1;
		if (dots[2])
			date_parse_iso(day, &p->to);
	} else {
		return crm_usagef(err, "--%s: '%s' is not a period (FROM..TO, "
				  "2026-03, 2026-Q1 or 2026)", name, s);
	}
	return 0;
}

static int in_period(const struct period *p, int32_t day)
{
	return day != DATE_NONE && (p->from == DATE_NONE || day >= p->from) &&
	       (p->to == DATE_NONE || day <= p->to);
}

static void month_key(int32_t day, char *out)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d", y % 10000, m % 100);
}

static void quarter_key(int32_t day, char *out)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 16, "%04d-Q%c", y % 10000, (char)('1' + (m - 1) / 3 % 4));
}


/* ---- the deals in scope ----------------------------------------------------- */

/* What the reports need of a deal, kept instead of its row: the table
 * is streamed, never held (a million deals stay well under 300 MB). */
struct deal {
	const char *owner, *reason;   /* interned in scope.strings */
	long prob;           /* probability, or NO_PROB when empty */
	int32_t close;
	int pi;              /* pipeline index in pipes */
	int cur;             /* current stage index in its pipeline */
	int max_open;        /* highest open stage index it entered, -1 */
	int hist_cur;        /* stage index history last put it in, -1 */
	int32_t hist_since;  /* the day it went there */
	int64_t amount;
	int32_t created, closed, touched;
	int group;           /* index into groups, -1 when not grouped */
	uint64_t code;       /* id_code of its id; 0: see odd_id */
	const char *odd_id;  /* an id id_code does not take, interned */
};

#define NO_PROB LONG_MIN

struct scope {
	struct table *opps;        /* only when deals are named on stdin */
	struct deal *deals;
	size_t n, cap;
	struct strmap *strings;    /* owners and reasons, one copy each */
	struct idmap *by_id;       /* id -> deal + 1 (as an index) */
	char **groups;             /* --by keys, in first-seen order */
	size_t ngroups;
	struct strmap *group_of;   /* key -> group index + 1 */
	struct strmap *tiers;      /* customer id -> tier, for --by tier */
};

static int pipeline_index(const struct pipeline *p)
{
	return (int)(p - pipes.p);
}

static int stage_index(const struct pipeline *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->stages[i]->name, name))
			return (int)i;
	return -1;
}

/* A field of a row being read; the columns of the table being read are
 * looked up once, not once a row (names are this file's literals). */
static const char *field(const struct table *t, char **row, const char *col)
{
	static const struct table *seen;
	static char **seen_cols;
	static struct { const char *name; int c; } known[32];
	static size_t nknown;
	int c = -1;
	size_t i;

	if (seen != t || seen_cols != t->cols) {
		seen = t;
		seen_cols = t->cols;
		nknown = 0;
	}
	for (i = 0; i < nknown && known[i].name != col; i++)
		;
	if (i < nknown)
		c = known[i].c;
	else if ((c = table_col(t, col)) >= -1 && nknown < 32)
		known[nknown++].name = col, known[nknown - 1].c = c;
	return c < 0 ? "" : row[c];
}

/* One copy of each owner and reason, however many deals name it. */
/* The --by key of a deal. */
static void group_key(const struct scope *sc, const struct deal *d,
		      const struct table *t, char **row, char *out, size_t n)
{
	const char *by = opt("by");
	const char *tier;

	if (!strcmp(by, "owner") || !strcmp(by, "source"))
		snprintf(out, n, "%s", field(t, row, by));
	else if (!strcmp(by, "pipeline"))
		snprintf(out, n, "%s", pipes.p[d->pi].name);
	else if (!strcmp(by, "tier")) {
		tier = strmap_get(sc->tiers, field(t, row, "customer"));
		snprintf(out, n, "%s", tier ? tier : "");
	} else if (d->created == DATE_NONE)
		snprintf(out, n, "%s", "");
	else if (!strcmp(by, "month"))
		month_key(d->created, out);
	else
		quarter_key(d->created, out);
}

static void assign_group(struct scope *sc, struct deal *d,
			 const struct table *t, char **row)
{
	char key[256];
	void **slot;

	d->group = -1;
	if (!opt("by"))
		return;
	group_key(sc, d, t, row, key, sizeof key);
	if (!*key)      /* "" is the whole scope's name in csv and jsonl */
		snprintf(key, sizeof key, "(none)");
	slot = strmap_slot(sc->group_of, key);
	if (!*slot) {
		sc->groups = xrealloc(sc->groups, (sc->ngroups + 1) *
				      sizeof *sc->groups);
		sc->groups[sc->ngroups++] = xstrdup(key);
		*slot = (void *)(intptr_t)sc->ngroups;
	}
	d->group = (int)(intptr_t)*slot - 1;
}

/* Is the row in scope?  0 no, 1 yes, -1 on a --where runtime error. */
static int row_in_scope(const struct table *t, char **row, struct filter *f,
			const struct period *created,
			const struct period *closed, struct crm_err *err)
{
	const char *owner = opt("owner"), *source = opt("source");
	const char *pipeline = opt("pipeline");

	const struct pipeline *p = pipeline_find(&pipes, field(t, row,
						 "pipeline"));

	if ((owner && strcmp(field(t, row, "owner"), owner)) ||
	    (source && strcmp(field(t, row, "source"), source)) ||
	    (pipeline && p && strcmp(p->name, pipeline)))
		return 0;
	if (opt("created") && !in_period(created, date_field(field(t, row,
							  "created"))))
		return 0;
	if (opt("closed") && !in_period(closed, date_field(field(t, row,
							"closed"))))
		return 0;
	return f ? filter_match(f, t, row, err) : 1;
}

static struct deal *new_deal(struct scope *sc)
{
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 1024;
		sc->deals = xrealloc(sc->deals, sc->cap * sizeof *sc->deals);
	}
	memset(&sc->deals[sc->n], 0, sizeof *sc->deals);
	return &sc->deals[sc->n];
}

static void deal_dates(struct deal *d, const struct table *t, char **row)
{
	int32_t contact = date_field(field(t, row, "last_contact"));
	const char *prob = field(t, row, "probability");

	d->created = date_field(field(t, row, "created"));
	d->closed = date_field(field(t, row, "closed"));
	d->close = date_field(field(t, row, "close"));
	d->prob = *prob ? strtol(prob, NULL, 10) : NO_PROB;
	d->touched = d->created;
	if (contact != DATE_NONE && (d->touched == DATE_NONE ||
				     contact > d->touched))
		d->touched = contact;
}

static int add_deal(struct scope *sc, const struct table *t, char **row,
		    long line, struct crm_err *err)
{
	const struct pipeline *p = pipeline_find(&pipes, field(t, row,
							   "pipeline"));
	struct deal *d = new_deal(sc);
	const char *amount = field(t, row, "amount");
	void **slot;

	if (!p)
		return crm_errf(err, t->name, line, "unknown pipeline "
				"'%s'", field(t, row, "pipeline"));
	d->pi = pipeline_index(p);
	d->cur = stage_index(p, field(t, row, "stage"));
	if (d->cur < 0)
		return crm_errf(err, t->name, line, "unknown stage '%s'",
				field(t, row, "stage"));
	if (*amount && money_parse(amount, &d->amount, err) < 0) {
		snprintf(err->file, sizeof err->file, "%s", t->name);
		err->line = line;
		return -1;
	}
	d->max_open = d->hist_cur = -1;
	deal_dates(d, t, row);
	d->owner = strmap_intern(sc->strings, field(t, row, "owner"));
	d->reason = strmap_intern(sc->strings, field(t, row, "reason"));
	if (!(d->code = id_code(row[0])))
		d->odd_id = strmap_intern(sc->strings, row[0]);
	assign_group(sc, d, t, row);
	slot = idmap_slot(sc->by_id, row[0]);
	*slot = (void *)(intptr_t)(++sc->n);
	return 0;
}

/* ---- what the logs say ------------------------------------------------------ */

/* Days histograms: exact means and medians in memory that grows with the
 * longest stay, not with the number of stays. */
struct hist {
	uint32_t *n;
	size_t len;
	uint64_t count;
	int64_t sum;
};

static void hist_add(struct hist *h, long days)
{
	if (days < 0)
		days = 0;
	if (days > 36500)
		days = 36500;
	if ((size_t)days >= h->len) {
		size_t len = (size_t)days + 64;
		h->n = xrealloc(h->n, len * sizeof *h->n);
		memset(h->n + h->len, 0, (len - h->len) * sizeof *h->n);
		h->len = len;
	}
	h->n[days]++;
	h->count++;
	h->sum += days;
}

/* The lower median, in whole days. */
static long hist_median(const struct hist *h)
{
	uint64_t seen = 0, half = (h->count + 1) / 2;

	for (size_t i = 0; i < h->len; i++)
		if ((seen += h->n[i]) >= half)
			return (long)i;
	return 0;
}

struct stage_acc {
	long reached, now, age_n;
	int64_t now_amount, age_sum;
	struct hist stays;
};

struct reason {
	char *name;
	long n;
	int64_t amount;
};

struct funnel {
	const char *name;           /* "" for everything in scope */
	struct stage_acc *slots;    /* per pipeline stage: offsets[pi] + i */
	long deals, won, lost, open, leaked;
	int64_t won_amount, lost_amount, open_amount;
	struct hist cycle;
	struct reason *reasons;
	size_t nreasons;
	int pipelines_seen[16];
};

static size_t *offsets;      /* first slot of each pipeline */
static size_t nslots;

static struct funnel *funnels;   /* [0] all, [1 + g] group g */
static size_t nfunnels;

static void funnels_init(const struct scope *sc)
{
	offsets = xcalloc(pipes.n + 1, sizeof *offsets);
	for (size_t i = 0; i < pipes.n; i++)
		offsets[i + 1] = offsets[i] + pipes.p[i].n;
	nslots = offsets[pipes.n];
	nfunnels = 1 + sc->ngroups;
	funnels = xcalloc(nfunnels, sizeof *funnels);
	for (size_t f = 0; f < nfunnels; f++) {
		funnels[f].name = f ? sc->groups[f - 1] : "";
		funnels[f].slots = xcalloc(nslots + 1, sizeof *funnels[f].slots);
	}
}

static void funnels_free(void)
{
	for (size_t f = 0; f < nfunnels; f++) {
		for (size_t s = 0; s < nslots; s++)
			free(funnels[f].slots[s].stays.n);
		free(funnels[f].slots);
		free(funnels[f].cycle.n);
		for (size_t r = 0; r < funnels[f].nreasons; r++)
			free(funnels[f].reasons[r].name);
		free(funnels[f].reasons);
	}
	free(funnels);
	free(offsets);
}

static struct deal *deal_by_id(const struct scope *sc, const char *id)
{
	intptr_t i = id ? (intptr_t)idmap_get(sc->by_id, id) : 0;

	return i ? &sc->deals[i - 1] : NULL;
}

/* Both the whole scope and the deal's group see a stay. */
static void add_stay(const struct deal *d, int stage, long days)
{
	size_t slot = offsets[d->pi] + (size_t)stage;

	hist_add(&funnels[0].slots[slot].stays, days);
	if (d->group >= 0)
		hist_add(&funnels[1 + d->group].slots[slot].stays, days);
}

/* A stage move of the deal d to the stage named to, on day. */
static void move_deal(struct deal *d, const char *to_name, int32_t day)
{
	int to = stage_index(&pipes.p[d->pi], to_name);

	if (to < 0)
		return;        /* a stage crm.conf no longer has */
	if (d->hist_cur >= 0)
		add_stay(d, d->hist_cur, (long)(day - d->hist_since));
	d->hist_cur = to;
	d->hist_since = day;
	if (stage_is_open(pipes.p[d->pi].stages[to]) && to > d->max_open)
		d->max_open = to;
	if (d->touched == DATE_NONE || day > d->touched)
		d->touched = day;
}

/*
 * Looking a deal up among a million is a cache miss, then its record
 * another: so each move waits in a ring while the next ones are taken in,
 * its map slot fetched into the cache as it comes in, its deal halfway
 * through.  The ring is first in, first out: a deal's moves keep their
 * order.
 */
#define AHEAD 8
#define RING (2 * AHEAD)

struct move {
	uint64_t code;
	struct deal *d;
	const char *to;      /* interned by the history thread */
	int32_t day;
};

struct moves {
	struct scope *sc;
	struct move ring[RING];
	size_t n;            /* moves taken in */
};

static void moves_resolve(struct moves *m, struct move *mv)
{
	intptr_t i = (intptr_t)idmap_get_code(m->sc->by_id, mv->code);

	mv->d = i ? &m->sc->deals[i - 1] : NULL;
#ifdef __GNUC__
	if (mv->d)
		__builtin_prefetch(mv->d, 1);
#endif
}

/* Every move still in the ring, in order. */
static void moves_drain(struct moves *m)
{
	size_t k = m->n > RING ? m->n - RING : 0;

	for (; k < m->n; k++) {
		struct move *mv = &m->ring[k % RING];

		if (k + AHEAD >= m->n)
			moves_resolve(m, mv);
		if (mv->d)
			move_deal(mv->d, mv->to, mv->day);
	}
	m->n = 0;
}

static void moves_add(struct moves *m, uint64_t code, const char *to,
		      int32_t day)
{
	struct move *mv = &m->ring[m->n % RING];

	if (m->n >= RING && mv->d)
		move_deal(mv->d, mv->to, mv->day);
	if (m->n >= AHEAD)
		moves_resolve(m, &m->ring[(m->n - AHEAD) % RING]);
	mv->code = code;
	mv->d = NULL;
	mv->day = day;
	mv->to = to;
	idmap_prefetch_code(m->sc->by_id, code);
	m->n++;
}

/*
 * History is read on a thread of its own from the start, as the
 * activities are: its stage moves, in file order, come to the main thread
 * in chunks, which applies them once opportunities.csv has made the deals
 * (a move of an id that is no deal is dropped there, as it always was).
 */
#define HCHUNK 65536
#define HCHUNKS_AHEAD 16      /* held at most: the rest waits in the file */

struct hmove {
	uint64_t code;       /* id_code of the deal's id; 0: odd_id */
	const char *odd_id;  /* interned, as to */
	const char *to;
	int32_t day;
};

struct hchunk {
	struct hmove *v;
	size_t n;
};

struct history {
	char *path;
	struct strmap *strings;    /* stage names and odd ids, the thread's */
	struct hchunk cur;         /* being filled by the thread */
	pthread_mutex_t lock;      /* guards the rest */
	pthread_cond_t ready, room;
	struct hchunk *chunks;     /* handed over, in file order */
	size_t nchunks;
	size_t applied;            /* chunks applied and freed */
	size_t ahead;              /* chunks held at most */
	int done, stop;            /* the file read; the thread to stop */
	int rc;                    /* the thread's, read once done */
	struct crm_err err;
	struct bg bg;
};

/* 0, or -1 when the main thread wants no more. */
static int history_hand_over(struct history *h, int done)
{
	int stop;

	pthread_mutex_lock(&h->lock);
	while (h->nchunks - h->applied >= h->ahead && !h->stop)
		pthread_cond_wait(&h->room, &h->lock);
	if (h->cur.n) {
		h->chunks = xrealloc(h->chunks, (h->nchunks + 1) *
				     sizeof *h->chunks);
		h->chunks[h->nchunks++] = h->cur;
	} else {
		free(h->cur.v);
	}
	h->done = done;
	stop = h->stop;
	pthread_cond_signal(&h->ready);
	pthread_mutex_unlock(&h->lock);
	h->cur.v = done ? NULL : xmalloc(HCHUNK * sizeof *h->cur.v);
	h->cur.n = 0;
	return stop ? -1 : 0;
}

static int scan_history(void *ctx, const struct logrec *rec, long line,
			struct crm_err *err)
{
	struct history *h = ctx;
	const char *id, *to;
	struct hmove *mv;
	int32_t day;

	if (!log_stage_move(rec, &id, &to, &day))
		return 0;
	mv = &h->cur.v[h->cur.n++];
	mv->code = id_code(id);
	mv->odd_id = mv->code ? NULL : strmap_intern(h->strings, id);
	mv->to = strmap_intern(h->strings, to);
	mv->day = day;
	if (h->cur.n == HCHUNK && history_hand_over(h, 0) < 0)
		return crm_errf(err, NULL, 0, "history not needed");
	return 0;
}

static void *read_history(void *arg)
{
	struct history *h = arg;

	h->rc = jsonl_scan(h->path, "history.jsonl", scan_history, h, &h->err);
	history_hand_over(h, 1);
	return NULL;
}

static void history_start(struct history *h)
{
	memset(h, 0, sizeof *h);
	h->path = store_path(&st, "history.jsonl");
	h->strings = strmap_new();
	h->cur.v = xmalloc(HCHUNK * sizeof *h->cur.v);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->ready, NULL);
	pthread_cond_init(&h->room, NULL);
	h->ahead = HCHUNKS_AHEAD;
	bg_start(&h->bg, read_history, h);
	if (!h->bg.threaded) {
		h->ahead = SIZE_MAX;       /* nobody to make room */
		bg_wait(&h->bg);
	}
}

/* The moves in order, each chunk as soon as the thread hands it over;
 * 0, or -1 with the thread's error. */
static int history_apply(struct history *h, struct scope *sc, struct crm_err *err)
{
	struct moves m = {.sc = sc};

	for (size_t k = 0;; k++) {
		struct hchunk c;

		pthread_mutex_lock(&h->lock);
		h->applied = k;        /* the chunks before are freed */
		pthread_cond_signal(&h->room);
		while (k == h->nchunks && !h->done)
			pthread_cond_wait(&h->ready, &h->lock);
		c = k < h->nchunks ? h->chunks[k] : (struct hchunk){0};
		pthread_mutex_unlock(&h->lock);
		if (!c.v)
			break;
		for (size_t i = 0; i < c.n; i++) {
			const struct hmove *mv = &c.v[i];
			struct deal *d;

			if (mv->code) {
				moves_add(&m, mv->code, mv->to, mv->day);
				continue;
			}
			moves_drain(&m);   /* an id kept as a string */
			if ((d = deal_by_id(sc, mv->odd_id)))
				move_deal(d, mv->to, mv->day);
		}
		free(c.v);
	}
	moves_drain(&m);
	if (h->rc < 0)
		*err = h->err;
	return h->rc;
}

/* The thread stopped if still reading; its memory freed. */
static void history_end(struct history *h)
{
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	pthread_cond_signal(&h->room);
	pthread_mutex_unlock(&h->lock);
	bg_wait(&h->bg);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->ready);
	pthread_cond_destroy(&h->room);
	for (size_t k = h->applied; k < h->nchunks; k++)
		free(h->chunks[k].v);
	free(h->chunks);
	strmap_free_values(h->strings);
	free(h->path);
}

/* The activities, the largest file, are read on a thread of their own
 * from the start, while opportunities.csv and then history are read:
 * the latest activity day of each opportunity id, merged into the deals
 * after (a latest day is the same whichever file comes first).  Kept by
 * id, as the deals are not known yet. */
struct act { uint64_t code; int32_t day; };

struct acts {
	struct idmap *latest;   /* opportunity id -> day + 1 */
	struct act ring[RING];  /* as a move's: a slot fetched meanwhile */
	size_t n;
	char *path;
	struct crm_err err;
	int rc;
	struct bg bg;
};

static void latest_day(void **slot, int32_t day)
{
	if ((intptr_t)*slot < (intptr_t)day + 1)
		*slot = (void *)((intptr_t)day + 1);
}

static int scan_activities(void *ctx, const struct logrec *rec, long line,
			   struct crm_err *err)
{
	struct acts *a = ctx;
	const char *entity = logrec_get(rec, "entity");
	const char *id = logrec_get(rec, "id"), *at = logrec_get(rec, "at");
	int32_t day;

	uint64_t code;

	if (!entity || strcmp(entity, "opportunity") || !id || !at ||
	    date_parse_iso(at, &day) < 0)
		return 0;
	if (!(code = id_code(id))) {
		latest_day(idmap_slot(a->latest, id), day);
		return 0;
	}
	/* the latest day is the same in any order */
	if (a->n >= RING) {
		struct act *old = &a->ring[a->n % RING];

		latest_day(idmap_slot_code(a->latest, old->code), old->day);
	}
	a->ring[a->n % RING] = (struct act){code, day};
	idmap_prefetch_code(a->latest, code);
	a->n++;
	return 0;
}

static void acts_drain(struct acts *a)
{
	for (size_t k = a->n > RING ? a->n - RING : 0; k < a->n; k++)
		latest_day(idmap_slot_code(a->latest, a->ring[k % RING].code),
			   a->ring[k % RING].day);
	a->n = 0;
}

static void *read_activities(void *arg)
{
	struct acts *a = arg;

	a->rc = jsonl_scan(a->path, "activities.jsonl", scan_activities, a,
			   &a->err);
	acts_drain(a);
	return NULL;
}

static void acts_start(struct acts *a)
{
	memset(a, 0, sizeof *a);
	a->latest = idmap_new();
	a->path = store_path(&st, "activities.jsonl");
	bg_start(&a->bg, read_activities, a);
}

/* The thread done (or the file read now); 0, or -1 with its error. */
static int acts_join(struct acts *a, struct crm_err *err)
{
	bg_wait(&a->bg);
	if (a->rc < 0)
		*err = a->err;
	return a->rc;
}

static void acts_free(struct acts *a)
{
	bg_wait(&a->bg);
	idmap_free(a->latest);
	free(a->path);
}

static void merge_activities(struct scope *sc, const struct acts *a)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct deal *d = &sc->deals[i];
		intptr_t v = (intptr_t)(d->code ?
			idmap_get_code(a->latest, d->code) :
			idmap_get(a->latest, d->odd_id));

		if (v && (d->touched == DATE_NONE || v - 1 > d->touched))
			d->touched = (int32_t)(v - 1);
	}
}

/* The moves history's thread read, then the activities. */
static int scan_logs(struct scope *sc, struct history *h, struct acts *a,
		     struct crm_err *err)
{
	if (history_apply(h, sc, err) < 0 || acts_join(a, err) < 0)
		return -1;
	merge_activities(sc, a);
	return 0;
}

/* ---- the funnel ------------------------------------------------------------------ */

static void add_reason(struct funnel *f, const char *name, int64_t amount)
{
	size_t i;

	for (i = 0; i < f->nreasons && strcmp(f->reasons[i].name, name); i++)
		;
	if (i == f->nreasons) {
		f->reasons = xrealloc(f->reasons, (i + 1) * sizeof *f->reasons);
		f->reasons[i] = (struct reason){xstrdup(name), 0, 0};
		f->nreasons++;
	}
	f->reasons[i].n++;
	f->reasons[i].amount += amount;
}

/* Which open stages a deal passed: won ones passed them all, lost ones
 * those they reached before they were lost, open ones everything up to
 * the furthest stage they reached (a skipped stage counts as passed). */
static int passed(const struct deal *d, const struct stage *cur, size_t i)
{
	const struct pipeline *p = &pipes.p[d->pi];
	int furthest = d->max_open;

	if (!stage_is_open(p->stages[i]))
		return 0;
	if (cur->won)
		return 1;
	if (stage_is_open(cur) && d->cur > furthest)
		furthest = d->cur;
	if (cur->lost && furthest < 0)
		furthest = (int)(pipeline_first(p) - p->stages[0]);
	return (int)i <= furthest;
}

static void count_deal(struct funnel *f, const struct deal *d)
{
	const struct pipeline *p = &pipes.p[d->pi];
	const struct stage *cur = p->stages[d->cur];
	struct stage_acc *acc = f->slots + offsets[d->pi];
	int32_t since = d->hist_cur == d->cur ? d->hist_since : d->created;

	f->deals++;
	if (d->pi < 16)
		f->pipelines_seen[d->pi] = 1;
	for (size_t i = 0; i < p->n; i++)
		acc[i].reached += passed(d, cur, i) || (int)i == d->cur;
	acc[d->cur].now++;
	acc[d->cur].now_amount += d->amount;
	if (cur->won) {
		f->won++;
		f->won_amount += d->amount;
		if (d->created != DATE_NONE && d->closed != DATE_NONE)
			hist_add(&f->cycle, (long)(d->closed - d->created));
	} else if (cur->lost) {
		f->lost++;
		f->lost_amount += d->amount;
		add_reason(f, d->reason, d->amount);
	} else {
		f->open++;
		f->open_amount += d->amount;
		if (since != DATE_NONE) {
			acc[d->cur].age_n++;
			acc[d->cur].age_sum += date_today() - since;
		}
		f->leaked += cur->rot_days > 0 && d->touched != DATE_NONE &&
			     date_today() - d->touched > cur->rot_days;
	}
}

static int cmp_reason(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->amount != y->amount)
		return x->amount > y->amount ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void count_all(const struct scope *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		count_deal(&funnels[0], &sc->deals[i]);
		if (sc->deals[i].group >= 0)
			count_deal(&funnels[1 + sc->deals[i].group],
				   &sc->deals[i]);
	}
	for (size_t f = 0; f < nfunnels; f++)
		if (funnels[f].nreasons)
			qsort(funnels[f].reasons, funnels[f].nreasons,
			      sizeof *funnels[f].reasons, cmp_reason);
}

/* ---- loading the scope -------------------------------------------------------------- */

static int note_tier(void *ctx, const struct table *t, char **row, long line,
		     struct crm_err *err)
{
	struct scope *sc = ctx;
	void **slot = strmap_slot(sc->tiers, row[0]);

	/* the first row with an id, as table_find_id finds it */
	if (!*slot)
		*slot = xstrdup(row[table_col(t, "tier")]);
	return 0;
}

/* The customers streamed past: only their tiers are kept. */
static int load_tiers(struct scope *sc, struct crm_err *err)
{
	sc->tiers = strmap_new();
	return table_scan(st.dir, table_def_find("customers"), note_tier, sc,
			  err);
}

static void scope_free(struct scope *sc)
{
	for (size_t g = 0; g < sc->ngroups; g++)
		free(sc->groups[g]);
	free(sc->groups);
	strmap_free_values(sc->tiers);    /* values are copies too */
	idmap_free(sc->by_id);
	strmap_free(sc->group_of);
	strmap_free_values(sc->strings);
	free(sc->deals);
	table_free(sc->opps);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Groups in order of their keys: months and quarters in time order. */
static void sort_groups(struct scope *sc)
{
	char **sorted = xcalloc(sc->ngroups + 1, sizeof *sorted);
	int *to = xcalloc(sc->ngroups + 1, sizeof *to);

	if (sc->ngroups) {
		memcpy(sorted, sc->groups, sc->ngroups * sizeof *sorted);
		qsort(sorted, sc->ngroups, sizeof *sorted, cmp_str);
	}
	for (size_t i = 0; i < sc->ngroups; i++)
		for (size_t j = 0; j < sc->ngroups; j++)
			if (sorted[j] == sc->groups[i])
				to[i] = (int)j;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->deals[i].group >= 0)
			sc->deals[i].group = to[sc->deals[i].group];
	free(sc->groups);
	sc->groups = sorted;
	free(to);
}

/* What choosing the deals in scope takes. */
struct chooser {
	struct scope *sc;
	struct filter *f;
	struct period created, closed;
};

static int choose_row(void *ctx, const struct table *t, char **row,
		      long line, struct crm_err *err)
{
	struct chooser *ch = ctx;
	int in;

	if (idmap_get(ch->sc->by_id, row[0]))
		return 0;       /* named twice on stdin */
	in = row_in_scope(t, row, ch->f, &ch->created, &ch->closed, err);
	return in < 0 ? -1 : in ? add_deal(ch->sc, t, row, line, err) : 0;
}

/* Deals named on stdin: the table is loaded to find them. */
static int choose_named(struct chooser *ch, struct crm_err *err)
{
	struct scope *sc = ch->sc;
	size_t *rows, n;
	int rc = 0;

	if (!(sc->opps = table_load_for_stdin(st.dir,
			table_def_find("opportunities"), &rows, &n, 0, err)))
		return -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = choose_row(ch, sc->opps, sc->opps->rows[rows[i]],
				sc->opps->lines[rows[i]], err);
	free(rows);
	return rc;
}

static int scope_load(struct scope *sc, int from_stdin, struct crm_err *err)
{
	struct chooser ch = {sc, NULL, {0}, {0}};
	struct period *created = &ch.created, *closed = &ch.closed;
	struct filter *f = NULL;
	int rc = -1;

	memset(sc, 0, sizeof *sc);
	sc->by_id = idmap_new();
	sc->group_of = strmap_new();
	sc->strings = strmap_new();
	if (opt("pipeline") && !pipeline_find(&pipes, opt("pipeline")))
		return crm_usagef(err, "--pipeline: no pipeline '%s' in "
				  "crm.conf", opt("pipeline"));
	if ((opt("created") && period_parse("created", opt("created"),
					    created, err) < 0) ||
	    (opt("closed") && period_parse("closed", opt("closed"), closed,
					   err) < 0) ||
	    (opt("where") && !(f = filter_compile(opt("where"), err))) ||
	    (opt("by") && !strcmp(opt("by"), "tier") && load_tiers(sc, err) < 0))
		goto out;
	ch.f = f;
	if (from_stdin ? choose_named(&ch, err) < 0 :
	    table_scan(st.dir, table_def_find("opportunities"), choose_row,
		       &ch, err) < 0)
		goto out;
	sort_groups(sc);
	rc = 0;
out:
	filter_free(f);
	return rc;
}

/* ---- figures ----------------------------------------------------------------------- */

/* num/den as a percentage with one decimal, rounded; "" when den is 0. */
static void pct(int64_t num, int64_t den, char *out)
{
	__int128 tenths;
	int neg = num < 0;

	if (den <= 0) {
		*out = '\0';
		return;
	}
	tenths = ((__int128)(neg ? -num : num) * 2000 + den) /
		 (2 * (__int128)den);
	snprintf(out, 24, "%s%lld.%lld", neg && tenths ? "-" : "",
		 (long long)(tenths / 10), (long long)(tenths % 10));
}

/* sum/n with one decimal; "" when n is 0. */
static void mean1(int64_t sum, int64_t n, char *out)
{
	if (n <= 0) {
		*out = '\0';
		return;
	}
	pct(sum, n * 100, out);
}

static void money(int64_t minor, char *out)
{
	money_format(minor, out);
}

/* A figure: name, value as text, and whether JSON should see a number
 * (1; 2: an amount of money, for xlsx). */
struct fig {
	const char *name;
	char v[40];
	int num;
};

static void fig_text(struct fig *f, const char *name, const char *v, int num)
{
	f->name = name;
	snprintf(f->v, sizeof f->v, "%s", v);
	f->num = num;
}

static void fig_long(struct fig *f, const char *name, long v)
{
	f->name = name;
	snprintf(f->v, sizeof f->v, "%ld", v);
	f->num = 1;
}

#define FIG_LONG(f, n, x) fig_long((f), (n), (long)(x))
#define FIG_NUM(f, n, s) fig_text((f), (n), (s), 1)
#define FIG_MONEY(f, n, s) fig_text((f), (n), (s), 2)

/* The stage a deal moves on to from open stage i: the next open one, or
 * the won stage after the last open one. */
static int next_stage(const struct pipeline *p, size_t i)
{
	if (!stage_is_open(p->stages[i]))
		return -1;
	for (size_t j = i + 1; j < p->n; j++)
		if (stage_is_open(p->stages[j]))
			return (int)j;
	return pipeline_won(p) ? (int)(pipeline_won(p) - p->stages[0]) : -1;
}

static size_t stage_figs(const struct funnel *f, size_t pi, size_t i,
			 struct fig *fg)
{
	const struct pipeline *p = &pipes.p[pi];
	const struct stage_acc *acc = f->slots + offsets[pi];
	const struct stage_acc *a = &acc[i];
	int next = next_stage(p, i);
	char buf[40];
	size_t n = 0;

	FIG_LONG(&fg[n++], "reached", a->reached);
	FIG_LONG(&fg[n++], "now", a->now);
	money(a->now_amount, buf);
	FIG_MONEY(&fg[n++], "now_amount", buf);
	pct(next >= 0 ? acc[next].reached : 0, next >= 0 ? a->reached : 0,
	    buf);
	FIG_NUM(&fg[n++], "conversion", buf);
	mean1(a->stays.sum, (int64_t)a->stays.count, buf);
	FIG_NUM(&fg[n++], "days_mean", buf);
	if (a->stays.count)
		FIG_LONG(&fg[n++], "days_median", hist_median(&a->stays));
	else
		FIG_NUM(&fg[n++], "days_median", "");
	mean1(a->age_sum, a->age_n, buf);
	FIG_NUM(&fg[n++], "age_mean", buf);
	return n;
}

/* Velocity a day = open × win rate × average won amount / average cycle
 * = open × won_amount × cycles / ((won + lost) × cycle days). */
static void velocity(const struct funnel *f, int days, char *out)
{
	__int128 num, den;

	den = (__int128)(f->won + f->lost) * f->cycle.sum;
	if (den <= 0 || !f->won) {
		*out = '\0';
		return;
	}
	num = (__int128)f->open * f->won_amount * (int64_t)f->cycle.count *
	      days;
	money((int64_t)((2 * num + den) / (2 * den)), out);
}

static size_t summary_figs(const struct funnel *f, struct fig *fg)
{
	char buf[40];
	size_t n = 0;

	FIG_LONG(&fg[n++], "deals", f->deals);
	FIG_LONG(&fg[n++], "open", f->open);
	money(f->open_amount, buf);
	FIG_MONEY(&fg[n++], "open_amount", buf);
	FIG_LONG(&fg[n++], "won", f->won);
	money(f->won_amount, buf);
	FIG_MONEY(&fg[n++], "won_amount", buf);
	FIG_LONG(&fg[n++], "lost", f->lost);
	money(f->lost_amount, buf);
	FIG_MONEY(&fg[n++], "lost_amount", buf);
	pct(f->won, f->won + f->lost, buf);
	FIG_NUM(&fg[n++], "win_rate", buf);
	pct(f->won_amount, f->won_amount + f->lost_amount, buf);
	FIG_NUM(&fg[n++], "win_rate_amount", buf);
	mean1(f->cycle.sum, (int64_t)f->cycle.count, buf);
	FIG_NUM(&fg[n++], "cycle_mean", buf);
	if (f->cycle.count)
		FIG_LONG(&fg[n++], "cycle_median", hist_median(&f->cycle));
	else
		FIG_NUM(&fg[n++], "cycle_median", "");
	FIG_LONG(&fg[n++], "leaked", f->leaked);
	pct(f->leaked, f->open, buf);
	FIG_NUM(&fg[n++], "leakage", buf);
	velocity(f, 1, buf);
	FIG_MONEY(&fg[n++], "velocity_day", buf);
	velocity(f, 30, buf);
	FIG_MONEY(&fg[n++], "velocity_month", buf);
	return n;
}

static size_t reason_figs(const struct funnel *f, size_t r, struct fig *fg)
{
	char buf[40];
	size_t n = 0;

	FIG_LONG(&fg[n++], "deals", f->reasons[r].n);
	money(f->reasons[r].amount, buf);
	FIG_MONEY(&fg[n++], "amount", buf);
	pct(f->reasons[r].n, f->lost, buf);
	FIG_NUM(&fg[n++], "share", buf);
	return n;
}

/* ---- csv and jsonl: one record per figure set ------------------------------------- */

/* csv is long ("tidy"): group,section,pipeline,key,metric,value, one
 * figure a line, so a spreadsheet pivots it any way; jsonl is one object
 * per stage, summary, reason or group. */
static void emit(const char *group, const char *section, const char *pipeline,
		 const char *key, const struct fig *fg, size_t n)
{
	struct buf b = {0};

	if (fmt == F_XLSX) {
		for (size_t i = 0; i < n; i++) {
			const char *cells[] = {group, section, pipeline, key,
					       fg[i].name};
			size_t c = 0, k = *group ? 0 : 1;

			for (; k < 5; k++)
				xlsx_book_cell(book, c++, cells[k], COL_TEXT);
			xlsx_book_cell(book, c, fg[i].v, fg[i].num == 2 ?
				       COL_MONEY : fg[i].num ? COL_NUMBER :
				       COL_TEXT);
			xlsx_book_next(book);
		}
		return;
	}
	if (fmt == F_CSV) {
		for (size_t i = 0; i < n; i++) {
			char *row[] = {(char *)group, (char *)section,
				       (char *)pipeline, (char *)key,
				       (char *)fg[i].name, (char *)fg[i].v};
			out_csv_row(stdout, row, 6);
		}
		return;
	}
	buf_adds(&b, "{\"group\":");
	json_add_string(&b, group);
	buf_adds(&b, ",\"section\":");
	json_add_string(&b, section);
	buf_adds(&b, ",\"pipeline\":");
	json_add_string(&b, pipeline);
	buf_adds(&b, ",\"key\":");
	json_add_string(&b, key);
	for (size_t i = 0; i < n; i++) {
		buf_addc(&b, ',');
		json_add_string(&b, fg[i].name);
		buf_addc(&b, ':');
		if (fg[i].num && !*fg[i].v)
			buf_adds(&b, "null");
		else if (fg[i].num)
			buf_adds(&b, fg[i].v);
		else
			json_add_string(&b, fg[i].v);
	}
	buf_adds(&b, "}\n");
	fputs(b.s, stdout);
	buf_free(&b);
}

static void emit_funnel(const struct funnel *f)
{
	struct fig fg[24];
	size_t n;

	for (size_t pi = 0; pi < pipes.n && pi < 16; pi++) {
		if (!f->pipelines_seen[pi])
			continue;
		for (size_t i = 0; i < pipes.p[pi].n; i++) {
			n = stage_figs(f, pi, i, fg);
			emit(f->name, "stage", pipes.p[pi].name,
			     pipes.p[pi].stages[i]->name, fg, n);
		}
	}
	n = summary_figs(f, fg);
	emit(f->name, "summary", "", "", fg, n);
	for (size_t r = 0; r < f->nreasons; r++) {
		n = reason_figs(f, r, fg);
		emit(f->name, "reason", "", f->reasons[r].name, fg, n);
	}
}

static void emit_all(void)
{
	if (fmt == F_CSV) {
		char *head[] = {"group", "section", "pipeline", "key", "metric",
				"value"};
		if (out_excel)
			excel_write_bom(stdout);
		out_csv_row(stdout, head, 6);
	}
	for (size_t f = 0; f < nfunnels; f++)
		emit_funnel(&funnels[f]);
}

/* xlsx: the figures of everything in scope on one sheet, the groups'
 * (--by owner ...) on another. */
static int emit_xlsx(int empty, struct crm_err *err)
{
	char *head[] = {"group", "section", "pipeline", "key", "metric",
			"value"};
	char name[64];

	if (!(book = xlsx_book_new(opt("output"), err)))
		return -1;
	if (opt("by"))
		head[0] = (char *)opt("by");
	xlsx_book_sheet(book, "funnel", head + 1, 5, NULL);
	if (!empty)
		emit_funnel(&funnels[0]);
	if (opt("by")) {
		snprintf(name, sizeof name, "by %s", opt("by"));
		xlsx_book_sheet(book, name, head, 6, NULL);
		for (size_t f = 1; !empty && f < nfunnels; f++)
			emit_funnel(&funnels[f]);
	}
	return xlsx_book_close(book, err);
}

/* ---- the terminal report ------------------------------------------------------------ */

/* Print rows of cells aligned; right[c] right-aligns column c. */
static void print_aligned(char ***rows, size_t nrows, size_t ncols,
			  const int *right)
{
	size_t w[16] = {0};

	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols && c < 16; c++)
			if (utf8_width(rows[r][c]) > w[c])
				w[c] = utf8_width(rows[r][c]);
	for (size_t r = 0; r < nrows; r++) {
		struct buf line = {0};

		for (size_t c = 0; c < ncols && c < 16; c++) {
			size_t pad = w[c] - utf8_width(rows[r][c]);

			if (c)
				buf_adds(&line, "  ");
			for (size_t i = 0; right[c] && i < pad; i++)
				buf_addc(&line, ' ');
			buf_adds(&line, rows[r][c]);
			for (size_t i = 0; !right[c] && i < pad; i++)
				buf_addc(&line, ' ');
		}
		while (line.len && line.s[line.len - 1] == ' ')
			line.s[--line.len] = '\0';
		printf("%s\n", line.s ? line.s : "");
		buf_free(&line);
	}
}

static char *bar(long n, long max)
{
	struct buf b = {0};
	long blocks = max > 0 ? (n * 20 + max / 2) / max : 0;

	for (long i = 0; i < blocks; i++)
		buf_adds(&b, "\xe2\x96\x88");   /* U+2588 full block */
	return b.s ? b.s : xstrdup("");
}

static void print_stages(const struct funnel *f, size_t pi)
{
	static const char *head[] = {"stage", "reached", "", "now", "amount",
				     "→ next", "days", "median", "age now"};
	static const int right[] = {0, 1, 0, 1, 1, 1, 1, 1, 1};
	const struct pipeline *p = &pipes.p[pi];
	char ***rows = xcalloc(p->n + 1, sizeof *rows);
	long max = 0;
	struct fig fg[24];

	for (size_t i = 0; i < p->n; i++)
		if (f->slots[offsets[pi] + i].reached > max)
			max = f->slots[offsets[pi] + i].reached;
	rows[0] = (char **)head;
	for (size_t i = 0; i < p->n; i++) {
		char **row = rows[i + 1] = xcalloc(9, sizeof *row);

		stage_figs(f, pi, i, fg);
		row[0] = xstrdup(p->stages[i]->name);
		row[1] = xstrdup(fg[0].v);
		row[2] = bar(f->slots[offsets[pi] + i].reached, max);
		row[3] = xstrdup(fg[1].v);
		row[4] = xstrdup(fg[2].v);
		row[5] = *fg[3].v ? xasprintf("%s%%", fg[3].v) : xstrdup("");
		for (size_t c = 6; c < 9; c++)
			row[c] = xstrdup(fg[c - 2].v);
	}
	printf("\npipeline %s\n", p->name);
	print_aligned(rows, p->n + 1, 9, right);
	for (size_t i = 1; i <= p->n; i++) {
		for (size_t c = 0; c < 9; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	free(rows);
}

static void print_summary(const struct funnel *f)
{
	struct fig fg[24];
	char *v[24];

	summary_figs(f, fg);
	for (size_t i = 0; i < 16; i++)
		v[i] = fg[i].v;
	printf("\n%-14s %s%% of closed deals, %s%% of amount (%s won, %s "
	       "lost)\n", "win rate", *v[7] ? v[7] : "-", *v[8] ? v[8] : "-",
	       v[3], v[5]);
	printf("%-14s mean %s days, median %s days (created → won)\n",
	       "sales cycle", *v[9] ? v[9] : "-", *v[10] ? v[10] : "-");
	printf("%-14s %s of %s open deals (%s%%) had no follow-up within "
	       "their stage's rot days\n", "leakage", v[11], v[1],
	       *v[12] ? v[12] : "0.0");
	printf("%-14s %s a day, %s a month\n", "velocity",
	       *v[13] ? v[13] : "-", *v[14] ? v[14] : "-");
	printf("%-14s %s open worth %s, %s won worth %s\n", "pipeline",
	       v[1], v[2], v[3], v[4]);
}

static void print_reasons(const struct funnel *f)
{
	static const char *head[] = {"loss reason", "deals", "amount", "share"};
	static const int right[] = {0, 1, 1, 1};
	char ***rows = xcalloc(f->nreasons + 1, sizeof *rows);
	struct fig fg[8];

	if (!f->nreasons) {
		free(rows);
		return;
	}
	rows[0] = (char **)head;
	for (size_t r = 0; r < f->nreasons; r++) {
		char **row = rows[r + 1] = xcalloc(4, sizeof *row);

		reason_figs(f, r, fg);
		row[0] = xstrdup(*f->reasons[r].name ? f->reasons[r].name :
				 "(no reason)");
		row[1] = xstrdup(fg[0].v);
		row[2] = xstrdup(fg[1].v);
		row[3] = xasprintf("%s%%", fg[2].v);
	}
	printf("\n");
	print_aligned(rows, f->nreasons + 1, 4, right);
	for (size_t r = 1; r <= f->nreasons; r++) {
		for (size_t c = 0; c < 4; c++)
			free(rows[r][c]);
		free(rows[r]);
	}
	free(rows);
}

/* 人均业绩: won count and amount per group, next to its win rate. */
static void print_groups(void)
{
	static const char *head[] = {"", "deals", "open", "won", "won amount",
				     "win rate"};
	static const int right[] = {0, 1, 1, 1, 1, 1};
	char ***rows = xcalloc(nfunnels, sizeof *rows);
	char buf[40];

	head[0] = opt("by");
	rows[0] = (char **)head;
	for (size_t g = 1; g < nfunnels; g++) {
		const struct funnel *f = &funnels[g];
		char **row = rows[g] = xcalloc(6, sizeof *row);

		row[0] = xstrdup(*f->name ? f->name : "(none)");
		row[1] = xasprintf("%ld", f->deals);
		row[2] = xasprintf("%ld", f->open);
		row[3] = xasprintf("%ld", f->won);
		money(f->won_amount, buf);
		row[4] = xstrdup(buf);
		pct(f->won, f->won + f->lost, buf);
		row[5] = *buf ? xasprintf("%s%%", buf) : xstrdup("");
	}
	printf("\n");
	print_aligned(rows, nfunnels, 6, right);
	for (size_t g = 1; g < nfunnels; g++) {
		for (size_t c = 0; c < 6; c++)
			free(rows[g][c]);
		free(rows[g]);
	}
	free(rows);
}

static void print_funnel(const struct funnel *f)
{
	if (*f->name || f != funnels)
		printf("\n== %s %s ==\n", opt("by"), *f->name ? f->name :
		       "(none)");
	for (size_t pi = 0; pi < pipes.n && pi < 16; pi++)
		if (f->pipelines_seen[pi])
			print_stages(f, pi);
	print_summary(f);
	print_reasons(f);
}

static void print_report(void)
{
	print_funnel(&funnels[0]);
	if (nfunnels > 1)
		print_groups();
	for (size_t g = 1; g < nfunnels; g++)
		print_funnel(&funnels[g]);
}

/* ---- svg: the picture a manager forwards -------------------------------------------- */

static void xml_text(const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
}

/* One band per open stage and the won stage, width by deals reached. */
static void svg_band(const struct funnel *f, size_t pi, size_t i, int y,
		     long max, long next_reached)
{
	const struct stage_acc *a = &f->slots[offsets[pi] + i];
	struct fig fg[24];
	double w = max ? 560.0 * (double)a->reached / (double)max : 0;
	double wn = max ? 560.0 * (double)next_reached / (double)max : 0;

	stage_figs(f, pi, i, fg);
	printf("<polygon points=\"%.1f,%d %.1f,%d %.1f,%d %.1f,%d\" "
	       "fill=\"hsl(%d,60%%,55%%)\"/>\n", 300 - w / 2, y, 300 + w / 2,
	       y, 300 + wn / 2, y + 56, 300 - wn / 2, y + 56,
	       210 - (int)i * 25);
	printf("<text x=\"300\" y=\"%d\" text-anchor=\"middle\" "
	       "class=\"s\">", y + 24);
	xml_text(pipes.p[pi].stages[i]->name);
	printf(" · %s deals · %s now worth %s</text>\n", fg[0].v, fg[1].v,
	       fg[2].v);
	if (*fg[3].v)
		printf("<text x=\"300\" y=\"%d\" text-anchor=\"middle\" "
		       "class=\"c\">%s%% go on</text>\n", y + 44, fg[3].v);
}

static void print_svg(void)
{
	const struct funnel *f = &funnels[0];
	size_t pi = 0;
	int y = 60, bands = 0;
	long max = 0;

	while (pi + 1 < pipes.n && !f->pipelines_seen[pi])
		pi++;
	const struct pipeline *p = &pipes.p[pi];
	for (size_t i = 0; i < p->n; i++)
		if (!p->stages[i]->lost) {
			bands++;
			if (f->slots[offsets[pi] + i].reached > max)
				max = f->slots[offsets[pi] + i].reached;
		}
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" "
	       "height=\"%d\" viewBox=\"0 0 600 %d\">\n<style>text{font-family:"
	       "sans-serif}.s{font-size:14px;font-weight:bold}.c{font-size:"
	       "12px}</style>\n<text x=\"300\" y=\"30\" text-anchor=\"middle\" "
	       "class=\"s\">", 80 + bands * 60, 80 + bands * 60);
	xml_text(p->name);
	printf(" funnel · %ld deals</text>\n", f->deals);
	for (size_t i = 0; i < p->n; i++) {
		int next = next_stage(p, i);

		if (p->stages[i]->lost)
			continue;
		svg_band(f, pi, i, y, max, next >= 0 ?
			 f->slots[offsets[pi] + (size_t)next].reached :
			 f->slots[offsets[pi] + i].reached);
		y += 60;
	}
	printf("</svg>\n");
}

/* ---- forecast ------------------------------------------------------------------------ */

struct bucket {
	char owner[64];
	char period[16];      /* 2026-03, overdue, later, no date */
	long deals;
	int64_t amount;
	__int128 weighted100; /* Σ amount × probability: exact until printed */
	int64_t commit, best_case, pipeline;
};

static struct bucket *buckets;
static size_t nbuckets;

static struct bucket *bucket_for(const char *owner, const char *period)
{
	for (size_t i = 0; i < nbuckets; i++)
		if (!strcmp(buckets[i].owner, owner) &&
		    !strcmp(buckets[i].period, period))
			return &buckets[i];
	buckets = xrealloc(buckets, (nbuckets + 1) * sizeof *buckets);
	memset(&buckets[nbuckets], 0, sizeof *buckets);
	snprintf(buckets[nbuckets].owner, 64, "%s", owner);
	snprintf(buckets[nbuckets].period, 16, "%s", period);
	return &buckets[nbuckets++];
}

/* Overdue and undated deals are shown apart, never dropped. */
static void forecast_period(const struct deal *d, long months, char *out)
{
	int32_t close = d->close;
	int32_t first = date_today(), last;
	int y, m, dd;

	date_to_ymd(first, &y, &m, &dd);
	first = date_from_ymd(y, m, 1);
	last = date_add_months(first, (int)months) - 1;
	if (close == DATE_NONE)
		snprintf(out, 16, "no date");
	else if (close < date_today())
		snprintf(out, 16, "overdue");
	else if (close > last)
		snprintf(out, 16, "later");
	else
		month_key(close, out);
}

static void forecast_add(const struct deal *d, const char *owner,
			 const char *period)
{
	const struct stage *s = pipes.p[d->pi].stages[d->cur];
	long p = d->prob != NO_PROB ? d->prob : s->probability;
	struct bucket *b = bucket_for(owner, period);

	b->deals++;
	b->amount += d->amount;
	b->weighted100 += (__int128)d->amount * p;
	if (!strcmp(s->forecast, "commit"))
		b->commit += d->amount;
	else if (!strcmp(s->forecast, "best-case"))
		b->best_case += d->amount;
	else if (!strcmp(s->forecast, "pipeline"))
		b->pipeline += d->amount;
}

static int cmp_bucket(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	/* months sort as text; the three others after them */
	int rx = isdigit((unsigned char)x->period[0]) ? 0 : 1;
	int ry = isdigit((unsigned char)y->period[0]) ? 0 : 1;

	if (c)
		return c;
	if (rx != ry)
		return rx - ry;
	return strcmp(x->period, y->period);
}

static int64_t weighted(const struct bucket *b)
{
	return (int64_t)((b->weighted100 * 2 + 100) / 200);
}

static char *forecast_cols[] = {
	"owner", "period", "deals", "amount", "weighted", "commit",
	"best_case", "pipeline"
};

static void bucket_cells(const struct bucket *b, char cells[8][40])
{
	snprintf(cells[0], 40, "%.39s", b->owner);
	snprintf(cells[1], 40, "%s", b->period);
	snprintf(cells[2], 40, "%ld", b->deals);
	money(b->amount, cells[3]);
	money(weighted(b), cells[4]);
	money(b->commit, cells[5]);
	money(b->best_case, cells[6]);
	money(b->pipeline, cells[7]);
}

/* Types the forecast and accuracy columns for jsonl and the table. */
static const struct col_def report_cols[] = {
	{"deals", COL_NUMBER, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"weighted", COL_MONEY, NULL, NULL},
	{"commit", COL_MONEY, NULL, NULL},
	{"best_case", COL_MONEY, NULL, NULL},
	{"pipeline", COL_MONEY, NULL, NULL},
	{"forecast", COL_MONEY, NULL, NULL},
	{"actual", COL_MONEY, NULL, NULL},
	{"bias", COL_MONEY, NULL, NULL},
	{"accuracy", COL_NUMBER, NULL, NULL},
};
static const struct table_def report_def = {
	"report", "report", "", 0, report_cols,
	sizeof report_cols / sizeof report_cols[0]
};

static enum out_format out_fmt(void)
{
	return fmt == F_TABLE ? FMT_TABLE : fmt == F_JSONL ? FMT_JSONL
							   : FMT_CSV;
}

/* A report's listing: on stdout, or the sheet of an xlsx workbook. */
static struct out *report_begin(const char *sheet, char *const *cols,
				size_t n, struct crm_err *err)
{
	if (fmt == F_XLSX)
		return out_open(opt("output"), FMT_XLSX, sheet, cols, n,
				&report_def, err);
	return out_begin(stdout, out_fmt(), cols, n, &report_def);
}

/* Rows written, or -1 when the workbook could not be. */
static long report_end(struct out *o, struct crm_err *err)
{
	size_t n;

	if (fmt != F_XLSX)
		return (long)out_end(o);
	return out_close(o, &n, err) < 0 ? -1 : (long)n;
}

static int print_buckets(int by_owner, struct crm_err *err)
{
	struct out *o = report_begin("forecast", forecast_cols + !by_owner,
				     8 - !by_owner, err);
	char cells[8][40];
	char *row[8];

	if (!o)
		return -1;
	for (size_t i = 0; i < nbuckets; i++) {
		bucket_cells(&buckets[i], cells);
		for (size_t c = 0; c < 8; c++)
			row[c] = cells[c];
		out_row(o, row + !by_owner);
	}
	return report_end(o, err) < 0 ? -1 : 0;
}

/* A snapshot line per month and owner ("" for everyone) in
 * forecasts.jsonl, for accuracy to compare with what was won. */
static int save_buckets(struct crm_err *err)
{
	char at[40], cells[8][40];
	struct buf b = {0};
	char *path;
	int rc;

	date_now_iso(at);
	for (size_t i = 0; i < nbuckets; i++) {
		if (!isdigit((unsigned char)buckets[i].period[0]))
			continue;
		bucket_cells(&buckets[i], cells);
		buf_adds(&b, "{\"at\":");
		json_add_string(&b, at);
		buf_adds(&b, ",\"by\":");
		json_add_string(&b, st.user);
		for (size_t c = 0; c < 8; c++) {
			buf_printf(&b, ",\"%s\":", forecast_cols[c]);
			if (c < 2)
				json_add_string(&b, cells[c]);
			else
				buf_adds(&b, cells[c]);
		}
		buf_adds(&b, "}\n");
	}
	path = store_path(&st, "forecasts.jsonl");
	rc = store_lock(&st, err) < 0 ? -1 :
	     jsonl_append(path, b.s ? b.s : "", b.len, err);
	free(path);
	buf_free(&b);
	return rc;
}

static long forecast_months(struct crm_err *err)
{
	const char *m = opt("months");
	char *end;
	long n = m ? strtol(m, &end, 10) : 3;

	if (m && (*end || end == m || n < 1 || n > 120))
		return crm_usagef(err, "--months: '%s' is not a number of "
				  "months (1 to 120)", m);
	return n;
}

static int cmd_forecast(int argc, char **argv, struct crm_err *err)
{
	struct scope sc;
	long months = forecast_months(err);
	int by_owner = opt("by") != NULL;
	char period[16];
	int rc = -1;

	if (months < 0)
		return -1;
	if (fmt == F_SVG)
		return crm_usagef(err, "--format svg draws the funnel only");
	if (opt("save") && (opt("created") || opt("closed") || opt("owner") ||
			    opt("source") || opt("pipeline") || opt("where") ||
			    argc))
		return crm_usagef(err, "--save takes the whole pipeline, "
				  "without a scope");
	if (by_owner && strcmp(opt("by"), "owner"))
		return crm_usagef(err, "forecast --by takes only owner");
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "unexpected operand '%s'", argv[0]);
	if (scope_load(&sc, argc == 1, err) < 0)
		goto out;
	for (size_t i = 0; i < sc.n; i++) {
		const struct deal *d = &sc.deals[i];

		if (!stage_is_open(pipes.p[d->pi].stages[d->cur]))
			continue;
		forecast_period(d, months, period);
		forecast_add(d, "", period);
		if (by_owner || opt("save"))
			forecast_add(d, d->owner, period);
	}
	if (nbuckets)
		qsort(buckets, nbuckets, sizeof *buckets, cmp_bucket);
	if (opt("save") && save_buckets(err) < 0)
		goto out;
	if (!by_owner)   /* the owners were only counted for the snapshot */
		while (nbuckets && *buckets[nbuckets - 1].owner)
			nbuckets--;
	if (print_buckets(by_owner, err) < 0)
		goto out;
	if (!nbuckets)
		crm_msg("no opportunities in scope");
	rc = nbuckets ? CRM_OK : CRM_NONE;
out:
	free(buckets);
	scope_free(&sc);
	return rc;
}

/* ---- accuracy ------------------------------------------------------------------------- */

struct snapshot_pick {
	struct period period;
	char at[40];             /* the snapshot chosen */
	int before;              /* it was taken on or before the start */
};

/* The snapshot taken at the start of the period: the last one on or
 * before its first day, else the first one within it. */
static int pick_snapshot(void *ctx, const struct logrec *rec, long line,
			 struct crm_err *err)
{
	struct snapshot_pick *sp = ctx;
	const char *at = logrec_get(rec, "at");
	int32_t day;

	if (!at || date_parse_iso(at, &day) < 0)
		return crm_errf(err, "forecasts.jsonl", line, "no valid \"at\"");
	if (day <= sp->period.from) {
		if (!sp->before || strcmp(at, sp->at) > 0)
			snprintf(sp->at, sizeof sp->at, "%s", at);
		sp->before = 1;
	} else if (!sp->before && day <= sp->period.to &&
		   (!*sp->at || strcmp(at, sp->at) < 0)) {
		snprintf(sp->at, sizeof sp->at, "%s", at);
	}
	return 0;
}

struct accuracy_row {
	char owner[64];
	int64_t forecast, actual;
};

struct accuracy {
	struct snapshot_pick sp;
	struct accuracy_row *rows;
	size_t n;
};

static struct accuracy_row *acc_row(struct accuracy *a, const char *owner)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->rows[i].owner, owner))
			return &a->rows[i];
	a->rows = xrealloc(a->rows, (a->n + 1) * sizeof *a->rows);
	memset(&a->rows[a->n], 0, sizeof *a->rows);
	snprintf(a->rows[a->n].owner, 64, "%s", owner);
	return &a->rows[a->n++];
}

static int sum_snapshot(void *ctx, const struct logrec *rec, long line,
			struct crm_err *err)
{
	struct accuracy *a = ctx;
	const char *at = logrec_get(rec, "at"), *p = logrec_get(rec, "period");
	const char *w = logrec_get(rec, "weighted");
	const char *owner = logrec_get(rec, "owner");
	int32_t first;
	int64_t v;
	char month[16];

	if (!at || strcmp(at, a->sp.at) || !p || !w || !owner)
		return 0;
	snprintf(month, sizeof month, "%s-01", p);
	if (date_parse_iso(month, &first) < 0 || !in_period(&a->sp.period,
							     first))
		return 0;
	if (money_parse(w, &v, err) < 0) {
		snprintf(err->file, sizeof err->file, "forecasts.jsonl");
		err->line = line;
		return -1;
	}
	if (*owner && !opt("by"))
		return 0;
	acc_row(a, owner)->forecast += v;
	return 0;
}

static void accuracy_cells(const struct accuracy_row *r, const char *period,
			   char cells[6][40])
{
	snprintf(cells[0], 40, "%.39s", r->owner);
	snprintf(cells[1], 40, "%.39s", period);
	money(r->forecast, cells[2]);
	money(r->actual, cells[3]);
	if (r->actual)   /* 1 - |actual - forecast| / actual, in percent */
		pct(r->actual - (r->actual > r->forecast ? r->actual -
			r->forecast : r->forecast - r->actual), r->actual,
		    cells[4]);
	else
		cells[4][0] = '\0';
	money(r->forecast - r->actual, cells[5]);
}

static char *accuracy_cols[] = {
	"owner", "period", "forecast", "actual", "accuracy", "bias"
};

static int print_accuracy(struct accuracy *a, const char *period,
			  struct crm_err *err)
{
	int by_owner = opt("by") != NULL;
	struct out *o = report_begin("accuracy", accuracy_cols + !by_owner,
				     6 - !by_owner, err);
	char cells[6][40], *row[6];
	long n;

	if (!o)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		if (!by_owner && *a->rows[i].owner)
			continue;
		accuracy_cells(&a->rows[i], period, cells);
		for (size_t c = 0; c < 6; c++)
			row[c] = cells[c];
		out_row(o, row + !by_owner);
	}
	n = report_end(o, err);
	return n < 0 ? -1 : n ? CRM_OK : CRM_NONE;
}

static int cmd_accuracy(int argc, char **argv, struct crm_err *err)
{
	struct accuracy a = {0};
	struct scope sc = {0};
	char *path = store_path(&st, "forecasts.jsonl");
	char period[40];
	int y, m, d, rc = -1;

	date_to_ymd(date_add_months(date_today(), -1), &y, &m, &d);
	snprintf(period, sizeof period, "%04d-%02d", y % 10000, m % 100);
	if (opt("period"))
		snprintf(period, sizeof period, "%s", opt("period"));
	if (argc > 0)
		rc = crm_usagef(err, "accuracy takes no operands");
	else if (fmt == F_SVG)
		rc = crm_usagef(err, "--format svg draws the funnel only");
	else if (opt("by") && strcmp(opt("by"), "owner"))
		rc = crm_usagef(err, "accuracy --by takes only owner");
	else if (period_parse("period", period, &a.sp.period, err) == 0 &&
		 a.sp.period.from != DATE_NONE && a.sp.period.to != DATE_NONE &&
		 jsonl_scan(path, "forecasts.jsonl", pick_snapshot, &a.sp,
			    err) == 0 &&
		 jsonl_scan(path, "forecasts.jsonl", sum_snapshot, &a,
			    err) == 0 && scope_load(&sc, 0, err) == 0) {
		if (!*a.sp.at) {
			crm_msg("no forecast snapshot for %s in "
				"forecasts.jsonl (crm-funnel forecast --save)",
				period);
			rc = CRM_NONE;
			goto done;
		}
		acc_row(&a, "");
		for (size_t i = 0; i < sc.n; i++) {
			const struct deal *dl = &sc.deals[i];

			if (!pipes.p[dl->pi].stages[dl->cur]->won ||
			    !in_period(&a.sp.period, dl->closed))
				continue;
			acc_row(&a, "")->actual += dl->amount;
			if (opt("by"))
				acc_row(&a, dl->owner)->actual += dl->amount;
		}
		rc = print_accuracy(&a, period, err);
	} else if (err->msg[0] == '\0') {
		rc = crm_usagef(err, "--period: '%s' must be a month, a "
				"quarter or FROM..TO", period);
	}
done:
	free(a.rows);
	free(path);
	scope_free(&sc);
	return rc;
}

/* ---- the funnel verb and main ---------------------------------------------------------- */

static int cmd_funnel(int argc, char **argv, struct crm_err *err)
{
	struct scope sc;
	struct acts acts;
	struct history hist;
	int rc = -1;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-")))
		return crm_usagef(err, "unexpected operand '%s'", argv[0]);
	if (opt("by") && (strchr(opt("by"), ' ') || !strstr(" owner source "
			  "month quarter tier pipeline ", opt("by"))))
		return crm_usagef(err, "--by: '%s' is not one of owner, "
				  "source, month, quarter, tier, pipeline",
				  opt("by"));
	acts_start(&acts);
	history_start(&hist);
	if (scope_load(&sc, argc == 1, err) == 0 && (funnels_init(&sc),
	    scan_logs(&sc, &hist, &acts, err) == 0)) {
		count_all(&sc);
		rc = sc.n ? CRM_OK : CRM_NONE;
		if (fmt == F_XLSX && emit_xlsx(!sc.n, err) < 0)
			rc = -1;
		else if (!sc.n)
			crm_msg("no opportunities in scope");
		if (fmt == F_CSV && !sc.n)
			emit_all();
		else if (!sc.n || fmt == F_XLSX)
			;
		else if (fmt == F_TABLE)
			print_report();
		else if (fmt == F_SVG)
			print_svg();
		else
			emit_all();
	}
	acts_free(&acts);
	history_end(&hist);
	if (funnels)
		funnels_free();
	scope_free(&sc);
	return rc;
}

static const struct cli_verb verbs[] = {
	{"funnel", cmd_funnel, "created closed owner source pipeline where by "
	 "format output"},
	{"forecast", cmd_forecast, "created closed owner source pipeline "
	 "where by months save format output"},
	{"accuracy", cmd_accuracy, "period by format output"},
	{NULL, NULL, NULL}
};

static int parse_format(struct crm_err *err)
{
	const char *f = opt("format"), *o = opt("output");
	size_t n = o ? strlen(o) : 0;

	if (!f && n > 5 && !strcasecmp(o + n - 5, ".xlsx"))
		f = "xlsx";
	if (o && (!f || strcmp(f, "xlsx")))
		return crm_usagef(err, "--output: only with --format xlsx");
	if (f && !strcmp(f, "xlsx") && !o)
		return crm_usagef(err, "--format xlsx: give the file with "
				  "--output");
	if (o && store_check_output(&st, o, "--output", err) < 0)
		return -1;
	if (!f)
		fmt = isatty(1) ? F_TABLE : F_CSV;
	else if (!strcmp(f, "table"))
		fmt = F_TABLE;
	else if (!strcmp(f, "csv"))
		fmt = F_CSV;
	else if (!strcmp(f, "jsonl"))
		fmt = F_JSONL;
	else if (!strcmp(f, "svg"))
		fmt = F_SVG;
	else if (!strcmp(f, "xlsx"))
		fmt = F_XLSX;
	else
		return crm_usagef(err, "--format: '%s' is not one of table, "
				  "csv, jsonl, svg, xlsx", f);
	return 0;
}

int main(int argc, char **argv)
{
	struct crm_err err = {0};
	struct cli_common common;
	int status, help;
	char *funnel_argv[] = {"funnel", "-", NULL};

	crm_set_prog(argv[0]);
	argv[0] = (char *)crm_prog;	/* getopt's messages name it */
	if (!(cli = cli_parse(argc, argv, long_options, "C:u:o:w:b:f:h",
			      &help))) {
		fprintf(stderr, "Try 'crm-funnel --help'.\n");
		return CRM_USAGE;
	}
	if (help) {
		printf("%s\n%s", synopsis, help_text);
		cli_free(cli);
		return cli_finish(CRM_OK);
	}
	cli_common_from(cli, &common);
	if (cli_open(&st, &common, &err) < 0 || parse_format(&err) < 0 ||
	    pipelines_load(st.conf, &pipes, &err) < 0) {
		status = -1;
	} else if (optind < argc && cli_verb_find(verbs, argv[optind])) {
		status = cli_run_verb(cli, verbs, argc - optind, argv + optind,
				      &err);
	} else {
		/* No verb: the funnel, of everything or of the records on -. */
		funnel_argv[1] = optind < argc ? argv[optind] : NULL;
		if (optind + 1 < argc)
			status = crm_usagef(&err, "unexpected operand '%s'",
					    argv[optind + 1]);
		else
			status = cli_run_verb(cli, verbs, 1 + (optind < argc),
					      funnel_argv, &err);
	}
	if (status < 0)
		status = err.code == CRM_USAGE ?
			 cli_usage(synopsis, "%s", err.msg) : cli_fail(&err);
	pipelines_free(&pipes);
	store_close(&st);
	cli_free(cli);
	return cli_finish(status);
}
