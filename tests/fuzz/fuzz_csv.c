/* fuzz_csv.c - the strict CSV reader on any bytes: no crash, no leak, and
 * every error names a line within the input */
#include "fuzz.h"

static int count(void *ctx, char **fields, size_t n, long line,
		 struct crm_err *err)
{
	size_t *rows = ctx;

	for (size_t i = 0; i < n; i++)
		(void)strlen(fields[i]);
	(*rows)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_opts o = {',', 4096, 0, 0};
	struct crm_err err = {0};
	size_t rows = 0;

	if (csv_read_mem((const char *)data, size, "f.csv", &o, count, &rows,
			 &err) < 0 && err.line < 0)
		abort();
	o.allow_ragged = 1;
	o.skip_blank = 1;
	o.delim = ';';
	csv_read_mem((const char *)data, size, "f.csv", &o, count, &rows, &err);
	return 0;
}
