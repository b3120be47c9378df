/* fuzz_import.c - the importer on any file: encoding and delimiter
 * sniffing, header mapping, every row converted */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"

static int row(void *ctx, const struct import_row *r, struct crm_err *err)
{
	for (size_t i = 0; i < r->nraw; i++)
		(void)strlen(r->raw[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct import_opts o = {0};
	struct crm_err err = {0};
	struct import *im;
	size_t skipped;
	FILE *fp;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz-import-%d.csv",
			 (int)getpid());
	if (!(fp = fopen(path, "w")))
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	o.def = table_def_find("leads");
	if ((im = import_open(path, &o, &err))) {
		import_run(im, row, NULL, &skipped, &err);
		import_close(im);
	}
	return 0;
}
