/* date.c - day numbers, ISO 8601, and the ways people type a date
 *
 * A day is a count of days since 1970-01-01 in the proleptic Gregorian
 * calendar, computed by plain arithmetic: no mktime(), no time zone,
 * so a date means the same thing on every machine.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crm.h"

#define YEAR_MIN 1900
#define YEAR_MAX 9999
/* Excel's 1900 date system: serial 25569 is 1970-01-01.  Serials below 61
 * would need Excel's phantom 1900-02-29 (serial 60) handled, but the
 * range we accept starts far above it. */
#define EXCEL_EPOCH 25569
#define EXCEL_MIN 20000
#define EXCEL_MAX 80000
#define INPUT_MAX 128
#define QUOTE_MAX 80
#define REL_DIGITS 6

/* A date as typed, with the time of day when one was given. */
struct stamp {
	int y, m, d;
	int has_time, hh, mi, ss;
	int has_zone;       /* else local time */
	char zone_sign;     /* 'Z', '+' or '-' */
	int zone_h, zone_m;
};

/* What is wrong with a value, for the message. */
enum fault {
	BAD_SHAPE, BAD_YEAR, BAD_MONTH, BAD_DAY, BAD_ORDER, BAD_TIME,
	BAD_RELATIVE
};

/* What a user's value turned out to be. */
struct parsed {
	int32_t day;
	struct stamp st;    /* st.has_time when a timestamp */
};

/* ---- calendar arithmetic ------------------------------------------ */

static long long floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				   30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Days since 1970-01-01 of y-m-d.  Years are counted from March, so the
 * leap day falls at the end of a year and a month's offset within the
 * year is a linear formula; 400-year eras repeat exactly (146097 days).
 */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;  /* 719468: 0000-03-01 .. 1970 */
}

/* The inverse of days_from_civil. */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Months out of 1..12 carry into the year; days past the month's end
 * run on into the next month. */
int32_t date_from_ymd(int y, int m, int d)
{
	long long months = (long long)y * 12 + m - 1;
	long long yy = floor_div(months, 12);

	return (int32_t)(days_from_civil(yy, (int)(months - yy * 12) + 1, 1) +
			 d - 1);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	long long yy;

	civil_from_days(day, &yy, m, d);
	*y = (int)yy;
}

int32_t date_add_months(int32_t day, int months)
{
	long long y, total, ny;
	int m, d, nm;

	if (day == DATE_NONE)
		return DATE_NONE;
	civil_from_days(day, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	ny = floor_div(total, 12);
	nm = (int)(total - ny * 12) + 1;
	if (d > month_days(ny, nm))
		d = month_days(ny, nm);
	return (int32_t)days_from_civil(ny, nm, d);
}

void date_format(int32_t day, char *out)
{
	int y, m, d;

	out[0] = '\0';
	if (day == DATE_NONE)
		return;
	date_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		return;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int32_t day_min(void)
{
	return date_from_ymd(YEAR_MIN, 1, 1);
}

static int32_t day_max(void)
{
	return date_from_ymd(YEAR_MAX, 12, 31);
}

/* ---- scanning ------------------------------------------------------ */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly min..max digits at *pp (no more follow), into *val. */
static int take_digits(const char **pp, int min, int max, int *val)
{
	const char *p = *pp;
	int n = 0, v = 0;

	while (is_digit(p[n])) {
		if (n < max)
			v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n < min || n > max)
		return -1;
	*val = v;
	*pp = p + n;
	return 0;
}

/* Exactly n digits at *pp, whatever follows ("0800" as 08 and 00). */
static int take_fixed(const char **pp, int n, int *val)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit((*pp)[i]))
			return -1;
		v = v * 10 + ((*pp)[i] - '0');
	}
	*val = v;
	*pp += n;
	return 0;
}

static int take_lit(const char **pp, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*pp, lit, n))
		return -1;
	*pp += n;
	return 0;
}

static void skip_blanks(const char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

/* Length of the white space (ASCII, NBSP, U+3000) at s, 0 if none. */
static size_t space_len(const char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (!strncmp(s, "\xc2\xa0", 2))
		return 2;
	if (!strncmp(s, "\xe3\x80\x80", 3))
		return 3;
	return 0;
}

/* s without surrounding white space into out[n]; -1 when too long. */
static int trim_copy(const char *s, char *out, size_t n)
{
	size_t len, k;

	while ((k = space_len(s)))
		s += k;
	len = strlen(s);
	for (;;) {
		if (len && (s[len - 1] == ' ' ||
			    (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
			len--;
		else if (len >= 2 && !strncmp(s + len - 2, "\xc2\xa0", 2))
			len -= 2;
		else if (len >= 3 && !strncmp(s + len - 3, "\xe3\x80\x80", 3))
			len -= 3;
		else
			break;
	}
	k = len < n ? len : n - 1;
	memcpy(out, s, k);
	out[k] = '\0';
	return len < n ? 0 : -1;
}

/* t shortened for a message, cut on a character boundary. */
static const char *quote(const char *t, char *buf)
{
	size_t n = strlen(t);

	if (n < QUOTE_MAX)
		return t;
	n = QUOTE_MAX - 4;
	while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, t, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* ---- timestamps ---------------------------------------------------- */

/* "Z", "+08:00"; lenient also takes "z", "+0800" and "+08". */
static int take_zone(const char **pp, struct stamp *st, int strict)
{
	const char *p = *pp;

	st->zone_h = st->zone_m = 0;
	if (*p == 'Z' || (!strict && *p == 'z')) {
		st->zone_sign = 'Z';
		p++;
	} else if (*p == '+' || *p == '-') {
		st->zone_sign = *p++;
		if (take_fixed(&p, 2, &st->zone_h) < 0)
			return -1;
		if (*p == ':')
			p++;
		else if (strict)
			return -1;
		if ((strict || is_digit(*p)) &&
		    take_digits(&p, 2, 2, &st->zone_m) < 0)
			return -1;
		if (st->zone_h > 23 || st->zone_m > 59)
			return -1;
	} else {
		return -1;
	}
	st->has_zone = 1;
	*pp = p;
	return 0;
}

/* "09:30:00(.123)(zone)"; lenient allows "9:30", no seconds, no zone and
 * a blank before the zone.  -1 when malformed, -2 when out of range. */
static int take_time(const char **pp, struct stamp *st, int strict)
{
	const char *p = *pp;
	int n;

	st->ss = 0;
	if (take_digits(&p, strict ? 2 : 1, 2, &st->hh) < 0 || *p != ':')
		return -1;
	p++;
	if (take_digits(&p, 2, 2, &st->mi) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if (take_digits(&p, 2, 2, &st->ss) < 0)
			return -1;
		if (*p == '.') {
			for (n = 0, p++; is_digit(*p); n++)
				p++;
			if (!n)
				return -1;
		}
	} else if (strict) {
		return -1;
	}
	if (!strict)
		skip_blanks(&p);
	if ((strict || *p) && take_zone(&p, st, strict) < 0)
		return -1;
	st->has_time = 1;
	*pp = p;
	if (st->hh > 23 || st->mi > 59 || st->ss > 60)
		return -2;
	return 0;
}

/* 0, or what is wrong with the date. */
static int check_ymd(const struct stamp *st)
{
	if (st->y < YEAR_MIN || st->y > YEAR_MAX)
		return BAD_YEAR;
	if (st->m < 1 || st->m > 12)
		return BAD_MONTH;
	if (st->d < 1 || st->d > month_days(st->y, st->m))
		return BAD_DAY;
	return 0;
}

/* The stored form: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS(.f)(Z|+HH:MM)". */
static int parse_strict(const char *s, struct stamp *st)
{
	const char *p = s;

	memset(st, 0, sizeof *st);
	if (take_digits(&p, 4, 4, &st->y) < 0 || *p != '-')
		return -1;
	p++;
	if (take_digits(&p, 2, 2, &st->m) < 0 || *p != '-')
		return -1;
	p++;
	if (take_digits(&p, 2, 2, &st->d) < 0 || check_ymd(st))
		return -1;
	if (!*p)
		return 0;
	if (*p != 'T')
		return -1;
	p++;
	if (take_time(&p, st, 1) < 0 || *p)
		return -1;
	return 0;
}

int date_parse_iso(const char *s, int32_t *day)
{
	struct stamp st;

	if (!s || parse_strict(s, &st) < 0)
		return -1;
	*day = date_from_ymd(st.y, st.m, st.d);
	return 0;
}

int date_is_iso(const char *s)
{
	struct stamp st;

	return s && parse_strict(s, &st) == 0;
}

int date_is_timestamp(const char *s)
{
	struct stamp st;

	return s && parse_strict(s, &st) == 0 && st.has_time;
}

/* ---- what users type ------------------------------------------------ */

/* "2026-3-5", "2026/3/5", "2026.3.5", maybe with a time after 'T' or
 * blanks.  -1 when not of this shape, -2 when the time is out of range. */
static int take_numeric_date(const char *t, struct stamp *st)
{
	const char *p = t;
	char sep;
	int r;

	if (take_digits(&p, 4, 4, &st->y) < 0)
		return -1;
	sep = *p;
	if (sep != '-' && sep != '/' && sep != '.')
		return -1;
	p++;
	if (take_digits(&p, 1, 2, &st->m) < 0 || *p != sep)
		return -1;
	p++;
	if (take_digits(&p, 1, 2, &st->d) < 0)
		return -1;
	if (!*p)
		return 0;
	if (*p == 'T' || *p == 't')
		p++;
	else if (*p == ' ' || *p == '\t')
		skip_blanks(&p);
	else
		return -1;
	r = take_time(&p, st, 0);
	return r == -1 || *p ? -1 : r;
}

/* "2026年3月5日", blanks allowed around the parts, "号" for "日". */
static int take_cjk_date(const char *t, struct stamp *st)
{
	const char *p = t;

	if (take_digits(&p, 4, 4, &st->y) < 0)
		return -1;
	skip_blanks(&p);
	if (take_lit(&p, "年") < 0)
		return -1;
	skip_blanks(&p);
	if (take_digits(&p, 1, 2, &st->m) < 0)
		return -1;
	skip_blanks(&p);
	if (take_lit(&p, "月") < 0)
		return -1;
	skip_blanks(&p);
	if (take_digits(&p, 1, 2, &st->d) < 0)
		return -1;
	skip_blanks(&p);
	if (take_lit(&p, "日") < 0 && take_lit(&p, "号") < 0)
		return -1;
	return *p ? -1 : 0;
}

/* "3/5/2026", "05.03.26": the year last, so day and month are in an
 * order we could only guess. */
static int is_year_last(const char *t)
{
	const char *p = t;
	int v, n;
	char sep;

	if (take_digits(&p, 1, 2, &v) < 0)
		return 0;
	sep = *p;
	if (sep != '-' && sep != '/' && sep != '.')
		return 0;
	p++;
	if (take_digits(&p, 1, 2, &v) < 0 || *p != sep)
		return 0;
	p++;
	for (n = 0; is_digit(p[n]); n++)
		;
	p += n;
	return (n == 2 || n == 4) && (!*p || *p == ' ' || *p == 'T');
}

/* An Excel serial: digits, maybe a fraction of a day (ignored). */
static int parse_serial(const char *t, int32_t *day)
{
	const char *p = t;
	int serial, n;

	if (take_digits(&p, 1, 5, &serial) < 0)
		return -1;
	if (*p == '.') {
		for (n = 0, p++; is_digit(*p); n++)
			p++;
		if (!n)
			return -1;
	}
	if (*p || serial < EXCEL_MIN || serial > EXCEL_MAX)
		return -1;
	*day = serial - EXCEL_EPOCH;
	return 0;
}

/* "+7d", "-2w", "+1m", "+1y" from base.  Months clamp to the month end. */
static int parse_relative(const char *t, int32_t base, int32_t *day)
{
	const char *p = t + 1;
	int n, sign = *t == '-' ? -1 : 1;

	if ((*t != '+' && *t != '-') ||
	    take_digits(&p, 1, REL_DIGITS, &n) < 0 || !*p || p[1])
		return -1;
	switch (*p) {
	case 'd': case 'D':
		*day = base + sign * n;
		return 0;
	case 'w': case 'W':
		*day = base + sign * 7 * n;
		return 0;
	case 'm': case 'M':
		*day = date_add_months(base, sign * n);
		return 0;
	case 'y': case 'Y':
		*day = date_add_months(base, sign * 12 * n);
		return 0;
	}
	return -1;
}

static int keyword_offset(const char *t, int *offset)
{
	static const struct { const char *word; int offset; } words[] = {
		{"today", 0}, {"yesterday", -1}, {"tomorrow", 1},
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcasecmp(t, words[i].word)) {
			*offset = words[i].offset;
			return 0;
		}
	return -1;
}

static int is_relative(const char *t)
{
	int offset;

	return *t == '+' || *t == '-' || keyword_offset(t, &offset) == 0;
}

static int bad_date(struct crm_err *err, const char *t, enum fault why)
{
	char qb[QUOTE_MAX];
	const char *q = quote(t, qb);

	switch (why) {
	case BAD_YEAR:
		return crm_errf(err, NULL, 0,
				"date '%s' is out of range (years %d to %d)",
				q, YEAR_MIN, YEAR_MAX);
	case BAD_MONTH:
		return crm_errf(err, NULL, 0, "date '%s' has no such month", q);
	case BAD_DAY:
		return crm_errf(err, NULL, 0, "date '%s' has no such day", q);
	case BAD_ORDER:
		return crm_errf(err, NULL, 0,
				"date '%s' is ambiguous: day/month order "
				"unknown (use YYYY-MM-DD)", q);
	case BAD_TIME:
		return crm_errf(err, NULL, 0, "date '%s' has an invalid time",
				q);
	case BAD_RELATIVE:
		return crm_errf(err, NULL, 0,
				"date '%s' is relative (use YYYY-MM-DD)", q);
	case BAD_SHAPE:
		break;
	}
	return crm_errf(err, NULL, 0,
			"date '%s' is not a date (use YYYY-MM-DD)", q);
}

/* A relative value: "today" & co, or "+7d" & co. */
static int parse_relative_value(const char *t, struct parsed *out,
				struct crm_err *err)
{
	int offset;

	if (keyword_offset(t, &offset) == 0)
		out->day = date_today() + offset;
	else if (parse_relative(t, date_today(), &out->day) < 0)
		return bad_date(err, t, BAD_SHAPE);
	if (out->day < day_min() || out->day > day_max())
		return bad_date(err, t, BAD_YEAR);
	return 0;
}

/* t is trimmed.  Relative values only when allow_relative. */
static int parse_value(const char *t, int allow_relative, struct parsed *out,
		       struct crm_err *err)
{
	int r;

	memset(out, 0, sizeof *out);
	if (!*t)
		return crm_errf(err, NULL, 0, "date is empty");
	if (is_relative(t)) {
		if (!allow_relative)
			return bad_date(err, t, BAD_RELATIVE);
		return parse_relative_value(t, out, err);
	}
	if (parse_serial(t, &out->day) == 0)
		return 0;
	if (is_year_last(t))
		return bad_date(err, t, BAD_ORDER);
	r = take_numeric_date(t, &out->st);
	if (r == -1) {
		memset(&out->st, 0, sizeof out->st);
		r = take_cjk_date(t, &out->st);
	}
	if (r < 0)
		return bad_date(err, t, r == -2 ? BAD_TIME : BAD_SHAPE);
	if ((r = check_ymd(&out->st)))
		return bad_date(err, t, r);
	out->day = date_from_ymd(out->st.y, out->st.m, out->st.d);
	return 0;
}

int date_parse(const char *s, int32_t *day, struct crm_err *err)
{
	char t[INPUT_MAX];
	struct parsed p;

	if (!s)
		s = "";
	if (trim_copy(s, t, sizeof t) < 0)
		return bad_date(err, t, BAD_SHAPE);
	if (parse_value(t, 1, &p, err) < 0)
		return -1;
	*day = p.day;
	return 0;
}

/* ---- today ---------------------------------------------------------- */

enum pin_state { PIN_UNKNOWN, PIN_NONE, PIN_SET };

static struct {
	enum pin_state state;
	int32_t day;
	int has_ts;
	char ts[32];
} pin;

/* A typed time without a zone is local time: its offset then is the one
 * local time had at that moment. */
static void local_zone(struct stamp *st)
{
	struct tm tm = {0}, lt;
	time_t t;
	long off;

	tm.tm_year = st->y - 1900;
	tm.tm_mon = st->m - 1;
	tm.tm_mday = st->d;
	tm.tm_hour = st->hh;
	tm.tm_min = st->mi;
	tm.tm_sec = st->ss;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	off = t != (time_t)-1 && localtime_r(&t, &lt) ? lt.tm_gmtoff : 0;
	st->zone_sign = off < 0 ? '-' : '+';
	off = labs(off) / 60;
	st->zone_h = (int)(off / 60 % 24);
	st->zone_m = (int)(off % 60);
}

static void format_stamp(const struct stamp *st, char *out)
{
	char zone[8] = "Z";

	/* The remainders only tell the compiler the fields' widths. */
	if (st->zone_sign != 'Z')
		snprintf(zone, sizeof zone, "%c%02u:%02u", st->zone_sign,
			 (unsigned)st->zone_h % 100,
			 (unsigned)st->zone_m % 100);
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u%s",
		 (unsigned)st->y % 10000, (unsigned)st->m % 100,
		 (unsigned)st->d % 100, (unsigned)st->hh % 100,
		 (unsigned)st->mi % 100, (unsigned)st->ss % 100, zone);
}

int date_set_today(const char *s, struct crm_err *err)
{
	char t[INPUT_MAX];
	struct parsed p;

	if (!s)
		s = "";
	if (trim_copy(s, t, sizeof t) < 0)
		return bad_date(err, t, BAD_SHAPE);
	if (!*t) {
		pin.state = PIN_UNKNOWN;
		return 0;
	}
	if (parse_value(t, 0, &p, err) < 0)
		return -1;
	pin.state = PIN_SET;
	pin.day = p.day;
	pin.has_ts = p.st.has_time;
	if (pin.has_ts) {
		if (!p.st.has_zone)
			local_zone(&p.st);
		format_stamp(&p.st, pin.ts);
	}
	return 0;
}

/* $CRM_TODAY, read once: an invalid one is ignored (local date). */
static void pin_from_env(void)
{
	const char *env = getenv("CRM_TODAY");

	if (!env || date_set_today(env, NULL) < 0 || pin.state != PIN_SET)
		pin.state = PIN_NONE;
}

int32_t date_today(void)
{
	time_t now;
	struct tm tm;

	if (pin.state == PIN_UNKNOWN)
		pin_from_env();
	if (pin.state == PIN_SET)
		return pin.day;
	now = time(NULL);
	if (!localtime_r(&now, &tm))
		return 0;
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void date_now_iso(char *out)
{
	struct stamp st = {0};
	struct tm tm = {0};
	time_t now;

	date_today();
	if (pin.state == PIN_SET && pin.has_ts) {
		memcpy(out, pin.ts, sizeof pin.ts);
		return;
	}
	if (pin.state == PIN_SET) {
		date_to_ymd(pin.day, &st.y, &st.m, &st.d);
		st.zone_sign = 'Z';
	} else {
		now = time(NULL);
		localtime_r(&now, &tm);
		st.y = tm.tm_year + 1900;
		st.m = tm.tm_mon + 1;
		st.d = tm.tm_mday;
		st.hh = tm.tm_hour;
		st.mi = tm.tm_min;
		st.ss = tm.tm_sec;
		st.zone_sign = tm.tm_gmtoff < 0 ? '-' : '+';
		st.zone_h = (int)(labs(tm.tm_gmtoff) / 3600);
		st.zone_m = (int)(labs(tm.tm_gmtoff) / 60 % 60);
	}
	format_stamp(&st, out);
}

int32_t date_field(const char *s)
{
	int32_t d;

	return *s && date_parse_iso(s, &d) == 0 ? d : DATE_NONE;
}

int date_step(int32_t base, const char *interval, int k, int32_t *out)
{
	char *end;
	long n;

	if (!interval || *interval < '1' || *interval > '9')
		return -1;
	n = strtol(interval, &end, 10);
	if (n > 10000 || !*end || end[1] || base == DATE_NONE)
		return -1;
	switch (*end) {
	case 'd': case 'D':
		*out = base + (int32_t)(n * k);
		return 0;
	case 'w': case 'W':
		*out = base + (int32_t)(7 * n * k);
		return 0;
	case 'm': case 'M':
		*out = date_add_months(base, (int)(n * k));
		return 0;
	case 'y': case 'Y':
		*out = date_add_months(base, (int)(12 * n * k));
		return 0;
	}
	return -1;
}
