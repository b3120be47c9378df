/* fuzz_jsonl.c - the JSON Lines log reader on any bytes */
#include <stdio.h>

#include "fuzz.h"

static int visit(void *ctx, const struct logrec *r, long line,
		 struct crm_err *err)
{
	for (size_t i = 0; i < r->n; i++)
		(void)strlen(r->vals[i]);
	(void)logrec_get(r, "id");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size ? size : 1, "r");
	struct crm_err err = {0};

	if (!fp)
		return 0;
	if (!size)
		fgetc(fp);
	jsonl_scan_fp(fp, "f.jsonl", visit, NULL, &err);
	fclose(fp);
	return 0;
}
