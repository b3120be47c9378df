/* test_table.c - tables, lookups, stdin records, the jq bridge, values */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static char dir[] = "/tmp/crm-test-table-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
	free(path);
}

static char *read_file(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "r");
	struct buf b = {0};
	char chunk[4096];
	size_t n;

	while (fp && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	if (fp)
		fclose(fp);
	free(path);
	return b.s ? b.s : xstrdup("");
}

static const struct table_def *customers(void)
{
	return table_def_find("customers");
}

static void test_custom_columns_survive(void)
{
	struct crm_err err = {0};
	struct table *t;
	char *text;

	/* Fixed columns out of order, two missing, a custom one between. */
	write_file("customers.csv", "name,employees,id\n"
		   "\"上海\"\"晨光\"\", Ltd\",300,C-BBBBBBBB\n"
		   "Acme,,C-AAAAAAAA\n");
	t = table_load(dir, customers(), &err);
	ok(t != NULL, "load with custom column");
	is_int(t->ncols, customers()->ncols + 1, "fixed columns + 1 custom");
	is_str(t->cols[t->ncols - 1], "employees", "custom column last");
	is_str(table_get(t, 0, "employees"), "300", "custom value");
	is_str(table_get(t, 0, "owner"), "", "missing fixed column empty");
	is_int(t->lines[1], 3, "row line numbers");
	is_int(table_save(t, &err), 0, "save");
	table_free(t);
	text = read_file("customers.csv");
	is_str(text, "id,name,kind,owner,tier,tags,industry,source,phone,"
	       "email,website,address,city,country,next_date,next_action,"
	       "last_contact,created,updated,employees\n"
	       "C-AAAAAAAA,Acme,,,,,,,,,,,,,,,,,,\n"
	       "C-BBBBBBBB,\"上海\"\"晨光\"\", Ltd\",,,,,,,,,,,,,,,,,,300\n",
	       "saved: schema order, custom kept, sorted by id");
	free(text);
}

static void test_bad_headers(void)
{
	struct crm_err err = {0};

	write_file("customers.csv", "id,name,name\nC-AAAAAAAA,a,b\n");
	ok(table_load(dir, customers(), &err) == NULL, "duplicate header");
	ok(strstr(err.msg, "duplicate column 'name'") != NULL,
	   "duplicate header message");
	is_int(err.line, 1, "duplicate header line");
	write_file("customers.csv", "id,name\nC-AAAAAAAA,a,extra\n");
	ok(table_load(dir, customers(), &err) == NULL, "ragged row");
	is_int(err.line, 2, "ragged row line");
	is_str(err.file, "customers.csv", "ragged row file");
}

static void test_lookup(void)
{
	struct crm_err err = {0};
	struct table *t;

	write_file("customers.csv", "id,name\nC-AB000001,Acme\n"
		   "C-AB000002,Beta\nC-CD000003,Beta\nC-CD0000030,Gamma\n");
	t = table_load(dir, customers(), &err);
	is_int(table_find_id(t, "C-AB000002", &err), 1, "full id");
	is_int(table_find_id(t, "c-ab0000o2", &err), 1,
	       "lower case and O for 0");
	is_int(table_find_id(t, "C-AB", &err), -1, "ambiguous prefix");
	is_str(err.msg, "ambiguous customer id 'C-AB': C-AB000001, "
	       "C-AB000002", "ambiguous message lists the candidates");
	is_int(table_find_id(t, "C-CD000003", &err), 2,
	       "an exact id wins over a longer one");
	is_int(table_find_id(t, "C-ZZ", &err), -1, "unknown id");
	is_str(err.msg, "unknown customer 'C-ZZ'", "unknown message");
	is_int(table_find_ref(t, "Acme", &err), 0, "by exact name");
	is_int(table_find_ref(t, "Beta", &err), -1, "name used twice");
	ok(strstr(err.msg, "use the id") != NULL, "name used twice message");
	is_int(table_find_ref(t, "acme", &err), -1, "names are exact");
	table_free(t);
}

static struct table *stdin_table(const char *text, struct crm_err *err)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct table *t = input_read(fp, "-", err);

	fclose(fp);
	return t;
}

static void test_input(void)
{
	struct crm_err err = {0};
	struct table *t;

	t = stdin_table("C-AB000001\n\nC-CD\r\n", &err);
	is_int(t->nrows, 2, "ids: two, blank skipped");
	is_str(table_get(t, 1, "id"), "C-CD", "ids: CR stripped");
	table_free(t);
	t = stdin_table("\xEF\xBB\xBFid,name\nC-1,\"a,b\"\n", &err);
	is_int(t->nrows, 1, "csv with BOM");
	is_str(table_get(t, 0, "name"), "a,b", "csv quoted field");
	table_free(t);
	t = stdin_table("{\"id\":\"C-1\",\"amount\":12}\n{\"id\":\"C-2\"}\n",
			&err);
	is_int(t->nrows, 2, "jsonl");
	is_str(table_get(t, 0, "amount"), "12", "jsonl number as text");
	is_str(table_get(t, 1, "amount"), "", "jsonl missing key empty");
	table_free(t);
	t = stdin_table("", &err);
	is_int(t ? (long)t->nrows : -1, 0, "empty stdin");
	table_free(t);
	ok(stdin_table("id,name\nC-1,\"open\n", &err) == NULL,
	   "bad csv on stdin");
	is_int(err.line, 2, "bad csv on stdin: line");
}

static void test_filter(void)
{
	struct crm_err err = {0};
	const struct table_def *opps = table_def_find("opportunities");
	struct table *t = table_new(opps, NULL);
	struct filter *f;
	size_t r = table_add_row(t);

	table_set(t, r, "amount", "1280000.50");
	table_set(t, r, "stage", "proposal");
	f = filter_compile(".amount > 100000 and .stage == \"proposal\" and "
			   ".probability == null", &err);
	ok(f != NULL, "compile");
	is_int(filter_match(f, t, t->rows[r], &err), 1, "money is a number");
	table_set(t, r, "amount", "99");
	is_int(filter_match(f, t, t->rows[r], &err), 0, "no match");
	filter_free(f);
	ok(filter_compile(".amount >", &err) == NULL, "syntax error");
	is_int(err.code, CRM_USAGE, "compile error is a usage error");
	ok(!strncmp(err.msg, "--where: ", 9), "message names --where");
	f = filter_compile(".stage | test(1)", &err);
	is_int(filter_match(f, t, t->rows[r], &err), -1, "runtime error");
	filter_free(f);
	struct buf b = {0};
	table_set(t, r, "amount", "");
	row_to_json(&b, t, t->rows[r]);
	ok(strstr(b.s, "\"amount\":null") != NULL, "empty money is null");
	buf_free(&b);
	table_free(t);
}

static void test_values(void)
{
	struct crm_err err = {0};
	const struct table_def *o = table_def_find("opportunities");
	char *v;

	v = value_normalize(o, "close", "2026年3月5日", &err);
	is_str(v, "2026-03-05", "date normalised");
	free(v);
	v = value_normalize(o, "amount", "￥12.5万", &err);
	is_str(v, "125000", "money normalised");
	free(v);
	ok(value_normalize(o, "amount", "TBD", &err) == NULL, "bad money");
	ok(value_normalize(o, "probability", "4x", &err) == NULL,
	   "bad number");
	v = value_normalize(o, "competitor", "anything", &err);
	is_str(v, "anything", "custom column as is");
	free(v);
	is_int(value_check(o, "amount", "1,200", &err), -1,
	       "stored money must be plain");
	is_int(value_check(o, "close", "2026/3/5", &err), -1,
	       "stored date must be ISO");
	is_int(value_check(table_def_find("contacts"), "primary", "maybe",
			   &err), -1, "enum checked");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	test_custom_columns_survive();
	test_bad_headers();
	test_lookup();
	test_input();
	test_filter();
	test_values();
	char *p = xasprintf("%s/customers.csv", dir);
	unlink(p);
	free(p);
	rmdir(dir);
	return done();
}
