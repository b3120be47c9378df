/* record.c - creating and changing records, every change on record */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

size_t record_new(struct store *s, struct table *t)
{
	char id[ID_MAX], today[16];
	size_t r;

	table_new_id(t, id);
	r = table_add_row(t);
	table_set(t, r, "id", id);
	date_format(date_today(), today);
	table_set(t, r, "created", today);
	table_set(t, r, "updated", today);
	history_append(s, t->def ? t->def->entity : "record", id, "id", "",
		       id);
	return r;
}

/* logged == 0 for the fields of a record being created: its creation is
 * one event in history, the "id" line. */
static int set_value(struct store *s, struct table *t, size_t row,
		     const char *col, const char *v, int logged,
		     struct crm_err *err)
{
	char today[16];
	char *norm;

	if (!strcmp(col, "id") || !strcmp(col, "created"))
		return crm_usagef(err, "field '%s' cannot be changed", col);
	if (!*col || strpbrk(col, ",\"\r\n"))
		return crm_usagef(err, "'%s' is not a field name", col);
	if (!(norm = value_normalize(t->def, col, v, err)))
		return -1;
	if (!logged) {
		table_add_col(t, col);
		table_set(t, row, col, norm);
	} else if (table_set_logged(s, t, row, col, norm) > 0 &&
		   strcmp(col, "updated")) {
		date_format(date_today(), today);
		table_set(t, row, "updated", today);
	}
	free(norm);
	return 0;
}

int record_set(struct store *s, struct table *t, size_t row, const char *col,
	       const char *v, struct crm_err *err)
{
	return set_value(s, t, row, col, v, 1, err);
}

int record_init(struct store *s, struct table *t, size_t row,
		const char *col, const char *v, struct crm_err *err)
{
	return set_value(s, t, row, col, v, 0, err);
}

int record_assign(struct store *s, struct table *t, size_t row,
		  const char *const *assignments, size_t n, int logged,
		  struct crm_err *err)
{
	char *field;
	const char *value;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (cli_split_assignment(assignments[i], &field, &value,
					 err) < 0)
			return -1;
		rc = set_value(s, t, row, field, value, logged, err);
		free(field);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int store_commit(struct store *s, struct table *const *tables,
		 struct crm_err *err)
{
	for (size_t i = 0; tables[i]; i++)
		if (table_save(tables[i], err) < 0)
			return -1;
	return store_flush_logs(s, err);
}
