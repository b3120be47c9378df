/* pipeline.c - the sales process, as crm.conf describes it */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static const char *const forecasts =
	" pipeline best-case commit closed omitted ";

static int conf_bool(const struct conf *c, const char *sub, const char *key)
{
	const char *v = conf_get(c, "stage", sub, key);

	return v && (!strcmp(v, "true") || !strcmp(v, "yes") ||
		     !strcmp(v, "1") || !strcmp(v, "on"));
}

static int stage_load(const struct conf *c, const char *name,
		      struct stage *st, struct crm_err *err)
{
	char word[40];

	st->name = name;
	if (conf_get_long(c, "stage", name, "order", 0, &st->order, err) < 0 ||
	    conf_get_long(c, "stage", name, "probability", 0,
			  &st->probability, err) < 0 ||
	    conf_get_long(c, "stage", name, "rot-days", 0, &st->rot_days,
			  err) < 0)
		return -1;
	st->won = conf_bool(c, name, "won");
	st->lost = conf_bool(c, name, "lost");
	if (st->probability < 0 || st->probability > 100)
		return crm_errf(err, "crm.conf", conf_line(c, "stage", name,
				"probability"), "stage '%s': probability must "
				"be 0 to 100", name);
	st->forecast = conf_get(c, "stage", name, "forecast");
	if (!st->forecast)
		st->forecast = st->won ? "closed" : st->lost ? "omitted"
					: "pipeline";
	snprintf(word, sizeof word, " %s ", st->forecast);
	if (!strstr(forecasts, word))
		return crm_errf(err, "crm.conf", conf_line(c, "stage", name,
				"forecast"), "stage '%s': forecast '%s' is not "
				"one of%s", name, st->forecast, forecasts);
	return 0;
}

static int cmp_order(const void *a, const void *b)
{
	const struct stage *x = *(const struct stage *const *)a;
	const struct stage *y = *(const struct stage *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static const struct stage *stage_named(const struct pipelines *ps,
				       const char *name, size_t len)
{
	for (size_t i = 0; i < ps->nstages; i++)
		if (strlen(ps->stages[i].name) == len &&
		    !strncmp(ps->stages[i].name, name, len))
			return &ps->stages[i];
	return NULL;
}

/* stages = a b c: names separated by blanks (or commas). */
static int pipeline_load(const struct conf *c, const struct pipelines *ps,
			 const char *name, struct pipeline *p,
			 struct crm_err *err)
{
	const char *list = conf_get(c, "pipeline", name, "stages");
	const char *sep = " \t,";

	p->name = name;
	if (!list)
		return crm_errf(err, "crm.conf", 0, "pipeline '%s' has no "
				"stages", name);
	p->stages = xcalloc(ps->nstages + 1, sizeof *p->stages);
	for (const char *s = list + strspn(list, sep); *s;
	     s += strspn(s, sep)) {
		size_t len = strcspn(s, sep);
		const struct stage *st = stage_named(ps, s, len);

		if (!st)
			return crm_errf(err, "crm.conf", conf_line(c,
					"pipeline", name, "stages"), "pipeline "
					"'%s': no [stage \"%.*s\"]", name,
					(int)len, s);
		if (p->n < ps->nstages)
			p->stages[p->n++] = st;
		s += len;
	}
	return 0;
}

static void default_pipeline(struct pipelines *ps)
{
	struct pipeline *p;

	ps->p = xcalloc(1, sizeof *ps->p);
	ps->n = 1;
	p = &ps->p[0];
	p->name = "default";
	p->stages = xcalloc(ps->nstages + 1, sizeof *p->stages);
	for (size_t i = 0; i < ps->nstages; i++)
		p->stages[p->n++] = &ps->stages[i];
	qsort(p->stages, p->n, sizeof *p->stages, cmp_order);
}

int pipelines_load(const struct conf *c, struct pipelines *ps,
		   struct crm_err *err)
{
	size_t n;
	const char **names = conf_subsections(c, "stage", &n);

	memset(ps, 0, sizeof *ps);
	if (!n)
		return crm_errf(err, "crm.conf", 0, "no [stage] sections");
	ps->stages = xcalloc(n, sizeof *ps->stages);
	ps->nstages = n;
	for (size_t i = 0; i < n; i++)
		if (stage_load(c, names[i], &ps->stages[i], err) < 0) {
			pipelines_free(ps);	/* found by fuzzing: a leak */
			return -1;
		}
	names = conf_subsections(c, "pipeline", &n);
	if (!n) {
		default_pipeline(ps);
		return 0;
	}
	ps->p = xcalloc(n, sizeof *ps->p);
	ps->n = n;
	for (size_t i = 0; i < n; i++)
		if (pipeline_load(c, ps, names[i], &ps->p[i], err) < 0) {
			pipelines_free(ps);
			return -1;
		}
	return 0;
}

void pipelines_free(struct pipelines *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->p[i].stages);
	free(ps->p);
	free(ps->stages);
	memset(ps, 0, sizeof *ps);
}

const struct pipeline *pipeline_find(const struct pipelines *ps,
				     const char *name)
{
	if (!name || !*name)
		return ps->n ? &ps->p[0] : NULL;
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name))
			return &ps->p[i];
	return NULL;
}

const struct stage *pipeline_stage(const struct pipeline *p,
				   const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->stages[i]->name, name))
			return p->stages[i];
	return NULL;
}

static const struct stage *first_where(const struct pipeline *p, int won,
				       int lost)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->stages[i]->won == won && p->stages[i]->lost == lost)
			return p->stages[i];
	return NULL;
}

const struct stage *pipeline_won(const struct pipeline *p)
{
	return first_where(p, 1, 0);
}

const struct stage *pipeline_lost(const struct pipeline *p)
{
	return first_where(p, 0, 1);
}

const struct stage *pipeline_first(const struct pipeline *p)
{
	return first_where(p, 0, 0);
}
