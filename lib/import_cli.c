/* import_cli.c - the import verb of crm-lead, crm-cust and crm-opp
 *
 * Options, --dry-run, the rejects file, a progress line and the summary
 * are the same whichever table a file goes to; ingest.c decides where a
 * row lands.  The summary always adds up: read = imported + updated +
 * duplicates + rejected; skipped rows (titles, footers, totals) are
 * outside it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

#define DRY_ROWS 5
#define PROGRESS_EVERY 8192

struct run {
	const char *file;
	struct import *im;
	struct ingest *g;
	FILE *rejects;
	int progress;
	long read, imported, updated, dups, rejected;
};

static const struct {
	const char *table, *keys, *fallback;
} match_keys[] = {
	{"leads", "email phone id", "email,phone"},
	{"customers", "name id", "name,id"},
	{"opportunities", "name id", "name,id"},
};

static int parse_match(const char *table, const char *m, unsigned *out,
		       struct crm_err *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} bits[] = {
		{"email", MATCH_EMAIL}, {"phone", MATCH_PHONE}, {"id", MATCH_ID},
		{"name", MATCH_NAME},
	};
	size_t t = 0, len, b;
	struct buf one = {0};

	while (strcmp(match_keys[t].table, table))
		t++;
	m = m ? m : match_keys[t].fallback;
	for (*out = 0; *m; m += len + (m[len] == ',')) {
		len = strcspn(m, ",");
		buf_reset(&one);
		buf_add(&one, m, len);
		for (b = 0; b < sizeof bits / sizeof *bits; b++)
			if (len && !strcmp(one.s, bits[b].name) &&
			    strstr(match_keys[t].keys, one.s))
				break;
		if (b == sizeof bits / sizeof *bits) {
			struct buf keys = {0};

			for (const char *k = match_keys[t].keys; *k; k++)
				buf_adds(&keys, *k == ' ' ? ", " : (char[]){*k, 0});
			crm_usagef(err, "--match: '%s' is not one of %s",
				   one.s ? one.s : "", keys.s);
			buf_free(&keys);
			buf_free(&one);
			return -1;
		}
		*out |= bits[b].bit;
	}
	buf_free(&one);
	return 0;
}

static int parse_delimiter(const char *d, char *out, struct crm_err *err)
{
	*out = 0;
	if (!d)
		return 0;
	if (!strcmp(d, "tab") || !strcmp(d, "\\t"))
		*out = '\t';
	else if (strlen(d) == 1 && strchr(",;\t|", *d))
		*out = *d;
	else
		return crm_usagef(err, "--delimiter: '%s' is not one of , ; "
				  "| tab", d);
	return 0;
}

static int parse_on_dup(const char *od, enum ingest_dup *out,
			struct crm_err *err)
{
	if (!od || !strcmp(od, "skip"))
		*out = DUP_SKIP;
	else if (!strcmp(od, "update"))
		*out = DUP_UPDATE;
	else if (!strcmp(od, "create"))
		*out = DUP_CREATE;
	else
		return crm_usagef(err, "--on-dup: '%s' is not skip, update or "
				  "create", od);
	return 0;
}

/* Options into what the importer and ingest take. */
static int options(const struct cli *c, const char *table,
		   struct import_opts *io, struct ingest_opts *go,
		   struct pipelines *ps, struct store *s, struct crm_err *err)
{
	const char *order = cli_opt(c, "date-order");
	const char *pname = cli_opt(c, "pipeline");

	memset(io, 0, sizeof *io);
	memset(go, 0, sizeof *go);
	io->def = table_def_find(table);
	go->table = table;
	io->encoding = cli_opt(c, "encoding");
	io->maps = cli_opt_all(c, "map", &io->nmaps);
	io->stage_maps = cli_opt_all(c, "map-stage", &io->nstage_maps);
	if (order && strcmp(order, "ymd") && strcmp(order, "mdy") &&
	    strcmp(order, "dmy"))
		return crm_usagef(err, "--date-order: '%s' is not ymd, mdy or "
				  "dmy", order);
	io->date_order = order;
	for (size_t i = 0; i < io->nstage_maps; i++)
		if (!strchr(io->stage_maps[i], '='))
			return crm_usagef(err, "--map-stage '%s': not "
					  "SOURCE=STAGE", io->stage_maps[i]);
	if (parse_delimiter(cli_opt(c, "delimiter"), &io->delimiter, err) < 0 ||
	    parse_match(table, cli_opt(c, "match"), &go->match, err) < 0 ||
	    parse_on_dup(cli_opt(c, "on-dup"), &go->on_dup, err) < 0)
		return -1;
	if (strcmp(table, "opportunities"))
		return 0;
	if (pipelines_load(s->conf, ps, err) < 0)
		return -1;
	go->pipelines = ps;
	if (!(go->pipeline = pipeline_find(ps, pname)))
		return crm_usagef(err, "--pipeline: unknown pipeline '%s'",
				  pname);
	io->pipeline = go->pipeline;
	return 0;
}

/* ---- rejects ----------------------------------------------------------- */

static void rejects_header(struct run *r)
{
	size_t nh;
	char *const *h = import_header(r->im, &nh);
	char **cells = xcalloc(nh + 2, sizeof *cells);

	memcpy(cells, h, nh * sizeof *cells);
	cells[nh] = IMPORT_REJECT_COLUMN;
	csv_write_row(r->rejects, cells, nh + 1, ',');
	free(cells);
}

static void reject(struct run *r, const struct import_row *row,
		   const char *why)
{
	r->rejected++;
	crm_warn("%s:%ld: %s", r->file, row->line, why);
	if (r->rejects) {
		size_t nh, n;
		char **cells;

		/* A short row is padded so its reason lines up. */
		import_header(r->im, &nh);
		n = row->nraw > nh ? row->nraw : nh;
		cells = xcalloc(n + 2, sizeof *cells);
		for (size_t i = 0; i < n; i++)
			cells[i] = i < row->nraw ? row->raw[i] : "";
		cells[n] = (char *)why;
		csv_write_row(r->rejects, cells, n + 1, ',');
		free(cells);
	}
}

/* ---- rows -------------------------------------------------------------- */

static void progress(struct run *r, int done)
{
	if (!r->progress)
		return;
	if (done)
		fprintf(stderr, "\r\033[K");
	else if (r->read % PROGRESS_EVERY == 0)
		fprintf(stderr, "\r%s: %s: %ld rows", crm_prog, r->file,
			r->read);
}

static int one_row(void *ctx, const struct import_row *row,
		   struct crm_err *err)
{
	struct run *r = ctx;
	struct crm_err why = {0};
	int rc;

	r->read++;
	progress(r, 0);
	rc = ingest_row(r->g, row, &why, err);
	switch (rc) {
	case INGEST_IMPORTED:
		r->imported++;
		break;
	case INGEST_UPDATED:
		r->updated++;
		break;
	case INGEST_DUPLICATE:
		r->dups++;
		break;
	case INGEST_REJECTED:
		reject(r, row, why.msg);
		break;
	default:
		return -1;
	}
	return 0;
}

/* --dry-run: the mapping, then the first rows as they would land. */
static int dry_row(void *ctx, const struct import_row *row,
		   struct crm_err *err)
{
	struct run *r = ctx;

	if (r->read++ >= DRY_ROWS)
		return 0;
	printf("%s:%ld:", r->file, row->line);
	if (row->reject)
		printf(" reject: %s", row->reject);
	for (size_t i = 0; !row->reject && i < import_ncols(r->im); i++)
		if (*row->vals[i])
			printf(" %s=%s", import_field(r->im, i), row->vals[i]);
	printf("\n");
	return 0;
}

static int dry_run(struct run *r, struct crm_err *err)
{
	char d = import_delimiter(r->im);
	size_t skipped;

	printf("# %s: %s, delimiter '%s'\n", r->file, import_encoding(r->im),
	       d == '\t' ? "tab" : (char[]){d, 0});
	for (size_t i = 0; i < import_ncols(r->im); i++)
		printf("%s -> %s\n", import_source(r->im, i),
		       import_field(r->im, i));
	return import_run(r->im, dry_row, r, &skipped, err);
}

static void summary(const struct run *r, const char *table, size_t skipped)
{
	const struct ingest_counts *n = ingest_counts(r->g);

	fprintf(stderr, "%s: %s: read %ld, imported %ld, updated %ld, "
		"duplicates %ld, rejected %ld, skipped %zu\n", crm_prog,
		r->file, r->read, r->imported, r->updated, r->dups,
		r->rejected, skipped);
	if (!strcmp(table, "leads"))
		return;
	fprintf(stderr, "%s: %s: customers new %ld, matched %ld; contacts "
		"new %ld, matched %ld\n", crm_prog, r->file, n->customers_new,
		n->customers_matched, n->contacts_new, n->contacts_matched);
}

static int run_import(struct store *s, struct run *r, const char *table,
		      const struct ingest_opts *go, const char *rejects,
		      struct crm_err *err)
{
	struct atomic_file rej = {0};
	size_t skipped = 0;
	int rc = -1;

	if ((rejects && store_check_output(s, rejects, "--rejects",
					   err) < 0) ||
	    store_lock(s, err) < 0 ||
	    !(r->g = ingest_begin(s, r->im, go, err)) ||
	    (rejects && atomic_begin(&rej, rejects, err) < 0))
		goto out;
	if ((r->rejects = rej.fp))
		rejects_header(r);
	r->progress = isatty(STDERR_FILENO);
	rc = import_run(r->im, one_row, r, &skipped, err);
	progress(r, 1);
	if (rc < 0 || ingest_commit(r->g, err) < 0 ||
	    (rej.fp && atomic_commit(&rej, err) < 0)) {
		rc = -1;
		goto out;
	}
	rej.fp = NULL;
	summary(r, table, skipped);
out:
	if (rej.fp)
		atomic_abort(&rej);
	ingest_free(r->g);
	return rc;
}

int cli_import(struct store *s, const struct cli *c, const char *table,
	       int argc, char **argv, struct crm_err *err)
{
	struct import_opts io;
	struct ingest_opts go;
	struct pipelines ps = {0};
	struct run r = {0};
	int rc = -1;

	if (argc != 1)
		return crm_usagef(err, "import takes one file");
	r.file = argv[0];
	if (options(c, table, &io, &go, &ps, s, err) == 0 &&
	    (r.im = import_open(argv[0], &io, err))) {
		rc = cli_opt(c, "dry-run") ? dry_run(&r, err)
					   : run_import(s, &r, table, &go,
							cli_opt(c, "rejects"),
							err);
	}
	import_close(r.im);
	pipelines_free(&ps);
	return rc;
}
