/* input.c - records on standard input: CSV, JSONL or bare ids */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static int add_csv_row(void *ctx, char **f, size_t n, long line,
		       struct crm_err *err)
{
	struct table *t = ctx;
	size_t r;

	if (!t->ncols) {
		for (size_t i = 0; i < n; i++) {
			if (table_col(t, f[i]) >= 0)
				return crm_errf(err, t->name, line,
						"duplicate column '%s'", f[i]);
			table_add_col(t, f[i]);
		}
		return 0;
	}
	r = table_add_row(t);
	t->lines[r] = line;
	for (size_t i = 0; i < n && i < t->ncols; i++)
		table_set(t, r, t->cols[i], f[i]);
	return 0;
}

static int add_json_row(void *ctx, const struct logrec *rec, long line,
			struct crm_err *err)
{
	struct table *t = ctx;
	size_t r = table_add_row(t);

	t->lines[r] = line;
	for (size_t i = 0; i < rec->n; i++) {
		table_add_col(t, rec->keys[i]);
		table_set(t, r, rec->keys[i], rec->vals[i]);
	}
	return 0;
}

/* One id (or id prefix) a line; blank lines skipped. */
static int read_ids(struct table *t, char *data, struct crm_err *err)
{
	long line = 0;

	table_add_col(t, "id");
	for (char *s = data, *nl; s && *s; s = nl) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		line++;
		s[strcspn(s, "\r")] = '\0';
		s += strspn(s, " \t");
		s[strcspn(s, " \t")] = '\0';
		if (!*s)
			continue;
		size_t r = table_add_row(t);
		t->lines[r] = line;
		table_set(t, r, "id", s);
	}
	(void)err;
	return 0;
}

/* A first line that is one token shaped like an id means a list of ids. */
static int looks_like_ids(const char *data)
{
	size_t n = strcspn(data, "\r\n");
	char first[ID_MAX + 1];

	if (n == 0 || n > ID_MAX || memchr(data, ',', n) ||
	    memchr(data, '\t', n))
		return 0;
	memcpy(first, data, n);
	first[n] = '\0';
	return first[0] >= 'A' && first[0] <= 'Z' && first[1] == '-';
}

static char *slurp(FILE *fp, size_t *len)
{
	struct buf b = {0};
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	if (!b.s)
		buf_adds(&b, "");
	*len = b.len;
	return b.s;
}

struct table *input_read(FILE *fp, const char *name, struct crm_err *err)
{
	struct table *t = table_new(NULL, NULL);
	size_t len;
	char *data = slurp(fp, &len);
	const char *p = data;
	int rc;

	free(t->name);
	t->name = xstrdup(name);
	if (ferror(fp)) {
		crm_errf(err, NULL, 0, "cannot read %s", name);
		rc = -1;
	} else {
		if (!strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		p += strspn(p, " \t\r\n");
		if (*p == '{') {
			FILE *mem = fmemopen(data, len ? len : 1, "r");
			rc = mem ? jsonl_scan_fp(mem, name, add_json_row, t,
						 err) : -1;
			if (mem)
				fclose(mem);
		} else if (looks_like_ids(p)) {
			rc = read_ids(t, data, err);
		} else {
			rc = csv_read_mem(data, len, name, NULL, add_csv_row,
					  t, err);
		}
	}
	free(data);
	if (rc < 0) {
		table_free(t);
		return NULL;
	}
	return t;
}
