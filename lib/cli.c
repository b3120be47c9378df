/* cli.c - command-line plumbing every program shares */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

int cli_open(struct store *s, const struct cli_common *c,
	     struct crm_err *err)
{
	char *end;
	double timeout = 10;

	const char *env = getenv("CRM_TODAY");
	char why[sizeof err->msg];

	/* A mistyped $CRM_TODAY must not quietly become the real date. */
	if ((c->today && date_set_today(c->today, err) < 0) ||
	    (!c->today && env && *env && date_set_today(env, err) < 0)) {
		snprintf(why, sizeof why, "%s", err->msg);
		return crm_usagef(err, "%s: %s", c->today ? "--today" :
				  "CRM_TODAY", why);
	}
	if (c->lock_timeout) {
		timeout = strtod(c->lock_timeout, &end);
		if (*end || end == c->lock_timeout || timeout < 0)
			return crm_usagef(err, "--lock-timeout: '%s' is not a "
					  "number of seconds", c->lock_timeout);
	}
	if (store_open(s, c->dir, err) < 0)
		return -1;
	s->lock_timeout = timeout;
	store_set_user(s, c->user);
	return 0;
}

int cli_fail(const struct crm_err *err)
{
	crm_err_print(err);
	return err->code == CRM_USAGE ? CRM_USAGE : CRM_FAIL;
}

int cli_finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		crm_msg("cannot write standard output: %s", strerror(errno));
		return CRM_FAIL;
	}
	return status;
}

int cli_split_assignment(const char *s, char **field, const char **value,
			 struct crm_err *err)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		return crm_usagef(err, "'%s' is not FIELD=VALUE", s);
	*field = xstrndup(s, (size_t)(eq - s));
	*value = eq + 1;
	return 0;
}
