/* filter.c - the jq bridge: --where expressions over records */
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "crm.h"

struct filter {
	jq_state *jq;
	struct buf errors;   /* what jq reported while compiling */
	int broken;          /* a runtime error happened: jq 1.6 can't go on */
};

static void collect_error(void *data, jv msg)
{
	struct buf *b = data;

	if (jv_get_kind(msg) == JV_KIND_INVALID)
		msg = jv_invalid_get_msg(msg);
	if (jv_get_kind(msg) == JV_KIND_STRING) {
		if (b->len)
			buf_adds(b, "; ");
		buf_adds(b, jv_string_value(msg));
	}
	jv_free(msg);
}

struct filter *filter_compile(const char *expr, struct crm_err *err)
{
	struct filter *f = xcalloc(1, sizeof *f);

	f->jq = jq_init();
	if (!f->jq) {
		free(f);
		crm_errf(err, NULL, 0, "cannot start jq");
		return NULL;
	}
	jq_set_error_cb(f->jq, collect_error, &f->errors);
	if (!jq_compile(f->jq, expr)) {
		char *nl;

		if (!f->errors.len)
			buf_adds(&f->errors, "cannot compile expression");
		while ((nl = strchr(f->errors.s, '\n')))
			*nl = ' ';
		/* jq's own prefix and its count add nothing after ours. */
		char *msg = f->errors.s, *tail = strstr(msg, "; jq: ");
		if (tail)
			*tail = '\0';
		if (!strncmp(msg, "jq: error: ", 11))
			msg += 11;
		crm_usagef(err, "--where: %s", msg);
		filter_free(f);
		return NULL;
	}
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	jq_teardown(&f->jq);
	buf_free(&f->errors);
	free(f);
}

/* The stored form of money and numbers: [-]digits[.digits]. */
static int is_plain_number(const char *s)
{
	const char *p = s + (*s == '-');
	int digits = 0, dot = 0;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot && digits)
			dot = 1;
		else
			return 0;
	}
	return digits > 0 && p[-1] != '.';
}

static int col_is_numeric(const struct table *t, size_t c)
{
	const struct col_def *d = t->def ? table_def_col(t->def, t->cols[c])
					 : NULL;

	return d && (d->type == COL_MONEY || d->type == COL_NUMBER);
}

static jv row_to_jv(const struct table *t, char **row)
{
	jv obj = jv_object();

	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = row[c];
		jv val;

		if (col_is_numeric(t, c) && !*v)
			val = jv_null();
		else if (col_is_numeric(t, c) && is_plain_number(v))
			val = jv_number(strtod(v, NULL));
		else
			val = jv_string(v);
		obj = jv_object_set(obj, jv_string(t->cols[c]), val);
	}
	return obj;
}

void row_to_json(struct buf *b, const struct table *t, char **row)
{
	buf_addc(b, '{');
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			buf_addc(b, ',');
		json_add_string(b, t->cols[c]);
		buf_addc(b, ':');
		if (col_is_numeric(t, c) && !*row[c])
			buf_adds(b, "null");
		else if (col_is_numeric(t, c) && is_plain_number(row[c]))
			buf_adds(b, row[c]);
		else
			json_add_string(b, row[c]);
	}
	buf_addc(b, '}');
}

int filter_match(struct filter *f, const struct table *t, char **row,
		 struct crm_err *err)
{
	jv out;
	int match = 0;

	if (f->broken)
		return crm_errf(err, NULL, 0, "--where: unusable after an "
				"error");
	jq_start(f->jq, row_to_jv(t, row), 0);
	out = jq_next(f->jq);
	if (jv_is_valid(out)) {
		jv_kind k = jv_get_kind(out);
		match = k != JV_KIND_FALSE && k != JV_KIND_NULL;
		jv_free(out);
		return match;
	}
	if (jv_invalid_has_msg(jv_copy(out))) {
		jv msg = jv_invalid_get_msg(out);
		char text[300];

		f->broken = 1;
		if (jv_get_kind(msg) == JV_KIND_STRING)
			snprintf(text, sizeof text, "%s", jv_string_value(msg));
		else
			jv_dump_string_trunc(jv_copy(msg), text, sizeof text);
		jv_free(msg);
		return crm_errf(err, NULL, 0, "--where: %s (record %s)", text,
				row[0]);
	}
	jv_free(out);
	return 0;
}
