/* groups.c - duplicates found by union-find over a table's rows */
#include <stdint.h>

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
