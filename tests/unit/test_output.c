/* test_output.c - display width and every listing format, byte for byte */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

/* Run one listing into memory; returns the bytes written (malloc'd). */
static char *render(enum out_format fmt, char *const *cols, size_t ncols,
		    const struct table_def *def, char *const *cells,
		    size_t nrows, size_t *written)
{
	char *text = NULL;
	size_t len = 0, r;
	FILE *fp = open_memstream(&text, &len);
	struct out *o = out_begin(fp, fmt, cols, ncols, def);

	for (r = 0; r < nrows; r++)
		out_row(o, cells + r * ncols);
	*written = out_end(o);
	fclose(fp);
	return text;
}

#define CHECK(fmt, cols, def, cells, nrows, want, name) do {              \
	size_t n_;                                                       \
	char *got_ = render((fmt), (cols), sizeof(cols) / sizeof(*(cols)), \
			    (def), (cells), (nrows), &n_);               \
	is_str(got_, (want), name);                                      \
	is_int(n_, (nrows), name " (rows written)");                     \
	free(got_);                                                      \
} while (0)

static void test_width(void)
{
	is_int(utf8_width(""), 0, "width: empty");
	is_int(utf8_width("Acme Ltd"), 8, "width: ascii");
	is_int(utf8_width("上海"), 4, "width: CJK counts double");
	is_int(utf8_width("上海\"晨光\", Ltd"), 15, "width: mixed CJK/ascii");
	is_int(utf8_width("\xef\xbc\xa1\xef\xbc\xa2"), 4,
	       "width: fullwidth ＡＢ");
	is_int(utf8_width("，。、"), 6, "width: CJK punctuation");
	is_int(utf8_width("カタカナ ひらがな"), 17, "width: kana");
	is_int(utf8_width("한국"), 4, "width: hangul syllables");
	is_int(utf8_width("\xf0\xa0\x80\x80"), 2, "width: CJK ext B U+20000");
	is_int(utf8_width("e\xcc\x81"), 1, "width: e + combining acute");
	is_int(utf8_width("\xc3\xa9"), 1, "width: precomposed é");
	is_int(utf8_width("\xf0\x9f\x98\x80"), 2, "width: emoji U+1F600");
	is_int(utf8_width("\xf0\x9f\xa4\x9d"), 2, "width: emoji U+1F91D");
	is_int(utf8_width("\xe2\x80\xa6"), 1, "width: ellipsis is narrow");
	is_int(utf8_width("a\x01\x1b" "b\x7f"), 2, "width: controls count 0");
	is_int(utf8_width("\xc2\x85"), 0, "width: C1 control counts 0");
	is_int(utf8_width("a\xe2\x80\x8b" "b"), 2, "width: zero-width space");
	is_int(utf8_width("\xff\xfe" "ab"), 4, "width: invalid bytes count 1");
	is_int(utf8_width("\xe4\xb8"), 2, "width: truncated sequence");
	is_int(utf8_width("\xc0\x80"), 2, "width: overlong NUL");
	is_int(utf8_width("\xed\xa0\x80"), 3, "width: surrogate");
	is_int(utf8_width("\xe4\xb8\xad\x80"), 3, "width: stray continuation");
}

static void test_fit(void)
{
	size_t w = 99;

	is_int(utf8_fit("上海abc", 3, &w), 3, "fit: wide char not split");
	is_int(w, 2, "fit: width of what fits");
	is_int(utf8_fit("上海abc", 4, &w), 6, "fit: two wide chars");
	is_int(w, 4, "fit: width 4");
	is_int(utf8_fit("a上", 2, &w), 1, "fit: one column left, wide next");
	is_int(w, 1, "fit: width 1");
	is_int(utf8_fit("e\xcc\x81x", 1, &w), 3, "fit: keeps combining mark");
	is_int(w, 1, "fit: combining width");
	is_int(utf8_fit("abc", 10, &w), 3, "fit: whole string");
	is_int(w, 3, "fit: whole width");
	is_int(utf8_fit("abc", 0, &w), 0, "fit: zero columns");
	is_int(w, 0, "fit: zero width");
	is_int(utf8_fit("\xff" "ab", 2, NULL), 2, "fit: invalid, NULL out");
	is_int(utf8_fit("\xf0\x9f\x98\x80!", 2, &w), 4, "fit: emoji");
	is_int(utf8_fit("", 5, &w), 0, "fit: empty");
}

static void test_parse(void)
{
	is_int(out_format_parse("table"), FMT_TABLE, "parse table");
	is_int(out_format_parse("csv"), FMT_CSV, "parse csv");
	is_int(out_format_parse("tsv"), FMT_TSV, "parse tsv");
	is_int(out_format_parse("jsonl"), FMT_JSONL, "parse jsonl");
	is_int(out_format_parse("ids"), FMT_IDS, "parse ids");
	is_int(out_format_parse("json"), -1, "parse unknown");
	is_int(out_format_parse("CSV"), -1, "parse is case-sensitive");
	is_int(out_format_parse(""), -1, "parse empty");
}

static void test_csv(void)
{
	char *cols[] = {"id", "name", "note"};
	char *cells[] = {
		"C-1", "上海\"晨光\", Ltd", "line1\nline2",
		"C-2", "plain", "",
	};

	CHECK(FMT_CSV, cols, NULL, cells, 2,
	      "id,name,note\n"
	      "C-1,\"上海\"\"晨光\"\", Ltd\",\"line1\nline2\"\n"
	      "C-2,plain,\n", "csv: quotes, commas, newlines, CJK");
	CHECK(FMT_CSV, cols, NULL, cells, 0, "id,name,note\n",
	      "csv: header even with no rows");
	CHECK(FMT_AUTO, cols, NULL, cells, 1,
	      "id,name,note\n"
	      "C-1,\"上海\"\"晨光\"\", Ltd\",\"line1\nline2\"\n",
	      "auto: not a terminal means csv");
}

static void test_tsv(void)
{
	char *cols[] = {"id", "note"};
	char *cells[] = {
		"C-1", "a\tb\\c\r\nd",
		"C-2", "上海 plain",
	};

	CHECK(FMT_TSV, cols, NULL, cells, 2,
	      "id\tnote\n"
	      "C-1\ta\\tb\\\\c\\r\\nd\n"
	      "C-2\t上海 plain\n", "tsv: linear escaping");
	CHECK(FMT_TSV, cols, NULL, cells, 0, "id\tnote\n",
	      "tsv: header even with no rows");
}

static void test_jsonl(void)
{
	const struct table_def *leads = table_def_find("leads");
	char *cols[] = {"id", "amount", "score", "x_code", "note"};
	char *cells[] = {
		"L-1", "1200000", "85", "007",
		"say \"hi\" \\ \n\t\r\b\f\x01 上海",
		"L-2", "", "", "", "",
		"L-3", "abc", "-12.50", "1", "\x7f",
		"L-4", "007", "12.", "", "bad\xff",
	};
	char *plain_cols[] = {"amount", "a\"b"};
	char *plain[] = {"1200000", "x"};

	CHECK(FMT_JSONL, cols, leads, cells, 4,
	      "{\"id\":\"L-1\",\"amount\":1200000,\"score\":85,"
	      "\"x_code\":\"007\",\"note\":\"say \\\"hi\\\" \\\\ "
	      "\\n\\t\\r\\b\\f\\u0001 上海\"}\n"
	      "{\"id\":\"L-2\",\"amount\":null,\"score\":null,"
	      "\"x_code\":\"\",\"note\":\"\"}\n"
	      "{\"id\":\"L-3\",\"amount\":\"abc\",\"score\":-12.50,"
	      "\"x_code\":\"1\",\"note\":\"\x7f\"}\n"
	      "{\"id\":\"L-4\",\"amount\":\"007\",\"score\":\"12.\","
	      "\"x_code\":\"\",\"note\":\"bad\xef\xbf\xbd\"}\n",
	      "jsonl: typed numbers, null, escapes, invalid byte");
	CHECK(FMT_JSONL, plain_cols, NULL, plain, 1,
	      "{\"amount\":\"1200000\",\"a\\\"b\":\"x\"}\n",
	      "jsonl: no def means strings; keys escaped");
	CHECK(FMT_JSONL, cols, leads, cells, 0, "",
	      "jsonl: no rows, no output");
}

static void test_ids(void)
{
	char *cols[] = {"name", "id"};
	char *cells[] = {"Acme", "C-1", "Beta, Inc", "C-2"};
	char *noid_cols[] = {"ref", "owner"};

	CHECK(FMT_IDS, cols, NULL, cells, 2, "C-1\nC-2\n",
	      "ids: the id column, no header");
	CHECK(FMT_IDS, noid_cols, NULL, cells, 2, "Acme\nBeta, Inc\n",
	      "ids: first column when no id column");
	CHECK(FMT_IDS, cols, NULL, cells, 0, "", "ids: no rows");
}

static void test_table(void)
{
	const struct table_def *opps = table_def_find("opportunities");
	char *cols[] = {"id", "name", "amount"};
	char *cells[] = {
		"O-1", "上海\"晨光\", Ltd", "1200000",
		"O-22", "Acme\tInc", "5.50",
		"O-3", "", "",
	};

	CHECK(FMT_TABLE, cols, opps, cells, 3,
	      "id    name              amount\n"
	      "O-1   上海\"晨光\", Ltd  1200000\n"
	      "O-22  Acme Inc            5.50\n"
	      "O-3\n", "table: CJK widths, money right-aligned");
	CHECK(FMT_TABLE, cols, opps, cells, 0, "id  name  amount\n",
	      "table: no rows prints the header");
	CHECK(FMT_TABLE, cols, NULL, cells + 3, 1,
	      "id    name      amount\n"
	      "O-22  Acme Inc  5.50\n", "table: no def, all left-aligned");
}

#define A10 "aaaaaaaaaa"
#define B10 "bbbbbbbbbb"
#define Z5 "中中中中中"
#define ELL "\xe2\x80\xa6"

static void test_table_truncate(void)
{
	char *cols[] = {"note", "x"};
	char *cells[] = {
		A10 A10 A10 A10, "|",
		B10 B10 B10 B10 "b", "|",
		"a" Z5 Z5 Z5 Z5 Z5, "|",
		Z5 Z5 Z5 Z5 Z5, "|",
		"multi\nline\r\nnote", "|",
	};

	CHECK(FMT_TABLE, cols, NULL, cells, 5,
	      "note                                      x\n"
	      A10 A10 A10 A10 "  |\n"
	      B10 B10 B10 "bbbbbbbbb" ELL "  |\n"
	      "a" Z5 Z5 Z5 "中中中中" ELL "  |\n"
	      Z5 Z5 Z5 "中中中中" ELL "   |\n"
	      "multi line  note                          |\n",
	      "table: 40 columns at most, cut before a wide char");
}

int main(void)
{
	test_width();
	test_fit();
	test_parse();
	test_csv();
	test_tsv();
	test_jsonl();
	test_ids();
	test_table();
	test_table_truncate();
	return done();
}
