/* test_jsonl.c - the JSON Lines logs: reading, appending, escaping */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static char dir[] = "/tmp/crm-test-jsonl-XXXXXX";

static char *write_file(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	fwrite(text, 1, len, fp);
	fclose(fp);
	return path;
}

struct seen { struct buf b; int n; };

static int collect(void *ctx, const struct logrec *r, long line,
		   struct crm_err *err)
{
	struct seen *s = ctx;

	s->n++;
	buf_printf(&s->b, "%ld:", line);
	for (size_t i = 0; i < r->n; i++)
		buf_printf(&s->b, "%s=%s;", r->keys[i], r->vals[i]);
	buf_addc(&s->b, '\n');
	return 0;
}

static void scan_case(const char *text, size_t len, int want_rc,
		      const char *want, long want_line, const char *msg_has,
		      const char *name)
{
	char *path = write_file("t.jsonl", text, len);
	struct seen s = {{0}, 0};
	struct crm_err err = {0};
	int rc = jsonl_scan(path, "t.jsonl", collect, &s, &err);

	is_int(rc, want_rc, name);
	if (want)
		is_str(s.b.s ? s.b.s : "", want, name);
	if (want_rc < 0) {
		is_int(err.line, want_line, name);
		ok(msg_has && strstr(err.msg, msg_has), name);
		is_str(err.file, "t.jsonl", name);
	}
	buf_free(&s.b);
	free(path);
}

static void test_scan(void)
{
	const char two[] = "{\"a\":\"1\",\"b\":2}\n{\"a\":\"上海\"}\n";
	const char crlf[] = "{\"a\":\"x\"}\r\n\r\n{\"a\":null,\"o\":{\"k\":[1]}}";

	scan_case(two, strlen(two), 0, "1:a=1;b=2;\n2:a=上海;\n", 0, NULL,
		  "two lines, number as text, CJK");
	scan_case(crlf, strlen(crlf), 0, "1:a=x;\n3:a=;o={\"k\":[1]};\n", 0,
		  NULL, "CRLF, blank line, null, nested, no final newline");
	scan_case("", 0, 0, "", 0, NULL, "empty file");
	scan_case("{\"a\":1}\n{\"a\":\n", 15, -1, NULL, 2, "",
		  "truncated line names its line");
	scan_case("{\"a\":1}\n[1,2]\n", 14, -1, NULL, 2, "not a JSON object",
		  "array is not an object");
	scan_case("{\"a\":\"\xff\"}\n", 10, -1, NULL, 1, "invalid UTF-8",
		  "invalid UTF-8");
	scan_case("{\"a\":\"x\"}\n{\"a\":\0}\n", 18, -1, NULL, 2, "NUL",
		  "NUL byte");
	scan_case("{\"a\":1}\n{\"a\":\"cut sh", 20, 0, "1:a=1;\n", 0, NULL,
		  "torn last line (no newline) is not there yet");
	scan_case("{\"a\":1}\n{\"a\":\n{\"a\":2}", 21, -1, NULL, 2, "",
		  "a bad line before the last is an error");
}

static void test_missing_file(void)
{
	struct seen s = {{0}, 0};
	struct crm_err err = {0};

	is_int(jsonl_scan("/nonexistent/x.jsonl", "x.jsonl", collect, &s,
			  &err), 0, "missing log has no lines");
	is_int(s.n, 0, "missing log: no callback");
}

static void test_escape(void)
{
	struct buf b = {0};

	json_add_string(&b, "a\"b\\c\nd\te\x01 上海");
	is_str(b.s, "\"a\\\"b\\\\c\\nd\\te\\u0001 上海\"", "escaping");
	buf_free(&b);
}

static void test_append(void)
{
	struct store st = {0};
	struct seen s = {{0}, 0};
	struct crm_err err = {0};
	char *path = xasprintf("%s/history.jsonl", dir);

	st.dir = dir;
	st.user = "alice";
	st.lockfd = -1;
	date_set_today("2026-03-02", &err);
	history_append(&st, "customer", "C-1", "name", "", "上海\"晨光\", Ltd");
	ok(access(path, F_OK) != 0, "nothing written before the flush");
	is_int(store_commit(&st, (struct table *const[]){NULL}, &err), 0,
	       "commit of logs alone");
	history_append(&st, "customer", "C-1", "tier", "B", "A");
	is_int(store_commit(&st, (struct table *const[]){NULL}, &err), 0,
	       "second commit appends");
	is_int(jsonl_scan(path, "history.jsonl", collect, &s, &err), 0,
	       "read back");
	is_str(s.b.s, "1:at=2026-03-02T00:00:00Z;by=alice;entity=customer;"
	       "id=C-1;field=name;from=;to=上海\"晨光\", Ltd;\n"
	       "2:at=2026-03-02T00:00:00Z;by=alice;entity=customer;id=C-1;"
	       "field=tier;from=B;to=A;\n", "history lines round-trip");
	buf_free(&s.b);
	buf_free(&st.pending_history);
	buf_free(&st.pending_activities);
	unlink(path);
	free(path);
}

/* The fast scanner and libjq read every line alike: the same record,
 * or both an error. */
static void both_ways(const char *line, const char *name)
{
	struct seen fast = {{0}, 0}, slow = {{0}, 0};
	struct crm_err e1 = {0}, e2 = {0};
	int r1 = jsonl_parse_line(line, strlen(line), 1, collect, &fast, &e1);
	int r2 = jsonl_parse_line(line, strlen(line), 0, collect, &slow, &e2);

	is_int(r1, r2, name);
	is_str(fast.b.s ? fast.b.s : "", slow.b.s ? slow.b.s : "", name);
	is_str(e1.msg, e2.msg, name);
	buf_free(&fast.b);
	buf_free(&slow.b);
}

/* Long strings, so the scanner's eight bytes at a time meet quotes,
 * backslashes and control bytes at every offset.  (No bare quote inside:
 * libjq 1.6 leaks the string before a second one on such a line.) */
static void test_fast_long_strings(void)
{
	static const char *bits[] = { "a", "b", "c", "d", "\\\"", "\\\\",
		"\\n", "\\t", "\t", "\x01", "\x1f", " ", "\x7f", "\xC3\xA9",
		"\xE4\xB8\xAD", "\\u0041", "\\" };
	unsigned seed = 7;
	int bad = 0;

	for (int t = 0; t < 3000; t++) {
		struct buf line = {0};
		struct seen fast = {{0}, 0}, slow = {{0}, 0};
		struct crm_err e1 = {0}, e2 = {0};
		int n = (int)((seed = seed * 1103515245 + 12345) >> 16) % 40;
		int r1, r2;

		buf_adds(&line, "{\"key\":\"");
		for (int i = 0; i < n; i++) {
			unsigned k = (seed = seed * 1103515245 + 12345) >> 16;

			/* mostly plain; now and then anything */
			k = k % 8 ? k % 4 : k % (sizeof bits / sizeof *bits);
			buf_adds(&line, bits[k]);
		}
		buf_adds(&line, t % 2 ? "\"}" : "\",\"b\":\"12345678\"}");
		r1 = jsonl_parse_line(line.s, line.len, 1, collect, &fast, &e1);
		r2 = jsonl_parse_line(line.s, line.len, 0, collect, &slow, &e2);
		if ((r1 != r2 || strcmp(fast.b.s ? fast.b.s : "",
					slow.b.s ? slow.b.s : "") ||
		     strcmp(e1.msg, e2.msg)) && bad++ < 3)
			printf("# %s\n# fast: %s# jq:   %s", line.s,
			       fast.b.s ? fast.b.s : e1.msg,
			       slow.b.s ? slow.b.s : e2.msg);
		buf_free(&fast.b);
		buf_free(&slow.b);
		buf_free(&line);
	}
	is_int(bad, 0, "fast: 3000 random long strings read as libjq reads them");
}

static void test_fast_scanner(void)
{
	struct buf b = {0};

	both_ways("{\"at\":\"2026-03-02T00:00:00Z\",\"by\":\"alice\","
		  "\"entity\":\"opportunity\",\"id\":\"O-1\",\"field\":"
		  "\"stage\",\"from\":\"\",\"to\":\"won\"}",
		  "fast: a history line");
	both_ways("{\"text\":\"a \\\"quote\\\", back\\\\slash\\n\\r"
		  "\\t\\b\\f\\/ 上海\"}", "fast: every short escape");
	both_ways("{\"t\":\"\\u0001\\u00e9\\ud83d\\ude00\"}",
		  "fast: \\u escapes go to libjq");
	both_ways("{\"a\":\"1\",\"a\":\"2\"}", "fast: a repeated key");
	both_ways("{\"a\":\"1\", \"b\":\"2\"}", "fast: a space");
	both_ways("{\"a\":1,\"b\":\"x\"}", "fast: a number");
	both_ways("{\"a\":\"x\",\"b\":null}", "fast: null");
	both_ways("{\"a\":\"x\"}\r", "fast: CR at the end");
	both_ways("{\"a\":\"x\"", "fast: no closing brace");
	both_ways("{\"a\":\"x\",}", "fast: a trailing comma");
	both_ways("{\"a\":\"x}", "fast: an unterminated string");
	both_ways("{\"a\":\"x\\q\"}", "fast: a bad escape");
	both_ways("{\"a\":\"tab\there\"}", "fast: a raw control byte");
	both_ways("{\"\":\"\"}", "fast: empty key and value");
	both_ways("{}", "fast: empty object");
	both_ways("{\"a\":\"x\"}{\"b\":\"y\"}", "fast: two objects");
	both_ways("{\"a\":\"x\":\"y\"}", "fast: a colon too many");
	/* (no colon: libjq 1.6 leaks on that error, so not here) */
	both_ways("{\"a\"}", "fast: a key and no value");
	both_ways("{\"a\":\"x\\\"}", "fast: an escaped closing quote");
	buf_printf(&b, "{");
	for (int i = 0; i < 40; i++)
		buf_printf(&b, "%s\"k%d\":\"v%d\"", i ? "," : "", i, i);
	buf_printf(&b, "}");
	both_ways(b.s, "fast: forty keys");
	buf_free(&b);
}

/* Every record whose line holds text, as a full scan finds them. */
struct holding {
	struct seen s;
	const char *text;
};

static int collect_holding(void *ctx, const struct logrec *r, long line,
			   struct crm_err *err)
{
	struct holding *h = ctx;

	for (size_t i = 0; i < r->n; i++)
		if (strstr(r->vals[i], h->text))
			return collect(&h->s, r, line, err);
	return 0;
}

/* jsonl_scan_grep over more than a block (1 MiB) of lines, the text on
 * lines here and there, at the start and the end, and a bad line it
 * must report with its number. */
static void test_grep(void)
{
	char *path = xasprintf("%s/g.jsonl", dir);
	FILE *fp = fopen(path, "w");
	struct holding all = {{{0}, 0}, "O-TARGET01"};
	struct seen some = {{0}, 0};
	struct crm_err err = {0};
	long lines = 40000;

	for (long i = 1; i <= lines; i++)
		fprintf(fp, "{\"at\":\"2026-01-01\",\"id\":\"%s\",\"text\":"
			"\"line %ld, padding padding padding padding\"}\n",
			i == 1 || i % 997 == 0 || i == lines ? "O-TARGET01"
							   : "O-OTHER001", i);
	fclose(fp);
	is_int(jsonl_scan(path, "g.jsonl", collect_holding, &all, &err), 0,
	       "grep: the full scan");
	is_int(jsonl_scan_grep(path, "g.jsonl", "O-TARGET01", collect, &some,
			       &err), 0, "grep: the lines holding the text");
	is_int(some.n, 2 + lines / 997, "grep: as many lines as hold it");
	is_str(some.b.s, all.s.b.s, "grep: the same records and line numbers");
	fp = fopen(path, "a");
	fprintf(fp, "{\"id\":\"O-TARGET01\",\"bad\"}\n");
	fclose(fp);
	ok(jsonl_scan_grep(path, "g.jsonl", "O-TARGET01", collect, &some,
			   &err) < 0 && err.line == lines + 1,
	   "grep: a bad line holding the text names its line");
	buf_free(&some.b);
	buf_free(&all.s.b);
	unlink(path);
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	test_scan();
	test_missing_file();
	test_escape();
	test_append();
	test_fast_scanner();
	test_fast_long_strings();
	test_grep();
	char *p = xasprintf("%s/t.jsonl", dir);
	unlink(p);
	free(p);
	rmdir(dir);
	return done();
}
