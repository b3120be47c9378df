/* fuzz_date.c - dates as users type them: parse, format, parse back */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), out[32];
	struct crm_err err = {0};
	int32_t day, again;

	date_set_today("2026-03-02", &err);
	if (date_parse(s, &day, &err) == 0) {
		date_format(day, out);
		if (date_parse_iso(out, &again) < 0 || again != day)
			abort();	/* what we write we read back */
	}
	(void)date_field(s);
	(void)date_is_timestamp(s);
	if (date_step(day, s, 3, &again) < 0)
		day = 0;
	free(s);
	return 0;
}
