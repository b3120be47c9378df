/* schema.c - the fixed columns of every table (see man/crm-files.5) */
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
