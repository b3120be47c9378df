/* contract.c - a new contract, from crm-cust contract add or from a deal
 * won with crm-opp win --contract */
#include <string.h>

#include "crm.h"

long contract_new(struct store *s, struct table *k,
		  const struct contract_terms *ct, struct crm_err *err)
{
	const char *cur = conf_get(s->conf, "crm", NULL, "currency");
	char start[16], end[16], today[16];
	size_t r;

	if (ct->end < ct->start) {
		date_format(ct->start, start);
		date_format(ct->end, end);
		return crm_usagef(err, "the contract would end %s, before it "
				  "starts %s", end, start);
	}
	date_format(ct->start, start);
	date_format(ct->end, end);
	date_format(date_today(), today);
	r = record_new(s, k);
	const char *vals[][2] = {
		{"customer", ct->customer},
		{"opportunity", ct->opportunity ? ct->opportunity : ""},
		{"title", ct->title && *ct->title ? ct->title : "contract"},
		{"amount", ct->amount},
		{"currency", ct->currency && *ct->currency ? ct->currency :
			     cur ? cur : ""},
		{"signed", today}, {"start", start}, {"end", end},
		{"renewal", ct->renewal ? ct->renewal : "manual"},
		{"status", "active"},
		{"owner", ct->owner ? ct->owner : ""},
	};
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
		if (*vals[i][1] && record_init(s, k, r, vals[i][0], vals[i][1],
					       err) < 0)
			return -1;
	return (long)r;
}
