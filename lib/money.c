/* money.c - amounts as integer minor units (cents, 分)
 *
 * Never floating point: "0.1 + 0.2" must add up in a sales report.  The
 * digits are read by hand into an int64 and scaled by powers of ten.
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

/* Beyond this many minor units an amount is a typo, not a deal. */
#define MONEY_MAX 90000000000000000LL
#define MINOR_EXP 2          /* two decimals */
#define DIGITS_MAX 64
#define INPUT_MAX 128
#define QUOTE_MAX 80

/* Currency signs and codes accepted (and ignored) before the number. */
static const char *const currencies[] = {
	"\xef\xbf\xa5", "\xc2\xa5", "$", "\xe2\x82\xac", "\xc2\xa3",
	"RMB", "CNY", "USD", "EUR",
};

/* Suffixes multiplying by a power of ten. */
static const struct { const char *s; int exp; } multipliers[] = {
	{"万", 4}, {"亿", 8}, {"千", 3}, {"k", 3}, {"K", 3},
	{"w", 4}, {"W", 4},
};

/* The number as read: its digits without leading zeros or the
 * decimals' trailing zeros, how many of them are decimals, how many
 * zeros ended the decimals, and the multiplier's power of ten. */
struct amount {
	int neg;
	char digits[DIGITS_MAX];
	size_t ndigits;      /* may exceed DIGITS_MAX: then not all kept */
	int decimals, zeros;
	int has_mult, exp;
};

enum fault { BAD_NUMBER = 1, BAD_DECIMALS, BAD_FRACTION, BAD_RANGE };

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
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

static int take_currency(const char **pp)
{
	size_t i, n;

	for (i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
		n = strlen(currencies[i]);
		if (!strncasecmp(*pp, currencies[i], n)) {
			*pp += n;
			skip_blanks(pp);
			return 0;
		}
	}
	return -1;
}

/* A sign, a currency, or both in either order ("-$5", "$-5"). */
static void take_prefix(const char **pp, struct amount *a)
{
	int sign = 0;

	if (**pp == '-' || **pp == '+') {
		a->neg = **pp == '-';
		sign = 1;
		(*pp)++;
	}
	if (take_currency(pp) == 0 && !sign && (**pp == '-' || **pp == '+')) {
		a->neg = **pp == '-';
		(*pp)++;
	}
}

static void keep_digit(struct amount *a, char c)
{
	if (a->ndigits < DIGITS_MAX)
		a->digits[a->ndigits] = c;
	a->ndigits++;
}

/* Zeros are held back where they may carry nothing: before the integer
 * part, and at the end of the decimals (until a digit follows). */
static void add_digit(struct amount *a, char c, int decimal)
{
	if (!decimal) {
		if (a->ndigits || c != '0')
			keep_digit(a, c);
		return;
	}
	if (c == '0') {
		a->zeros++;
		return;
	}
	for (; a->zeros; a->zeros--, a->decimals++)
		keep_digit(a, '0');
	keep_digit(a, c);
	a->decimals++;
}

/* Length of a thousands separator at s ("," or fullwidth "，"), or 0. */
static size_t group_sep_len(const char *s)
{
	if (*s == ',')
		return 1;
	if (!strncmp(s, "\xef\xbc\x8c", 3))
		return 3;
	return 0;
}

/* Digits, grouped by three when separators are used: "1,200,000". */
static int take_integer(const char **pp, struct amount *a)
{
	const char *p = *pp;
	int n = 0, grouped = 0;
	size_t sep;

	for (;;) {
		if (is_digit(*p)) {
			add_digit(a, *p++, 0);
			n++;
			continue;
		}
		sep = group_sep_len(p);
		if (!sep)
			break;
		if (n == 0 || n > 3 || (grouped && n != 3))
			return -1;
		grouped = 1;
		n = 0;
		p += sep;
	}
	if (n == 0 || (grouped && n != 3))
		return -1;
	*pp = p;
	return 0;
}

/* Blanks, then maybe a multiplier, then maybe "元": "35万元", "2k". */
static void take_suffix(const char **pp, struct amount *a)
{
	size_t i;

	skip_blanks(pp);
	for (i = 0; i < sizeof multipliers / sizeof multipliers[0]; i++)
		if (take_lit(pp, multipliers[i].s) == 0) {
			a->has_mult = 1;
			a->exp = multipliers[i].exp;
			skip_blanks(pp);
			break;
		}
	take_lit(pp, "元");
}

/* The shape of the amount; 0 or BAD_NUMBER. */
static int scan_amount(const char *t, struct amount *a)
{
	const char *p = t;

	memset(a, 0, sizeof *a);
	take_prefix(&p, a);
	if (take_integer(&p, a) < 0)
		return BAD_NUMBER;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return BAD_NUMBER;
		for (; is_digit(*p); p++)
			add_digit(a, *p, 1);
	}
	take_suffix(&p, a);
	return *p ? BAD_NUMBER : 0;
}

/* The scanned amount in minor units, or a fault. */
static int amount_value(const struct amount *a, int64_t *minor)
{
	int64_t v = 0;
	int scale = MINOR_EXP + a->exp, i;
	size_t k;

	/* Decimals of 万 and the like may be many, as long as they are no
	 * finer than 分; plain amounts are written with at most 2. */
	if (!a->has_mult && a->decimals + a->zeros > MINOR_EXP)
		return BAD_DECIMALS;
	if (a->decimals > scale)
		return BAD_FRACTION;
	if (a->ndigits > DIGITS_MAX)
		return BAD_RANGE;
	for (k = 0; k < a->ndigits; k++) {
		if (v > (MONEY_MAX - (a->digits[k] - '0')) / 10)
			return BAD_RANGE;
		v = v * 10 + (a->digits[k] - '0');
	}
	for (i = a->decimals; i < scale; i++) {
		if (v > MONEY_MAX / 10)
			return BAD_RANGE;
		v *= 10;
	}
	*minor = a->neg ? -v : v;
	return 0;
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

static int bad_amount(struct crm_err *err, const char *t, int why)
{
	char qb[QUOTE_MAX];
	const char *q = quote(t, qb);

	switch (why) {
	case BAD_DECIMALS:
		return crm_errf(err, NULL, 0,
				"amount '%s' has more than 2 decimals", q);
	case BAD_FRACTION:
		return crm_errf(err, NULL, 0,
				"amount '%s' is not a whole number of cents",
				q);
	case BAD_RANGE:
		return crm_errf(err, NULL, 0, "amount '%s' is too large", q);
	}
	return crm_errf(err, NULL, 0, "amount '%s' is not a number", q);
}

int money_parse(const char *s, int64_t *minor, struct crm_err *err)
{
	char t[INPUT_MAX];
	struct amount a;
	int why;

	if (!s)
		s = "";
	if (trim_copy(s, t, sizeof t) < 0)
		return bad_amount(err, t, BAD_NUMBER);
	if (!*t)
		return crm_errf(err, NULL, 0, "amount is empty");
	why = scan_amount(t, &a);
	if (!why)
		why = amount_value(&a, minor);
	return why ? bad_amount(err, t, why) : 0;
}

void money_format(int64_t minor, char *out)
{
	/* Negate as unsigned so INT64_MIN has a magnitude too. */
	uint64_t mag = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
	unsigned cents = (unsigned)(mag % 100);

	if (cents)
		snprintf(out, 32, "%s%" PRIu64 ".%02u", minor < 0 ? "-" : "",
			 mag / 100, cents);
	else
		snprintf(out, 32, "%s%" PRIu64, minor < 0 ? "-" : "",
			 mag / 100);
}
