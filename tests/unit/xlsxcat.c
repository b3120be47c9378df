/* xlsxcat - a test helper: the rows of a sheet of an .xlsx workbook as
 * CSV, each led by its row number, read by lib/xlsx.c.
 *
 *   xlsxcat book.xlsx [sheet]
 *
 * tests/xlsx.bats reads back what --format xlsx wrote with it, cell by
 * cell; the reader itself is checked against workbooks zipped by hand. */
#include <stdio.h>
#include <stdlib.h>

#include "crm.h"

static int put_row(void *ctx, char **f, size_t n, long line,
		   struct crm_err *err)
{
	char num[24];
	char **cells = xcalloc(n + 1, sizeof *cells);

	snprintf(num, sizeof num, "%ld", line);
	cells[0] = num;
	for (size_t i = 0; i < n; i++)
		cells[i + 1] = f[i];
	csv_write_row(stdout, cells, n + 1, ',');
	free(cells);
	return 0;
}

int main(int argc, char **argv)
{
	struct crm_err err = {0};
	struct xlsx *x;
	FILE *fp;
	int rc;

	crm_set_prog(argv[0]);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xlsxcat book.xlsx [sheet]\n");
		return CRM_USAGE;
	}
	if (!(fp = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return CRM_FAIL;
	}
	x = xlsx_open(fp, argv[1], argc == 3 ? argv[2] : NULL, &err);
	fclose(fp);
	rc = x ? xlsx_read(x, 0, put_row, NULL, &err) : -1;
	xlsx_close(x);
	if (rc < 0)
		crm_err_print(&err);
	return rc < 0 ? CRM_FAIL : 0;
}
