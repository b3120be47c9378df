/* test_money.c - amounts in integer minor units */
#include <stdint.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

/* money_parse(s) formatted, or "ERR <message>". */
static const char *pm(const char *s)
{
	static char out[1024];
	struct crm_err err = {0};
	int64_t v = 777;

	if (money_parse(s, &v, &err) < 0) {
		snprintf(out, sizeof out, "ERR %s", err.msg);
		return out;
	}
	money_format(v, out);
	return out;
}

/* money_parse(s) in minor units, or INT64_MIN on error. */
static int64_t minor(const char *s)
{
	struct crm_err err;
	int64_t v;

	return money_parse(s, &v, &err) < 0 ? INT64_MIN : v;
}

static const char *fm(int64_t v)
{
	static char out[32];

	money_format(v, out);
	return out;
}

static int errs(const char *s, const char *needle)
{
	const char *r = pm(s);

	return !strncmp(r, "ERR ", 4) && strstr(r, needle) != NULL;
}

static void test_plain(void)
{
	is_int(minor("0"), 0, "0");
	is_int(minor("1200000"), 120000000, "1200000");
	is_int(minor("1,200,000.00"), 120000000, "grouped with cents");
	is_int(minor("-2500"), -250000, "negative");
	is_int(minor("+2500"), 250000, "explicit plus");
	is_int(minor("12.5"), 1250, "one decimal");
	is_int(minor("12.50"), 1250, "two decimals");
	is_int(minor("0.05"), 5, "five cents");
	is_int(minor("-0.05"), -5, "minus five cents");
	is_int(minor("-0"), 0, "minus zero");
	is_int(minor("007"), 700, "leading zeros");
	is_int(minor("  12  "), 1200, "spaces around");
	is_int(minor("\t-12\r\n"), -1200, "tabs and newline around");
	is_int(minor("\xe3\x80\x80" "12\xc2\xa0"), 1200,
	       "ideographic space and nbsp around");
	is_int(minor("999"), 99900, "three digits, no group");
	is_int(minor("1,000"), 100000, "one group");
	is_int(minor("12,345,678.9"), 1234567890, "groups and a decimal");
	is_int(minor("1\xef\xbc\x8c" "200"), 120000, "fullwidth comma");
}

static void test_currency(void)
{
	is_int(minor("\xef\xbf\xa5" "12.5万"), 12500000, "￥12.5万");
	is_int(minor("\xc2\xa5" "100"), 10000, "¥100");
	is_int(minor("$1,200"), 120000, "$1,200");
	is_int(minor("$ 1,200"), 120000, "$ 1,200");
	is_int(minor("\xe2\x82\xac" "5"), 500, "€5");
	is_int(minor("\xc2\xa3" "5.5"), 550, "£5.5");
	is_int(minor("RMB 100"), 10000, "RMB 100");
	is_int(minor("CNY100"), 10000, "CNY100");
	is_int(minor("usd 1,200.50"), 120050, "usd lower case");
	is_int(minor("EUR 3"), 300, "EUR 3");
	is_int(minor("-$5"), -500, "-$5");
	is_int(minor("$-5"), -500, "$-5");
	is_int(minor("-￥1万"), -1000000, "-￥1万");
	is_str(pm("-$-5"), "ERR amount '-$-5' is not a number", "two signs");
	ok(errs("$", "is not a number"), "currency alone");
	ok(errs("$$5", "is not a number"), "two currencies");
	ok(errs("5$", "is not a number"), "currency after");
	ok(errs("GBP 5", "is not a number"), "unknown code");
}

static void test_multipliers(void)
{
	is_int(minor("35万"), 35000000, "35万");
	is_int(minor("12.5万"), 12500000, "12.5万");
	is_int(minor("1.23456万"), 1234560, "1.23456万");
	is_int(minor("1.2345670万"), 1234567, "trailing zero after 万");
	is_int(minor("1.2亿"), 12000000000LL, "1.2亿");
	is_int(minor("1.23456789亿"), 12345678900LL, "亿 with 8 decimals");
	is_int(minor("2k"), 200000, "2k");
	is_int(minor("2.5K"), 250000, "2.5K");
	is_int(minor("3w"), 3000000, "3w");
	is_int(minor("3.5W"), 3500000, "3.5W");
	is_int(minor("5千"), 500000, "5千");
	is_int(minor("100元"), 10000, "100元");
	is_int(minor("35万元"), 35000000, "35万元");
	is_int(minor("35 万 元"), 35000000, "35 万 元");
	is_int(minor("1,234.5万"), 1234500000, "grouped 万");
	is_int(minor("-2k"), -200000, "-2k");
	is_int(minor("0.01元"), 1, "one fen");
	is_int(minor("1.234567万"), 1234567, "万 with 6 decimals");
	is_int(minor("1.23456k"), 123456, "k with 5 decimals");
	is_str(pm("1.2345678万"),
	       "ERR amount '1.2345678万' is not a whole number of cents",
	       "finer than a fen");
	ok(errs("1.234567k", "not a whole number of cents"), "1.234567k");
	is_int(minor("0.0000000001亿"), 1, "one fen in 亿");
	ok(errs("0.00000000001亿", "not a whole number of cents"),
	   "finer than a fen in 亿");
	ok(errs("0.001元", "more than 2 decimals"), "元 is no multiplier");
	ok(errs("万", "is not a number"), "multiplier alone");
	ok(errs("5万万", "is not a number"), "two multipliers");
	ok(errs("5万k", "is not a number"), "mixed multipliers");
	ok(errs("5元万", "is not a number"), "元 before 万");
	ok(errs("5m", "is not a number"), "m is no multiplier");
	ok(errs("5 kg", "is not a number"), "kg");
}

static void test_rejects(void)
{
	is_str(pm("TBD"), "ERR amount 'TBD' is not a number", "TBD");
	is_str(pm("12,3x"), "ERR amount '12,3x' is not a number", "12,3x");
	is_str(pm(""), "ERR amount is empty", "empty");
	is_str(pm("   "), "ERR amount is empty", "blank");
	is_str(pm(NULL), "ERR amount is empty", "NULL");
	is_str(pm("1.005"), "ERR amount '1.005' has more than 2 decimals",
	       "three decimals");
	ok(errs("1.000", "more than 2 decimals"), "three zero decimals");
	ok(errs("1,2,3", "is not a number"), "1,2,3");
	ok(errs("1234,567", "is not a number"), "first group of 4");
	ok(errs("1,23", "is not a number"), "group of 2");
	ok(errs("1,2345", "is not a number"), "group of 4");
	ok(errs(",123", "is not a number"), "leading comma");
	ok(errs("123,", "is not a number"), "trailing comma");
	ok(errs("1,,000", "is not a number"), "double comma");
	ok(errs("1,000,00", "is not a number"), "short last group");
	ok(errs("1,000.5,0", "is not a number"), "comma in decimals");
	ok(errs("1 000", "is not a number"), "space as group");
	ok(errs("--5", "is not a number"), "--5");
	ok(errs("+-5", "is not a number"), "+-5");
	ok(errs("- 5", "is not a number"), "space after sign");
	ok(errs("5-", "is not a number"), "trailing sign");
	ok(errs("1e5", "is not a number"), "1e5");
	ok(errs("NaN", "is not a number"), "NaN");
	ok(errs("inf", "is not a number"), "inf");
	ok(errs("0x10", "is not a number"), "0x10");
	ok(errs("(300)", "is not a number"), "(300)");
	ok(errs("12.", "is not a number"), "bare dot");
	ok(errs(".5", "is not a number"), "no integer part");
	ok(errs("1.2.3", "is not a number"), "two dots");
	ok(errs("12.5%", "is not a number"), "percent");
	ok(errs("\xef\xbc\x91\xef\xbc\x92", "is not a number"),
	   "fullwidth digits");
	ok(errs("12 34", "is not a number"), "two numbers");
}

static void test_range(void)
{
	char s[200];
	struct crm_err err;
	int64_t v = 42;

	is_int(minor("900000000000000"), 90000000000000000LL, "9e16 minor");
	is_int(minor("-900000000000000"), -90000000000000000LL, "-9e16");
	is_int(minor("900,000,000,000,000.00"), 90000000000000000LL,
	       "9e16 grouped");
	is_int(minor("9000000亿"), 90000000000000000LL, "9e16 in 亿");
	is_str(pm("900000000000000.01"),
	       "ERR amount '900000000000000.01' is too large", "9e16 + 1");
	ok(errs("-900000000000000.01", "is too large"), "-9e16 - 1");
	ok(errs("9000000000000000", "is too large"), "10x too large");
	ok(errs("9000001亿", "is too large"), "too large in 亿");
	ok(errs("92233720368547758.08", "is too large"), "INT64_MAX + 1");
	ok(errs("99999999999999999999999999", "is too large"), "26 nines");
	memset(s, '0', 100);
	s[0] = '1';
	s[100] = '\0';
	ok(errs(s, "is too large"), "100 digits");
	memset(s, '0', 100);
	s[99] = '7';
	is_int(minor(s), 700, "100 digits, mostly leading zeros");
	memcpy(s, "0.", 2);
	ok(errs(s, "more than 2 decimals"), "98 decimals");
	memcpy(s + 100, "万", sizeof "万");
	ok(errs(s, "not a whole number of cents"), "98 decimals of 万");
	memset(s, '0', 100);
	memcpy(s, "1.", 2);
	memcpy(s + 100, "万", sizeof "万");
	is_int(minor(s), 1000000, "1.000...万 (98 zeros)");
	memset(s, '9', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	ok(money_parse(s, &v, &err) < 0 && strstr(err.msg, "...'"),
	   "long input shortened in the message");
	is_int(v, 42, "failure leaves the value alone");
	is_int(err.code, CRM_FAIL, "error code");
}

static void test_format(void)
{
	static const int64_t values[] = {
		0, 1, -1, 5, -5, 10, 99, 100, -100, 1250, -1250, 120000000,
		-250000, 90000000000000000LL, -90000000000000000LL, 123456789,
	};
	size_t i;
	int bad = 0;

	is_str(fm(120000000), "1200000", "whole amount");
	is_str(fm(1250), "12.50", "cents keep two digits");
	is_str(fm(-250000), "-2500", "negative whole");
	is_str(fm(5), "0.05", "five cents");
	is_str(fm(-5), "-0.05", "minus five cents");
	is_str(fm(0), "0", "zero");
	is_str(fm(1), "0.01", "one cent");
	is_str(fm(10), "0.10", "ten cents");
	is_str(fm(-100), "-1", "minus one");
	is_str(fm(-120050), "-1200.50", "negative with cents");
	is_str(fm(INT64_MIN), "-92233720368547758.08", "INT64_MIN");
	is_str(fm(INT64_MAX), "92233720368547758.07", "INT64_MAX");
	for (i = 0; i < sizeof values / sizeof values[0]; i++)
		if (minor(fm(values[i])) != values[i])
			bad++;
	is_int(bad, 0, "format then parse gives the value back");
}

int main(void)
{
	test_plain();
	test_currency();
	test_multipliers();
	test_rejects();
	test_range();
	test_format();
	return done();
}
