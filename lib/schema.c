/* schema.c - the fixed columns of every table (see man/crm-files.5) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct col_def customer_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"name", COL_TEXT, NULL, NULL},
	{"kind", COL_ENUM, NULL, "company|person"},
	{"owner", COL_TEXT, NULL, NULL},
	{"tier", COL_TEXT, NULL, NULL},
	{"tags", COL_TEXT, NULL, NULL},
	{"industry", COL_TEXT, NULL, NULL},
	{"source", COL_TEXT, NULL, NULL},
	{"phone", COL_TEXT, NULL, NULL},
	{"email", COL_TEXT, NULL, NULL},
	{"website", COL_TEXT, NULL, NULL},
	{"address", COL_TEXT, NULL, NULL},
	{"city", COL_TEXT, NULL, NULL},
	{"country", COL_TEXT, NULL, NULL},
	{"next_date", COL_DATE, NULL, NULL},
	{"next_action", COL_TEXT, NULL, NULL},
	{"last_contact", COL_DATE, NULL, NULL},
	{"created", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

static const struct col_def contact_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"customer", COL_REF, "customers", NULL},
	{"name", COL_TEXT, NULL, NULL},
	{"title", COL_TEXT, NULL, NULL},
	{"email", COL_TEXT, NULL, NULL},
	{"phone", COL_TEXT, NULL, NULL},
	{"wechat", COL_TEXT, NULL, NULL},
	{"primary", COL_ENUM, NULL, "yes|no"},
	{"created", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

static const struct col_def lead_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"name", COL_TEXT, NULL, NULL},
	{"company", COL_TEXT, NULL, NULL},
	{"title", COL_TEXT, NULL, NULL},
	{"email", COL_TEXT, NULL, NULL},
	{"phone", COL_TEXT, NULL, NULL},
	{"source", COL_TEXT, NULL, NULL},
	{"status", COL_ENUM, NULL, "new|working|qualified|converted|dropped"},
	{"score", COL_NUMBER, NULL, NULL},
	{"owner", COL_TEXT, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"next_date", COL_DATE, NULL, NULL},
	{"next_action", COL_TEXT, NULL, NULL},
	{"last_contact", COL_DATE, NULL, NULL},
	{"customer", COL_REF, "customers", NULL},
	{"opportunity", COL_REF, "opportunities", NULL},
	{"reason", COL_TEXT, NULL, NULL},
	{"created", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

static const struct col_def opportunity_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"name", COL_TEXT, NULL, NULL},
	{"customer", COL_REF, "customers", NULL},
	{"contact", COL_REF, "contacts", NULL},
	{"owner", COL_TEXT, NULL, NULL},
	{"pipeline", COL_TEXT, NULL, NULL},
	{"stage", COL_STAGE, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"currency", COL_TEXT, NULL, NULL},
	{"probability", COL_NUMBER, NULL, NULL},
	{"close", COL_DATE, NULL, NULL},
	{"source", COL_TEXT, NULL, NULL},
	{"next_date", COL_DATE, NULL, NULL},
	{"next_action", COL_TEXT, NULL, NULL},
	{"last_contact", COL_DATE, NULL, NULL},
	{"reason", COL_TEXT, NULL, NULL},
	{"created", COL_DATE, NULL, NULL},
	{"closed", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

static const struct col_def contract_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"customer", COL_REF, "customers", NULL},
	{"opportunity", COL_REF, "opportunities", NULL},
	{"title", COL_TEXT, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"currency", COL_TEXT, NULL, NULL},
	{"signed", COL_DATE, NULL, NULL},
	{"start", COL_DATE, NULL, NULL},
	{"end", COL_DATE, NULL, NULL},
	{"renewal", COL_ENUM, NULL, "auto|manual|none"},
	{"status", COL_ENUM, NULL, "active|ended|renewed|cancelled"},
	{"owner", COL_TEXT, NULL, NULL},
	{"created", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

/* A payment row is either a plan line (kind=plan: due date and amount
 * due) or a receipt (kind=receipt: money collected on date, against the
 * plan line named in "plan" when given). */
static const struct col_def payment_cols[] = {
	{"id", COL_ID, NULL, NULL},
	{"contract", COL_REF, "contracts", NULL},
	{"customer", COL_REF, "customers", NULL},
	{"kind", COL_ENUM, NULL, "plan|receipt"},
	{"plan", COL_REF, "payments", NULL},
	{"date", COL_DATE, NULL, NULL},
	{"amount", COL_MONEY, NULL, NULL},
	{"currency", COL_TEXT, NULL, NULL},
	{"method", COL_TEXT, NULL, NULL},
	{"note", COL_TEXT, NULL, NULL},
	{"created", COL_DATE, NULL, NULL},
	{"updated", COL_DATE, NULL, NULL},
};

const struct table_def crm_tables[] = {
	{"customers", "customer", "customers.csv", 'C', customer_cols,
	 N(customer_cols)},
	{"contacts", "contact", "contacts.csv", 'P', contact_cols,
	 N(contact_cols)},
	{"leads", "lead", "leads.csv", 'L', lead_cols, N(lead_cols)},
	{"opportunities", "opportunity", "opportunities.csv", 'O',
	 opportunity_cols, N(opportunity_cols)},
	{"contracts", "contract", "contracts.csv", 'K', contract_cols,
	 N(contract_cols)},
	{"payments", "payment", "payments.csv", 'Y', payment_cols,
	 N(payment_cols)},
};
const size_t crm_ntables = N(crm_tables);

const struct table_def *table_def_find(const char *name)
{
	for (size_t i = 0; i < crm_ntables; i++)
		if (!strcmp(crm_tables[i].name, name) ||
		    !strcmp(crm_tables[i].entity, name))
			return &crm_tables[i];
	return NULL;
}

const struct col_def *table_def_col(const struct table_def *d,
				    const char *col)
{
	for (size_t i = 0; d && i < d->ncols; i++)
		if (!strcmp(d->cols[i].name, col))
			return &d->cols[i];
	return NULL;
}

static int enum_has(const char *values, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = values; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && !strncmp(p, v, n))
			return 1;
		p += len + (p[len] == '|');
	}
	return 0;
}

/* Probabilities and scores: whole numbers. */
static int parse_number(const char *v, long *out)
{
	char *end;

	if (!*v)
		return -1;
	*out = strtol(v, &end, 10);
	return *end ? -1 : 0;
}

char *value_normalize(const struct table_def *def, const char *col,
		      const char *v, struct crm_err *err)
{
	return col_normalize(table_def_col(def, col), col, v, err);
}

char *col_normalize(const struct col_def *d, const char *col, const char *v,
		    struct crm_err *err)
{
	char out[48];
	int32_t day;
	int64_t minor;
	long n;

	if (!d || !*v)
		return xstrdup(v);
	switch (d->type) {
	case COL_DATE:
		if (date_parse(v, &day, err) < 0)
			return NULL;
		date_format(day, out);
		return xstrdup(out);
	case COL_MONEY:
		if (money_parse(v, &minor, err) < 0)
			return NULL;
		money_format(minor, out);
		return xstrdup(out);
	case COL_NUMBER:
		if (parse_number(v, &n) < 0) {
			crm_errf(err, NULL, 0, "%s '%s' is not a whole number",
				 col, v);
			return NULL;
		}
		snprintf(out, sizeof out, "%ld", n);
		return xstrdup(out);
	case COL_ENUM:
		if (!enum_has(d->values, v)) {
			crm_errf(err, NULL, 0, "%s '%s' is not one of %s", col,
				 v, d->values);
			return NULL;
		}
		return xstrdup(v);
	default:
		return xstrdup(v);
	}
}

int value_check(const struct table_def *def, const char *col, const char *v,
		struct crm_err *err)
{
	return value_check_col(def, table_def_col(def, col), v, err);
}

/* Is v an amount exactly as money_format writes it?  Checked without
 * money_parse, which reads every way a person writes money. */
static int is_stored_money(const char *v)
{
	const char *p = v + (v[0] == '-');
	size_t digits = strspn(p, "0123456789");

	/* no leading zero, no more digits than an int64 of cents holds */
	if (!digits || digits > 16 || (p[0] == '0' && digits > 1))
		return 0;
	p += digits;
	if (!*p)                        /* whole: "-0" is written "0" */
		return !(v[0] == '-' && digits == 1 && v[1] == '0');
	/* cents: two digits, never ".00" (that is written whole) */
	return p[0] == '.' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
	       p[2] <= '9' && !p[3] && (p[1] != '0' || p[2] != '0');
}

int value_check_col(const struct table_def *def, const struct col_def *d,
		    const char *v, struct crm_err *err)
{
	const char *col = d ? d->name : "";
	char *norm;

	if (!d || !*v)
		return 0;
	switch (d->type) {
	case COL_DATE:
		if (!date_is_iso(v))
			return crm_errf(err, NULL, 0, "%s '%s' is not a date "
					"(YYYY-MM-DD)", col, v);
		return 0;
	case COL_TIMESTAMP:
		if (!date_is_timestamp(v))
			return crm_errf(err, NULL, 0, "%s '%s' is not an ISO "
					"8601 timestamp", col, v);
		return 0;
	case COL_ID:
		if (!id_valid(v, def->id_type))
			return crm_errf(err, NULL, 0, "id '%s' is not a "
					"%s id", v, def->entity);
		return 0;
	case COL_MONEY:
		if (is_stored_money(v))
			return 0;
		norm = value_normalize(def, col, v, err);
		if (norm && strcmp(norm, v))
			crm_errf(err, NULL, 0, "%s '%s' is not a plain "
				 "decimal (write %s)", col, v, norm);
		int rc = norm && !strcmp(norm, v) ? 0 : -1;
		free(norm);
		return rc;
	case COL_NUMBER:
	case COL_ENUM:
		norm = value_normalize(def, col, v, err);
		free(norm);
		return norm ? 0 : -1;
	default:
		return 0;
	}
}
