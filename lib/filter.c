/* filter.c - the jq bridge: --where expressions over records */
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "crm.h"

/*
 * --where runs one of two ways, with the same results:
 *
 * - simple expressions -- comparisons of a field with a literal
 *   (.amount > 100000, .stage == "won", "x" != .owner) or a bare field,
 *   joined by and / or, in parentheses or not -- are evaluated in C with
 *   jq's semantics: a missing field and an empty amount are null; null <
 *   false < true < numbers < strings; strings compare bytewise; numbers
 *   as jq's doubles (amounts of up to 15 digits as exact cents, which
 *   orders them the same way);
 * - anything else goes to libjq, given an object of only the fields the
 *   expression names when it can be seen to look at nothing else.
 *
 * tests/unit/test_filter.c runs both ways over the same expressions.
 */
enum lit { LIT_NULL, LIT_FALSE, LIT_TRUE, LIT_NUM, LIT_STR };
enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_TRUTHY };

struct value {
	enum lit kind;
	double num;
	int64_t cents;
	int exact;              /* cents holds the number exactly */
	const char *str;
};

struct node {
	enum { N_CMP, N_AND, N_OR } type;
	struct node *l, *r;     /* N_AND, N_OR */
	char *field;            /* N_CMP: the field, */
	size_t fi;              /* its index in filter.fields */
	enum cmp_op op;         /* how it compares with */
	struct value lit;       /* this literal */
	char *str;              /* the literal's string, owned */
};

struct filter {
	jq_state *jq;
	struct buf errors;   /* what jq reported while compiling */
	int broken;          /* a runtime error happened: jq 1.6 can't go on */
	struct node *tree;   /* the C way, or NULL */
	char **fields;       /* the fields named; NULL: jq sees all of them */
	size_t nfields;
	int narrow;          /* jq's object needs only those fields */
	/* Columns of the table last seen (a cache). */
	const struct table *t;
	char **t_cols;
	size_t t_ncols;
	int *col_of;         /* fields[i] -> column or -1 */
	unsigned char *numeric;  /* per column: money or number */
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

/* ---- the fields an expression names ------------------------------------ */

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static size_t field_index(struct filter *f, const char *name, size_t n)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strlen(f->fields[i]) == n && !strncmp(f->fields[i], name, n))
			return i;
	f->fields = xrealloc(f->fields, (f->nfields + 1) * sizeof *f->fields);
	f->fields[f->nfields] = xstrndup(name, n);
	return f->nfields++;
}

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncmp(*list, w, n))
			return 1;
	return 0;
}

/* Words that never hand jq the whole record to look at: keywords, and
 * functions of a value when they follow a pipe (their input is then
 * what the left side made, which is never the record itself when no
 * bare "." or other word appears). */
static const char *const keywords[] = {"and", "or", "not", "if", "then",
	"elif", "else", "end", "true", "false", "null", NULL};
static const char *const piped[] = {"test", "startswith", "endswith",
	"ascii_downcase", "ascii_upcase", "ltrimstr", "rtrimstr", "contains",
	"tostring", "tonumber", "length", "split", "join", "floor", NULL};

/* Skip a string literal at p (on its quote); NULL when it holds a
 * backslash (an interpolation might look at anything). */
static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\')
			return NULL;
	return *p ? p + 1 : NULL;
}

/* Does expr look only at fields it names (then f->fields has them)? */
static int names_fields(struct filter *f, const char *p)
{
	char prev = 0;          /* the last significant character */

	while (*p) {
		const char *w = p;

		if (*p == '"') {
			if (!(p = skip_string(p)))
				return 0;
		} else if (*p == '.' && is_ident_start(p[1])) {
			for (w = ++p; is_ident(*p); p++)
				;
			field_index(f, w, (size_t)(p - w));
		} else if (*p == '.' && !(p[1] >= '0' && p[1] <= '9')) {
			return 0;       /* ., .., .[ or ."x" */
		} else if (is_ident_start(*p)) {
			while (is_ident(*p))
				p++;
			if (!word_in(w, (size_t)(p - w), keywords) &&
			    !(prev == '|' && word_in(w, (size_t)(p - w),
						      piped)))
				return 0;
		} else if (strchr("$#@{}", *p)) {
			return 0;
		} else {
			p++;
		}
		if (!strchr(" \t\r\n", *w))
			prev = *w;
	}
	return 1;
}

/* ---- the C way: parsing ------------------------------------------------------ */

struct parser { struct filter *f; const char *p; };

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static int take_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	skip_ws(ps);
	if (strncmp(ps->p, w, n) || is_ident(ps->p[n]))
		return 0;
	ps->p += n;
	return 1;
}

/* A plain decimal as exact cents: [-]digits[.d[d]], at most 15 digits
 * (where doubles order decimals exactly as their values). */
static int exact_cents(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i = s[0] == '-', digits = 0, frac = 0;
	int dot = 0;

	for (; i < n; i++) {
		if (s[i] == '.' && !dot && digits) {
			dot = 1;
		} else if (s[i] >= '0' && s[i] <= '9' && frac < 2) {
			v = v * 10 + (s[i] - '0');
			digits++;
			frac += dot;
		} else {
			return 0;
		}
	}
	if (!digits || digits + (2 - frac) > 15 || s[n - 1] == '.')
		return 0;
	for (; frac < 2; frac++)
		v *= 10;
	*out = s[0] == '-' ? -v : v;
	return 1;
}

static int parse_number(struct parser *ps, struct value *v)
{
	const char *p = ps->p, *start = p;

	p += *p == '-';
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if (is_ident(*p) || *p == '.')
		return -1;      /* 1e5, 1.2.3: jq's business */
	v->kind = LIT_NUM;
	v->num = strtod(start, NULL);
	v->exact = exact_cents(start, (size_t)(p - start), &v->cents);
	ps->p = p;
	return 0;
}

/* A literal into n->lit (and n->str); -1 when there is none. */
static int parse_literal(struct parser *ps, struct node *n)
{
	const char *end;

	skip_ws(ps);
	if (*ps->p == '"') {
		if (!(end = skip_string(ps->p)))
			return -1;
		n->str = xstrndup(ps->p + 1, (size_t)(end - ps->p - 2));
		n->lit = (struct value){LIT_STR, 0, 0, 0, n->str};
		ps->p = end;
		return 0;
	}
	if (take_word(ps, "null"))
		return n->lit.kind = LIT_NULL, 0;
	if (take_word(ps, "false"))
		return n->lit.kind = LIT_FALSE, 0;
	if (take_word(ps, "true"))
		return n->lit.kind = LIT_TRUE, 0;
	return parse_number(ps, &n->lit);
}

static int parse_field(struct parser *ps, struct node *n)
{
	const char *w;

	skip_ws(ps);
	if (ps->p[0] != '.' || !is_ident_start(ps->p[1]))
		return -1;
	for (w = ++ps->p; is_ident(*ps->p); ps->p++)
		;
	n->fi = field_index(ps->f, w, (size_t)(ps->p - w));
	return 0;
}

static int parse_op(struct parser *ps, enum cmp_op *op)
{
	static const struct { const char *s; enum cmp_op op; } ops[] = {
		{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
		{"<", OP_LT}, {">", OP_GT},
	};

	skip_ws(ps);
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (!strncmp(ps->p, ops[i].s, strlen(ops[i].s))) {
			ps->p += strlen(ops[i].s);
			return *op = ops[i].op, 0;
		}
	return -1;
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->str);
	free(n);
}

static struct node *parse_or(struct parser *ps, int depth);

/* .field OP literal, literal OP .field, .field, or ( ... ). */
static struct node *parse_cmp(struct parser *ps, int depth)
{
	static const enum cmp_op swapped[] = {OP_EQ, OP_NE, OP_GT, OP_GE,
					      OP_LT, OP_LE, OP_TRUTHY};
	struct node *n = xcalloc(1, sizeof *n);

	skip_ws(ps);
	if (*ps->p == '(' && depth < 32) {
		ps->p++;
		free(n);
		n = parse_or(ps, depth + 1);
		skip_ws(ps);
		if (n && *ps->p++ == ')')
			return n;
	} else if (parse_field(ps, n) == 0) {
		const char *at = ps->p;

		if (parse_op(ps, &n->op) < 0) {
			ps->p = at;
			n->op = OP_TRUTHY;
			return n;
		}
		if (parse_literal(ps, n) == 0)
			return n;
	} else if (parse_literal(ps, n) == 0 && parse_op(ps, &n->op) == 0 &&
		   parse_field(ps, n) == 0) {
		n->op = swapped[n->op];
		return n;
	}
	node_free(n);
	return NULL;
}

static struct node *join(int type, struct node *l, struct node *r)
{
	struct node *n;

	if (!l || !r) {
		node_free(l);
		node_free(r);
		return NULL;
	}
	n = xcalloc(1, sizeof *n);
	n->type = type;
	n->l = l;
	n->r = r;
	return n;
}

static struct node *parse_and(struct parser *ps, int depth)
{
	struct node *n = parse_cmp(ps, depth);

	while (n && take_word(ps, "and"))
		n = join(N_AND, n, parse_cmp(ps, depth));
	return n;
}

static struct node *parse_or(struct parser *ps, int depth)
{
	struct node *n = parse_and(ps, depth);

	while (n && take_word(ps, "or"))
		n = join(N_OR, n, parse_and(ps, depth));
	return n;
}

/* The whole expression in the C way, or NULL (fields it named stay). */
static struct node *parse_simple(struct filter *f, const char *expr)
{
	struct parser ps = {f, expr};
	struct node *n = parse_or(&ps, 0);

	skip_ws(&ps);
	if (n && *ps.p) {
		node_free(n);
		n = NULL;
	}
	return n;
}

/* ---- compiling -------------------------------------------------------------------- */

static struct filter *compile(const char *expr, int c_way,
			      struct crm_err *err)
{
	struct filter *f = xcalloc(1, sizeof *f);

	f->jq = jq_init();
	if (!f->jq) {
		free(f);
		crm_errf(err, NULL, 0, "cannot start jq");
		return NULL;
	}
	jq_set_error_cb(f->jq, collect_error, &f->errors);
	/* Always through jq first: its verdict and messages on syntax. */
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
	if (c_way) {
		f->tree = parse_simple(f, expr);
		f->narrow = !f->tree && names_fields(f, expr);
	}
	return f;
}

struct filter *filter_compile(const char *expr, struct crm_err *err)
{
	return compile(expr, 1, err);
}

struct filter *filter_compile_jq(const char *expr, struct crm_err *err)
{
	return compile(expr, 0, err);
}

int filter_is_simple(const struct filter *f)
{
	return f->tree ? 1 : f->narrow ? 2 : 0;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	jq_teardown(&f->jq);
	buf_free(&f->errors);
	node_free(f->tree);
	for (size_t i = 0; i < f->nfields; i++)
		free(f->fields[i]);
	free(f->fields);
	free(f->col_of);
	free(f->numeric);
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

/* Columns of t looked up once, not once a row. */
static void learn_table(struct filter *f, const struct table *t)
{
	if (f->t == t && f->t_cols == t->cols && f->t_ncols == t->ncols)
		return;
	f->t = t;
	f->t_cols = t->cols;
	f->t_ncols = t->ncols;
	f->col_of = xrealloc(f->col_of, (f->nfields + 1) * sizeof *f->col_of);
	for (size_t i = 0; i < f->nfields; i++)
		f->col_of[i] = table_col(t, f->fields[i]);
	f->numeric = xrealloc(f->numeric, t->ncols + 1);
	for (size_t c = 0; c < t->ncols; c++)
		f->numeric[c] = (unsigned char)col_is_numeric(t, c);
}

static jv cell_to_jv(const char *v, int numeric)
{
	if (numeric && !*v)
		return jv_null();
	if (numeric && is_plain_number(v))
		return jv_number(strtod(v, NULL));
	return jv_string(v);
}

static jv row_to_jv(struct filter *f, const struct table *t, char **row)
{
	jv obj = jv_object();

	if (f->narrow) {
		for (size_t i = 0; i < f->nfields; i++)
			if (f->col_of[i] >= 0)
				obj = jv_object_set(obj,
					jv_string(f->fields[i]),
					cell_to_jv(row[f->col_of[i]],
						   f->numeric[f->col_of[i]]));
		return obj;
	}
	for (size_t c = 0; c < t->ncols; c++)
		obj = jv_object_set(obj, jv_string(t->cols[c]),
				    cell_to_jv(row[c], f->numeric[c]));
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

/* ---- the C way: evaluating --------------------------------------------------------- */

static void field_value(const struct filter *f, char **row, size_t fi,
			struct value *v)
{
	int c = f->col_of[fi];
	const char *s = c >= 0 ? row[c] : NULL;

	memset(v, 0, sizeof *v);
	v->str = s;
	if (!s || (f->numeric[c] && !*s)) {
		v->kind = LIT_NULL;
	} else if (f->numeric[c] && is_plain_number(s)) {
		v->kind = LIT_NUM;
		v->exact = exact_cents(s, strlen(s), &v->cents);
	} else {
		v->kind = LIT_STR;
	}
}

/* jq's order: null < false < true < numbers < strings. */
static int value_cmp(const struct value *a, const struct value *b)
{
	double x, y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == LIT_STR) {
		int c = strcmp(a->str, b->str);
		return (c > 0) - (c < 0);
	}
	if (a->kind != LIT_NUM)
		return 0;
	if (a->exact && b->exact)
		return (a->cents > b->cents) - (a->cents < b->cents);
	/* the field's number (a) from its text, the literal's as parsed */
	x = strtod(a->str, NULL);
	y = b->num;
	return (x > y) - (x < y);
}

static int eval(const struct filter *f, const struct node *n, char **row)
{
	struct value v;
	int c;

	if (n->type == N_AND)
		return eval(f, n->l, row) && eval(f, n->r, row);
	if (n->type == N_OR)
		return eval(f, n->l, row) || eval(f, n->r, row);
	field_value(f, row, n->fi, &v);
	if (n->op == OP_TRUTHY)
		return v.kind != LIT_NULL;
	c = value_cmp(&v, &n->lit);
	switch (n->op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

int filter_match(struct filter *f, const struct table *t, char **row,
		 struct crm_err *err)
{
	jv out;
	int match = 0;

	if (f->broken)
		return crm_errf(err, NULL, 0, "--where: unusable after an "
				"error");
	learn_table(f, t);
	if (f->tree)
		return eval(f, f->tree, row);
	jq_start(f->jq, row_to_jv(f, t, row), 0);
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
