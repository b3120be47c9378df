/* cli.c - command-line plumbing every program shares */
#include <errno.h>
#include <getopt.h>
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
	out_excel = c->excel != NULL;
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

int cli_date(const char *name, const char *value, char *out,
	     struct crm_err *err)
{
	char why[sizeof err->msg];
	int32_t day;

	if (date_parse(value, &day, err) < 0) {
		snprintf(why, sizeof why, "%s", err->msg);
		return crm_usagef(err, "--%s: %s", name, why);
	}
	date_format(day, out);
	return 0;
}

/* ---- options by long name ------------------------------------------------- */

struct cli {
	const struct option *opts;
	size_t nopts;
	const char ***vals;    /* vals[i]: every value of option i */
	size_t *nvals;
};

static long opt_index(const struct cli *c, int val)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (c->opts[i].val == val)
			return (long)i;
	return -1;
}

struct cli *cli_parse(int argc, char **argv, const struct option *longopts,
		      const char *shortopts, int *help)
{
	struct cli *c = xcalloc(1, sizeof *c);
	int ch;
	long i;

	*help = 0;
	c->opts = longopts;
	while (longopts[c->nopts].name)
		c->nopts++;
	c->vals = xcalloc(c->nopts, sizeof *c->vals);
	c->nvals = xcalloc(c->nopts, sizeof *c->nvals);
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			cli_free(c);
			return NULL;
		}
		if (ch == 'h')
			*help = 1;
		if ((i = opt_index(c, ch)) < 0)
			continue;
		c->vals[i] = xrealloc(c->vals[i], (c->nvals[i] + 1) *
				      sizeof *c->vals[i]);
		c->vals[i][c->nvals[i]++] = optarg ? optarg : "";
	}
	return c;
}

void cli_free(struct cli *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nopts; i++)
		free(c->vals[i]);
	free(c->vals);
	free(c->nvals);
	free(c);
}

static long opt_named(const struct cli *c, const char *name)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (!strcmp(c->opts[i].name, name))
			return (long)i;
	return -1;
}

const char *cli_opt(const struct cli *c, const char *name)
{
	long i = opt_named(c, name);

	return i < 0 || !c->nvals[i] ? NULL : c->vals[i][c->nvals[i] - 1];
}

const char **cli_opt_all(const struct cli *c, const char *name, size_t *n)
{
	long i = opt_named(c, name);

	*n = i < 0 ? 0 : c->nvals[i];
	return i < 0 ? NULL : c->vals[i];
}

void cli_common_from(const struct cli *c, struct cli_common *common)
{
	common->dir = cli_opt(c, "dir");
	common->today = cli_opt(c, "today");
	common->user = cli_opt(c, "user");
	common->lock_timeout = cli_opt(c, "lock-timeout");
	common->excel = cli_opt(c, "excel");
}

/* ---- verbs ---------------------------------------------------------------- */

static const char common_options[] = "dir today user lock-timeout help";

static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && !strncmp(p, word, n))
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

const struct cli_verb *cli_verb_find(const struct cli_verb *verbs,
				     const char *name)
{
	for (; verbs->name; verbs++)
		if (!strcmp(verbs->name, name))
			return verbs;
	return NULL;
}

int cli_run_verb(const struct cli *c, const struct cli_verb *verbs,
		 int argc, char **argv, struct crm_err *err)
{
	const struct cli_verb *v;

	if (argc < 1)
		return crm_usagef(err, "a command is required");
	if (!(v = cli_verb_find(verbs, argv[0])))
		return crm_usagef(err, "unknown command '%s'", argv[0]);
	for (size_t i = 0; i < c->nopts; i++)
		if (c->nvals[i] && !word_in(v->options, c->opts[i].name) &&
		    !word_in(common_options, c->opts[i].name) &&
		    !(!strcmp(c->opts[i].name, "excel") &&
		      word_in(v->options, "format")))
			return crm_usagef(err, "--%s does not apply to %s",
					  c->opts[i].name, v->name);
	return v->run(argc - 1, argv + 1, err);
}

int cli_usage(const char *synopsis, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", crm_prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%sTry '%s --help'.\n", synopsis, crm_prog);
	return CRM_USAGE;
}

static int run_program(int argc, char **argv, const struct cli_program *p,
		       struct crm_err *err)
{
	struct cli_common common;

	cli_common_from(*p->cli, &common);
	if (cli_open(p->store, &common, err) < 0 ||
	    (p->setup && p->setup(err) < 0))
		return cli_fail(err);
	return cli_run_verb(*p->cli, p->verbs, argc - optind, argv + optind,
			    err);
}

int cli_main(int argc, char **argv, const struct cli_program *p)
{
	struct crm_err err = {0};
	int status, help;

	crm_set_prog(argv[0]);
	argv[0] = (char *)crm_prog;	/* getopt's messages name it */
	if (!(*p->cli = cli_parse(argc, argv, p->longopts, p->shortopts,
				  &help))) {
		fprintf(stderr, "Try '%s --help'.\n", crm_prog);
		return CRM_USAGE;
	}
	if (help)
		status = printf("%s\n%s", p->synopsis, p->help) < 0 ? CRM_FAIL
								    : CRM_OK;
	else if (optind >= argc)
		status = cli_usage(p->synopsis, "%s", "a command is required");
	else if (!cli_verb_find(p->verbs, argv[optind]))
		status = cli_usage(p->synopsis, "unknown command '%s'",
				   argv[optind]);
	else if ((status = run_program(argc, argv, p, &err)) < 0)
		status = err.code == CRM_USAGE ?
			 cli_usage(p->synopsis, "%s", err.msg) : cli_fail(&err);
	if (p->teardown)
		p->teardown();
	store_close(p->store);
	cli_free(*p->cli);
	return cli_finish(status);
}
