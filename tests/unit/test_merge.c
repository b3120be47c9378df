/* test_merge.c - three-way merge of tables by record id, union of logs */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static char dir[] = "/tmp/crm-test-merge-XXXXXX";

/* contacts.csv: few fixed columns, so the texts stay short; the loader
 * adds the missing ones empty. */
static struct table *load(const char *side, const char *text)
{
	char *path = xasprintf("%s/%s.csv", dir, side);
	FILE *fp = fopen(path, "w");
	struct crm_err err = {0};
	struct table *t;

	fputs(text, fp);
	fclose(fp);
	t = table_load_file(path, side, table_def_find("contacts"), &err);
	if (!t)
		printf("# %s: %s\n", side, err.msg);
	free(path);
	return t;
}

/* Merge three texts; the tables are freed, m is the caller's. */
static int merge3(const char *b, const char *o, const char *t,
		  const struct merge_opts *opts, struct merge *m,
		  struct crm_err *err)
{
	struct table *tb = load("base", b), *to = load("ours", o);
	struct table *tt = load("theirs", t);
	int rc = merge_tables(tb, to, tt, opts, m, err);

	table_free(tb);
	table_free(to);
	table_free(tt);
	return rc;
}

static const char *get(const struct merge *m, size_t r, const char *col)
{
	return r < m->out->nrows ? table_get(m->out, r, col) : "(no row)";
}

static void test_clean_merges(void)
{
	struct merge m;
	struct crm_err err = {0};
	const char *base = "id,name,title,phone\n"
			   "P-2,Bo,cto,2\nP-4,Di,ceo,4\nP-6,Fa,cfo,6\n";
	const char *ours = "id,name,title,phone\n"
			   "P-2,Bo,vp,2\nP-4,Di,ceo,4\nP-5,Ed,,\n";
	const char *theirs = "id,name,title,phone\n"
			     "P-1,Al,,\nP-2,Bo,cto,22\nP-4,Di,ceo,4\n"
			     "P-6,Fa,cfo,6\n";

	ok(merge3(base, ours, theirs, NULL, &m, &err) == 0, "clean: merges");
	is_int(m.out->nrows, 4, "clean: added both sides, P-6 deleted");
	is_str(get(&m, 0, "id"), "P-1", "clean: in id order (theirs' add)");
	is_str(get(&m, 1, "title"), "vp", "clean: ours' field change");
	is_str(get(&m, 1, "phone"), "22", "clean: theirs' other field");
	is_str(get(&m, 2, "id"), "P-4", "clean: the unchanged record");
	is_str(get(&m, 3, "name"), "Ed", "clean: ours' add");
	is_int(m.nc, 0, "clean: no conflict");
	merge_free(&m);
}

static void test_conflict_later_wins(void)
{
	struct merge m;
	struct crm_err err = {0};
	struct strmap *h = strmap_new();
	const char *hist =
		"{\"at\":\"2026-03-02T10:00:00+08:00\",\"by\":\"a\","
		"\"entity\":\"contact\",\"id\":\"P-2\",\"field\":\"title\","
		"\"from\":\"cto\",\"to\":\"vp\"}\n"
		"{\"at\":\"2026-03-02T03:00:00Z\",\"by\":\"b\","
		"\"entity\":\"contact\",\"id\":\"P-2\",\"field\":\"title\","
		"\"from\":\"cto\",\"to\":\"coo\"}\n";
	struct merge_opts o = {0, h};
	const char *b = "id,name,title\nP-2,Bo,cto\n";
	const char *ours = "id,name,title\nP-2,Bo,vp\n";
	const char *theirs = "id,name,title\nP-2,Bob,coo\n";

	ok(merge_history_add(h, hist, strlen(hist), "h", &err) == 0,
	   "later: history read");
	is_str(merge_history_when(h, "P-2", "title", "coo"),
	       "2026-03-02T03:00:00Z", "later: when a value was set");
	is_str(merge_history_when(h, "P-2", "title", "x"), "",
	       "later: unknown value");
	/* 10:00+08:00 is 02:00Z: theirs' 03:00Z is later */
	ok(merge3(b, ours, theirs, &o, &m, &err) == 0, "later: merges");
	is_str(get(&m, 0, "title"), "coo", "later: theirs' later change kept");
	is_str(get(&m, 0, "name"), "Bob", "later: the other field merged");
	is_int(m.nc, 1, "later: one conflict");
	is_int(m.c[0].kind, MERGE_FIELD, "later: a field conflict");
	is_str(m.c[0].field, "title", "later: names the field");
	is_str(m.c[0].base, "cto", "later: base value");
	is_str(m.c[0].ours, "vp", "later: ours' value");
	is_str(m.c[0].theirs, "coo", "later: theirs' value");
	is_int(m.c[0].kept, 't', "later: kept theirs");
	merge_free(&m);

	/* no history: the greater value, the same from either side */
	ok(merge3(b, ours, theirs, NULL, &m, &err) == 0, "tie: merges");
	is_str(get(&m, 0, "title"), "vp", "tie: greater value");
	merge_free(&m);
	ok(merge3(b, theirs, ours, NULL, &m, &err) == 0, "tie: swapped");
	is_str(get(&m, 0, "title"), "vp", "tie: same either way");
	merge_free(&m);
	merge_history_free(h);
}

static void test_strict(void)
{
	struct merge m;
	struct crm_err err = {0};
	struct merge_opts o = {1, NULL};
	struct buf b = {0};

	ok(merge3("id,name,title\nP-1,A,x\nP-2,Bo,cto\n",
		  "id,name,title\nP-1,A,x\nP-2,Bo,vp\n",
		  "id,name,title\nP-1,A,x\nP-2,Bob,coo\n", &o, &m, &err) == 0,
	   "strict: merges");
	is_int(m.c[0].kept, 0, "strict: nothing kept");
	merge_format(&m, &b);
	is_str(b.s,
	       "id,customer,name,title,email,phone,wechat,primary,created,"
	       "updated\n"
	       "P-1,,A,x,,,,,,\n"
	       "<<<<<<< ours\nP-2,,Bob,vp,,,,,,\n=======\n"
	       "P-2,,Bob,coo,,,,,,\n>>>>>>> theirs\n",
	       "strict: the record between git's markers, merged fields in both");
	buf_free(&b);
	merge_free(&m);
}

static void test_deleted(void)
{
	struct merge m;
	struct crm_err err = {0};

	ok(merge3("id,name,title\nP-1,A,x\nP-2,B,y\n",
		  "id,name,title\nP-2,B,y\n",
		  "id,name,title\nP-1,A,changed\n", NULL, &m, &err) == 0,
	   "deleted: merges");
	is_int(m.out->nrows, 1, "deleted: one record left");
	is_str(get(&m, 0, "title"), "changed", "deleted: the change kept");
	is_int(m.nc, 1, "deleted: reported");
	is_int(m.c[0].kind, MERGE_DELETED, "deleted: as a deletion");
	is_int(m.c[0].kept, 't', "deleted: theirs changed it");
	is_str(m.c[0].id, "P-1", "deleted: its id");
	merge_free(&m);
}

static void test_columns_and_dates(void)
{
	struct merge m;
	struct crm_err err = {0};

	ok(merge3("id,name,updated\nP-1,A,2026-03-01\n",
		  "id,name,updated,region\nP-1,A,2026-03-05,north\n",
		  "id,name,updated,size\nP-1,A2,2026-03-04,big\nP-2,B,,small\n",
		  NULL, &m, &err) == 0, "columns: merges");
	is_str(m.out->cols[m.out->ncols - 2], "region", "columns: ours' custom");
	is_str(m.out->cols[m.out->ncols - 1], "size", "columns: theirs' after");
	is_str(get(&m, 0, "region"), "north", "columns: ours' value");
	is_str(get(&m, 0, "size"), "big", "columns: theirs' value");
	is_str(get(&m, 0, "name"), "A2", "columns: theirs' change");
	is_str(get(&m, 0, "updated"), "2026-03-05", "updated: the later date");
	is_str(get(&m, 1, "size"), "small", "columns: theirs' new record");
	is_int(m.nc, 0, "updated: no conflict");
	merge_free(&m);
}

static void test_errors(void)
{
	struct merge m;
	struct crm_err err = {0};

	ok(merge3("id,name\n", "id,name\nP-1,A\nP-1,B\n", "id,name\n", NULL,
		  &m, &err) < 0, "duplicate id: an error");
	ok(strstr(err.msg, "duplicate id P-1 (ours)") != NULL,
	   "duplicate id: named, with the side");
	merge_free(&m);
	ok(merge3("", "", "id,name\nP-1,A\n", NULL, &m, &err) == 0,
	   "empty base and ours: merges");
	is_int(m.out->nrows, 1, "empty base and ours: theirs' record");
	merge_free(&m);
}

static void test_logs(void)
{
	struct buf b = {0};
	const char *ours = "a\nb\nc\n", *theirs = "a\nb\nd\nc\ne";

	merge_logs(ours, strlen(ours), theirs, strlen(theirs), &b);
	is_str(b.s, "a\nb\nc\nd\ne\n", "logs: ours, then theirs' new lines");
	buf_reset(&b);
	merge_logs("x\nx\ny\n", 6, "x\nx\nx\n", 6, &b);
	is_str(b.s, "x\nx\ny\nx\n", "logs: a line as often as either has it");
	buf_reset(&b);
	merge_logs("", 0, "a\n", 2, &b);
	is_str(b.s, "a\n", "logs: into an empty log");
	buf_reset(&b);
	merge_logs("a\n", 2, "", 0, &b);
	is_str(b.s, "a\n", "logs: nothing from theirs");
	buf_free(&b);
}

static void test_instant(void)
{
	is_int(merge_instant("1970-01-02"), 86400, "instant: a date");
	is_int(merge_instant("1970-01-01T01:00:00+01:00"), 0,
	       "instant: a zone east");
	is_int(merge_instant("1970-01-01T00:00:00-00:30"), 1800,
	       "instant: a zone west");
	is_int(merge_instant("1970-01-01T00:00:10.5Z"), 10,
	       "instant: fractions");
	is_int(merge_instant("soon"), -1, "instant: not a time");
	is_int(merge_instant(""), -1, "instant: empty");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 3;
	test_clean_merges();
	test_conflict_later_wins();
	test_strict();
	test_deleted();
	test_columns_and_dates();
	test_errors();
	test_logs();
	test_instant();
	for (const char *const *s = (const char *const[]){"base", "ours",
							   "theirs", NULL};
	     *s; s++) {
		char *p = xasprintf("%s/%s.csv", dir, *s);
		unlink(p);
		free(p);
	}
	rmdir(dir);
	return done();
}
