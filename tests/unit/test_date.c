/* test_date.c - day numbers, parsing, formatting, today pinning */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"
#include "unit.h"

/* date_parse(s) formatted, or "ERR <message>". */
static const char *pd(const char *s)
{
	static char out[1024];
	struct crm_err err = {0};
	int32_t day = 12345;

	if (date_parse(s, &day, &err) < 0) {
		snprintf(out, sizeof out, "ERR %s", err.msg);
		return out;
	}
	date_format(day, out);
	return out;
}

/* date_parse_iso(s) formatted, or "ERR". */
static const char *pi(const char *s)
{
	static char out[16];
	int32_t day;

	if (date_parse_iso(s, &day) < 0)
		return "ERR";
	date_format(day, out);
	return out;
}

static const char *fmt(int32_t day)
{
	static char out[16];

	date_format(day, out);
	return out;
}

static const char *now_iso(void)
{
	static char out[32];

	date_now_iso(out);
	return out;
}

static int errs(const char *s, const char *needle)
{
	const char *r = pd(s);

	return !strncmp(r, "ERR ", 4) && strstr(r, needle) != NULL;
}

static void test_calendar(void)
{
	int y, m, d;

	is_int(date_from_ymd(1970, 1, 1), 0, "epoch is day 0");
	is_int(date_from_ymd(1969, 12, 31), -1, "day before epoch is -1");
	is_int(date_from_ymd(2000, 3, 1), 11017, "2000-03-01");
	is_int(date_from_ymd(1900, 1, 1), -25567, "1900-01-01");
	is_int(date_from_ymd(9999, 12, 31), 2932896, "9999-12-31");
	is_int(date_from_ymd(2024, 3, 1) - date_from_ymd(2024, 2, 28), 2,
	       "2024 has a leap day");
	is_int(date_from_ymd(2100, 3, 1) - date_from_ymd(2100, 2, 28), 1,
	       "2100 has no leap day");
	is_str(fmt(date_from_ymd(2026, 13, 1)), "2027-01-01",
	       "month 13 carries into the year");
	is_str(fmt(date_from_ymd(2026, 0, 1)), "2025-12-01",
	       "month 0 is december before");
	is_str(fmt(date_from_ymd(2026, 1, 32)), "2026-02-01",
	       "day 32 runs into the next month");
	date_to_ymd(-1, &y, &m, &d);
	ok(y == 1969 && m == 12 && d == 31, "to_ymd of -1");
	date_to_ymd(date_from_ymd(1600, 2, 29), &y, &m, &d);
	ok(y == 1600 && m == 2 && d == 29, "to_ymd of 1600-02-29");
	is_str(fmt(0), "1970-01-01", "format epoch");
	is_str(fmt(DATE_NONE), "", "format DATE_NONE is empty");
	is_str(fmt(date_from_ymd(10000, 1, 1)), "", "format year 10000 empty");
}

/* Every day 1900..2100 survives ymd, format and parse round trips. */
static void test_round_trip(void)
{
	int32_t day, back, first = date_from_ymd(1900, 1, 1);
	int32_t last = date_from_ymd(2100, 12, 31);
	int y, m, d, py = 1899, pm = 12, pd_ = 31, bad = 0;
	char s[16];
	struct crm_err err;

	for (day = first; day <= last; day++) {
		date_to_ymd(day, &y, &m, &d);
		if (date_from_ymd(y, m, d) != day)
			bad++;
		/* each day follows the previous one in the calendar */
		if (!(d == pd_ + 1 && m == pm && y == py) &&
		    !(d == 1 && ((m == pm + 1 && y == py) ||
				 (m == 1 && pm == 12 && y == py + 1))))
			bad++;
		py = y, pm = m, pd_ = d;
		date_format(day, s);
		if (date_parse_iso(s, &back) < 0 || back != day)
			bad++;
		if (date_parse(s, &back, &err) < 0 || back != day)
			bad++;
	}
	is_int(bad, 0, "round trips over 1900-2100");
	is_int(last - first + 1, 73414, "days in 1900-2100");
}

static void test_add_months(void)
{
	int32_t d = date_from_ymd(2026, 1, 31);

	is_str(fmt(date_add_months(d, 1)), "2026-02-28", "jan 31 +1m clamps");
	is_str(fmt(date_add_months(date_from_ymd(2024, 1, 31), 1)),
	       "2024-02-29", "jan 31 +1m in a leap year");
	is_str(fmt(date_add_months(date_from_ymd(2026, 3, 31), -1)),
	       "2026-02-28", "mar 31 -1m clamps");
	is_str(fmt(date_add_months(date_from_ymd(2026, 3, 31), 1)),
	       "2026-04-30", "mar 31 +1m clamps to 30");
	is_str(fmt(date_add_months(date_from_ymd(2024, 2, 29), 12)),
	       "2025-02-28", "leap day +12m");
	is_str(fmt(date_add_months(date_from_ymd(2024, 2, 29), 48)),
	       "2028-02-29", "leap day +48m");
	is_str(fmt(date_add_months(date_from_ymd(2026, 5, 15), -17)),
	       "2024-12-15", "-17m across years");
	is_str(fmt(date_add_months(d, 0)), "2026-01-31", "+0m");
	is_str(fmt(date_add_months(date_from_ymd(2026, 12, 15), 1)),
	       "2027-01-15", "dec +1m");
	is_int(date_add_months(DATE_NONE, 3), DATE_NONE, "DATE_NONE stays");
}

static void test_forms(void)
{
	is_str(pd("2026-03-05"), "2026-03-05", "iso date");
	is_str(pd("2026-3-5"), "2026-03-05", "no zero padding");
	is_str(pd("2026/3/5"), "2026-03-05", "slashes");
	is_str(pd("2026/03/05"), "2026-03-05", "slashes padded");
	is_str(pd("2026.3.5"), "2026-03-05", "dots");
	is_str(pd("2026年3月5日"), "2026-03-05", "chinese");
	is_str(pd("2026年03月05号"), "2026-03-05", "chinese with 号");
	is_str(pd("2026 年 3 月 5 日"), "2026-03-05", "chinese with spaces");
	is_str(pd("  2026-03-05\t\r\n"), "2026-03-05", "white space around");
	is_str(pd("\xe3\x80\x80" "2026-03-05\xc2\xa0"), "2026-03-05",
	       "ideographic space and nbsp around");
	is_str(pd("2026-03-05T09:30:00+08:00"), "2026-03-05", "timestamp");
	is_str(pd("2026-03-05T23:30:00-05:00"), "2026-03-05",
	       "timestamp: no zone conversion");
	is_str(pd("2026-03-05T09:30:00.123Z"), "2026-03-05",
	       "timestamp with fraction");
	is_str(pd("2026-03-05 09:30"), "2026-03-05", "date and time");
	is_str(pd("2026/3/5 9:30"), "2026-03-05", "excel-ish date and time");
	is_str(pd("2026-03-05 09:30:00 +0800"), "2026-03-05",
	       "git-style zone");
	is_str(pd("2026-03-05t09:30z"), "2026-03-05", "lower case t and z");
	ok(errs("2026-03-05T25:00", "has an invalid time"), "hour 25");
	ok(errs("2026-03-05 09:60", "has an invalid time"), "minute 60");
	ok(errs("2026-03-05T09:3", "is not a date"), "minute of one digit");
	ok(errs("2026-03-05T", "is not a date"), "T and nothing");
	ok(errs("2026-03-05X", "is not a date"), "trailing letter");
	ok(errs("2026-03-05T09:30:00+8", "is not a date"), "zone +8");
	ok(errs("2026-03-05T09:30:00.Z", "is not a date"), "empty fraction");
	ok(errs("2026年3月", "is not a date"), "chinese without day");
	ok(errs("2026年3月5", "is not a date"), "chinese without 日");
	ok(errs("2026年2月30日", "has no such day"), "chinese feb 30");
}

static void test_validation(void)
{
	is_str(pd("2024-02-29"), "2024-02-29", "2024-02-29 exists");
	is_str(pd("2000-02-29"), "2000-02-29", "2000-02-29 exists");
	ok(errs("2026-02-29", "has no such day"), "2026-02-29 does not");
	ok(errs("1900-02-29", "has no such day"), "1900-02-29 does not");
	ok(errs("2100-02-29", "has no such day"), "2100-02-29 does not");
	ok(errs("2026-04-31", "has no such day"), "april 31");
	ok(errs("2026-01-00", "has no such day"), "day 0");
	ok(errs("2026-13-01", "has no such month"), "month 13");
	ok(errs("2026-00-10", "has no such month"), "month 0");
	ok(errs("1899-12-31", "is out of range"), "year 1899");
	is_str(pd("1900-01-01"), "1900-01-01", "first day accepted");
	is_str(pd("9999-12-31"), "9999-12-31", "last day accepted");
	ok(errs("10000-01-01", "is not a date"), "five-digit year");
	is_str(pd("2026-02-29"),
	       "ERR date '2026-02-29' has no such day", "no-such-day message");
	is_str(pd("1800-01-01"),
	       "ERR date '1800-01-01' is out of range (years 1900 to 9999)",
	       "range message");
}

static void test_excel(void)
{
	is_str(pd("45658"), "2025-01-01", "serial 45658");
	is_str(pd("46083"), "2026-03-02", "serial 46083");
	is_str(pd("45658.75"), "2025-01-01", "serial with time of day");
	is_str(pd("20000"), "1954-10-03", "lowest serial");
	is_str(pd("80000"), "2119-01-11", "highest serial");
	is_str(pd(" 45658 "), "2025-01-01", "serial with spaces");
	ok(errs("19999", "is not a date"), "serial below range");
	ok(errs("80001", "is not a date"), "serial above range");
	ok(errs("60", "is not a date"), "serial 60 (fake 1900-02-29)");
	ok(errs("59", "is not a date"), "serial 59");
	ok(errs("61", "is not a date"), "serial 61");
	ok(errs("1", "is not a date"), "serial 1");
	ok(errs("45658.", "is not a date"), "serial with bare dot");
	ok(errs(".5", "is not a date"), "bare fraction");
	ok(errs("045658", "is not a date"), "serial with leading zero");
	ok(errs("20260305", "is not a date"), "yyyymmdd is not guessed");
	ok(errs("-45658", "is not a date"), "negative serial");
}

static void test_relative(void)
{
	struct crm_err err;

	ok(date_set_today("2026-03-02", &err) == 0, "pin today");
	is_str(pd("today"), "2026-03-02", "today");
	is_str(pd("TODAY"), "2026-03-02", "TODAY");
	is_str(pd(" Yesterday "), "2026-03-01", "yesterday");
	is_str(pd("tomorrow"), "2026-03-03", "tomorrow");
	is_str(pd("+7d"), "2026-03-09", "+7d");
	is_str(pd("-7d"), "2026-02-23", "-7d");
	is_str(pd("+0d"), "2026-03-02", "+0d");
	is_str(pd("-2w"), "2026-02-16", "-2w");
	is_str(pd("+1m"), "2026-04-02", "+1m");
	is_str(pd("-1m"), "2026-02-02", "-1m");
	is_str(pd("+1y"), "2027-03-02", "+1y");
	is_str(pd("+30D"), "2026-04-01", "upper-case unit");
	ok(errs("7d", "is not a date"), "unsigned 7d");
	ok(errs("+7", "is not a date"), "no unit");
	ok(errs("+7x", "is not a date"), "unknown unit");
	ok(errs("+1.5d", "is not a date"), "fraction");
	ok(errs("++7d", "is not a date"), "double sign");
	ok(errs("+ 7d", "is not a date"), "space after sign");
	ok(errs("+7dd", "is not a date"), "unit twice");
	ok(errs("+1234567d", "is not a date"), "seven digits");
	ok(errs("-999999y", "is out of range"), "far past");
	ok(errs("+999999w", "is out of range"), "far future");
	ok(errs("+", "is not a date"), "lone plus");

	ok(date_set_today("2026-01-31", &err) == 0, "pin jan 31");
	is_str(pd("+1m"), "2026-02-28", "+1m clamps");
	is_str(pd("+13m"), "2027-02-28", "+13m clamps");
	is_str(pd("+2m"), "2026-03-31", "+2m keeps 31");
	ok(date_set_today("2024-02-29", &err) == 0, "pin leap day");
	is_str(pd("+1y"), "2025-02-28", "+1y from a leap day");
	is_str(pd("-4y"), "2020-02-29", "-4y from a leap day");
	is_str(pd("+1d"), "2024-03-01", "+1d from a leap day");
}

static void test_rejects(void)
{
	is_str(pd("3/5/2026"), "ERR date '3/5/2026' is ambiguous: day/month "
	       "order unknown (use YYYY-MM-DD)", "m/d/y is ambiguous");
	ok(errs("05.03.2026", "ambiguous"), "d.m.y is ambiguous");
	ok(errs("3-5-2026", "ambiguous"), "d-m-y is ambiguous");
	ok(errs("25/12/2026", "ambiguous"), "even when day > 12");
	ok(errs("3/5/26", "ambiguous"), "two-digit year last");
	ok(errs("3/5/2026 10:00", "ambiguous"), "with a time");
	is_str(pd("TBD"), "ERR date 'TBD' is not a date (use YYYY-MM-DD)",
	       "TBD message");
	is_str(pd(""), "ERR date is empty", "empty");
	is_str(pd("   "), "ERR date is empty", "blank");
	is_str(pd(NULL), "ERR date is empty", "NULL");
	ok(errs("2026-03", "is not a date"), "year and month");
	ok(errs("2026-03-05-01", "is not a date"), "four parts");
	ok(errs("2026/03-05", "is not a date"), "mixed separators");
	ok(errs("2026-003-05", "is not a date"), "three-digit month");
	ok(errs("2026-03-005", "is not a date"), "three-digit day");
	ok(errs("26-03-05", "ambiguous"), "two-digit year first");
	ok(errs("March 5, 2026", "is not a date"), "english");
	ok(errs("2026-03-05 2026-03-06", "is not a date"), "two dates");
	ok(errs("2026-O3-05", "is not a date"), "letter O for zero");
}

static void test_long_input(void)
{
	char s[300], *r;

	memset(s, '9', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	r = (char *)pd(s);
	ok(!strncmp(r, "ERR date '9999", 14), "long input rejected");
	ok(strstr(r, "...' is not a date") != NULL, "long input shortened");
	ok(strlen(r) < 140, "message stays short");
	/* cut in the middle of a character: 40 three-byte characters */
	s[0] = '\0';
	while (strlen(s) < 120)
		strcat(s, "年");
	r = (char *)pd(s);
	ok(strstr(r, "年...'") != NULL, "cut on a character boundary");
}

static void test_iso(void)
{
	is_str(pi("2026-03-05"), "2026-03-05", "iso date");
	is_str(pi("2026-03-05T09:30:00Z"), "2026-03-05", "iso Z");
	is_str(pi("2026-03-05T09:30:00+08:00"), "2026-03-05", "iso offset");
	is_str(pi("2026-03-05T23:59:59-12:00"), "2026-03-05", "negative");
	is_str(pi("2026-03-05T09:30:00.123456+08:00"), "2026-03-05",
	       "iso fraction");
	is_str(pi("2026-12-31T23:59:60Z"), "2026-12-31", "leap second");
	is_str(pi("2026-3-5"), "ERR", "unpadded");
	is_str(pi(" 2026-03-05"), "ERR", "leading space");
	is_str(pi("2026-03-05 "), "ERR", "trailing space");
	is_str(pi("2026/03/05"), "ERR", "slashes");
	is_str(pi("2026-02-29"), "ERR", "no such day");
	is_str(pi("2026-03-05T09:30Z"), "ERR", "no seconds");
	is_str(pi("2026-03-05T09:30:00"), "ERR", "no zone");
	is_str(pi("2026-03-05T09:30:00+0800"), "ERR", "zone without colon");
	is_str(pi("2026-03-05T09:30:00+08"), "ERR", "zone hours only");
	is_str(pi("2026-03-05 09:30:00Z"), "ERR", "space for T");
	is_str(pi("2026-03-05t09:30:00z"), "ERR", "lower case");
	is_str(pi("2026-03-05T24:00:00Z"), "ERR", "hour 24");
	is_str(pi("2026-03-05T09:30:00+24:00"), "ERR", "zone 24h");
	is_str(pi("2026-03-05T09:30:00.Z"), "ERR", "empty fraction");
	is_str(pi("2026-03-05T"), "ERR", "bare T");
	is_str(pi("today"), "ERR", "today");
	is_str(pi("45658"), "ERR", "serial");
	is_str(pi(""), "ERR", "empty");
	is_str(pi(NULL), "ERR", "NULL");
	ok(date_is_timestamp("2026-03-05T09:30:00Z"), "is timestamp: Z");
	ok(date_is_timestamp("2026-03-05T09:30:00-05:30"), "offset");
	ok(!date_is_timestamp("2026-03-05"), "date is no timestamp");
	ok(!date_is_timestamp("2026-03-05T09:30:00"), "no zone");
	ok(!date_is_timestamp("2026-02-30T09:30:00Z"), "bad day");
	ok(!date_is_timestamp(""), "empty");
	ok(!date_is_timestamp(NULL), "NULL");
}

static void test_pinning(void)
{
	struct crm_err err = {0};

	ok(date_set_today("2026-03-02", &err) == 0, "pin a date");
	is_str(fmt(date_today()), "2026-03-02", "today is pinned");
	is_str(now_iso(), "2026-03-02T00:00:00Z", "now is midnight UTC");
	ok(date_set_today("2026-03-05T09:30:00+08:00", &err) == 0,
	   "pin a timestamp");
	is_str(fmt(date_today()), "2026-03-05", "today from timestamp");
	is_str(now_iso(), "2026-03-05T09:30:00+08:00", "now verbatim");
	ok(date_set_today("2026-03-05T23:30:00-05:00", &err) == 0, "pin -05");
	is_str(fmt(date_today()), "2026-03-05", "no zone conversion");
	is_str(now_iso(), "2026-03-05T23:30:00-05:00", "negative offset");
	ok(date_set_today(" 2026-03-05t09:30:00.250z ", &err) == 0, "pin z");
	is_str(now_iso(), "2026-03-05T09:30:00Z", "normalised");
	ok(date_set_today("2026-03-05 09:30:00 +0800", &err) == 0, "pin git");
	is_str(now_iso(), "2026-03-05T09:30:00+08:00", "colon added");
	ok(date_set_today("2026/3/5 9:30", &err) == 0, "pin local time");
	is_str(now_iso(), "2026-03-05T09:30:00+00:00", "local time in UTC");
	setenv("TZ", "XST-8", 1);
	tzset();
	ok(date_set_today("2026-03-05 09:30", &err) == 0, "pin in +8");
	is_str(now_iso(), "2026-03-05T09:30:00+08:00", "local offset +8");
	setenv("TZ", "XST+5:30", 1);
	tzset();
	ok(date_set_today("2026-03-05 09:30", &err) == 0, "pin in -5:30");
	is_str(now_iso(), "2026-03-05T09:30:00-05:30", "local offset -5:30");
	setenv("TZ", "UTC", 1);
	tzset();
	ok(date_set_today("45658", &err) == 0, "pin a serial");
	is_str(fmt(date_today()), "2025-01-01", "serial pinned");
	is_str(now_iso(), "2025-01-01T00:00:00Z", "serial now");
	ok(date_set_today("2026年3月5日", &err) == 0, "pin chinese");
	is_str(fmt(date_today()), "2026-03-05", "chinese pinned");
}

static void test_pin_rejects(void)
{
	struct crm_err err = {0};

	date_set_today("2026-03-02", &err);
	ok(date_set_today("+1d", &err) < 0, "relative pin rejected");
	is_str(err.msg, "date '+1d' is relative (use YYYY-MM-DD)",
	       "relative message");
	is_int(err.code, CRM_FAIL, "error code");
	ok(date_set_today("today", &err) < 0, "today rejected as pin");
	ok(date_set_today("tomorrow", &err) < 0, "tomorrow rejected");
	ok(date_set_today("3/5/2026", &err) < 0, "ambiguous rejected");
	ok(date_set_today("2026-02-29", &err) < 0, "bad day rejected");
	ok(date_set_today("2026-03-05T25:00", &err) < 0, "bad time rejected");
	is_str(fmt(date_today()), "2026-03-02", "failed pins change nothing");
	ok(date_set_today("bogus", NULL) < 0, "NULL err is fine");
}

static int32_t local_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void test_env(void)
{
	struct crm_err err = {0};
	const char *n;

	setenv("CRM_TODAY", "2026-01-15", 1);
	ok(date_set_today("", &err) == 0, "unset with empty string");
	is_str(fmt(date_today()), "2026-01-15", "$CRM_TODAY");
	is_str(now_iso(), "2026-01-15T00:00:00Z", "$CRM_TODAY now");
	ok(date_set_today("2026-03-02", &err) == 0, "pin over env");
	is_str(fmt(date_today()), "2026-03-02", "pin beats $CRM_TODAY");
	setenv("CRM_TODAY", "2026-01-15T08:00:00-05:00", 1);
	ok(date_set_today(NULL, &err) == 0, "unset with NULL");
	is_str(fmt(date_today()), "2026-01-15", "$CRM_TODAY timestamp");
	is_str(now_iso(), "2026-01-15T08:00:00-05:00", "env timestamp now");
	setenv("CRM_TODAY", "+3d", 1);
	date_set_today("", &err);
	is_int(date_today(), local_today(), "relative $CRM_TODAY ignored");
	setenv("CRM_TODAY", "bogus", 1);
	date_set_today("", &err);
	is_int(date_today(), local_today(), "invalid $CRM_TODAY ignored");
	setenv("CRM_TODAY", "2026-02-01", 1);
	is_int(date_today(), local_today(), "$CRM_TODAY read once");
	unsetenv("CRM_TODAY");
	date_set_today("  ", &err);
	is_int(date_today(), local_today(), "local date");
	n = now_iso();
	ok(strlen(n) == 25 && date_is_timestamp(n), "local now shape");
	ok(n[19] == '+' || n[19] == '-', "local now has an offset");
	ok(!strncmp(n, fmt(local_today()), 10), "local now is today");
}

int main(void)
{
	unsetenv("CRM_TODAY");
	setenv("TZ", "UTC", 1);
	tzset();
	test_calendar();
	test_round_trip();
	test_add_months();
	test_forms();
	test_validation();
	test_excel();
	test_relative();
	test_rejects();
	test_long_input();
	test_iso();
	test_pinning();
	test_pin_rejects();
	test_env();
	return done();
}
