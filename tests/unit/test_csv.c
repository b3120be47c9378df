/* test_csv.c - strict CSV reading, minimal-quoting writing */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

/* What a read delivered: "LINE:f1|f2|...\n" per record (CR, LF, TAB and
 * NUL shown as \r \n \t \0), then "ERR LINE: msg\n" if it failed. */
struct got {
	struct buf out;
	size_t rows;
	size_t stop_at;       /* fail in the callback on record n (from 1) */
};

static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			buf_adds(b, "\\n");
		else if (*s == '\r')
			buf_adds(b, "\\r");
		else if (*s == '\t')
			buf_adds(b, "\\t");
		else
			buf_addc(b, *s);
	}
}

static int collect(void *ctx, char **fields, size_t n, long line,
		   struct crm_err *err)
{
	struct got *g = ctx;
	size_t i;

	g->rows++;
	if (g->stop_at && g->rows == g->stop_at)
		return crm_errf(err, "cb", line, "stopped at record %zu",
				g->rows);
	buf_printf(&g->out, "%ld:", line);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&g->out, '|');
		add_escaped(&g->out, fields[i]);
	}
	buf_addc(&g->out, '\n');
	if (fields[n] != NULL)
		buf_adds(&g->out, "(fields not NULL-terminated)\n");
	return 0;
}

/* Read s through csv_read_mem (use_file 0) or csv_read on a temp file. */
static char *run(int use_file, const char *s, size_t len,
		 const struct csv_opts *o, size_t stop_at)
{
	struct got g = { .stop_at = stop_at };
	struct crm_err err = {0};
	FILE *fp;
	int rc;

	buf_adds(&g.out, "");
	if (use_file) {
		fp = tmpfile();
		if (!fp || fwrite(s, 1, len, fp) != len)
			return xstrdup("tmpfile failed");
		rewind(fp);
		rc = csv_read(fp, "t.csv", o, collect, &g, &err);
		fclose(fp);
	} else {
		rc = csv_read_mem(s, len, "t.csv", o, collect, &g, &err);
	}
	if (rc < 0)
		buf_printf(&g.out, "ERR %ld: %s\n", err.line, err.msg);
	else if (rc != 0)
		buf_printf(&g.out, "BAD RC %d\n", rc);
	return g.out.s;
}

/* Read with both readers, and with every line through libcsv; they must
 * agree.  Returns the result (valid until the next call). */
static const char *rdn(const char *s, size_t len, const struct csv_opts *o)
{
	static const struct csv_opts none;
	static char *last;
	struct csv_opts slow = o ? *o : none;
	char *m = run(0, s, len, o, 0), *f = run(1, s, len, o, 0), *l;

	slow.libcsv_only = 1;
	l = run(1, s, len, &slow, 0);
	is_str(f, m, "  csv_read and csv_read_mem agree");
	is_str(l, m, "  split plain lines as libcsv does");
	free(f);
	free(l);
	free(last);
	last = m;
	return m;
}

static const char *rd(const char *s)
{
	return rdn(s, strlen(s), NULL);
}

static const char *rdo(const char *s, const struct csv_opts *o)
{
	return rdn(s, strlen(s), o);
}

static void test_simple(void)
{
	is_str(rd("a,b,c\n1,2,3\n4,5,6\n"), "1:a|b|c\n2:1|2|3\n3:4|5|6\n",
	       "simple rows");
	is_str(rd("a,b\n1,2"), "1:a|b\n2:1|2\n", "no final newline");
	is_str(rd("a,b,c\n,,\n"), "1:a|b|c\n2:||\n", "empty fields");
	is_str(rd("a,b,c\n1,2,\n"), "1:a|b|c\n2:1|2|\n", "trailing delimiter");
	is_str(rd("a,b\n x , y \n"), "1:a|b\n2: x | y \n",
	       "spaces are kept");
	is_str(rd("a,b\n\t1,2\t\n"), "1:a|b\n2:\\t1|2\\t\n", "tabs are kept");
	is_str(rd("h\n \n"), "1:h\n2: \n", "a line of one space is a record");
}

static void test_quoted(void)
{
	is_str(rd("name,note\n\"Acme, Inc.\",\"say \"\"hi\"\"\"\n"),
	       "1:name|note\n2:Acme, Inc.|say \"hi\"\n",
	       "quoted comma and doubled quotes");
	is_str(rd("a,b\n\"\",\"\"\"\"\n"), "1:a|b\n2:|\"\n",
	       "quoted empty and lone quote");
	is_str(rd("a,b\n\"line1\nline2\",x\nnext,y\n"),
	       "1:a|b\n2:line1\\nline2|x\n4:next|y\n",
	       "embedded LF: next record's line is right");
	is_str(rd("a,b\r\n\"l1\r\nl2\",x\r\nnext,y\r\n"),
	       "1:a|b\n2:l1\\r\\nl2|x\n4:next|y\n",
	       "embedded CRLF kept, counted as one line");
	is_str(rd("a\n\"1\n2\n3\n4\"\nz\n"), "1:a\n2:1\\n2\\n3\\n4\n6:z\n",
	       "field over five lines");
	is_str(rd("a,b\nx,\"1\n\n2\"\ny,z\n"),
	       "1:a|b\n2:x|1\\n\\n2\n5:y|z\n",
	       "empty line inside a quoted field is data");
	is_str(rd("\"a\nb\",\"c\nd\"\n1,2\n"), "1:a\\nb|c\\nd\n4:1|2\n",
	       "multi-line header");
}

static void test_line_ends(void)
{
	is_str(rd("a,b\r\n1,2\r\n3,4\r\n"), "1:a|b\n2:1|2\n3:3|4\n",
	       "CRLF file");
	is_str(rd("a,b\r\n1,2"), "1:a|b\n2:1|2\n", "CRLF, no final newline");
	is_str(rd("a,b\n\n1,2\n\r\n\n3,4\n\n"), "1:a|b\n3:1|2\n6:3|4\n",
	       "blank lines give no records but count");
	is_str(rd("\n\na,b\n1,2\n"), "3:a|b\n4:1|2\n",
	       "blank lines before the header");
	/* A lone CR ends a record without starting a new line number. */
	is_str(rd("a,b\r1,2\n3,4\n"), "1:a|b\n1:1|2\n2:3|4\n",
	       "lone CR ends a record on the same line");
	is_str(rd("a,b\n\"x\ry\",z\n"), "1:a|b\n2:x\\ry|z\n",
	       "CR inside quotes is data");
	is_str(rd("h\n\"a\nb\"\rc\n"), "1:h\n2:a\\nb\n3:c\n",
	       "record after lone CR that ends a multi-line record");
}

static void test_bom(void)
{
	is_str(rd("\xEF\xBB\xBF" "a,b\n1,2\n"), "1:a|b\n2:1|2\n",
	       "BOM skipped");
	is_str(rd("\xEF\xBB\xBF\"name\",\"x\"\n1,2\n"), "1:name|x\n2:1|2\n",
	       "BOM then quoted header");
	is_str(rd("\xEF\xBB\xBF"), "", "BOM only: no records");
	is_str(rd("a\n\xEF\xBB\xBF" "b\n"), "1:a\n2:\xEF\xBB\xBF" "b\n",
	       "U+FEFF later is data");
	is_str(rd("\xEF\xBB\xBF\xEF\xBB\xBF" "a\n"), "1:\xEF\xBB\xBF" "a\n",
	       "only one BOM is skipped");
}

static void test_empty(void)
{
	struct got g = {0};
	struct crm_err err = {0};

	is_str(rd(""), "", "empty input: no records");
	is_int(csv_read_mem(NULL, 0, "t.csv", NULL, collect, &g, &err), 0,
	       "NULL, 0 reads as empty");
	is_int(g.rows, 0, "  and calls nothing");
	is_str(rd("\n\r\n\n"), "", "only blank lines: no records");
	is_str(rd("a,b,c\n"), "1:a|b|c\n", "header only: one record");
	is_str(rd("a,b,c"), "1:a|b|c\n", "header only, no newline");
	is_str(rd("\"\"\n"), "1:\n", "a lone \"\" is one empty field");
}

static void test_skip_blank(void)
{
	struct csv_opts o = { .skip_blank = 1 };

	is_str(rd("a\n\"\"\nb\n"), "1:a\n2:\n3:b\n",
	       "\"\" line is a record by default");
	is_str(rdo("a\n\"\"\nb\n", &o), "1:a\n3:b\n", "skip_blank skips it");
	is_str(rdo("a,b\n\"\"\n1,2\n", &o), "1:a|b\n3:1|2\n",
	       "skipped record is not ragged");
	is_str(rd("a,b\n\"\"\n1,2\n"),
	       "1:a|b\nERR 2: row has 1 field, header has 2\n",
	       "without skip_blank it is ragged");
	is_str(rdo("a\n \n", &o), "1:a\n2: \n", "a space is not blank");
}

static void test_ragged(void)
{
	struct csv_opts o = { .allow_ragged = 1 };

	is_str(rd("a,b,c,d\n1,2,3,4\n1,2,3\n"),
	       "1:a|b|c|d\n2:1|2|3|4\nERR 3: row has 3 fields, header has 4\n",
	       "short row names its line");
	is_str(rd("a,b\n1,2,3\n"),
	       "1:a|b\nERR 2: row has 3 fields, header has 2\n", "long row");
	is_str(rd("a,b\n\"x\ny\",1\n\n1\n"),
	       "1:a|b\n2:x\\ny|1\nERR 5: row has 1 field, header has 2\n",
	       "ragged line after a multi-line record and a blank line");
	is_str(rd("a,b\r\n1,2\r\n3\r\n"),
	       "1:a|b\n2:1|2\nERR 3: row has 1 field, header has 2\n",
	       "ragged in a CRLF file");
	is_str(rd("a,b\n1,2\n3"),
	       "1:a|b\n2:1|2\nERR 3: row has 1 field, header has 2\n",
	       "ragged last record without newline");
	is_str(rdo("a,b\n1\n1,2,3\n", &o), "1:a|b\n2:1\n3:1|2|3\n",
	       "allow_ragged delivers them");
}

static void test_bad_quotes(void)
{
	const char *r;

	is_str(rd("a,b\n1,2\nx,\"never closed\nmore\n"),
	       "1:a|b\n2:1|2\nERR 3: unterminated quoted field\n",
	       "unterminated quote names the record's line");
	is_str(rd("\"abc"), "ERR 1: unterminated quoted field\n",
	       "unterminated on line 1");
	is_str(rd("a,b\n\"x\n\ny\",\"z\n"),
	       "1:a|b\nERR 2: unterminated quoted field\n",
	       "unterminated second field of a multi-line record");
	r = rd("a,b\n\"x\"y,2\n");
	ok(!strncmp(r, "1:a|b\nERR 2: malformed quoted field", 35) &&
	   strstr(r, "after the closing quote"), "text after closing quote");
	r = rd("a,b\n1,x\"y\n");
	ok(!strncmp(r, "1:a|b\nERR 2: malformed quoted field", 35) &&
	   strstr(r, "unquoted"), "quote inside unquoted field");
	ok(strstr(rd("a,b\n\"x\" ,y\n"), "ERR 2: malformed quoted field") !=
	   NULL, "space after closing quote is malformed");
	ok(strstr(rd("a,b\n\"x\",\"y\" \n"), "ERR 2: malformed quoted field")
	   != NULL, "space after last closing quote is malformed");
	/* A stray opening quote swallows lines; the record's start is
	 * where the fix goes. */
	r = rd("a,b\n\"oops,1\n2,3\n4,\"5\n6,7\n");
	ok(!strncmp(r, "1:a|b\nERR 2: malformed quoted field", 35),
	   "stray quote is reported where its record starts");
	ok(strstr(rd("a,b\r\n1,2\r\n\"x\"\"\r\ny\" z\"\r\n"),
		  "ERR 3: malformed quoted field") != NULL,
	   "malformed in CRLF multi-line record");
}

static void test_bytes(void)
{
	static const char nul[] = "a,b\n1,2\nx\0y,3\n";
	static const char qnul[] = "a,b\n\"l1\nx\0\",3\n";
	static const char lead[] = "\0,b\n";

	is_str(rdn(nul, sizeof nul - 1, NULL),
	       "1:a|b\n2:1|2\nERR 3: NUL byte in data\n", "NUL byte");
	is_str(rdn(qnul, sizeof qnul - 1, NULL),
	       "1:a|b\nERR 2: NUL byte in data\n", "NUL in quoted field");
	is_str(rdn(lead, sizeof lead - 1, NULL), "ERR 1: NUL byte in data\n",
	       "NUL first byte");
	is_str(rd("a,b\n1,\xff\n"),
	       "1:a|b\nERR 2: invalid UTF-8 in field 2\n", "invalid UTF-8");
	is_str(rd("a\nb\n\xe4\xb8"),
	       "1:a\n2:b\nERR 3: invalid UTF-8 in field 1\n",
	       "CJK cut short at EOF");
	is_str(rd("a\n\xc0\xaf\n"), "1:a\nERR 2: invalid UTF-8 in field 1\n",
	       "overlong form");
	is_str(rd("a\n\xed\xa0\x80\n"),
	       "1:a\nERR 2: invalid UTF-8 in field 1\n",
	       "surrogate");
	is_str(rd("a\n\xe0\x9f\xbf\n"),
	       "1:a\nERR 2: invalid UTF-8 in field 1\n",
	       "overlong three-byte form");
	is_str(rd("a\n\xe0\xa0\x80\xed\x9f\xbf\xef\xbf\xbf\n"),
	       "1:a\n2:\xe0\xa0\x80\xed\x9f\xbf\xef\xbf\xbf\n",
	       "U+0800, U+D7FF and U+FFFF are valid");
	is_str(rd("a\n\xe4\xb8\x41\n"),
	       "1:a\nERR 2: invalid UTF-8 in field 1\n",
	       "three-byte form cut short by ASCII");
	/* GBK for 客户 */
	is_str(rd("\xbf\xcd\xbb\xa7,b\n"), "ERR 1: invalid UTF-8 in field 1\n",
	       "GBK header");
	is_str(rd("a\n\"x\ny\xff\"\n"),
	       "1:a\nERR 2: invalid UTF-8 in field 1\n",
	       "invalid UTF-8 in a multi-line field: record's line");
}

static void test_cjk(void)
{
	is_str(rd("客户,金额,备注\n"
		  "华为技术有限公司,\"1,200,000\","
		  "\"第一行\n第二行\"\n"
		  "腾讯,35万,🚀\n"),
	       "1:客户|金额|备注\n"
	       "2:华为技术有限公司|1,200,000|第一行\\n第二行\n"
	       "4:腾讯|35万|🚀\n", "CJK and emoji pass through");
	is_str(rd("名前;値\n「引用」;値\n"),
	       "1:名前;値\n2:「引用」;値\n",
	       "CJK with semicolons is one field under ','");
}

static void test_delims(void)
{
	struct csv_opts semi = { .delim = ';' }, tab = { .delim = '\t' };
	struct csv_opts quote = { .delim = '"' };
	struct got g = {0};
	struct crm_err err = {0};

	is_str(rdo("a;b\n\"x;y\";2,5\n", &semi), "1:a|b\n2:x;y|2,5\n",
	       "semicolon delimiter");
	is_str(rdo("a;b\n1;2;3\n", &semi),
	       "1:a|b\nERR 2: row has 3 fields, header has 2\n",
	       "semicolon ragged");
	is_str(rdo("a\tb\n x\t\"y\tz\"\n\t\n", &tab),
	       "1:a|b\n2: x|y\\tz\n3:|\n", "TAB delimiter");
	is_int(csv_read_mem("a", 1, "t.csv", &quote, collect, &g, &err), -1,
	       "quote as delimiter is refused");
	is_int(err.code, CRM_USAGE, "  as a usage error");
	is_int(g.rows, 0, "  before reading anything");
	buf_free(&g.out);
}

static const char *rdcap(const char *s, size_t cap)
{
	struct csv_opts o = { .max_field = cap };

	return rdo(s, &o);
}

static void test_max_field(void)
{
	is_str(rdcap("abcde\n", 5), "1:abcde\n", "field of exactly the cap");
	is_str(rdcap("h\nabcdef\n", 5),
	       "1:h\nERR 2: field longer than 5 bytes\n", "one byte over");
	is_str(rdcap("\"abcde\"\n", 5), "1:abcde\n", "quoted, exactly the cap");
	is_str(rdcap("\"abc\"\"d\"\n", 5), "1:abc\"d\n",
	       "doubled quote counts once");
	is_str(rdcap("\"abcdef\"\n", 5),
	       "ERR 1: field longer than 5 bytes\n", "quoted, one over");
	is_str(rdcap("h\nx\n\"ab\ncdef\"\n", 5),
	       "1:h\n2:x\nERR 3: field longer than 5 bytes\n",
	       "over the cap across lines: record's line");
	is_str(rdcap("h,i\nab,abcdef\n", 5),
	       "1:h|i\nERR 2: field longer than 5 bytes\n", "second field");
}

/* n copies of c between prefix and suffix. */
static char *fill(const char *prefix, size_t n, char c, const char *suffix,
		  size_t *len)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = xmalloc(pl + n + sl + 1);

	memcpy(s, prefix, pl);
	memset(s + pl, c, n);
	memcpy(s + pl + n, suffix, sl + 1);
	*len = pl + n + sl;
	return s;
}

static void test_huge_fields(void)
{
	size_t len;
	char *s;

	s = fill("h\n", 2 * 1024 * 1024, 'x', "\n", &len);
	is_str(rdn(s, len, NULL),
	       "1:h\nERR 2: field longer than 1048576 bytes\n",
	       "2 MB unquoted field fails under the default cap");
	free(s);
	/* The closing quote is never reached: only an early stop on the
	 * growing field explains "longer" rather than "malformed". */
	s = fill("h\n\"", 2 * 1024 * 1024, 'x', "\"bad\n", &len);
	is_str(rdn(s, len, NULL),
	       "1:h\nERR 2: field longer than 1048576 bytes\n",
	       "2 MB quoted field stops early");
	free(s);
	s = fill("h\n\"", 900 * 1024, 'y', "\"\nok\n", &len);
	ok(strncmp(rdn(s, len, NULL), "1:h\n2:yyyy", 10) == 0,
	   "900 KB field passes");
	free(s);
	s = fill("h\n", CSV_MAX_FIELD_DEFAULT, 'z', "", &len);
	ok(strstr(rdn(s, len, NULL), "ERR") == NULL,
	   "exactly 1 MiB at EOF passes");
	free(s);
}

/*
 * The reader sees a 1 MiB quoted field and its closing quote, but not
 * yet what follows it, at the end of a 64 KiB read: that is not over the
 * cap.  The opening quote goes at offset 65534 so the closing quote is
 * the last byte of the 17th read.
 */
static void test_cap_at_chunk_end(void)
{
	size_t cap = CSV_MAX_FIELD_DEFAULT, len, hl = 65533;
	char *head = xmalloc(hl + 3), *s;
	const char *r;

	memset(head, 'h', hl);
	memcpy(head + hl, "\n\"", 3);
	s = fill(head, cap, 'q', "\"\n", &len);
	ok(s[17 * 65536 - 1] == '"' && s[17 * 65536 - 2] == 'q',
	   "  closing quote ends a read");
	r = run(1, s, len, NULL, 0);
	ok(strstr(r, "ERR") == NULL && strstr(r, "\n2:qqq"),
	   "field of exactly the cap, quote at a read's end");
	free((char *)r);
	free(s);
	head[hl - 1] = '\0';
	hl--;
	memcpy(head + hl, "\n\"", 3);
	s = fill(head, cap + 1, 'q', "\"\n", &len);
	r = run(1, s, len, NULL, 0);
	ok(strstr(r, "ERR 2: field longer than 1048576 bytes") != NULL,
	   "one byte over the cap, quote at a read's end");
	free((char *)r);
	free(s);
	free(head);
}

/*
 * Tricky bytes (CRLF, quotes, quoted newlines, no final newline) slid
 * across the reader's 64 KiB boundary one byte at a time.
 */
static void test_chunk_boundaries(void)
{
	static const char tail[] =
		"\n\"q1\r\nq2\",x\r\n\"\",\"\"\r\n\r\n\"a\"\"b\",c\n"
		"\"\n\n\",d\r\ne,f";
	static const char want[] =
		"3:q1\\r\\nq2|x\n5:|\n7:a\"b|c\n8:\\n\\n|d\n11:e|f\n";
	size_t pad, len, bad = 0;
	char *s, *prefix;

	for (pad = 65536 - 60; pad < 65536 + 4; pad++) {
		const char *r;
		char *w;

		s = fill("h1,h2\np,", pad, 'x', tail, &len);
		r = rdn(s, len, NULL);
		prefix = fill("1:h1|h2\n2:p|", pad, 'x', "\n", &len);
		w = xasprintf("%s%s", prefix, want);
		bad += strcmp(r, w) != 0;
		free(w);
		free(prefix);
		free(s);
	}
	is_int(bad, 0, "records and lines right at every chunk offset");
}

struct lines_ctx {
	long want_line;
	size_t rows, wrong;
};

static int check_lines(void *ctx, char **f, size_t n, long line,
		       struct crm_err *err)
{
	struct lines_ctx *c = ctx;

	c->wrong += line != c->want_line;
	c->want_line += c->rows > 0 && c->rows % 1000 == 0 ? 2 : 1;
	c->rows++;
	return 0;
}

/* 200000 records, every 1000th over two lines, through a real file. */
static void test_stream(void)
{
	struct lines_ctx c = { .want_line = 1 };
	struct crm_err err = {0};
	FILE *fp = tmpfile();
	long i, rc;

	fputs("id,name\n", fp);
	for (i = 1; i < 200000; i++) {
		if (i % 1000 == 0)
			fprintf(fp, "%ld,\"multi\nline\"\n", i);
		else
			fprintf(fp, "%ld,客户%ld\n", i, i);
	}
	fputs("x\n", fp);
	rewind(fp);
	rc = csv_read(fp, "big.csv", NULL, check_lines, &c, &err);
	fclose(fp);
	is_int(rc, -1, "big file: ragged last record fails");
	is_int(c.rows, 200000, "  after every other record");
	is_int(c.wrong, 0, "  each with the right line");
	is_int(err.line, 1 + 200000 + 199, "  error on the last line");
	is_str(err.file, "big.csv", "  named by file");
}

static void test_stop(void)
{
	char *r;
	struct got g = { .stop_at = 2 };
	struct crm_err err = {0};

	r = run(0, "a\nb\nc\n", 6, NULL, 2);
	is_str(r, "1:a\nERR 2: stopped at record 2\n", "callback stops");
	free(r);
	r = run(1, "a\nb\nc\n", 6, NULL, 2);
	is_str(r, "1:a\nERR 2: stopped at record 2\n", "callback stops, file");
	free(r);
	r = run(0, "a\nb", 3, NULL, 2);
	is_str(r, "1:a\nERR 2: stopped at record 2\n",
	       "callback stops on last record without newline");
	free(r);
	r = run(0, "a\rb\rc\n", 6, NULL, 2);
	is_str(r, "1:a\nERR 1: stopped at record 2\n",
	       "callback stops mid-line");
	free(r);
	is_int(csv_read_mem("a\nb\nc\n", 6, "t.csv", NULL, collect, &g,
			    &err), -1, "returns -1");
	is_int(g.rows, 2, "  no record after the stop");
	is_str(err.file, "cb", "  callback's err kept");
	buf_free(&g.out);
}

static void test_read_error(void)
{
	struct got g = {0};
	struct crm_err err = {0};
	FILE *fp = fopen(".", "r");

	if (!fp) {
		ok(1, "read error (skipped: cannot fopen a directory)");
		return;
	}
	is_int(csv_read(fp, "dir.csv", NULL, collect, &g, &err), -1,
	       "reading a directory fails");
	ok(strstr(err.msg, "read error") != NULL && err.line == 0,
	   "  as a read error without a line");
	fclose(fp);
	buf_free(&g.out);
}

static const char *row_str(char *const *f, size_t n, char delim)
{
	static struct buf b;

	buf_reset(&b);
	csv_buf_row(&b, f, n, delim);
	return b.s;
}

static void test_write(void)
{
	char *ugly[] = { "plain", "has,comma", "has \"q\"", "nl\nhere",
			 "cr\rhere", "", " sp ", "semi;colon", "tab\there" };
	char *one_empty[] = { "" }, *two_empty[] = { "", "" };
	char *space[] = { " " }, *bom[] = { "\xEF\xBB\xBFx", "a\xEF\xBB\xBF" };
	char *null_field[] = { "a", NULL };
	char *comma;

	is_str(row_str(ugly, 9, ','),
	       "plain,\"has,comma\",\"has \"\"q\"\"\",\"nl\nhere\","
	       "\"cr\rhere\",, sp ,semi;colon,tab\there\n",
	       "comma: quoted exactly where needed");
	is_str(row_str(ugly, 9, ';'),
	       "plain;has,comma;\"has \"\"q\"\"\";\"nl\nhere\";"
	       "\"cr\rhere\";; sp ;\"semi;colon\";tab\there\n",
	       "semicolon: quoted exactly where needed");
	is_str(row_str(ugly, 9, '\t'),
	       "plain\thas,comma\t\"has \"\"q\"\"\"\t\"nl\nhere\"\t"
	       "\"cr\rhere\"\t\t sp \tsemi;colon\t\"tab\there\"\n",
	       "TAB: quoted exactly where needed");
	comma = xstrdup(row_str(ugly, 9, ','));
	is_str(row_str(ugly, 9, 0), comma, "delim 0 is ','");
	free(comma);
	is_str(row_str(one_empty, 1, ','), "\"\"\n",
	       "lone empty field is \"\" (a blank line would vanish)");
	is_str(row_str(two_empty, 2, ','), ",\n", "two empty fields");
	is_str(row_str(space, 1, ','), " \n", "lone space unquoted");
	is_str(row_str(ugly, 0, ','), "\n", "no fields");
	is_str(row_str(bom, 2, ','), "\"\xEF\xBB\xBFx\",a\xEF\xBB\xBF\n",
	       "leading U+FEFF quoted");
	is_str(row_str(null_field, 2, ','), "a,\n", "NULL field is empty");
}

static void test_write_file(void)
{
	char *f[] = { "x", "y,z", "\"" };
	struct buf b = {0};
	char *mem = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&mem, &len);

	csv_write_field(fp, "a \"b\"", ',');
	csv_write_field(fp, "c;d", ',');
	csv_write_field(fp, "c;d", ';');
	fputc('|', fp);
	csv_write_row(fp, f, 3, ',');
	fclose(fp);
	csv_buf_row(&b, f, 3, ',');
	is_str(mem, "\"a \"\"b\"\"\"c;d\"c;d\"|x,\"y,z\",\"\"\"\"\n",
	       "csv_write_field and csv_write_row");
	ok(len > 0 && !strcmp(mem + len - b.len, b.s),
	   "csv_write_row writes csv_buf_row's bytes");
	free(mem);
	buf_free(&b);
}

struct cmp_ctx {
	char *const *want;
	size_t n, rows, bad;
};

static int compare_row(void *ctx, char **f, size_t n, long line,
		       struct crm_err *err)
{
	struct cmp_ctx *c = ctx;
	size_t i;

	c->rows++;
	if (n != c->n)
		c->bad++;
	for (i = 0; i < n && i < c->n; i++)
		c->bad += strcmp(f[i], c->want[i]) != 0;
	return 0;
}

/* Each ugly field written as a whole record and as part of one, then
 * read back. */
static void round_trip(char delim, const char *name)
{
	char *ugly[] = { "", "\"", "\"\"", ",", ";", "\t", "\r\n", "\n",
			 "\r", " ", "a\"b", " \"lead", "trail\" ",
			 "\xEF\xBB\xBF", "\xEF\xBB\xBF\"", "客户,\"名\"\n",
			 "x,y;z\tw", "\"\n\"", "end\r" };
	size_t n = sizeof ugly / sizeof *ugly, i, bad = 0;
	struct csv_opts o = { .delim = delim };
	struct crm_err err = {0};
	struct buf b = {0};

	for (i = 0; i < n; i++) {
		struct cmp_ctx c = { .want = &ugly[i], .n = 1 };

		buf_reset(&b);
		csv_buf_row(&b, &ugly[i], 1, delim);
		csv_buf_row(&b, &ugly[i], 1, delim);
		if (csv_read_mem(b.s, b.len, "rt", &o, compare_row, &c,
				 &err) < 0 || c.rows != 2 || c.bad) {
			printf("# field %zu: %s\n", i, err.msg);
			bad++;
		}
	}
	{
		struct cmp_ctx c = { .want = ugly, .n = n };

		buf_reset(&b);
		csv_buf_row(&b, ugly, n, delim);
		csv_buf_row(&b, ugly, n, delim);
		if (csv_read_mem(b.s, b.len, "rt", &o, compare_row, &c,
				 &err) < 0 || c.rows != 2 || c.bad)
			bad++;
	}
	is_int(bad, 0, name);
	buf_free(&b);
}

/* Records with their spans, as test_plain_lines compares them; a record
 * the reader says is written as csv_write_row writes it must be. */
static const char *span_input;
static char span_delim;
static int span_ours;
static long spans_ours;
static size_t span_keep;    /* print only the fields before this one */

static int collect_span(void *ctx, char **fields, size_t n, long line,
			struct crm_err *err)
{
	struct got *g = ctx;
	size_t *span = (size_t *)g->stop_at;

	(void)err;
	buf_printf(&g->out, "%ld@%zu-%zu:", line, span[0], span[1]);
	for (size_t i = 0; i < n && (!span_keep || i < span_keep); i++) {
		buf_adds(&g->out, i ? "|" : "");
		add_escaped(&g->out, fields[i]);
	}
	buf_addc(&g->out, '\n');
	if (span_keep) {
		/* only the fields kept; the count and the flag must agree */
		buf_printf(&g->out, " n=%zu ours=%d\n", n, span_ours);
	} else if (span_ours) {
		struct buf w = {0};

		csv_buf_row(&w, fields, n, span_delim);
		if (w.len != span[1] - span[0] ||
		    memcmp(w.s, span_input + span[0], w.len))
			buf_adds(&g->out, "(said written as ours, is not)\n");
		spans_ours++;
		buf_free(&w);
	}
	return 0;
}

static char *read_spans(const char *s, size_t len, struct csv_opts *o)
{
	size_t span[2];
	struct got g = { .stop_at = (size_t)span };
	struct crm_err err = {0};

	o->span = span;
	o->written_as_ours = &span_ours;
	span_input = s;
	span_delim = o->delim ? o->delim : ',';
	buf_adds(&g.out, "");
	if (csv_read_mem(s, len, "t.csv", o, collect_span, &g, &err) < 0)
		buf_printf(&g.out, "ERR %ld: %s\n", err.line, err.msg);
	return g.out.s;
}

/* read_spans through csv_read on a file of s: chunk by chunk. */
static char *read_spans_file(const char *s, size_t len, struct csv_opts *o)
{
	size_t span[2];
	struct got g = { .stop_at = (size_t)span };
	struct crm_err err = {0};
	FILE *fp = tmpfile();

	o->span = span;
	o->written_as_ours = &span_ours;
	span_input = s;
	span_delim = ',';
	buf_adds(&g.out, "");
	if (!fp || fwrite(s, 1, len, fp) != len)
		return xstrdup("tmpfile failed");
	rewind(fp);
	if (csv_read(fp, "t.csv", o, collect_span, &g, &err) < 0)
		buf_printf(&g.out, "ERR %ld: %s\n", err.line, err.msg);
	fclose(fp);
	return g.out.s;
}

/* A table of many chunks, as crm writes one and then not quite: the
 * first two fields kept, the others only counted, give the same records,
 * spans, lines, flags and errors as all fields read. */
static void test_keep_fields_chunks(void)
{
	static const char *rest[] = { "plain,3,,x", "\"a,b\",3,,x",
		"\"say \"\"hi\"\"\",3,,x", "\"two\nlines\",3,\"\",x",
		"中文,3,,\"，\"", "x,\"3\",,x", "\xEF\xBB\xBF" "bom,3,,x",
		"\"\xEF\xBB\xBF" "bom\",3,,x" };
	static const char *bad[] = { "", "O-X,n,1,2,3\n", "O-X,n,1,2,3,4,5\n",
		"O-X,n,\xFF" ",2,3,4\n", "O-X,n,1,2\r\n", "O-X,n,1,\"2\"x,3,4\n",
		"O-X,n,1,2,3,\"4\n" };
	int wrong = 0;

	for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
		struct buf in = {0};
		struct csv_opts all = {0}, kept = {0};
		char *x, *y;

		buf_adds(&in, "id,name,a,b,c,d\n");
		for (int i = 0; in.len < 300000; i++) {
			buf_printf(&in, "O-%06d,%s,%s\n", i,
				   i % 3 ? "name" : "\"a, \"\"name\"\"\"",
				   rest[i % (sizeof rest / sizeof *rest)]);
			if (i == 3000)
				buf_adds(&in, bad[b]);
		}
		span_keep = 2;
		x = read_spans_file(in.s, in.len, &all);
		kept.keep_fields = 2;
		y = read_spans_file(in.s, in.len, &kept);
		span_keep = 0;
		if (strcmp(x, y) && wrong++ < 2)
			printf("# case %zu differs\n", b);
		wrong += b > 0 && !strstr(x, "ERR ");
		free(x);
		free(y);
		buf_free(&in);
	}
	is_int(wrong, 0, "keep_fields over many chunks: the same records, "
	       "spans, lines, flags and errors as all fields");
}

/* Random lines of few kinds of bytes, most of them plain: libcsv alone
 * and the plain-line split must give the same records, spans, lines and
 * errors, whatever the options. */
static void test_plain_lines(void)
{
	static const char *bits[] = { "a", "b", ",", ",", "\n", "\n", "\"",
		"\r", " ", "\xC3\xA9", "\xE4\xB8\xAD", "\xFF", "\xC3",
		"\0", ";", "\xEF\xBB\xBF" };
	unsigned seed = 12345;
	int bad = 0, bad_keep = 0;

	for (int t = 0; t < 20000; t++) {
		struct csv_opts fast = {0}, slow;
		struct buf in = {0};
		int n = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 40;
		char *a, *b;

		fast.allow_ragged = t % 2;
		fast.skip_blank = t % 3 == 0;
		fast.delim = t % 5 == 0 ? ';' : 0;
		fast.max_field = t % 7 == 0 ? 3 : 0;
		for (int i = 0; i < n; i++) {
			unsigned k = (seed = seed * 1103515245 + 12345) >> 16;
			/* mostly letters, commas and line feeds, in half
			 * the inputs quotes */
			k = k % 4 ? k % (t % 4 < 2 ? 7u : 6u)
				  : k % (sizeof bits / sizeof *bits);
			buf_add(&in, bits[k], k == 13 ? 1 : strlen(bits[k]));
		}
		slow = fast;
		slow.libcsv_only = 1;
		a = read_spans(in.s, in.len, &fast);
		b = read_spans(in.s, in.len, &slow);
		if (strcmp(a, b) && bad++ < 3)
			printf("# input %d:\n# plain: %s# libcsv: %s", t, a, b);
		free(a);
		free(b);
		/* the first two fields kept: those two the same, the rest
		 * counted and checked as before */
		span_keep = 2;
		a = read_spans(in.s, in.len, &fast);
		fast.keep_fields = 2;
		b = read_spans(in.s, in.len, &fast);
		span_keep = 0;
		if (strcmp(a, b) && bad_keep++ < 3)
			printf("# input %d:\n# all: %s# kept: %s", t, a, b);
		free(a);
		free(b);
		buf_free(&in);
	}
	is_int(bad, 0, "random input: plain-line split agrees with libcsv");
	is_int(bad_keep, 0, "random input: keep_fields keeps the first fields, "
	       "counts and checks the rest");
	ok(spans_ours > 1000, "random input: many records read as written by us");
}

int main(void)
{
	test_simple();
	test_quoted();
	test_line_ends();
	test_bom();
	test_empty();
	test_skip_blank();
	test_ragged();
	test_bad_quotes();
	test_bytes();
	test_cjk();
	test_delims();
	test_max_field();
	test_huge_fields();
	test_cap_at_chunk_end();
	test_chunk_boundaries();
	test_keep_fields_chunks();
	test_plain_lines();
	test_stream();
	test_stop();
	test_read_error();
	test_write();
	test_write_file();
	round_trip(',', "round trip of ugly fields, ','");
	round_trip(';', "round trip of ugly fields, ';'");
	round_trip('\t', "round trip of ugly fields, TAB");
	return done();
}
