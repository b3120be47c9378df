/* stale.c - deals nobody has touched for longer than their stage allows */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

int log_stage_move(const struct logrec *rec, const char **id,
		   const char **to, int32_t *day)
{
	const char *entity = logrec_get(rec, "entity");
	const char *field = logrec_get(rec, "field");
	const char *at = logrec_get(rec, "at");

	*id = logrec_get(rec, "id");
	*to = logrec_get(rec, "to");
	if (!*to)
		*to = "";
	return entity && field && at && *id && !strcmp(entity, "opportunity") &&
	       !strcmp(field, "stage") && date_parse_iso(at, day) == 0;
}

/* Day of each deal's latest stage change, from history (day + 1, so
 * that 0 means none). */
void stale_note(struct idmap *last, const struct logrec *rec)
{
	const char *id, *to;
	int32_t day;
	void **slot;

	if (!log_stage_move(rec, &id, &to, &day))
		return;
	slot = idmap_slot(last, id);
	if ((intptr_t)*slot < (intptr_t)day + 1)
		*slot = (void *)((intptr_t)day + 1);
}

static int note_stage_change(void *ctx, const struct logrec *rec, long line,
			     struct crm_err *err)
{
	stale_note(ctx, rec);
	return 0;
}

static int cmp_stale(const void *a, const void *b)
{
	const struct stale *x = a, *y = b;

	if (x->overdue != y->overdue)
		return x->overdue > y->overdue ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int32_t last_touch(const struct table *t, size_t r,
			  const struct idmap *moved)
{
	intptr_t m = (intptr_t)idmap_get(moved, t->rows[r][0]);
	int32_t touched = date_field(table_get(t, r, "created"));
	int32_t contact = date_field(table_get(t, r, "last_contact"));

	if (contact != DATE_NONE && contact > touched)
		touched = contact;
	if (m && (int32_t)(m - 1) > touched)
		touched = (int32_t)(m - 1);
	return touched;
}

struct idmap *stale_moves(const struct store *s, struct crm_err *err)
{
	struct idmap *moved = idmap_new();
	char *path = store_path(s, "history.jsonl");
	int rc = jsonl_scan(path, "history.jsonl", note_stage_change, moved,
			    err);

	free(path);
	if (rc < 0) {
		idmap_free(moved);
		return NULL;
	}
	return moved;
}

int stale_row(const struct pipelines *ps, const struct table *t, size_t r,
	      const struct idmap *moved, long ahead, struct stale *out)
{
	const struct pipeline *p = pipeline_find(ps, table_get(t, r,
						 "pipeline"));
	const struct stage *st = p ? pipeline_stage(p, table_get(t, r,
						    "stage")) : NULL;
	int32_t today = date_today(), touched;

	if (!st || !stage_is_open(st) || st->rot_days <= 0)
		return 0;
	touched = last_touch(t, r, moved);
	if (touched == DATE_NONE || today + ahead - touched <= st->rot_days)
		return 0;
	*out = (struct stale){r, touched, st->rot_days,
			      today - touched - st->rot_days};
	return 1;
}

void stale_sort(struct stale *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof *v, cmp_stale);
}

struct stale *stale_deals(const struct store *s, const struct pipelines *ps,
			  const struct table *t, long ahead, size_t *n,
			  struct crm_err *err)
{
	struct idmap *moved = stale_moves(s, err);
	struct stale *v;

	*n = 0;
	if (!moved)
		return NULL;
	v = xcalloc(t->nrows + 1, sizeof *v);
	for (size_t r = 0; r < t->nrows; r++)
		*n += (size_t)stale_row(ps, t, r, moved, ahead, &v[*n]);
	stale_sort(v, *n);
	idmap_free(moved);
	return v;
}
