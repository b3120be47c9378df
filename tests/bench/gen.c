/*
 * gen - a data directory of N deals for the benchmark, the same bytes for
 * the same seed.
 *
 *   gen [-n N] [-s SEED] [-x EXPORT.csv] DIR
 *
 * DIR is made by `crm init DIR` first (crm.conf, empty tables); gen writes
 * customers.csv (N/5), contacts.csv (one a customer), opportunities.csv
 * (N), leads.csv (N/2), history.jsonl (each deal's creation and stage
 * changes, about 4 lines a deal) and activities.jsonl (about 5 a deal),
 * the logs in time order as crm appends them.  Names hold commas, quotes,
 * newlines and Chinese.  With -x, a lead export of N rows (a tenth of them
 * duplicates by e-mail) for crm-lead import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

#define SPAN_DAYS 3650
#define MAX_EV 24

static uint64_t seed = 1;
static int32_t today;

/* splitmix64: one call, one well-mixed value. */
static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

struct rng { uint64_t s; };

static uint64_t rnd(struct rng *r)
{
	return mix(r->s++);
}

static size_t pick(struct rng *r, size_t n)
{
	return (size_t)(rnd(r) % n);
}

static struct rng rng_for(uint64_t kind, uint64_t i)
{
	return (struct rng){mix(seed ^ mix(kind * 0x100000000ULL + i))};
}

/* Ids that grow with i (so tables come out in id order) yet look random:
 * i's slot of 2^40 / n, and a random place in it. */
static void make_id(char type, uint64_t i, uint64_t n, char *out)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t slot = (1ULL << 40) / (n ? n : 1);
	uint64_t v = i * slot + mix(seed + type * 7919 + i) % slot;

	out[0] = type;
	out[1] = '-';
	for (int k = 0; k < ID_RANDOM_CHARS; k++)
		out[2 + k] = b32[(v >> (5 * (ID_RANDOM_CHARS - 1 - k))) & 31];
	out[2 + ID_RANDOM_CHARS] = '\0';
}

static const char *const owners[] = {"alice", "bob"};
static const char *const stages[] = {"lead", "qualified", "proposal",
				     "negotiation", "won", "lost"};
static const char *const sources[] = {"web", "referral", "展会", "partner",
				      "cold-call"};
static const char *const cities[] = {"上海", "北京", "深圳", "Berlin",
				     "São Paulo", "東京"};
static const char *const words[] = {
	"实时数仓建设", "CRM rollout", "Renewal 2026, phase 2",
	"BI 升级 \"旗舰版\"", "Data platform,\nsecond stage", "安全合规审计",
	"ERP migration", "数据中台二期", "Cloud \"lift, shift\"",
};
static const char *const companies[] = {
	"上海晨曦精密机械有限公司", "Acme, Inc.", "\"Best\" Foods",
	"宁波东海塑业有限公司", "Müller & Söhne GmbH", "Northwind\nTraders",
	"星河数据科技", "O'Brien, Smith & Co",
};
static const char *const notes[] = {
	"年度规划会, 客户计划下半年推广到华南工厂",
	"call back re: \"pricing\", wants 10% off",
	"上门拜访\n- 参观新工厂\n- 讨论二期范围",
	"sent proposal v2",
	"客户 IT 负责人换人, 需要重新建立关系",
};
static const char *const act_types[] = {"call", "visit", "email",
					"meeting", "note"};
static const char *const reasons[] = {"price", "no decision",
				      "competitor, \"BigCo\"", "预算取消"};

/* ---- the tables ------------------------------------------------------- */

static void day_text(int32_t day, char *out)
{
	if (day == DATE_NONE)
		*out = '\0';
	else
		date_format(day, out);
}

static void emit_row(FILE *fp, struct buf *b, char **f, size_t n)
{
	buf_reset(b);
	csv_buf_row(b, f, n, ',');
	fwrite(b->s, 1, b->len, fp);
}

static FILE *open_out(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	if (!fp) {
		perror(path);
		exit(3);
	}
	free(path);
	return fp;
}

static void close_out(FILE *fp)
{
	if (fclose(fp) != 0) {
		perror("gen: write");
		exit(3);
	}
}

static void write_header(FILE *fp, const char *table)
{
	const struct table_def *d = table_def_find(table);

	for (size_t c = 0; c < d->ncols; c++)
		fprintf(fp, "%s%s", c ? "," : "", d->cols[c].name);
	fputc('\n', fp);
}

static void write_customers(const char *dir, size_t m)
{
	FILE *fc = open_out(dir, "customers.csv");
	FILE *fp = open_out(dir, "contacts.csv");
	struct buf b = {0};
	char id[ID_MAX], pid[ID_MAX], name[200], mail[80], phone[32];
	char created[16];

	write_header(fc, "customers");
	write_header(fp, "contacts");
	for (size_t i = 0; i < m; i++) {
		struct rng r = rng_for(1, i);
		int32_t day = today - SPAN_DAYS - 30 + (int32_t)pick(&r, 30);

		make_id('C', i, m, id);
		make_id('P', i, m, pid);
		snprintf(name, sizeof name, "%s %zu",
			 companies[pick(&r, 8)], i);
		snprintf(mail, sizeof mail, "info%zu@example.com", i);
		snprintf(phone, sizeof phone, "021-%08zu", i);
		day_text(day, created);
		char *c[] = {id, name, "company", (char *)owners[pick(&r, 2)],
			     "", "", "", (char *)sources[pick(&r, 5)], phone,
			     mail, "", "", (char *)cities[pick(&r, 6)], "CN",
			     "", "", "", created, created};
		emit_row(fc, &b, c, 19);
		char *p[] = {pid, id, "张伟", "CTO, \"IT\"", mail, phone, "",
			     "yes", created, created};
		emit_row(fp, &b, p, 10);
	}
	buf_free(&b);
	close_out(fc);
	close_out(fp);
}

static void write_leads(const char *dir, size_t n)
{
	static const char *const status[] = {"new", "working", "qualified",
					     "dropped"};
	FILE *fp = open_out(dir, "leads.csv");
	struct buf b = {0};
	char id[ID_MAX], name[80], mail[80], score[8], amount[32], day[16];

	write_header(fp, "leads");
	for (size_t i = 0; i < n; i++) {
		struct rng r = rng_for(2, i);
		int32_t d = today - (int32_t)(SPAN_DAYS * (n - i) / (n + 1));

		make_id('L', i, n, id);
		snprintf(name, sizeof name, "李%s, Lee %zu",
			 i % 3 ? "明" : "\"小明\"", i);
		snprintf(mail, sizeof mail, "lead%zu@example.com", i);
		snprintf(score, sizeof score, "%zu", pick(&r, 100));
		money_format((int64_t)pick(&r, 500000) * 100, amount);
		day_text(d, day);
		char *f[] = {id, name, (char *)companies[pick(&r, 8)], "",
			     mail, "", (char *)sources[pick(&r, 5)],
			     (char *)status[pick(&r, 4)], score,
			     (char *)owners[pick(&r, 2)], amount, "", "", "",
			     "", "", "", day, day};
		emit_row(fp, &b, f, 19);
	}
	buf_free(&b);
	close_out(fp);
}

/* ---- a deal's story ------------------------------------------------------ */

struct event {
	int64_t at;            /* seconds since the epoch */
	int kind;              /* 0 creation, 1 stage change, 2 activity */
	int from, to;          /* stage indexes for a change */
	int what;              /* activity type and text */
};
struct story {
	int32_t created, closed, last_contact, updated, next;
	int stage;             /* the current stage */
	int64_t amount;
	size_t nev;
	struct event ev[MAX_EV];
};

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static int64_t at_on(int32_t day, struct rng *r)
{
	return (int64_t)day * 86400 + 8 * 3600 + (int64_t)pick(r, 10 * 3600);
}

/* Stage path: forward from lead, ending won, lost or still open. */
static int plan_path(struct story *s, struct rng *r, int *path)
{
	int old = today - s->created > 150;
	size_t u = pick(r, 100);
	int end, n = 0;

	if (old ? u < 40 : u < 15)
		end = 4;                       /* won */
	else if (old ? u < 95 : u < 40)
		end = 5;                       /* lost */
	else
		end = (int)pick(r, 4);         /* open at that stage */
	int reach = end == 5 ? (int)pick(r, 4) : end < 4 ? end : 3;
	for (int k = 1; k <= reach; k++)
		path[n++] = k;
	if (end >= 4)
		path[n++] = end;
	return n;
}

static void plan_story(struct story *s, size_t i, size_t n)
{
	struct rng r = rng_for(3, i);
	int path[8], np, prev = 0;
	int32_t span, day;

	memset(s, 0, sizeof *s);
	s->created = today - (int32_t)((uint64_t)SPAN_DAYS * (n - i) / (n + 1));
	s->amount = (int64_t)(pick(&r, 200000) + 1) * 100 +
		    (pick(&r, 4) ? 0 : (int64_t)pick(&r, 100));
	np = plan_path(s, &r, path);
	span = (int32_t)(20 + pick(&r, 100));
	if (s->created + span >= today)
		span = today - s->created;
	s->ev[s->nev++] = (struct event){at_on(s->created, &r), 0, 0, 0, 0};
	for (int k = 0; k < np; k++) {
		day = s->created + span * (k + 1) / (np + 1);
		s->ev[s->nev++] = (struct event){at_on(day, &r), 1, prev,
						 path[k], 0};
		prev = path[k];
	}
	s->stage = prev;
	s->closed = prev >= 4 && np ? s->created + span * np / (np + 1)
				    : DATE_NONE;
	for (size_t k = 0, na = 2 + pick(&r, 7); k < na; k++) {
		day = s->created + (int32_t)pick(&r, (size_t)span + 1);
		s->ev[s->nev++] = (struct event){at_on(day, &r), 2, 0, 0,
						 (int)pick(&r, 25)};
		if (day > s->last_contact)
			s->last_contact = day;
	}
	qsort(s->ev + 1, s->nev - 1, sizeof *s->ev, cmp_event);
	s->updated = (int32_t)(s->ev[s->nev - 1].at / 86400);
	s->next = prev < 4 ? s->last_contact + (int32_t)pick(&r, 30) : 0;
}

static void write_opp(FILE *fp, struct buf *b, size_t i, size_t n, size_t m)
{
	struct story s;
	struct rng r = rng_for(4, i);
	char id[ID_MAX], cust[ID_MAX], ct[ID_MAX], amount[32], name[200];
	char created[16], closed[16], last[16], updated[16], next[16];
	char close[16];
	size_t c = pick(&r, m);

	plan_story(&s, i, n);
	make_id('O', i, n, id);
	make_id('C', c, m, cust);
	make_id('P', c, m, ct);
	snprintf(name, sizeof name, "%s #%zu", words[pick(&r, 9)], i);
	money_format(s.amount, amount);
	day_text(s.created, created);
	day_text(s.closed, closed);
	day_text(s.last_contact, last);
	day_text(s.updated, updated);
	day_text(s.next ? s.next : DATE_NONE, next);
	day_text(s.closed != DATE_NONE ? s.closed : s.created + 90, close);
	char *f[] = {id, name, cust, ct, (char *)owners[pick(&r, 2)], "",
		     (char *)stages[s.stage], amount, "CNY", "", close,
		     (char *)sources[pick(&r, 5)], next,
		     s.next ? "跟进, \"报价\"" : "", last,
		     s.stage == 5 ? (char *)reasons[pick(&r, 4)] : "",
		     created, closed, updated};
	emit_row(fp, b, f, 19);
}

static void write_opps(const char *dir, size_t n, size_t m)
{
	FILE *fp = open_out(dir, "opportunities.csv");
	struct buf b = {0};

	write_header(fp, "opportunities");
	for (size_t i = 0; i < n; i++)
		write_opp(fp, &b, i, n, m);
	buf_free(&b);
	close_out(fp);
}

/* ---- the logs, in time order ----------------------------------------------- */

struct slot { int64_t at; size_t deal, k; };
struct heap { struct slot *v; size_t n, cap; };

static int before(const struct slot *a, const struct slot *b)
{
	return a->at != b->at ? a->at < b->at : a->deal < b->deal;
}

static void heap_push(struct heap *h, struct slot s)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->v = xrealloc(h->v, h->cap * sizeof *h->v);
	}
	for (i = h->n++; i && before(&s, &h->v[(i - 1) / 2]); i = (i - 1) / 2)
		h->v[i] = h->v[(i - 1) / 2];
	h->v[i] = s;
}

static struct slot heap_pop(struct heap *h)
{
	struct slot top = h->v[0], last = h->v[--h->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	h->v[i] = last;
	return top;
}

static void iso_at(int64_t at, char *out)
{
	char day[16];
	int64_t sec = at % 86400;

	date_format((int32_t)(at / 86400), day);
	snprintf(out, 40, "%sT%02d:%02d:%02d+08:00", day, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
}

static void json_pair(struct buf *b, const char *k, const char *v)
{
	if (b->s[b->len - 1] != '{')
		buf_addc(b, ',');
	json_add_string(b, k);
	buf_addc(b, ':');
	json_add_string(b, v);
}

static void emit_event(FILE *fh, FILE *fa, struct buf *b, const struct
		       event *e, size_t i, size_t n, size_t m)
{
	char at[40], id[ID_MAX], cust[ID_MAX];
	struct rng r = rng_for(4, i);
	size_t c = pick(&r, m);
	const char *by = owners[pick(&r, 2)];
	int on_cust = e->kind == 2 && e->what % 5 == 0;

	iso_at(e->at, at);
	make_id('O', i, n, id);
	make_id('C', c, m, cust);
	buf_reset(b);
	buf_addc(b, '{');
	json_pair(b, "at", at);
	json_pair(b, "by", by);
	json_pair(b, "entity", on_cust ? "customer" : "opportunity");
	json_pair(b, "id", on_cust ? cust : id);
	if (e->kind == 2) {
		json_pair(b, "type", act_types[e->what % 5]);
		json_pair(b, "text", notes[e->what / 5]);
	} else {
		json_pair(b, "field", e->kind ? "stage" : "id");
		json_pair(b, "from", e->kind ? stages[e->from] : "");
		json_pair(b, "to", e->kind ? stages[e->to] : id);
	}
	buf_adds(b, "}\n");
	fwrite(b->s, 1, b->len, e->kind == 2 ? fa : fh);
}

static void write_logs(const char *dir, size_t n, size_t m)
{
	FILE *fh = open_out(dir, "history.jsonl");
	FILE *fa = open_out(dir, "activities.jsonl");
	struct heap h = {0};
	struct buf b = {0};
	struct story s;
	size_t next = 0;

	while (next < n || h.n) {
		/* Deals begin in index order: each joins before its first
		 * event can be the earliest. */
		while (next < n && (!h.n || (int64_t)(today - (int32_t)(
			(uint64_t)SPAN_DAYS * (n - next) / (n + 1))) * 86400
			<= h.v[0].at)) {
			plan_story(&s, next, n);
			heap_push(&h, (struct slot){s.ev[0].at, next, 0});
			next++;
		}
		struct slot top = heap_pop(&h);
		plan_story(&s, top.deal, n);
		emit_event(fh, fa, &b, &s.ev[top.k], top.deal, n, m);
		if (top.k + 1 < s.nev)
			heap_push(&h, (struct slot){s.ev[top.k + 1].at,
						    top.deal, top.k + 1});
	}
	free(h.v);
	buf_free(&b);
	close_out(fh);
	close_out(fa);
}

/* A lead export as a CRM would write it: its own headers, a tenth of the
 * rows the same person again. */
static void write_export(const char *path, size_t n)
{
	FILE *fp = fopen(path, "w");
	struct buf b = {0};
	char name[80], mail[80], phone[32];

	if (!fp) {
		perror(path);
		exit(3);
	}
	fputs("First Name,Last Name,Company,Email,Phone,Lead Source\n", fp);
	for (size_t i = 0; i < n; i++) {
		struct rng r = rng_for(5, i);
		size_t who = i % 10 == 9 ? pick(&r, i) : i;

		snprintf(name, sizeof name, "Wei%zu", who);
		snprintf(mail, sizeof mail, "wei%zu@example.com", who);
		snprintf(phone, sizeof phone, "+86 138 %04zu %04zu",
			 who / 10000 % 10000, who % 10000);
		char *f[] = {name, i % 2 ? "张" : "O'Neil, Jr.",
			     (char *)companies[pick(&r, 8)], mail, phone,
			     (char *)sources[pick(&r, 5)]};
		emit_row(fp, &b, f, 6);
	}
	buf_free(&b);
	close_out(fp);
}

int main(int argc, char **argv)
{
	size_t n = 1000000;
	const char *export = NULL;
	int c;

	crm_set_prog(argv[0]);
	while ((c = getopt(argc, argv, "n:s:x:")) != -1) {
		if (c == 'n')
			n = strtoull(optarg, NULL, 10);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 10);
		else if (c == 'x')
			export = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1 || n < 5)
		goto usage;
	today = date_from_ymd(2026, 3, 2);
	write_customers(argv[optind], n / 5);
	write_leads(argv[optind], n / 2);
	write_opps(argv[optind], n, n / 5);
	write_logs(argv[optind], n, n / 5);
	if (export)
		write_export(export, n);
	return 0;
usage:
	fprintf(stderr, "usage: gen [-n N] [-s SEED] [-x export.csv] DIR\n");
	return 2;
}
