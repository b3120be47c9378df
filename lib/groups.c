/* groups.c - duplicates found by union-find over a table's rows */
#include <stdint.h>
#include <stdlib.h>

#include "crm.h"

size_t *groups_new(size_t nrows)
{
	size_t *parent = xcalloc(nrows + 1, sizeof *parent);

	for (size_t r = 0; r < nrows; r++)
		parent[r] = r;
	return parent;
}

size_t groups_root(size_t *parent, size_t row)
{
	while (parent[row] != row)
		row = parent[row] = parent[parent[row]];
	return row;
}

void groups_join_by(const struct table *t, size_t *parent, const char *col,
		    void (*norm)(const char *in, char *out, size_t n),
		    int (*eligible)(const struct table *t, size_t row))
{
	struct strmap *seen = strmap_new();
	char key[256];

	for (size_t r = 0; r < t->nrows; r++) {
		void **slot;

		norm(table_get(t, r, col), key, sizeof key);
		if (!*key || (eligible && !eligible(t, r)))
			continue;
		slot = strmap_slot(seen, key);
		if (*slot)
			parent[groups_root(parent, r)] = groups_root(parent,
				(size_t)(intptr_t)*slot - 1);
		else
			*slot = (void *)(intptr_t)(r + 1);
	}
	strmap_free(seen);
}

static const size_t *sort_parent;

static int cmp_group_row(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (sort_parent[x] != sort_parent[y])
		return sort_parent[x] < sort_parent[y] ? -1 : 1;
	return (x > y) - (x < y);
}

size_t *groups_rows(size_t *parent, size_t nrows, size_t *n)
{
	size_t *count = xcalloc(nrows + 1, sizeof *count);
	size_t *rows = xcalloc(nrows + 1, sizeof *rows);

	*n = 0;
	for (size_t r = 0; r < nrows; r++)
		count[parent[r] = groups_root(parent, r)]++;
	for (size_t r = 0; r < nrows; r++)
		if (count[parent[r]] > 1)
			rows[(*n)++] = r;
	sort_parent = parent;
	qsort(rows, *n, sizeof *rows, cmp_group_row);
	free(count);
	return rows;
}

size_t groups_print(const struct table *t, const size_t *parent,
		    const size_t *rows, size_t n, struct out *o,
		    char *const *cols, size_t ncols)
{
	size_t groups = 0;
	char num[24];
	char **row = xcalloc(ncols, sizeof *row);

	for (size_t i = 0; i < n; i++) {
		if (!i || parent[rows[i]] != parent[rows[i - 1]])
			snprintf(num, sizeof num, "%zu", ++groups);
		row[0] = num;
		for (size_t c = 1; c < ncols; c++)
			row[c] = (char *)table_get(t, rows[i], cols[c]);
		out_row(o, row);
	}
	free(row);
	return groups;
}
