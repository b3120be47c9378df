/* xlsxout.c - listings and reports as an .xlsx workbook (libxlsxwriter)
 *
 * Each sheet starts with a bold header row, frozen, with filters over
 * the columns.  Money is written as a number shown #,##0.00, plain
 * numbers as numbers, dates and timestamps as real Excel dates, text as
 * text (never a formula, so "=1+1" and "0138..." stay what they are),
 * long or multi-line text wrapped.  Columns are as wide as their widest
 * cell (CJK counts double), within limits.  Rows stream to
 * libxlsxwriter's temporary files (constant_memory: strings inline), so
 * memory stays flat whatever the listing's size; the workbook is written
 * when closed, into a temporary file beside the target, then synced and
 * renamed over it (atomic_begin).
 */
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "crm.h"

#define WIDTH_MIN 6
#define WIDTH_MAX 60
#define WRAP_FROM 60          /* display columns */
#define SHEET_NAME_MAX 31     /* characters */
#define CELL_TEXT_MAX 32767   /* Excel's limit, in characters */

struct xlsx_book {
	lxw_workbook *wb;
	struct atomic_file af;
	lxw_format *head, *money, *date, *stamp, *wrap;
	lxw_worksheet *ws;        /* the current sheet */
	size_t ncols;
	enum col_type *types;     /* per column of the current sheet */
	double *widths;
	lxw_row_t row;            /* the next row to write */
};

static lxw_format *new_format(lxw_workbook *wb, const char *num)
{
	lxw_format *f = workbook_add_format(wb);

	if (num)
		format_set_num_format(f, num);
	return f;
}

struct xlsx_book *xlsx_book_new(const char *path, struct crm_err *err)
{
	struct xlsx_book *b = xcalloc(1, sizeof *b);
	lxw_workbook_options opt = {0};

	if (atomic_begin(&b->af, path, err) < 0) {
		free(b);
		return NULL;
	}
	/* Rows go to a temporary file as they come, not into memory. */
	opt.constant_memory = LXW_TRUE;
	if (!(b->wb = workbook_new_opt(b->af.tmp, &opt))) {
		crm_errf(err, NULL, 0, "cannot create %s", path);
		atomic_abort(&b->af);
		free(b);
		return NULL;
	}
	b->head = new_format(b->wb, NULL);
	format_set_bold(b->head);
	b->money = new_format(b->wb, "#,##0.00");
	b->date = new_format(b->wb, "yyyy-mm-dd");
	b->stamp = new_format(b->wb, "yyyy-mm-dd hh:mm");
	b->wrap = new_format(b->wb, NULL);
	format_set_text_wrap(b->wrap);
	format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
	return b;
}

/* A sheet name Excel takes: no []:*?/\, at most 31 characters. */
static char *sheet_name(const char *name)
{
	char *s = xstrdup(*name ? name : "Sheet1");
	size_t chars = 0, i;

	for (i = 0; s[i]; i++) {
		if (strchr("[]:*?/\\", s[i]))
			s[i] = '_';
		if (((unsigned char)s[i] & 0xC0) != 0x80 &&
		    ++chars > SHEET_NAME_MAX) {
			s[i] = '\0';
			break;
		}
	}
	return s;
}

static void sheet_finish(struct xlsx_book *b)
{
	if (!b->ws)
		return;
	for (size_t c = 0; c < b->ncols; c++)
		worksheet_set_column(b->ws, (lxw_col_t)c, (lxw_col_t)c,
				     b->widths[c], NULL);
	if (b->ncols)
		worksheet_autofilter(b->ws, 0, 0, b->row ? b->row - 1 : 0,
				     (lxw_col_t)(b->ncols - 1));
	free(b->types);
	free(b->widths);
	b->types = NULL;
	b->widths = NULL;
	b->ws = NULL;
}

static void grow_width(struct xlsx_book *b, size_t c, const char *s)
{
	double w = (double)utf8_width(s) + 2;

	if (strchr(s, '\n'))
		w = WIDTH_MAX;
	if (w > WIDTH_MAX)
		w = WIDTH_MAX;
	if (w > b->widths[c])
		b->widths[c] = w;
}

int xlsx_book_sheet(struct xlsx_book *b, const char *name,
		    char *const *cols, size_t ncols,
		    const struct table_def *def)
{
	char *sn = sheet_name(name);
	const struct col_def *d;

	sheet_finish(b);
	b->ws = workbook_add_worksheet(b->wb, sn);
	free(sn);
	if (!b->ws)
		return -1;
	b->ncols = ncols;
	b->types = xcalloc(ncols + 1, sizeof *b->types);
	b->widths = xcalloc(ncols + 1, sizeof *b->widths);
	b->row = 1;
	for (size_t c = 0; c < ncols; c++) {
		d = def ? table_def_col(def, cols[c]) : NULL;
		b->types[c] = d ? d->type : COL_TEXT;
		b->widths[c] = WIDTH_MIN;
		grow_width(b, c, cols[c]);
		worksheet_write_string(b->ws, 0, (lxw_col_t)c, cols[c],
				       b->head);
	}
	worksheet_freeze_panes(b->ws, 1, 0);
	return 0;
}

/* "2026-03-05" or "2026-03-05T09:30:00+08:00" (the clock as written). */
static int put_date(struct xlsx_book *b, lxw_col_t c, const char *v)
{
	lxw_datetime dt = {0};
	int32_t day;
	int h = 0, m = 0, s = 0, n = 0;

	if (date_parse_iso(v, &day) < 0 && (strlen(v) < 19 || v[10] != 'T'))
		return -1;
	if (sscanf(v, "%4d-%2d-%2d%n", &dt.year, &dt.month, &dt.day, &n) != 3)
		return -1;
	if (v[n] == 'T' && sscanf(v + n + 1, "%2d:%2d:%2d", &h, &m, &s) < 2)
		return -1;
	dt.hour = h;
	dt.min = m;
	dt.sec = s;
	return worksheet_write_datetime(b->ws, b->row, c, &dt,
					v[n] == 'T' ? b->stamp : b->date) ==
	       LXW_NO_ERROR ? 0 : -1;
}

static int is_number(const char *v)
{
	char *end;

	if (!*v || strchr(" \t\n", *v))
		return 0;
	strtod(v, &end);
	return !*end && strspn(v, "-0123456789.") == strlen(v);
}

static void put_text(struct xlsx_book *b, lxw_col_t c, const char *v)
{
	size_t len = strlen(v), chars = 0, i;
	char *cut = NULL;

	for (i = 0; i < len; i++)
		if (((unsigned char)v[i] & 0xC0) != 0x80 &&
		    ++chars > CELL_TEXT_MAX)
			break;
	if (i < len)
		v = cut = xstrndup(v, i);
	worksheet_write_string(b->ws, b->row, c, v,
			       strchr(v, '\n') || utf8_width(v) > WRAP_FROM ?
			       b->wrap : NULL);
	free(cut);
}

void xlsx_book_cell(struct xlsx_book *b, size_t col, const char *v,
		    enum col_type type)
{
	lxw_col_t c = (lxw_col_t)col;

	if (!b->ws || !*v)
		return;
	grow_width(b, col, v);
	if ((type == COL_MONEY || type == COL_NUMBER) && is_number(v))
		worksheet_write_number(b->ws, b->row, c, strtod(v, NULL),
				       type == COL_MONEY ? b->money : NULL);
	else if ((type == COL_DATE || type == COL_TIMESTAMP) &&
		 put_date(b, c, v) == 0)
		return;
	else
		put_text(b, c, v);
}

void xlsx_book_row(struct xlsx_book *b, char *const *fields)
{
	for (size_t c = 0; b->ws && c < b->ncols; c++)
		xlsx_book_cell(b, c, fields[c], b->types[c]);
	xlsx_book_next(b);
}

void xlsx_book_next(struct xlsx_book *b)
{
	b->row++;
}

int xlsx_book_close(struct xlsx_book *b, struct crm_err *err)
{
	lxw_error e;
	int rc;

	sheet_finish(b);
	e = workbook_close(b->wb);
	if (e != LXW_NO_ERROR) {
		crm_errf(err, NULL, 0, "cannot write %s: %s", b->af.path,
			 lxw_strerror(e));
		atomic_abort(&b->af);
		free(b);
		return -1;
	}
	rc = atomic_commit(&b->af, err);
	free(b);
	return rc;
}

void xlsx_book_abort(struct xlsx_book *b)
{
	if (!b)
		return;
	free(b->types);
	free(b->widths);
	/* libxlsxwriter has no discard: it writes the temporary file,
	 * which atomic_abort removes. */
	workbook_close(b->wb);
	atomic_abort(&b->af);
	free(b);
}
