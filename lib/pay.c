/* pay.c - what was collected against each payment plan line (回款) */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

int64_t money_of(const struct table *t, size_t r, const char *col)
{
	int64_t v = 0;

	money_parse(table_get(t, r, col), &v, NULL);
	return v;
}

static const struct table *plans_table;

/* Plan lines by due date, then by row. */
static int cmp_plan(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(table_get(plans_table, x, "date"),
		       table_get(plans_table, y, "date"));

	return c ? c : (x > y) - (x < y);
}

/* Receipts naming no plan line settle the contract's earliest open lines;
 * what is left over stays with the receipt (an overpayment). */
static void spend_loose(const struct table *pay, const struct strmap *plans,
			int64_t *paid, const int64_t *loose, size_t r)
{
	const size_t *order = strmap_get(plans, table_get(pay, r,
							   "contract"));
	int64_t left = loose[r];

	for (size_t i = 1; order && left > 0 && i <= order[0]; i++) {
		size_t p = order[i];
		int64_t open = money_of(pay, p, "amount") - paid[p];

		if (open <= 0)
			continue;
		open = open < left ? open : left;
		paid[p] += open;
		left -= open;
	}
}

/* The plan lines of every contract, in due order: order[0] is the count. */
static void index_plan(void *ctx, const char *key, void *val)
{
	size_t *order = val;

	qsort(order + 1, order[0], sizeof *order, cmp_plan);
}

static struct strmap *plans_by_contract(const struct table *pay)
{
	struct strmap *m = strmap_new();

	for (size_t r = 0; r < pay->nrows; r++) {
		void **slot;
		size_t *order;

		if (strcmp(table_get(pay, r, "kind"), "plan"))
			continue;
		slot = strmap_slot(m, table_get(pay, r, "contract"));
		order = *slot;
		if (!order)
			order = xcalloc(1, sizeof *order);
		order = xrealloc(order, (order[0] + 2) * sizeof *order);
		order[++order[0]] = r;
		*slot = order;
	}
	plans_table = pay;
	strmap_each(m, index_plan, NULL);
	return m;
}

int64_t *pay_collected(const struct table *pay)
{
	int64_t *paid = xcalloc(pay->nrows + 1, sizeof *paid);
	int64_t *loose = xcalloc(pay->nrows + 1, sizeof *loose);
	struct strmap *ix = table_index_by(pay, "id");
	struct strmap *plans = plans_by_contract(pay);

	for (size_t r = 0; r < pay->nrows; r++) {
		const char *plan = table_get(pay, r, "plan");
		long p;

		if (!strcmp(table_get(pay, r, "kind"), "plan"))
			continue;
		if (*plan && (p = table_index_row(ix, plan)) >= 0)
			paid[p] += money_of(pay, r, "amount");
		else
			loose[r] = money_of(pay, r, "amount");
	}
	for (size_t r = 0; r < pay->nrows; r++)
		if (loose[r] > 0)
			spend_loose(pay, plans, paid, loose, r);
	strmap_free_values(plans);
	strmap_free(ix);
	free(loose);
	return paid;
}

size_t *pay_plan_lines(const struct table *pay, size_t *n)
{
	size_t *order = xcalloc(pay->nrows + 1, sizeof *order);

	*n = 0;
	for (size_t r = 0; r < pay->nrows; r++)
		if (!strcmp(table_get(pay, r, "kind"), "plan"))
			order[(*n)++] = r;
	plans_table = pay;
	qsort(order, *n, sizeof *order, cmp_plan);
	return order;
}
