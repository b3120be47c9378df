/* fuzz_money.c - amounts as users type them: parse, format, parse back */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), out[32];
	struct crm_err err = {0};
	int64_t v, again;

	if (money_parse(s, &v, &err) == 0) {
		money_format(v, out);
		if (money_parse(out, &again, &err) < 0 || again != v)
			abort();	/* what we write we read back */
	}
	free(s);
	return 0;
}
