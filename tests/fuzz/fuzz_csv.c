/* fuzz_csv.c - the strict CSV reader on any bytes: no crash, no leak,
 * every error names a line, every record's span lies within the input */
#include "fuzz.h"

struct seen {
	size_t rows, size;
	size_t span[2];
};

static int count(void *ctx, char **fields, size_t n, long line,
		 struct crm_err *err)
{
	struct seen *s = ctx;

	for (size_t i = 0; i < n; i++)
		(void)strlen(fields[i]);
	if (s->span[0] > s->span[1] || s->span[1] > s->size || line < 1)
		abort();
	s->rows++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0, size, {0, 0}};
	struct csv_opts o = {0};
	struct crm_err err = {0};

	o.delim = ',';
	o.max_field = 4096;
	o.span = s.span;
	if (csv_read_mem((const char *)data, size, "f.csv", &o, count, &s,
			 &err) < 0 && err.line < 0)
		abort();
	o.allow_ragged = 1;
	o.skip_blank = 1;
	o.delim = ';';
	csv_read_mem((const char *)data, size, "f.csv", &o, count, &s, &err);
	return 0;
}
