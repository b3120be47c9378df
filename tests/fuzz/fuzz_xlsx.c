/* fuzz_xlsx.c - the .xlsx reader on hostile parts: the input is a sheet,
 * then (after a NUL) the shared strings, then (after another) the
 * styles; libzip packs them with a fixed workbook into a real .xlsx,
 * which xlsx.c opens and reads every row of. */
#include <stdio.h>
#include <unistd.h>
#include <zip.h>

#include "fuzz.h"

static const char workbook[] =
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
	"2006/main\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"S\" "
	"sheetId=\"1\" r:id=\"rId1\" xmlns:r=\"http://schemas.openxmlformats"
	".org/officeDocument/2006/relationships\"/></sheets></workbook>";

static int row(void *ctx, char **f, size_t n, long line,
	       struct crm_err *err)
{
	for (size_t i = 0; i < n; i++)
		(void)strlen(f[i]);
	return 0;
}

static void add(zip_t *z, const char *name, const uint8_t *p, size_t n)
{
	zip_source_t *src = zip_source_buffer(z, p, n, 0);

	if (src && zip_file_add(z, name, src, ZIP_FL_OVERWRITE) < 0)
		zip_source_free(src);
}

/* The next part of data: up to a NUL or the end. */
static size_t part(const uint8_t *data, size_t size, size_t *at)
{
	size_t start = *at, end = start;

	while (end < size && data[end])
		end++;
	*at = end < size ? end + 1 : end;
	return end - start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct crm_err err = {0};
	size_t at = 0, n1, n2, n3, s2, s3;
	struct xlsx *x;
	zip_t *z;
	FILE *fp;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz-xlsx-%d.xlsx",
			 (int)getpid());
	if (!(z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL)))
		return 0;
	n1 = part(data, size, &at);
	s2 = at;
	n2 = part(data, size, &at);
	s3 = at;
	n3 = part(data, size, &at);
	add(z, "xl/workbook.xml", (const uint8_t *)workbook,
	    sizeof workbook - 1);
	add(z, "xl/worksheets/sheet1.xml", data, n1);
	if (n2)
		add(z, "xl/sharedStrings.xml", data + s2, n2);
	if (n3)
		add(z, "xl/styles.xml", data + s3, n3);
	if (zip_close(z) < 0) {
		zip_discard(z);
		return 0;
	}
	if (!(fp = fopen(path, "rb")))
		return 0;
	if (xlsx_detect(fp) && (x = xlsx_open(fp, path, NULL, &err))) {
		xlsx_read(x, 3, row, NULL, &err);
		xlsx_close(x);
	}
	fclose(fp);
	return 0;
}
