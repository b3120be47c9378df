/* fuzz_conf.c - crm.conf parsing and the pipelines read from it */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_err err = {0};
	struct conf *c = conf_parse((const char *)data, size, "crm.conf", &err);
	struct pipelines ps;
	long v;

	if (!c)
		return 0;
	(void)conf_get(c, "remind", NULL, "from");
	conf_get_long(c, "pool", NULL, "contact-days", 30, &v, &err);
	if (pipelines_load(c, &ps, &err) == 0) {
		const struct pipeline *p = pipeline_find(&ps, NULL);

		if (p && p->n) {
			(void)pipeline_won(p);
			(void)pipeline_first(p);
		}
		pipelines_free(&ps);
	}
	conf_free(c);
	return 0;
}
