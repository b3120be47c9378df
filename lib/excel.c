/* excel.c - CSV meant for spreadsheets: no cell becomes a formula
 *
 * A spreadsheet evaluates a cell that starts with = + - @ (and, in some,
 * TAB or CR) as a formula: a customer named "=HYPERLINK(...)" would run
 * when the export is opened.  --excel writes such a cell with a leading
 * apostrophe, which spreadsheets show as text and hide, and a UTF-8 BOM
 * so Excel reads the file as UTF-8.  Numbers ("-12.50", "+8613800000000")
 * are left alone.  The importers take the apostrophe back off, so an
 * export imports as the values it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

int out_excel;

static int is_number(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	return digits && !*p;
}

/* A cell a spreadsheet would take for a formula, or one that already
 * starts with the apostrophe an import would take off. */
int excel_needs_quote(const char *s)
{
	if (*s == '\'')
		return excel_needs_quote(s + 1);
	return *s && strchr("=+-@\t\r", *s) && !is_number(s);
}

const char *excel_unquote(const char *s)
{
	return *s == '\'' && excel_needs_quote(s + 1) ? s + 1 : s;
}

void excel_write_row(FILE *fp, char *const *fields, size_t n)
{
	char **q = xcalloc(n + 1, sizeof *q);

	for (size_t i = 0; i < n; i++)
		q[i] = excel_needs_quote(fields[i]) ? xasprintf("'%s", fields[i])
						    : xstrdup(fields[i]);
	csv_write_row(fp, q, n, ',');
	for (size_t i = 0; i < n; i++)
		free(q[i]);
	free(q);
}

void excel_write_bom(FILE *fp)
{
	fputs("\xEF\xBB\xBF", fp);
}

void out_csv_row(FILE *fp, char *const *fields, size_t n)
{
	if (out_excel)
		excel_write_row(fp, fields, n);
	else
		csv_write_row(fp, fields, n, ',');
}
