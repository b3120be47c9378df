/* output.c - listings as an aligned table, CSV, TSV, JSON Lines, ids or
 * an .xlsx workbook (xlsxout.c) */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"

#define CELL_MAX_COLS 40		/* wider table cells are cut */
#define ELLIPSIS "\xe2\x80\xa6"		/* U+2026, one column */
#define COL_GAP "  "
#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD for invalid UTF-8 */

/* A table cell made fit for a terminal, and its width in columns. */
struct cell {
	char *s;
	size_t width;
};

struct out {
	FILE *fp;
	enum out_format fmt;
	size_t ncols;
	char **cols;		/* copy of the header */
	unsigned char *numeric;	/* per column: money or number per def */
	size_t id_col;		/* ids: the "id" column, else the first */
	size_t nrows;		/* rows written (or buffered, for table) */
	struct cell *head;	/* table: the header, prepared */
	struct cell **rows;	/* table: rows buffered until out_end */
	size_t cap;
	struct buf line;	/* table: one output line */
	struct xlsx_book *book;	/* xlsx */
	struct atomic_file af;	/* --output FILE, not xlsx */
	int to_file;
};

static const struct {
	const char *name;
	enum out_format fmt;
} format_names[] = {
	{"table", FMT_TABLE}, {"csv", FMT_CSV}, {"tsv", FMT_TSV},
	{"jsonl", FMT_JSONL}, {"ids", FMT_IDS},
};

int out_format_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (!strcmp(s, format_names[i].name))
			return (int)format_names[i].fmt;
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The stored form of money and numbers ("-12.50", "1200000"), and only
 * where it is also a valid JSON number: "007" and "1." stay strings. */
static int is_plain_number(const char *s)
{
	const char *p = s + (*s == '-');

	if (!is_digit(*p) || (*p == '0' && is_digit(p[1])))
		return 0;
	while (is_digit(*p))
		p++;
	if (*p == '.') {
		if (!is_digit(*++p))
			return 0;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

/* ---- CSV and TSV ------------------------------------------------------ */

/*
 * TSV cannot quote, so fields are written in the "linear TSV" convention:
 * backslash, tab, CR and LF inside a field become \\, \t, \r and \n; every
 * other byte passes as it is.  A record is always exactly one line.
 */
static void tsv_put_field(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\n': fputs("\\n", fp); break;
		default: putc(*s, fp);
		}
	}
}

static void tsv_put_row(FILE *fp, char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			putc('\t', fp);
		tsv_put_field(fp, fields[i]);
	}
	putc('\n', fp);
}

/* ---- JSON Lines --------------------------------------------------------- */

/* A JSON string literal.  Invalid UTF-8 bytes (which JSON cannot carry)
 * become U+FFFD, one per byte, so every line stays valid JSON. */
static void json_add_text(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0, valid;

	buf_addc(b, '"');
	while (i < n) {
		valid = utf8_valid_prefix(s + i, n - i);
		json_add_escaped(b, s + i, valid);
		i += valid;
		if (i < n) {
			buf_adds(b, REPLACEMENT);
			i++;
		}
	}
	buf_addc(b, '"');
}

/* Made whole in a buffer, written at once: stdio's lock costs a call. */
static void jsonl_put_row(struct out *o, char *const *fields)
{
	struct buf *b = &o->line;

	buf_reset(b);
	buf_addc(b, '{');
	for (size_t i = 0; i < o->ncols; i++) {
		if (i)
			buf_addc(b, ',');
		json_add_text(b, o->cols[i]);
		buf_addc(b, ':');
		if (o->numeric[i] && !*fields[i])
			buf_adds(b, "null");
		else if (o->numeric[i] && is_plain_number(fields[i]))
			buf_adds(b, fields[i]);
		else
			json_add_text(b, fields[i]);
	}
	buf_adds(b, "}\n");
	fwrite(b->s, 1, b->len, o->fp);
}

/* ---- aligned table ------------------------------------------------------ */

/* Control characters (newlines, tabs, escapes) become spaces so a cell
 * stays on its line and cannot drive the terminal; a cell wider than
 * CELL_MAX_COLS is cut at a character boundary and ends in "…". */
static struct cell cell_make(const char *s)
{
	struct cell c;
	char *p;
	size_t n;

	c.s = xstrdup(s);
	for (p = c.s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	c.width = utf8_width(c.s);
	if (c.width <= CELL_MAX_COLS)
		return c;
	n = utf8_fit(c.s, CELL_MAX_COLS - 1, &c.width);
	c.s = xrealloc(c.s, n + sizeof ELLIPSIS);
	memcpy(c.s + n, ELLIPSIS, sizeof ELLIPSIS);
	c.width++;
	return c;
}

static struct cell *cells_make(char *const *fields, size_t n)
{
	struct cell *cells = xcalloc(n, sizeof *cells);
	size_t i;

	for (i = 0; i < n; i++)
		cells[i] = cell_make(fields[i]);
	return cells;
}

static void cells_free(struct cell *cells, size_t n)
{
	size_t i;

	for (i = 0; cells && i < n; i++)
		free(cells[i].s);
	free(cells);
}

static void add_spaces(struct buf *b, size_t n)
{
	while (n--)
		buf_addc(b, ' ');
}

/* One line: money and numbers flush right, the rest left; the trailing
 * padding of empty last cells is dropped. */
static void table_put_line(struct out *o, const struct cell *cells,
			   const size_t *widths)
{
	struct buf *b = &o->line;
	size_t i, pad;

	buf_reset(b);
	for (i = 0; i < o->ncols; i++) {
		pad = widths[i] - cells[i].width;
		if (i)
			buf_adds(b, COL_GAP);
		if (o->numeric[i])
			add_spaces(b, pad);
		buf_adds(b, cells[i].s);
		if (!o->numeric[i])
			add_spaces(b, pad);
	}
	while (b->len && b->s[b->len - 1] == ' ')
		b->len--;
	if (b->len)
		fwrite(b->s, 1, b->len, o->fp);
	putc('\n', o->fp);
}

static void table_print(struct out *o)
{
	size_t *widths = xcalloc(o->ncols, sizeof *widths);
	size_t r, i;

	for (i = 0; i < o->ncols; i++)
		widths[i] = o->head[i].width;
	for (r = 0; r < o->nrows; r++)
		for (i = 0; i < o->ncols; i++)
			if (o->rows[r][i].width > widths[i])
				widths[i] = o->rows[r][i].width;
	table_put_line(o, o->head, widths);
	for (r = 0; r < o->nrows; r++)
		table_put_line(o, o->rows[r], widths);
	free(widths);
}

static void table_buffer_row(struct out *o, char *const *fields)
{
	if (o->nrows == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->rows = xrealloc(o->rows, o->cap * sizeof *o->rows);
	}
	o->rows[o->nrows] = cells_make(fields, o->ncols);
}

/* ---- the listing -------------------------------------------------------- */

static void out_set_columns(struct out *o, char *const *cols, size_t ncols,
			    const struct table_def *def)
{
	const struct col_def *d;
	size_t i;

	o->ncols = ncols;
	o->cols = xcalloc(ncols, sizeof *o->cols);
	o->numeric = xcalloc(ncols, 1);
	o->id_col = 0;
	for (i = ncols; i-- > 0;) {
		o->cols[i] = xstrdup(cols[i]);
		d = table_def_col(def, cols[i]);
		o->numeric[i] = d && (d->type == COL_MONEY ||
				      d->type == COL_NUMBER);
		if (!strcmp(cols[i], "id"))
			o->id_col = i;
	}
}

struct out *out_begin(FILE *fp, enum out_format fmt, char *const *cols,
		      size_t ncols, const struct table_def *def)
{
	struct out *o = xcalloc(1, sizeof *o);

	if (fmt == FMT_AUTO)
		fmt = isatty(fileno(fp)) ? FMT_TABLE : FMT_CSV;
	o->fp = fp;
	o->fmt = fmt;
	out_set_columns(o, cols, ncols, def);
	switch (fmt) {
	case FMT_TABLE:
		o->head = cells_make(o->cols, ncols);
		break;
	case FMT_TSV:
		tsv_put_row(fp, o->cols, ncols);
		break;
	case FMT_JSONL:
	case FMT_IDS:
		break;
	default:
		o->fmt = FMT_CSV;
		if (out_excel)
			excel_write_bom(fp);
		out_csv_row(fp, o->cols, ncols);
	}
	return o;
}

void out_row(struct out *o, char *const *fields)
{
	switch (o->fmt) {
	case FMT_TABLE:
		table_buffer_row(o, fields);
		break;
	case FMT_TSV:
		tsv_put_row(o->fp, fields, o->ncols);
		break;
	case FMT_JSONL:
		jsonl_put_row(o, fields);
		break;
	case FMT_IDS:
		if (o->ncols)
			fprintf(o->fp, "%s\n", fields[o->id_col]);
		break;
	case FMT_XLSX:
		xlsx_book_row(o->book, fields);
		break;
	default:
		out_csv_row(o->fp, fields, o->ncols);
	}
	o->nrows++;
}

size_t out_end(struct out *o)
{
	size_t r, n;

	if (!o)
		return 0;
	if (o->fmt == FMT_TABLE)
		table_print(o);
	if (o->fp)
		fflush(o->fp);
	n = o->nrows;
	for (r = 0; r < o->nrows && o->rows; r++)
		cells_free(o->rows[r], o->ncols);
	free(o->rows);
	cells_free(o->head, o->ncols);
	for (r = 0; r < o->ncols; r++)
		free(o->cols[r]);
	free(o->cols);
	free(o->numeric);
	buf_free(&o->line);
	free(o);
	return n;
}

/* ---- into a file ---------------------------------------------------------- */

struct out *out_open(const char *path, enum out_format fmt,
		     const char *sheet, char *const *cols, size_t ncols,
		     const struct table_def *def, struct crm_err *err)
{
	struct xlsx_book *b;
	struct atomic_file af;
	struct out *o;

	if (fmt != FMT_XLSX) {
		if (atomic_begin(&af, path, err) < 0)
			return NULL;
		o = out_begin(af.fp, fmt == FMT_AUTO ? FMT_CSV : fmt, cols,
			      ncols, def);
		o->af = af;
		o->to_file = 1;
		return o;
	}
	if (!(b = xlsx_book_new(path, err)))
		return NULL;
	if (xlsx_book_sheet(b, sheet ? sheet : def ? def->name : "Sheet1",
			    cols, ncols, def) < 0) {
		xlsx_book_abort(b);
		crm_errf(err, NULL, 0, "%s: cannot add a sheet", path);
		return NULL;
	}
	o = xcalloc(1, sizeof *o);
	o->fmt = FMT_XLSX;
	o->book = b;
	out_set_columns(o, cols, ncols, def);
	return o;
}

int out_close(struct out *o, size_t *nrows, struct crm_err *err)
{
	struct xlsx_book *b = o->book;
	struct atomic_file af = o->af;
	int to_file = o->to_file;

	*nrows = out_end(o);
	if (b)
		return xlsx_book_close(b, err);
	return to_file ? atomic_commit(&af, err) : 0;
}

void out_abort(struct out *o)
{
	struct xlsx_book *b = o->book;
	struct atomic_file af = o->af;
	int to_file = o->to_file;

	out_end(o);
	if (b)
		xlsx_book_abort(b);
	else if (to_file)
		atomic_abort(&af);
}

enum out_format out_format_by_name(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && !strcasecmp(path + n - 5, ".xlsx") ? FMT_XLSX
							    : FMT_CSV;
}

int out_report_format(const struct store *s, const char *format,
		      const char *output, struct crm_err *err)
{
	int fmt;

	if (format && !strcmp(format, "xlsx"))
		fmt = FMT_XLSX;
	else if (format && (fmt = out_format_parse(format)) < 0)
		return crm_usagef(err, "--format: '%s' is not one of table, "
				  "csv, tsv, jsonl, ids, xlsx", format);
	else if (!format)
		fmt = output ? (int)out_format_by_name(output) : FMT_AUTO;
	if (output && !*output)
		return crm_usagef(err, "--output: no file name");
	if (fmt == FMT_XLSX && !output)
		return crm_usagef(err, "--format xlsx: give the file with "
				  "--output");
	if (output && store_check_output(s, output, "--output", err) < 0)
		return -1;
	return fmt;
}

struct out *out_report_open(int fmt, const char *output, const char *sheet,
			    char *const *cols, size_t ncols,
			    const struct table_def *def, struct crm_err *err)
{
	if (output)
		return out_open(output, (enum out_format)fmt, sheet, cols,
				ncols, def, err);
	return out_begin(stdout, (enum out_format)fmt, cols, ncols, def);
}
