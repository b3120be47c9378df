/* record.c - creating and changing records, every change on record */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

size_t record_new(struct store *s, struct table *t)
{
	char id[ID_MAX];

	table_new_id(t, id);
	return record_new_as(s, t, id);
}

size_t record_new_as(struct store *s, struct table *t, const char *id)
{
	char today[16];
	size_t r;

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

	if (!strcmp(col, "id") || (logged && !strcmp(col, "created")))
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

/* Every table is written and synced before the first is renamed: a full
 * disk or a bad write leaves every table as it was. */
int store_commit(struct store *s, struct table *const *tables,
		 struct crm_err *err)
{
	return store_commit_via(s, tables, NULL, NULL, err);
}

/* Every table's temp file is written before any is renamed, and the
 * renames and log appends go through one journal: a full disk or a kill
 * leaves every table as it was, or the whole change made. */
int store_commit_via(struct store *s, struct table *const *tables,
		     table_writer write, void *ctx, struct crm_err *err)
{
	struct atomic_file *a;
	size_t n = 0;
	int rc;

	while (tables[n])
		n++;
	a = xcalloc(n + 1, sizeof *a);
	for (size_t i = 0; i < n; i++) {
		rc = write ? write(ctx, tables[i], &a[i], err)
			   : table_write_temp(tables[i], &a[i], err);
		if (rc < 0) {
			for (size_t k = 0; k < i; k++)
				atomic_abort(&a[k]);
			free(a);
			return -1;
		}
	}
	rc = journal_commit(s, a, n, err);
	free(a);
	return rc;
}

/* Name the record in a message about one of its fields. */
static void prefix_id(struct crm_err *err, const char *id)
{
	char msg[sizeof err->msg];

	if (!strncmp(err->msg, id, strlen(id)))
		return;
	snprintf(msg, sizeof msg, "%s", err->msg);
	snprintf(err->msg, sizeof err->msg, "%.*s: %.*s", ID_MAX, id,
		 (int)sizeof msg - ID_MAX - 3, msg);
}

size_t *records_named(const struct table *t, const char *operand, size_t *n,
		      struct crm_err *err)
{
	size_t *rows;
	long r;

	if (!strcmp(operand, "-"))
		return rows_from_stdin(t, n, err);
	if ((r = table_find_ref(t, operand, err)) < 0)
		return NULL;
	rows = xmalloc(sizeof *rows);
	rows[0] = (size_t)r;
	*n = 1;
	return rows;
}

int records_change(struct store *s, const char *table, int nops,
		   char **operands, record_fn fn, void *ctx,
		   struct crm_err *err)
{
	return records_change_in(s, table, nops, operands, fn, ctx, 0, err);
}

int records_change_in(struct store *s, const char *table, int nops,
		      char **operands, record_fn fn, void *ctx, int one_row,
		      struct crm_err *err)
{
	const struct table_def *def = table_def_find(table);
	struct table *t;
	size_t *rows = NULL, n = 0;
	/* records named on stdin, each changed on its own row: only theirs
	 * are held, the others copied */
	int from_stdin = one_row && nops == 1 && !strcmp(operands[0], "-");
	int rc = -1;

	if (store_lock(s, err) < 0)
		return -1;
	if (from_stdin)
		t = table_load_for_stdin(s->dir, def, &rows, &n, 1, err);
	else if (one_row && nops == 1)
		t = table_load_named(s->dir, def, operands[0], err);
	else
		t = store_table(s, table, err);
	if (!t)
		return -1;
	for (int i = 0; i < nops; i++, free(rows), rows = NULL) {
		if (!from_stdin && !(rows = records_named(t, operands[i], &n,
							  err)))
			goto out;
		for (size_t k = 0; k < n; k++)
			if (fn(t, rows[k], ctx, err) < 0) {
				prefix_id(err, t->rows[rows[k]][0]);
				goto out;
			}
	}
	rc = store_commit(s, (struct table *const[]){t, NULL}, err);
out:
	free(rows);
	table_free(t);
	return rc;
}

int followup_init(struct followup *f, const char *type, const char *text,
		  const char *next, const char *action, struct crm_err *err)
{
	memset(f, 0, sizeof *f);
	f->type = type ? type : "note";
	f->text = text;
	f->action = action;
	if (!activity_type_ok(f->type))
		return crm_usagef(err, "--type: '%s' is not one of %s",
				  f->type, activity_types);
	return next ? cli_date("next", next, f->next, err) : 0;
}

int record_followup(struct store *s, struct table *t, size_t row,
		    const struct followup *f, struct crm_err *err)
{
	const char *xkeys[] = {"next", "action"};
	const char *xvals[] = {f->next, f->action};
	char today[16];

	date_format(date_today(), today);
	activity_append(s, t->def ? t->def->entity : "record", t->rows[row][0],
			f->type, f->text, xkeys, xvals, 2);
	if (record_set(s, t, row, "last_contact", today, err) < 0)
		return -1;
	if (!*f->next)
		return 0;
	return record_set(s, t, row, "next_date", f->next, err) < 0 ||
	       record_set(s, t, row, "next_action", f->action ? f->action : "",
			  err) < 0 ? -1 : 0;
}

void activity_line(struct buf *b, const struct logrec *r, const char *about)
{
	const char *at = logrec_get(r, "at"), *type = logrec_get(r, "type");
	const char *by = logrec_get(r, "by"), *text = logrec_get(r, "text");
	char *body = indent_lines(text ? text : "", 32);

	buf_printf(b, "  %.10s  %-8s %-8s %s%s%s", at ? at : "",
		   type ? type : "", by ? by : "", about ? about : "",
		   about ? " " : "", body);
	free(body);
}
