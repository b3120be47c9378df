/* test_conf.c - the crm.conf parser, lookups, errors and the default file */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

static struct crm_err err;

static struct conf *parse_n(const char *text, size_t len)
{
	memset(&err, 0, sizeof err);
	return conf_parse(text, len, "crm.conf", &err);
}

static struct conf *parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* "LINE: message" of the error text gives, or "OK" when it parses. */
static const char *perr_n(const char *text, size_t len)
{
	static char out[1100];
	struct conf *c = parse_n(text, len);

	if (c) {
		conf_free(c);
		return "OK";
	}
	snprintf(out, sizeof out, "%ld: %s", err.line, err.msg);
	return out;
}

static const char *perr(const char *text)
{
	return perr_n(text, strlen(text));
}

/* The value of section[.sub].key in text, "(unset)" or "ERR ...". */
static const char *val(const char *text, const char *section,
		       const char *sub, const char *key)
{
	static char out[1100];
	struct conf *c = parse(text);
	const char *v;

	if (!c) {
		snprintf(out, sizeof out, "ERR %ld: %s", err.line, err.msg);
		return out;
	}
	v = conf_get(c, section, sub, key);
	snprintf(out, sizeof out, "%s", v ? v : "(unset)");
	conf_free(c);
	return out;
}

/* All values joined with '|'. */
static const char *all(const struct conf *c, const char *section,
		       const char *sub, const char *key)
{
	static char out[1100];
	size_t n = 99;
	const char **v = conf_get_all(c, section, sub, key, &n);

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, v[i]);
	}
	return out;
}

static const char *subs(const struct conf *c, const char *section)
{
	static char out[1100];
	size_t n = 99;
	const char **v = conf_subsections(c, section, &n);

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, v[i]);
	}
	return out;
}

static void test_basic(void)
{
	struct conf *c = parse("[crm]\n\tcurrency = CNY\n"
			       "[Stage \"Won\"]\n\tProbability = 100\n"
			       "[stage \"won\"]\n\tprobability = 99\n"
			       "[stage]\n\tprobability = 1\n"
			       "[stage \"\"]\n\tprobability = 2\n");

	ok(c != NULL, "basic: parses");
	is_str(conf_get(c, "crm", NULL, "currency"), "CNY", "basic: get");
	is_str(conf_get(c, "CRM", NULL, "CURRENCY"), "CNY",
	       "basic: section and key ignore case on lookup");
	is_str(conf_get(c, "stage", "Won", "probability"), "100",
	       "basic: section and key stored lower case");
	is_str(conf_get(c, "stage", "won", "probability"), "99",
	       "basic: subsection is case-sensitive");
	is_str(conf_get(c, "stage", "WON", "probability"), NULL,
	       "basic: subsection in another case is unset");
	is_str(conf_get(c, "stage", NULL, "probability"), "1",
	       "basic: no subsection");
	is_str(conf_get(c, "stage", "", "probability"), "2",
	       "basic: empty subsection differs from none");
	is_str(conf_get(c, "crm", NULL, "nope"), NULL, "basic: unset key");
	is_str(conf_get(c, "crm", "x", "currency"), NULL,
	       "basic: key under another subsection is unset");
	is_int(conf_line(c, "crm", NULL, "currency"), 2, "basic: conf_line");
	is_int(conf_line(c, "stage", "won", "probability"), 6,
	       "basic: conf_line with subsection");
	is_int(conf_line(c, "crm", NULL, "nope"), 0,
	       "basic: conf_line of unset key is 0");
	is_str(subs(c, "stage"), "Won|won|", "basic: subsections");
	conf_free(c);
	conf_free(NULL);
}

static void test_values(void)
{
	is_str(val("[a]\nflag\n", "a", NULL, "flag"), "true",
	       "values: key without '=' is true");
	is_str(val("[a]\n  flag   # on\n", "a", NULL, "flag"), "true",
	       "values: bare key with comment");
	is_str(val("[a]\nk =   x y\t z  \n", "a", NULL, "k"), "x y\t z",
	       "values: ends trimmed, inner blanks kept");
	is_str(val("[a]\nk=v\n", "a", NULL, "k"), "v", "values: no blanks");
	is_str(val("[a]\nk =\n", "a", NULL, "k"), "", "values: empty");
	is_str(val("[a]\nk = \"\"\n", "a", NULL, "k"), "",
	       "values: empty quotes");
	is_str(val("[a]\nk = \"  x  \" \n", "a", NULL, "k"), "  x  ",
	       "values: quoted blanks kept");
	is_str(val("[a]\nk = a # comment\n", "a", NULL, "k"), "a",
	       "values: '#' comment at line end");
	is_str(val("[a]\nk = a; comment\n", "a", NULL, "k"), "a",
	       "values: ';' comment at line end");
	is_str(val("[a]\nk = \"a # b ; c\" # real\n", "a", NULL, "k"),
	       "a # b ; c", "values: '#' and ';' inside quotes");
	is_str(val("[a]\nk = a\"b c\"d\n", "a", NULL, "k"), "a\"b c\"d",
	       "values: a quoted part inside a value is kept as written");
	is_str(val("[a]\nk = \"x\\\"y\\\\z\\n\\t\"\n", "a", NULL, "k"),
	       "x\"y\\z\n\t", "values: escapes inside quotes");
	is_str(val("[a]\nk = x\\\"y\\\\z\\tw\n", "a", NULL, "k"),
	       "x\\\"y\\\\z\\tw", "values: backslashes outside a whole "
	       "quoted value are kept");
	is_str(val("[a]\nk = .source == \"referral\" # c\n", "a", NULL,
		   "k"), ".source == \"referral\"",
	       "values: a jq expression reads as in jq");
	is_str(val("[a]\nk = test(\"#1;\") and .x == \"a\\\"b\"\n", "a",
		   NULL, "k"), "test(\"#1;\") and .x == \"a\\\"b\"",
	       "values: '#', ';' and escaped quotes inside jq strings");
}

static void test_quoting(void)
{
	is_str(val("[a]\nk = x \\\n    y\n", "a", NULL, "k"), "x     y",
	       "values: continuation line");
	is_str(val("[a]\nk = \"x\\\ny\"\n", "a", NULL, "k"), "xy",
	       "values: continuation inside quotes");
	is_str(val("[a]\nk = x\\", "a", NULL, "k"), "x",
	       "values: backslash at end of file");
	is_str(val("[a]\nk = x \\\n# not a comment\n", "a", NULL, "k"), "x",
	       "values: continued onto a comment");
	is_str(val("[a]\nk = 上海 客户 \"（重点）\"\n", "a", NULL, "k"),
	       "上海 客户 \"（重点）\"", "values: Chinese text");
	is_str(val("[a]\nk = 1\n\n\n", "a", NULL, "k"), "1",
	       "values: trailing blank lines");
	is_str(val("[a]\nk = 1", "a", NULL, "k"), "1",
	       "values: no final newline");
	is_str(val("  [a]  # header comment\n\t; comment\n  k = 1\n", "a",
		   NULL, "k"), "1", "values: indentation and comments");
	is_str(val("[a \"x \\\"y\\\" \\\\z\"]\nk = 1\n", "a", "x \"y\" \\z",
		   "k"), "1", "values: subsection escapes");
	is_str(val("[a\"x\"]\nk = 1\n", "a", "x", "k"), "1",
	       "values: subsection without a blank");
	is_str(val("[a  \"x\"  ]\nk = 1\n", "a", "x", "k"), "1",
	       "values: blanks around subsection");
	is_str(val("[a \"报价\"]\nk = 1\n", "a", "报价", "k"), "1",
	       "values: Chinese subsection");
	is_str(val("[a]\nmy_key-2 = 1\n", "a", NULL, "MY_KEY-2"), "1",
	       "values: '-', '_' and digits in keys");
}

static void test_crlf_bom(void)
{
	const char *crlf = "[a]\r\nk = x y  \r\nq = \"z\"\r\n"
			   "c = 1 \\\r\n 2\r\nbare\r\n[b \"s\"]\r\nk = 3\r\n";
	struct conf *c = parse(crlf);

	ok(c != NULL, "crlf: parses");
	is_str(conf_get(c, "a", NULL, "k"), "x y", "crlf: no CR in value");
	is_str(conf_get(c, "a", NULL, "q"), "z", "crlf: quoted value");
	is_str(conf_get(c, "a", NULL, "c"), "1  2", "crlf: continuation");
	is_str(conf_get(c, "a", NULL, "bare"), "true", "crlf: bare key");
	is_str(conf_get(c, "b", "s", "k"), "3", "crlf: subsection");
	is_int(conf_line(c, "b", "s", "k"), 8, "crlf: line numbers");
	conf_free(c);
	is_str(perr("[a]\r\nk = 1\r\n[b\r\n"),
	       "3: missing ']' in section header", "crlf: error line");
	is_str(val("\xef\xbb\xbf[a]\nk = 1\n", "a", NULL, "k"), "1",
	       "bom: skipped");
	is_str(perr("\xef\xbb\xbf\n[a\n"), "2: missing ']' in section header",
	       "bom: line numbers unchanged");
	is_str(perr("[a]\n\xef\xbb\xbfk = 1\n"),
	       "2: invalid key '\xef\xbb\xbfk'", "bom: only at the start");
}

static void test_empty(void)
{
	struct conf *c = parse("");
	size_t n = 99;

	ok(c != NULL, "empty: empty file parses");
	is_str(conf_get(c, "crm", NULL, "currency"), NULL, "empty: unset");
	ok(conf_subsections(c, "stage", &n) != NULL && n == 0,
	   "empty: no subsections");
	n = 99;
	ok(conf_get_all(c, "a", NULL, "k", &n) != NULL && n == 0,
	   "empty: get_all of nothing");
	conf_free(c);
	c = parse_n(NULL, 0);
	ok(c != NULL, "empty: NULL text of length 0");
	conf_free(c);
	is_str(perr("\n\n  \n# only\n; comments\n\t\n"), "OK",
	       "empty: blank lines and comments");
	is_str(perr("\xef\xbb\xbf"), "OK", "empty: just a BOM");
	is_str(perr("[a]\n"), "OK", "empty: section without keys");
}

static void test_repeated(void)
{
	struct conf *c = parse("[score]\nrule = 10 a\nRule = 20 b\n"
			       "[other]\nrule = x\n"
			       "[SCORE]\nrule = 30 c\n"
			       "[score \"s\"]\nrule = sub\n");
	const char **v1, **v2;
	size_t n1, n2;

	is_str(conf_get(c, "score", NULL, "rule"), "30 c",
	       "repeated: get returns the last");
	is_int(conf_line(c, "score", NULL, "rule"), 7,
	       "repeated: line of the last");
	is_str(all(c, "score", NULL, "rule"), "10 a|20 b|30 c",
	       "repeated: get_all in file order across headers");
	is_str(all(c, "score", "s", "rule"), "sub",
	       "repeated: get_all of a subsection");
	is_str(all(c, "score", NULL, "none"), "", "repeated: none");
	v1 = conf_get_all(c, "score", NULL, "rule", &n1);
	v2 = conf_get_all(c, "Score", NULL, "RULE", &n2);
	ok(v1 == v2 && n1 == 3 && n2 == 3, "repeated: answer kept");
	conf_free(c);
}

static void test_subsections(void)
{
	struct conf *c = parse("[stage \"lead\"]\n[x \"no\"]\n"
			       "[stage \"won\"]\np = 1\n[stage]\nq = 1\n"
			       "[STAGE \"lead\"]\n[stage \"Lead\"]\n"
			       "[stage \"lost\"]\n");
	const char **v1, **v2;
	size_t n1, n2;

	is_str(subs(c, "stage"), "lead|won|Lead|lost",
	       "subsections: first appearance, no duplicates");
	is_str(subs(c, "Stage"), "lead|won|Lead|lost",
	       "subsections: section name ignores case");
	is_str(subs(c, "x"), "no", "subsections: other section");
	is_str(subs(c, "none"), "", "subsections: none");
	v1 = conf_subsections(c, "stage", &n1);
	v2 = conf_subsections(c, "stage", &n2);
	ok(v1 == v2 && n1 == 4 && n2 == 4, "subsections: answer kept");
	conf_free(c);
}

static void test_header_errors(void)
{
	is_str(perr("[crm]\nx = 1\n\n[stage \"a\"\n"),
	       "4: missing ']' in section header", "errors: missing ']'");
	is_str(perr("[crm"), "1: missing ']' in section header",
	       "errors: missing ']' at end of file");
	is_str(perr("["), "1: missing ']' in section header",
	       "errors: lone '['");
	is_str(perr("[a \"b\" \"c\"]"), "1: missing ']' in section header",
	       "errors: two subsections");
	is_str(perr("[a]\n[]\n"), "2: empty section name",
	       "errors: empty section name");
	is_str(perr("[a]\n\n[a.b]\n"), "3: invalid section name 'a.b'",
	       "errors: legacy [section.sub]");
	is_str(perr("[阶段]\n"), "1: invalid section name '阶段'",
	       "errors: non-ASCII section name");
	is_str(perr("[a b]\n"),
	       "1: subsection name must be in double quotes",
	       "errors: unquoted subsection");
	is_str(perr("[a]\n[a \"b]\n"), "2: unterminated subsection name",
	       "errors: unterminated subsection");
	is_str(perr("[a \"b\\\n\"]\n"), "1: unterminated subsection name",
	       "errors: no continuation in a header");
	is_str(perr("[a \"b\\q\"]\n"), "1: invalid escape '\\q'",
	       "errors: bad escape in subsection");
	is_str(perr("[a \"b\\n\"]\n"), "1: invalid escape '\\n'",
	       "errors: \\n in subsection");
	is_str(perr("[a]\n[b] k = 1\n"),
	       "2: unexpected text after section header",
	       "errors: text after header");
}

static void test_key_errors(void)
{
	is_str(perr("x = 1\n"), "1: key outside any section",
	       "errors: key outside any section");
	is_str(perr("\n# c\n\nflag\n[a]\n"), "4: key outside any section",
	       "errors: bare key outside any section");
	is_str(perr("[a]\n\na b = 1\n"), "3: invalid key 'a b'",
	       "errors: key with a blank");
	is_str(perr("[a]\na b\n"), "2: invalid key 'a b'",
	       "errors: bare key with a blank");
	is_str(perr("[a]\na.b = 1\n"), "2: invalid key 'a.b'",
	       "errors: key with a dot");
	is_str(perr("[a]\n名字 = x\n"), "2: invalid key '名字'",
	       "errors: non-ASCII key");
	is_str(perr("[a]\n\"k\" = 1\n"), "2: invalid key '\"k\"'",
	       "errors: quoted key");
	is_str(perr("[a]\n  = 1\n"), "2: missing key before '='",
	       "errors: no key");
}

static void test_value_errors(void)
{
	is_str(perr("[a]\nk = \"abc\n"), "2: unterminated quoted value",
	       "errors: unterminated quote");
	is_str(perr("[a]\nk = \"abc"), "2: unterminated quoted value",
	       "errors: unterminated quote at end of file");
	is_str(perr("[a]\nk = \"abc\\\ndef\nj = 1\"\n"),
	       "3: unterminated quoted value",
	       "errors: unterminated quote after continuation");
	is_str(perr("[a]\nk = \"abc\"\"\n"), "2: unterminated quoted value",
	       "errors: odd number of quotes");
	is_str(perr("[a]\n\nk = \"a\\qb\"\n"), "3: invalid escape '\\q'",
	       "errors: invalid escape in a whole quoted value");
	is_str(val("[a]\nk = a\\ \n", "a", NULL, "k"), "a\\",
	       "values: backslash then blank is no continuation");
	is_str(perr("[a]\nk = a \\\n b\n[x\n"),
	       "4: missing ']' in section header",
	       "errors: line count after continuation");
	is_str(perr("[a]\nk = 1\nj = \xff\n"), "3: invalid UTF-8",
	       "errors: invalid UTF-8");
	is_str(perr("[a]\n# \xe4\xb8\n"), "2: invalid UTF-8",
	       "errors: invalid UTF-8 in a comment");
	is_str(perr("[a]\nk = \xc0\xaf\n"), "2: invalid UTF-8",
	       "errors: overlong UTF-8");
	is_str(perr_n("[a]\nk = 1\0\n", 10), "2: NUL byte in data",
	       "errors: NUL byte");
	is_str(perr_n("[a]\n\0\xff", 6), "2: NUL byte in data",
	       "errors: NUL byte before invalid UTF-8");
	is_str(perr("[a]\nk = 1\n[b"), "3: missing ']' in section header",
	       "errors: last line");
	parse("[a");
	is_str(err.file, "crm.conf", "errors: file name set");
	is_int(err.code, CRM_FAIL, "errors: code is CRM_FAIL");
}

/* conf_get_long on text: "rc value" or "rc line: message". */
static const char *lng(const char *text, const char *section,
		       const char *sub, const char *key)
{
	static char out[1100];
	struct conf *c = parse(text);
	struct crm_err e = {0};
	long v = 12345;
	int rc = conf_get_long(c, section, sub, key, -99, &v, &e);

	if (rc < 0)
		snprintf(out, sizeof out, "%d %s:%ld: %s (%ld)", rc, e.file,
			 e.line, e.msg, v);
	else
		snprintf(out, sizeof out, "%d %ld", rc, v);
	conf_free(c);
	return out;
}

static const char long_text[] = "[stage \"proposal\"]\n"
	"probability = 50\n"
	"neg = -7\n"
	"pos = +3\n"
	"zero = 0\n"
	"\n"
	"rot-days = ten\n"
	"[Pool]\n"
	"Days =\n"
	"frac = 1.5\n"
	"junk = 12abc\n"
	"big = 99999999999999999999\n"
	"hex = 0x10\n"
	"space = \" 5\"\n"
	"sign = -\n"
	"flag\n"
	"cn = 十\n";

static void test_long_good(void)
{
	const char *t = long_text;

	is_str(lng(t, "stage", "proposal", "probability"), "0 50",
	       "long: integer");
	is_str(lng(t, "stage", "proposal", "neg"), "0 -7", "long: negative");
	is_str(lng(t, "stage", "proposal", "pos"), "0 3", "long: plus sign");
	is_str(lng(t, "stage", "proposal", "zero"), "0 0", "long: zero");
	is_str(lng(t, "stage", "proposal", "unset"), "0 -99",
	       "long: unset gives the default");
	is_str(lng("[a]\nn = 1\nn = 2\n", "a", NULL, "n"), "0 2",
	       "long: last value");
	is_str(lng("[a]\nn = x\nn = 2\n", "a", NULL, "n"), "0 2",
	       "long: only the last value counts");
}

static void test_long_bad(void)
{
	const char *t = long_text;

	is_str(lng(t, "stage", "proposal", "rot-days"),
	       "-1 crm.conf:7: stage.proposal.rot-days: 'ten' is not an "
	       "integer (-99)", "long: not an integer names file:line");
	is_str(lng(t, "pool", NULL, "days"),
	       "-1 crm.conf:9: pool.days: '' is not an integer (-99)",
	       "long: empty, name lower case, no subsection");
	is_str(lng(t, "pool", NULL, "frac"),
	       "-1 crm.conf:10: pool.frac: '1.5' is not an integer (-99)",
	       "long: fraction");
	is_str(lng(t, "pool", NULL, "junk"),
	       "-1 crm.conf:11: pool.junk: '12abc' is not an integer (-99)",
	       "long: trailing junk");
	is_str(lng(t, "pool", NULL, "big"),
	       "-1 crm.conf:12: pool.big: '99999999999999999999' is out of "
	       "range (-99)", "long: out of range");
	is_str(lng(t, "pool", NULL, "hex"),
	       "-1 crm.conf:13: pool.hex: '0x10' is not an integer (-99)",
	       "long: hex");
	is_str(lng(t, "pool", NULL, "space"),
	       "-1 crm.conf:14: pool.space: ' 5' is not an integer (-99)",
	       "long: leading blank");
	is_str(lng(t, "pool", NULL, "sign"),
	       "-1 crm.conf:15: pool.sign: '-' is not an integer (-99)",
	       "long: lone sign");
	is_str(lng(t, "pool", NULL, "flag"),
	       "-1 crm.conf:16: pool.flag: 'true' is not an integer (-99)",
	       "long: bare key");
	is_str(lng(t, "pool", NULL, "cn"),
	       "-1 crm.conf:17: pool.cn: '十' is not an integer (-99)",
	       "long: Chinese numeral");
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
}

static void test_load_long(const char *path)
{
	struct crm_err e = {0};
	struct conf *c;
	long v;

	write_file(path, "[crm]\nn = x\n");
	c = conf_load(path, &e);
	ok(c && conf_get_long(c, "crm", NULL, "n", 0, &v, &e) < 0 &&
	   !strcmp(e.file, "crm.conf") && e.line == 2,
	   "load: conf_get_long names the basename");
	conf_free(c);
}

static void test_load(void)
{
	char dir[] = "/tmp/test_conf.XXXXXX";
	char *path, *sub;
	struct crm_err e = {0};
	struct conf *c;

	if (!mkdtemp(dir)) {
		ok(0, "load: mkdtemp");
		return;
	}
	path = xasprintf("%s/crm.conf", dir);
	sub = xasprintf("%s/sub", dir);
	c = conf_load(path, &e);
	ok(c == NULL, "load: missing file fails");
	is_str(e.msg, "cannot open crm.conf: No such file or directory",
	       "load: missing file message");
	is_str(e.file, "crm.conf", "load: missing file name");
	is_int(e.line, 0, "load: missing file has no line");
	write_file(path, "[crm]\ncurrency = CNY\n");
	c = conf_load(path, &e);
	ok(c != NULL, "load: loads");
	is_str(conf_get(c, "crm", NULL, "currency"), "CNY", "load: value");
	conf_free(c);
	write_file(path, "[crm]\ncurrency = CNY\nbad key = 1\n");
	ok(conf_load(path, &e) == NULL, "load: bad file fails");
	is_str(e.file, "crm.conf", "load: message names the basename");
	is_int(e.line, 3, "load: error line");
	is_str(e.msg, "invalid key 'bad key'", "load: error message");
	test_load_long(path);
	ok(mkdir(sub, 0700) == 0, "load: mkdir");
	ok(conf_load(sub, &e) == NULL, "load: directory fails");
	is_str(e.msg, "cannot read sub: Is a directory",
	       "load: directory message");
	c = conf_load("crm.conf-that-does-not-exist", &e);
	ok(c == NULL && !strcmp(e.file, "crm.conf-that-does-not-exist"),
	   "load: relative path");
	rmdir(sub);
	unlink(path);
	rmdir(dir);
	free(path);
	free(sub);
}

static void test_default_stages(const struct conf *c)
{
	static const char *const stages[] = {
		"lead", "qualified", "proposal", "negotiation", "won", "lost"
	};
	static const long prob[] = {10, 20, 50, 75, 100, 0};
	static const long rot[] = {14, 14, 10, 7, 0, 0};
	static const char *const fc[] = {
		"pipeline", "pipeline", "best-case", "commit", "closed",
		"omitted"
	};
	struct crm_err e = {0};
	int good = 1;
	long v;

	is_str(subs(c, "stage"), "lead|qualified|proposal|negotiation|won|"
	       "lost", "default: six stages in order");
	for (size_t i = 0; i < 6; i++) {
		const char *s = stages[i];

		good &= conf_get_long(c, "stage", s, "order", 0, &v, &e) == 0
			&& v == (long)i + 1;
		good &= conf_get_long(c, "stage", s, "probability", -1, &v,
				      &e) == 0 && v == prob[i];
		good &= conf_get_long(c, "stage", s, "rot-days", 0, &v, &e)
			== 0 && v == rot[i];
		good &= !strcmp(conf_get(c, "stage", s, "forecast"), fc[i]);
	}
	ok(good, "default: order, probability, rot-days, forecast");
	is_str(conf_get(c, "stage", "proposal", "probability"), "50",
	       "default: proposal probability");
	is_str(conf_get(c, "stage", "won", "won"), "true", "default: won");
	is_str(conf_get(c, "stage", "lost", "lost"), "true", "default: lost");
	is_str(conf_get(c, "stage", "won", "lost"), NULL,
	       "default: won is not lost");
	is_str(subs(c, "pipeline"), "new-business", "default: one pipeline");
	is_str(conf_get(c, "pipeline", "new-business", "stages"),
	       "lead qualified proposal negotiation won lost",
	       "default: pipeline stages");
}

static void test_default_rest(const struct conf *c)
{
	is_str(conf_get(c, "crm", NULL, "currency"), "CNY",
	       "default: currency");
	is_str(subs(c, "owner"), "alice|bob", "default: owners");
	is_str(conf_get(c, "owner", "alice", "email"), "alice@example.com",
	       "default: alice's e-mail");
	is_str(conf_get(c, "owner", "alice", "name"), "Alice Wang",
	       "default: alice's name");
	ok(conf_get(c, "owner", "bob", "email") != NULL, "default: bob");
	is_str(conf_get(c, "pool", NULL, "contact-days"), "30",
	       "default: pool contact-days");
	is_str(conf_get(c, "pool", NULL, "protect-stage"), "negotiation",
	       "default: pool protect-stage");
	is_str(conf_get(c, "pool", NULL, "notify-days"), "7",
	       "default: pool notify-days");
	is_str(conf_get(c, "pool", NULL, "claim-limit"), "200",
	       "default: pool claim-limit");
	is_str(conf_get(c, "remind", NULL, "from"), "crm@example.com",
	       "default: remind from");
	is_str(conf_get(c, "remind", NULL, "new-lead-hours"), "24",
	       "default: new-lead-hours");
	is_str(conf_get(c, "remind", NULL, "renewal-days"), "60",
	       "default: renewal-days");
	is_str(conf_get(c, "remind", NULL, "payment-days"), "7",
	       "default: payment-days");
	is_str(conf_get(c, "remind", NULL, "sendmail"),
	       "/usr/sbin/sendmail -i", "default: sendmail");
	is_str(conf_get(c, "remind", NULL, "manager"),
	       "sales-manager@example.com", "default: manager");
	is_str(subs(c, "tier"), "A|B|C", "default: tiers");
	is_str(conf_get(c, "tier", "A", "revisit-days"), "30",
	       "default: tier A");
	is_str(conf_get(c, "tier", "B", "revisit-days"), "60",
	       "default: tier B");
	is_str(conf_get(c, "tier", "C", "revisit-days"), "90",
	       "default: tier C");
	is_str(conf_get(c, "tiers", NULL, "a"), "80", "default: tiers a");
	is_str(conf_get(c, "tiers", NULL, "b"), "15", "default: tiers b");
	size_t nrules;
	const char **rules = conf_subsections(c, "score", &nrules);
	is_int(nrules, 4, "default: four score rules");
	is_str(nrules ? rules[0] : NULL, "has-email", "default: first rule");
	is_str(conf_get(c, "score", "referral", "when"),
	       ".source == \"referral\"", "default: a rule reads as jq");
	is_str(conf_get(c, "score", "decision-maker", "when"),
	       ".title | test(\"CEO|CTO|VP|总\")", "default: test() rule");
	is_str(conf_get(c, "score", "referral", "points"), "30",
	       "default: points");
	is_str(conf_get(c, "assign", "everyone", "owners"), "alice bob",
	       "default: assign owners");
	is_str(conf_get(c, "assign", "shanghai", "when"),
	       ".company | test(\"上海\")", "default: assign rule");
}

static void test_default(void)
{
	size_t len = strlen(conf_default_text);
	struct conf *c = parse(conf_default_text);

	ok(c != NULL, "default: parses");
	if (!c) {
		printf("#   %ld: %s\n", err.line, err.msg);
		return;
	}
	ok(len > 0 && conf_default_text[len - 1] == '\n',
	   "default: ends with a newline");
	ok(!strchr(conf_default_text, '\r'), "default: LF only");
	test_default_stages(c);
	test_default_rest(c);
	conf_free(c);
}

int main(void)
{
	test_basic();
	test_values();
	test_quoting();
	test_crlf_bom();
	test_empty();
	test_repeated();
	test_subsections();
	test_header_errors();
	test_key_errors();
	test_value_errors();
	test_long_good();
	test_long_bad();
	test_load();
	test_default();
	return done();
}
