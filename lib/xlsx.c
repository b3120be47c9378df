/* xlsx.c - the rows of one sheet of an Excel workbook (libzip + expat)
 *
 * An .xlsx file is a zip of XML parts.  xl/workbook.xml names the sheets
 * (and says whether dates count from 1900 or 1904), its .rels file says
 * which part each sheet is, xl/sharedStrings.xml holds the text most cells
 * point into, and xl/styles.xml gives each cell style a number format,
 * which is the only thing telling a date (a day serial) from a number.
 *
 * Cells come out as text the importer reads as it reads CSV fields:
 * strings as they are (a phone number typed as text keeps its leading
 * zero), numbers as Excel's General shows them (15 significant digits;
 * padded with the zeros of a 000000 format, a postcode kept as a number),
 * booleans as TRUE/FALSE, dates as YYYY-MM-DD (with a time part when
 * the format shows one), errors as their code (#N/A).  A merged cell's
 * value fills the cells it covers: down its first column always, across
 * only when the row has something outside the range (a title merged
 * over a row of its own stays one cell, so it is skipped as a title).
 * Of a two-row header (group names merged across, the others down), the
 * lower row is the header.
 *
 * Bounded: a part larger than XLSX_MAX_PART uncompressed, or compressed
 * more than XLSX_MAX_RATIO to one beyond XLSX_RATIO_FROM bytes (a zip
 * bomb), more than XLSX_MAX_STRINGS shared strings or XLSX_MAX_TEXT bytes
 * of them, merged ranges covering more than XLSX_MAX_MERGED cells, and a
 * DTD (entity expansion) are refused before they cost memory or time;
 * rows whose cells (from A to the last value) add up to more than
 * XLSX_MAX_FIELDS stop the read.
 */
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "crm.h"

#define XLSX_MAX_PART (256L * 1024 * 1024)
#define XLSX_RATIO_FROM (8L * 1024 * 1024)
#define XLSX_MAX_RATIO 200
#define XLSX_MAX_STRINGS 2000000
#define XLSX_MAX_TEXT (64L * 1024 * 1024)
#define XLSX_MAX_MERGES 10000
#define XLSX_MAX_MERGED 10000000L
#define XLSX_MAX_FIELDS 100000000.0   /* fields handed out, padding too */
#define XLSX_MAX_COLS 16384
#define XLSX_MAX_ROWS 1048576L
#define XLSX_CELL_MAX (32 * 1024)
#define READ_CHUNK (64 * 1024)

enum numkind { NK_NUMBER, NK_DATE, NK_TIME, NK_DATETIME };

struct merge_range {
	long r1, c1, r2, c2;
	char *value;        /* the top-left cell's, once its row is read */
};

struct xlsx {
	zip_t *zip;
	char *name;         /* the workbook's path, for messages */
	char *sheet;        /* the chosen sheet's name */
	char *part;         /* its part, "xl/worksheets/sheet1.xml" */
	int date1904;
	struct buf strings; /* shared strings, NUL after each */
	size_t *soff, nstrings;
	unsigned char *xf;  /* per cell style: enum numkind */
	unsigned char *pad; /* per cell style: digits of a 000000 format */
	size_t nxf;
	struct merge_range *merges;
	size_t nmerges;
};

/* ---- cell references and date serials --------------------------------- */

int xlsx_ref_parse(const char *ref, long *row, long *col)
{
	long c = 0, r = 0;
	const char *p = ref;

	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
		c = c * 26 + ((*p | 0x20) - 'a' + 1);
		if (c > XLSX_MAX_COLS)
			return -1;
		p++;
	}
	if (p == ref || *p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		r = r * 10 + (*p++ - '0');
		if (r > XLSX_MAX_ROWS)
			return -1;
	}
	if (*p)
		return -1;
	*row = r;
	*col = c - 1;
	return 0;
}

void xlsx_col_name(long col, char *out)
{
	char tmp[8];
	size_t n = 0;

	col++;
	while (col > 0 && n < sizeof tmp) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n)
		*out++ = tmp[--n];
	*out = '\0';
}

int xlsx_serial(double serial, int date1904, int32_t *day, long *secs)
{
	double whole, frac;
	long n, s;

	if (!isfinite(serial) || serial < 0 || serial > 2958466.0)
		return -1;
	frac = modf(serial, &whole);
	n = (long)whole;
	s = lround(frac * 86400.0);
	if (s >= 86400) {
		s -= 86400;
		n++;
	}
	if (date1904) {
		*day = (int32_t)(n - 24107);
	} else {
		/* Excel counts a 29 February 1900 that never was (serial
		 * 60); days before it are one off, and 0 is no day. */
		if (n == 60 || (n == 0 && s == 0))
			return -1;
		*day = (int32_t)(n < 60 ? n - 25568 : n - 25569);
	}
	*secs = s;
	return 0;
}

/* What a number format shows: y, m, d make a date, h and s a time;
 * quoted text, escapes, [colours] and _x / *x fills don't count. */
int xlsx_format_kind(const char *code)
{
	int date = 0, time = 0, m = 0;
	const char *p;

	for (p = code; *p && *p != ';'; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (!p)
				return NK_NUMBER;
			break;
		case '\\': case '_': case '*':
			if (!*++p)
				return NK_NUMBER;
			break;
		case '[':
			if (strchr("hHmMsS", p[1]))
				time = 1;
			p = strchr(p, ']');
			if (!p)
				return NK_NUMBER;
			break;
		case 'y': case 'Y': case 'd': case 'D': case 'e':
			date = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = 1;
			break;
		case 'm': case 'M':
			m = 1;
			break;
		}
	}
	if (!strncasecmp(code, "General", 7))
		return NK_NUMBER;
	if (m && !time)
		date = 1;
	return date && time ? NK_DATETIME : date ? NK_DATE
				       : time ? NK_TIME : NK_NUMBER;
}

/* Excel's built-in formats that show dates or times (ids 14-22 and
 * 45-47 everywhere; 27-36 and 50-58 in Chinese, Japanese and Korean). */
static enum numkind builtin_kind(long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return NK_DATE;
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47) ||
	    (id >= 32 && id <= 35) || id == 55 || id == 56)
		return NK_TIME;
	return id == 22 ? NK_DATETIME : NK_NUMBER;
}

/* ---- parts: bounded, streamed through expat ----------------------------- */

struct parse {
	XML_Parser p;
	struct xlsx *x;
	const char *part;
	struct crm_err *err;
	int failed;         /* err filled by a handler */
	void *ctx;
};

static const char *local(const char *name)
{
	const char *bar = strrchr(name, '|');

	return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (; atts && *atts; atts += 2)
		if (!strcmp(local(atts[0]), name))
			return atts[1];
	return NULL;
}

/* Stop the parse with a message about the part. */
static void parse_fail(struct parse *ps, const char *fmt, const char *arg)
{
	char msg[512];

	if (ps->failed)
		return;
	snprintf(msg, sizeof msg, fmt, arg);
	crm_errf(ps->err, ps->x->name, 0, "%s:%lu: %s", ps->part,
		 (unsigned long)XML_GetCurrentLineNumber(ps->p), msg);
	ps->failed = 1;
	XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	parse_fail(ud, "%s", "a DTD is not allowed in a workbook");
}

static int part_open(struct xlsx *x, const char *part, zip_file_t **zf,
		     struct crm_err *err)
{
	zip_stat_t st;

	zip_stat_init(&st);
	if (zip_stat(x->zip, part, 0, &st) < 0)
		return crm_errf(err, x->name, 0, "%s: not in the workbook",
				part);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > XLSX_MAX_PART)
		return crm_errf(err, x->name, 0, "%s: %llu bytes uncompressed, "
				"over the limit of %ld", part,
				(unsigned long long)st.size, XLSX_MAX_PART);
	if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
	    st.size > XLSX_RATIO_FROM &&
	    st.size / (st.comp_size ? st.comp_size : 1) > XLSX_MAX_RATIO)
		return crm_errf(err, x->name, 0, "%s: compressed %llu to 1, "
				"refused as a zip bomb", part,
				(unsigned long long)(st.size /
				(st.comp_size ? st.comp_size : 1)));
	if (!(*zf = zip_fopen(x->zip, part, 0)))
		return crm_errf(err, x->name, 0, "%s: %s", part,
				zip_strerror(x->zip));
	return 0;
}

static int part_feed(struct parse *ps, zip_file_t *zf)
{
	char *chunk = xmalloc(READ_CHUNK);
	long total = 0;
	zip_int64_t n;
	int rc = 0, last = 0;

	while (!rc && !last) {
		n = zip_fread(zf, chunk, READ_CHUNK);
		if (n < 0) {
			rc = crm_errf(ps->err, ps->x->name, 0, "%s: %s",
				      ps->part, zip_file_strerror(zf));
			break;
		}
		last = n == 0;
		if ((total += n) > XLSX_MAX_PART) {
			rc = crm_errf(ps->err, ps->x->name, 0, "%s: over the "
				      "limit of %ld bytes uncompressed",
				      ps->part, XLSX_MAX_PART);
			break;
		}
		if (XML_Parse(ps->p, chunk, (int)n, last) != XML_STATUS_ERROR)
			continue;
		if (!ps->failed && XML_GetErrorCode(ps->p) != XML_ERROR_ABORTED)
			crm_errf(ps->err, ps->x->name, 0, "%s:%lu: %s",
				 ps->part,
				 (unsigned long)XML_GetCurrentLineNumber(ps->p),
				 XML_ErrorString(XML_GetErrorCode(ps->p)));
		rc = -1;
	}
	free(chunk);
	return rc;
}

/* Stream part through the handlers; 0, or -1 with err filled (or left
 * to the handler that stopped the parse). */
static int part_parse(struct xlsx *x, const char *part,
		      XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text,
		      void *ctx, struct crm_err *err)
{
	struct parse ps = {0};
	zip_file_t *zf;
	int rc;

	if (part_open(x, part, &zf, err) < 0)
		return -1;
	ps.p = XML_ParserCreateNS("UTF-8", '|');
	ps.x = x;
	ps.part = part;
	ps.err = err;
	ps.ctx = ctx;
	XML_SetUserData(ps.p, &ps);
	XML_SetElementHandler(ps.p, start, end);
	XML_SetCharacterDataHandler(ps.p, text);
	XML_SetStartDoctypeDeclHandler(ps.p, no_doctype);
	rc = part_feed(&ps, zf);
	XML_ParserFree(ps.p);
	zip_fclose(zf);
	return rc;
		}

static int has_part(struct xlsx *x, const char *part)
{
	return zip_name_locate(x->zip, part, 0) >= 0;
}

/* ---- the workbook: sheets, date system, relationships ------------------- */

struct book_scan {
	char **names, **rids;
	size_t n;
	char *want_rid;       /* rels pass: the rel to find */
	char *target;         /* its target */
	char *strings, *styles;
};

static void XMLCALL book_start(void *ud, const XML_Char *el,
			       const XML_Char **atts)
{
	struct parse *ps = ud;
	struct book_scan *b = ps->ctx;
	const char *v, *name = attr(atts, "name"), *rid = attr(atts, "id");

	if (!strcmp(local(el), "workbookPr") &&
	    (v = attr(atts, "date1904")))
		ps->x->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
	if (strcmp(local(el), "sheet") || !name || !rid)
		return;
	if (b->n >= 4096) {
		parse_fail(ps, "%s", "too many sheets");
		return;
	}
	b->names = xrealloc(b->names, (b->n + 1) * sizeof *b->names);
	b->rids = xrealloc(b->rids, (b->n + 1) * sizeof *b->rids);
	b->names[b->n] = xstrdup(name);
	b->rids[b->n++] = xstrdup(rid);
}

/* "worksheets/sheet1.xml" is relative to xl/; "/xl/..." is absolute. */
static char *rel_target(const char *t)
{
	return *t == '/' ? xstrdup(t + 1) : xasprintf("xl/%s", t);
}

static int type_is(const char *type, const char *kind)
{
	size_t n = strlen(type), k = strlen(kind);

	return type && n > k && type[n - k - 1] == '/' &&
	       !strcmp(type + n - k, kind);
}

static void XMLCALL rels_start(void *ud, const XML_Char *el,
			       const XML_Char **atts)
{
	struct book_scan *b = ((struct parse *)ud)->ctx;
	const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
	const char *type = attr(atts, "Type");

	if (strcmp(local(el), "Relationship") || !id || !t)
		return;
	if (b->want_rid && !strcmp(id, b->want_rid) && !b->target)
		b->target = rel_target(t);
	if (type && type_is(type, "sharedStrings") && !b->strings)
		b->strings = rel_target(t);
	if (type && type_is(type, "styles") && !b->styles)
		b->styles = rel_target(t);
}

static int no_sheet(struct xlsx *x, const struct book_scan *b,
		    const char *want, struct crm_err *err)
{
	struct buf names = {0};
	int rc;

	for (size_t i = 0; i < b->n && names.len < 200; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", b->names[i]);
	rc = crm_errf(err, x->name, 0, "no sheet '%s' (sheets: %s%s)", want,
		      names.s, names.len >= 200 ? ", ..." : "");
	buf_free(&names);
	return rc;
}

/* The sheet: by name, else by number (1 is the first), else the first. */
static int pick_sheet(struct xlsx *x, struct book_scan *b, const char *want,
		      struct crm_err *err)
{
	size_t i;
	char *end;
	long k;

	if (!b->n)
		return crm_errf(err, x->name, 0, "the workbook has no sheets");
	if (!want) {
		i = 0;
	} else {
		for (i = 0; i < b->n && strcmp(b->names[i], want); i++)
			;
		k = strtol(want, &end, 10);
		if (i == b->n && !*end && k >= 1 && (size_t)k <= b->n)
			i = (size_t)k - 1;
		if (i == b->n)
			return no_sheet(x, b, want, err);
	}
	x->sheet = xstrdup(b->names[i]);
	b->want_rid = b->rids[i];
	return 0;
}

static void book_free(struct book_scan *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->names[i]);
		free(b->rids[i]);
	}
	free(b->names);
	free(b->rids);
	free(b->target);
	free(b->strings);
	free(b->styles);
}

/* ---- shared strings ------------------------------------------------------ */

struct text_scan {
	struct buf cur;
	int in_si, in_t, in_rph;
	size_t declared;
};

/* Excel writes control characters as _x000D_: back to the character. */
static void unescape_x(struct buf *b, size_t from)
{
	size_t r = from, w = from;
	char hex[5] = {0};
	unsigned long v;

	while (r < b->len) {
		if (b->s[r] == '_' && r + 6 < b->len && b->s[r + 1] == 'x' &&
		    b->s[r + 6] == '_') {
			memcpy(hex, b->s + r + 2, 4);
			v = strspn(hex, "0123456789abcdefABCDEF") == 4 ?
			    strtoul(hex, NULL, 16) : 0x80;
			if (v > 0 && v < 0x80) {
				b->s[w++] = (char)v;
				r += 7;
				continue;
			}
		}
		b->s[w++] = b->s[r++];
	}
	b->len = w;
	if (b->s)
		b->s[w] = '\0';
}

static void XMLCALL sst_start(void *ud, const XML_Char *el,
			      const XML_Char **atts)
{
	struct parse *ps = ud;
	struct text_scan *ts = ps->ctx;
	const char *n = local(el), *v;

	if (!strcmp(n, "sst") && (v = attr(atts, "uniqueCount")) &&
	    strtoul(v, NULL, 10) > XLSX_MAX_STRINGS) {
		parse_fail(ps, "%s", "the shared-strings table is over "
				  "the limit of " "2000000 strings");
		return;
	}
	if (!strcmp(n, "si")) {
		ts->in_si = 1;
		buf_reset(&ts->cur);
	} else if (!strcmp(n, "rPh")) {
		ts->in_rph = 1;
	} else if (!strcmp(n, "t")) {
		ts->in_t = 1;
	}
}

static void add_string(struct parse *ps, struct text_scan *ts)
{
	struct xlsx *x = ps->x;

	if (x->nstrings >= XLSX_MAX_STRINGS) {
		parse_fail(ps, "%s", "the shared-strings table is over "
				  "the limit of 2000000 strings");
		return;
	}
	if (x->strings.len + ts->cur.len > (size_t)XLSX_MAX_TEXT) {
		parse_fail(ps, "%s", "the shared-strings table is over "
				  "the limit of 64 MiB");
		return;
	}
	if ((x->nstrings & (x->nstrings + 1)) == 0 || !x->soff)
		x->soff = xrealloc(x->soff, (2 * x->nstrings + 2) *
				   sizeof *x->soff);
	x->soff[x->nstrings++] = x->strings.len;
	unescape_x(&ts->cur, 0);
	buf_add(&x->strings, ts->cur.s ? ts->cur.s : "", ts->cur.len);
	buf_addc(&x->strings, '\0');
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
	struct parse *ps = ud;
	struct text_scan *ts = ps->ctx;
	const char *n = local(el);

	if (!strcmp(n, "si")) {
		ts->in_si = 0;
		add_string(ps, ts);
	} else if (!strcmp(n, "rPh")) {
		ts->in_rph = 0;
	} else if (!strcmp(n, "t")) {
		ts->in_t = 0;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct text_scan *ts = ((struct parse *)ud)->ctx;

	if (ts->in_si && ts->in_t && !ts->in_rph) {
		if (ts->cur.len + (size_t)len > XLSX_CELL_MAX * 32) {
			parse_fail(ud, "%s", "a shared string is too "
					  "long");
			return;
		}
		buf_add(&ts->cur, s, (size_t)len);
	}
}

/* ---- styles: which cell styles show dates -------------------------------- */

struct style_scan {
	long *fmt_ids;        /* custom formats: id */
	unsigned char *fmt_kinds, *fmt_pads;
	size_t nfmts;
	long *xf_fmt;         /* cellXfs: numFmtId of each */
	size_t nxf;
	int in_xfs;
};

/* "000000": a number shown with leading zeros to that many digits (a
 * postcode, a phone number kept as a number); 0 for any other format. */
static int zero_width(const char *code)
{
	size_t n = strspn(code, "0");

	return n >= 2 && n <= 30 && !code[n] ? (int)n : 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *el,
				 const XML_Char **atts)
{
	struct parse *ps = ud;
	struct style_scan *ss = ps->ctx;
	const char *n = local(el), *id = attr(atts, "numFmtId");
	const char *code = attr(atts, "formatCode");

	if (!strcmp(n, "numFmt") && id && code && ss->nfmts < 4096) {
		ss->fmt_ids = xrealloc(ss->fmt_ids, (ss->nfmts + 1) *
				       sizeof *ss->fmt_ids);
		ss->fmt_kinds = xrealloc(ss->fmt_kinds, ss->nfmts + 1);
		ss->fmt_pads = xrealloc(ss->fmt_pads, ss->nfmts + 1);
		ss->fmt_pads[ss->nfmts] = (unsigned char)zero_width(code);
		ss->fmt_ids[ss->nfmts] = strtol(id, NULL, 10);
		ss->fmt_kinds[ss->nfmts++] =
			(unsigned char)xlsx_format_kind(code);
	} else if (!strcmp(n, "cellXfs")) {
		ss->in_xfs = 1;
	} else if (!strcmp(n, "xf") && ss->in_xfs) {
		if (ss->nxf >= 65536) {
			parse_fail(ps, "%s", "too many cell styles");
			return;
		}
		ss->xf_fmt = xrealloc(ss->xf_fmt, (ss->nxf + 1) *
				      sizeof *ss->xf_fmt);
		ss->xf_fmt[ss->nxf++] = id ? strtol(id, NULL, 10) : 0;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *el)
{
	struct style_scan *ss = ((struct parse *)ud)->ctx;

	if (!strcmp(local(el), "cellXfs"))
		ss->in_xfs = 0;
}

static void style_kinds(struct xlsx *x, const struct style_scan *ss)
{
	x->nxf = ss->nxf;
	x->xf = xcalloc(ss->nxf + 1, 1);
	x->pad = xcalloc(ss->nxf + 1, 1);
	for (size_t i = 0; i < ss->nxf; i++) {
		long id = ss->xf_fmt[i];

		x->xf[i] = (unsigned char)builtin_kind(id);
		for (size_t k = 0; k < ss->nfmts; k++)
			if (ss->fmt_ids[k] == id) {
				x->xf[i] = ss->fmt_kinds[k];
				x->pad[i] = ss->fmt_pads[k];
			}
	}
}

/* ---- the sheet --------------------------------------------------------- */

struct sheet_scan {
	struct xlsx *x;
	csv_row_fn fn;
	void *ctx;
	size_t width;
	int merges_only;
	long row, col;        /* current row (1-based), cell column */
	char type[16];
	long style;
	int in_v, in_is_t, in_rph, in_cell;
	struct buf v;         /* the cell's raw value */
	struct buf *cells;    /* the row's cells by column */
	size_t ncells, cap;
	char **fields;
	size_t nfields_cap;
	double fields_out;    /* fields handed out so far */
	size_t next;          /* merges: the first not begun */
	size_t *active, nactive;
};

static void XMLCALL merge_start(void *ud, const XML_Char *el,
				const XML_Char **atts)
{
	struct parse *ps = ud;
	struct xlsx *x = ps->x;
	const char *ref = attr(atts, "ref"), *colon;
	struct merge_range m = {0};
	char a[16];

	if (strcmp(local(el), "mergeCell") || !ref)
				return;
	colon = strchr(ref, ':');
	if (!colon || (size_t)(colon - ref) >= sizeof a) {
		parse_fail(ps, "mergeCell '%s' is not a range", ref);
		return;
	}
	snprintf(a, sizeof a, "%.*s", (int)(colon - ref), ref);
	if (xlsx_ref_parse(a, &m.r1, &m.c1) < 0 ||
	    xlsx_ref_parse(colon + 1, &m.r2, &m.c2) < 0 || m.r2 < m.r1 ||
	    m.c2 < m.c1) {
		parse_fail(ps, "mergeCell '%s' is not a range", ref);
		return;
	}
	if (x->nmerges >= XLSX_MAX_MERGES) {
		parse_fail(ps, "%s", "too many merged cells");
		return;
	}
	x->merges = xrealloc(x->merges, (x->nmerges + 1) * sizeof *x->merges);
	x->merges[x->nmerges++] = m;
}

static struct buf *cell_at(struct sheet_scan *ss, long col)
{
	size_t need = (size_t)col + 1;

	if (need > ss->cap) {
		size_t cap = ss->cap ? ss->cap : 16;

		while (cap < need)
			cap *= 2;
		ss->cells = xrealloc(ss->cells, cap * sizeof *ss->cells);
		memset(ss->cells + ss->cap, 0,
		       (cap - ss->cap) * sizeof *ss->cells);
		ss->cap = cap;
	}
	while (ss->ncells < need)
		buf_reset(&ss->cells[ss->ncells++]);
	return &ss->cells[col];
}

static void number_text(struct sheet_scan *ss, const char *v, struct buf *out)
{
	struct xlsx *x = ss->x;
	int known = ss->style >= 0 && (size_t)ss->style < x->nxf;
	int kind = known ? x->xf[ss->style] : NK_NUMBER;
	int pad = known ? x->pad[ss->style] : 0;
	char *end, iso[16];
	double d = strtod(v, &end);
	int32_t day;
	long secs;

	if (end == v || *end) {
		buf_adds(out, v);
		return;
	}
	if (kind != NK_NUMBER &&
	    xlsx_serial(d, x->date1904, &day, &secs) == 0 &&
	    (kind == NK_TIME || d >= 1)) {
		date_format(day, iso);
		if (kind != NK_TIME)
			buf_adds(out, iso);
		if (kind == NK_DATETIME)
			buf_addc(out, 'T');
		if (kind != NK_DATE)
			buf_printf(out, "%02ld:%02ld:%02ld", secs / 3600,
				   secs / 60 % 60, secs % 60);
		return;
	}
	if (pad && d >= 0 && d < 1e15 && d == floor(d))
		buf_printf(out, "%0*.0f", pad, d);
	else
		buf_printf(out, "%.15g", d);
}

/* The cell just ended, as text, into its column. */
static void cell_done(struct parse *ps, struct sheet_scan *ss)
{
	struct buf *out = cell_at(ss, ss->col);
	const char *v = ss->v.s ? ss->v.s : "";
	const char *t = ss->type;
	char *end;
	unsigned long k;

	buf_reset(out);
	if (!strcmp(t, "s")) {
		k = strtoul(v, &end, 10);
		if (end == v || *end || k >= ss->x->nstrings) {
			parse_fail(ps, "shared string '%s' is not in the table",
				   v);
			return;
		}
		buf_adds(out, ss->x->strings.s + ss->x->soff[k]);
	} else if (!strcmp(t, "b")) {
		if (*v)
			buf_adds(out, strcmp(v, "0") ? "TRUE" : "FALSE");
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str") ||
		   !strcmp(t, "e") || !strcmp(t, "d")) {
		buf_adds(out, v);
		unescape_x(out, 0);
	} else if (*v) {
		number_text(ss, v, out);
	}
	if (!out->s)
		buf_adds(out, "");
}

static int cell_blank(const struct sheet_scan *ss, size_t c)
{
	return c >= ss->ncells || !ss->cells[c].len;
}

/* Merged ranges over this row: remember their top-left value, fill. */
/* Nonblank cells of the row in columns [from, to]. */
static size_t count_filled(const struct sheet_scan *ss, long from, long to)
{
	size_t n = 0;

	for (long c = from; c <= to && (size_t)c < ss->ncells; c++)
		n += !cell_blank(ss, (size_t)c);
	return n;
}

static void fill_merge(struct sheet_scan *ss, struct merge_range *m,
		       size_t filled)
{
	int outside;

	if (ss->row == m->r1) {
		free(m->value);
		m->value = xstrdup(cell_blank(ss, (size_t)m->c1) ? "" :
				   ss->cells[m->c1].s);
	}
	if (!m->value || !*m->value)
		return;
	outside = filled > count_filled(ss, m->c1, m->c2);
	for (long c = m->c1; c <= m->c2; c++) {
		if ((c > m->c1 && !outside) || (c == m->c1 && ss->row == m->r1))
			continue;
		if (cell_blank(ss, (size_t)c)) {
			buf_reset(cell_at(ss, c));
			buf_adds(&ss->cells[c], m->value);
		}
	}
}

/* The merged ranges over this row (sorted by first row; those begun and
 * not ended are kept in ss->active): remember their top-left value, fill.
 * Bounded by the ranges' total area, checked at xlsx_open. */
static void apply_merges(struct sheet_scan *ss)
{
	struct xlsx *x = ss->x;
	size_t filled, i;

	while (ss->next < x->nmerges && x->merges[ss->next].r1 <= ss->row) {
		if (x->merges[ss->next].r2 >= ss->row)
			ss->active[ss->nactive++] = ss->next;
		ss->next++;
	}
	if (!ss->nactive)
		return;
	filled = count_filled(ss, 0, (long)ss->ncells - 1);
	for (i = 0; i < ss->nactive;) {
		struct merge_range *m = &x->merges[ss->active[i]];

		if (m->r2 < ss->row) {
			ss->active[i] = ss->active[--ss->nactive];
			continue;
		}
		fill_merge(ss, m, filled);
		i++;
	}
}

/*
 * The upper row of a two-row header: a group name merged across columns
 * ("联系人" over 姓名 and 电话) beside names merged down into the row
 * below ("公司" over two rows).  The row below, filled from the merges,
 * names every column; this one is left out.
 */
static int is_group_row(const struct sheet_scan *ss)
{
	int across = 0, down = 0;

	for (size_t i = 0; i < ss->nactive; i++) {
		const struct merge_range *m = &ss->x->merges[ss->active[i]];

		if (m->r1 != ss->row)
			continue;
		across |= m->r2 == m->r1 && m->c2 > m->c1;
		down |= m->r2 > m->r1;
	}
	return across && down;
}

static int row_done(struct parse *ps, struct sheet_scan *ss)
{
	size_t n = ss->ncells, i;
	int rc;

	apply_merges(ss);
	if (is_group_row(ss))
		return 0;
	n = ss->ncells;
	while (n && cell_blank(ss, n - 1))
		n--;
	if (!n)
		return 0;
	if (n < ss->width)
		n = ss->width;
	if ((ss->fields_out += (double)n) > XLSX_MAX_FIELDS) {
		parse_fail(ps, "%s", "the sheet is over the limit of 100000000 "
			   "cells");
		return -1;
	}
	if (n > ss->nfields_cap) {
		ss->nfields_cap = n;
		ss->fields = xrealloc(ss->fields, (n + 1) * sizeof *ss->fields);
	}
	for (i = 0; i < n; i++)
		ss->fields[i] = cell_blank(ss, i) ? "" : ss->cells[i].s;
	rc = ss->fn(ss->ctx, ss->fields, n, ss->row, ps->err);
	if (rc < 0) {
		ps->failed = 1;
		XML_StopParser(ps->p, XML_FALSE);
	}
	return rc;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el,
				const XML_Char **atts)
{
	struct parse *ps = ud;
	struct sheet_scan *ss = ps->ctx;
	const char *n = local(el), *r = attr(atts, "r"), *v;
	long row, col;

	if (!strcmp(n, "row")) {
		for (size_t i = 0; i < ss->ncells; i++)
			buf_reset(&ss->cells[i]);
		ss->ncells = 0;
		ss->col = -1;
		row = r ? strtol(r, NULL, 10) : ss->row + 1;
		if (row <= ss->row || row > XLSX_MAX_ROWS) {
			parse_fail(ps, "row '%s' is out of order",
					  r ? r : "");
			return;
		}
		ss->row = row;
	} else if (!strcmp(n, "c")) {
		if (r && (xlsx_ref_parse(r, &row, &col) < 0 ||
			  row != ss->row)) {
			parse_fail(ps, "cell '%s' is not in its row", r);
			return;
		}
		col = r ? col : ss->col + 1;
		if (col <= ss->col || col >= XLSX_MAX_COLS) {
			parse_fail(ps, "cell '%s' is out of order",
					  r ? r : "");
			return;
		}
		ss->col = col;
		v = attr(atts, "t");
		snprintf(ss->type, sizeof ss->type, "%s", v ? v : "n");
		v = attr(atts, "s");
		ss->style = v ? strtol(v, NULL, 10) : 0;
		ss->in_cell = 1;
		buf_reset(&ss->v);
	} else if (ss->in_cell && !strcmp(n, "v")) {
		ss->in_v = 1;
	} else if (ss->in_cell && !strcmp(n, "t")) {
		ss->in_is_t = 1;
	} else if (ss->in_cell && !strcmp(n, "rPh")) {
		ss->in_rph = 1;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
	struct parse *ps = ud;
	struct sheet_scan *ss = ps->ctx;
	const char *n = local(el);

	if (!strcmp(n, "v")) {
		ss->in_v = 0;
	} else if (!strcmp(n, "t")) {
		ss->in_is_t = 0;
	} else if (!strcmp(n, "rPh")) {
		ss->in_rph = 0;
	} else if (!strcmp(n, "c") && ss->in_cell) {
		ss->in_cell = 0;
		cell_done(ps, ss);
	} else if (!strcmp(n, "row")) {
		row_done(ps, ss);
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_scan *ss = ((struct parse *)ud)->ctx;

	if (!ss->in_cell || ss->in_rph || !(ss->in_v || ss->in_is_t))
		return;
	if (ss->v.len + (size_t)len > XLSX_CELL_MAX * 32) {
		parse_fail(ud, "%s", "a cell is too long");
		return;
	}
	buf_add(&ss->v, s, (size_t)len);
}

int xlsx_read(struct xlsx *x, size_t width, csv_row_fn fn, void *ctx,
	      struct crm_err *err) {
	struct sheet_scan ss = {0};
	int rc;

	ss.x = x;
	ss.fn = fn;
	ss.ctx = ctx;
	ss.width = width;
	ss.active = xcalloc(x->nmerges + 1, sizeof *ss.active);
	for (size_t i = 0; i < x->nmerges; i++) {
		free(x->merges[i].value);
		x->merges[i].value = NULL;
	}
	rc = part_parse(x, x->part, sheet_start, sheet_end, sheet_text, &ss,
			err);
	for (size_t i = 0; i < ss.cap; i++)
		buf_free(&ss.cells[i]);
	free(ss.cells);
	free(ss.fields);
	free(ss.active);
	buf_free(&ss.v);
	return rc;
}

/* ---- opening ------------------------------------------------------------- */

static int cmp_merge(const void *a, const void *b)
{
	const struct merge_range *p = a, *q = b;

	return p->r1 < q->r1 ? -1 : p->r1 > q->r1;
}

/* Sorted by first row; refused when filling them would cost more than
 * XLSX_MAX_MERGED cells (valid ranges never overlap, hostile ones may). */
static int check_merges(struct xlsx *x, struct crm_err *err)
{
	double area = 0;

	for (size_t i = 0; i < x->nmerges; i++) {
		const struct merge_range *m = &x->merges[i];

		area += (double)(m->r2 - m->r1 + 1) *
			(double)(m->c2 - m->c1 + 1);
	}
	if (area > XLSX_MAX_MERGED)
		return crm_errf(err, x->name, 0, "%s: merged cells cover more "
				"than %ld cells", x->part, XLSX_MAX_MERGED);
	if (x->nmerges)
		qsort(x->merges, x->nmerges, sizeof *x->merges, cmp_merge);
	return 0;
}

static int read_parts(struct xlsx *x, const char *want, struct crm_err *err)
{
	struct book_scan b = {0};
	struct text_scan ts = {0};
	struct style_scan ss = {0};
	int rc = -1;

	if (part_parse(x, "xl/workbook.xml", book_start, NULL, NULL, &b,
		       err) < 0 || pick_sheet(x, &b, want, err) < 0 ||
	    (has_part(x, "xl/_rels/workbook.xml.rels") &&
	     part_parse(x, "xl/_rels/workbook.xml.rels", rels_start, NULL,
			NULL, &b, err) < 0))
		goto out;
	x->part = b.target ? xstrdup(b.target)
			   : xasprintf("xl/worksheets/sheet%s.xml", "1");
	if (!b.strings && has_part(x, "xl/sharedStrings.xml"))
		b.strings = xstrdup("xl/sharedStrings.xml");
	if (!b.styles && has_part(x, "xl/styles.xml"))
		b.styles = xstrdup("xl/styles.xml");
	if ((b.strings && part_parse(x, b.strings, sst_start, sst_end,
				     sst_text, &ts, err) < 0) ||
	    (b.styles && part_parse(x, b.styles, styles_start, styles_end,
				    NULL, &ss, err) < 0))
		goto out;
	style_kinds(x, &ss);
	/* The merged ranges follow the cells: a first pass finds them (and
	 * any broken XML, before a single row is imported). */
	rc = part_parse(x, x->part, merge_start, NULL, NULL, NULL, err);
	if (rc == 0)
		rc = check_merges(x, err);
out:
	book_free(&b);
	buf_free(&ts.cur);
	free(ss.fmt_ids);
	free(ss.fmt_kinds);
	free(ss.fmt_pads);
	free(ss.xf_fmt);
	return rc;
}

int xlsx_detect(FILE *fp)
{
	unsigned char magic[4];
	size_t n;
	zip_t *z;
	int fd, found = 0;

	rewind(fp);
	n = fread(magic, 1, sizeof magic, fp);
	rewind(fp);
	if (n < 4 || memcmp(magic, "PK\3\4", 4))
		return 0;
	if ((fd = dup(fileno(fp))) < 0)
		return 0;
	if (!(z = zip_fdopen(fd, ZIP_RDONLY, NULL))) {
		close(fd);
		return 0;
	}
	found = zip_name_locate(z, "xl/workbook.xml", 0) >= 0;
	zip_discard(z);
	rewind(fp);
	return found;
}

struct xlsx *xlsx_open(FILE *fp, const char *name, const char *sheet,
		       struct crm_err *err) {
	struct xlsx *x = xcalloc(1, sizeof *x);
	int fd, zerr = 0;

	x->name = xstrdup(name);
	fflush(fp);
	if ((fd = dup(fileno(fp))) < 0) {
		crm_errf(err, NULL, 0, "cannot read %s: %s", name,
			 strerror(errno));
		xlsx_close(x);
		return NULL;
	}
	lseek(fd, 0, SEEK_SET);
	if (!(x->zip = zip_fdopen(fd, ZIP_RDONLY, &zerr))) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		crm_errf(err, name, 0, "not a readable workbook: %s",
			 zip_error_strerror(&ze));
		zip_error_fini(&ze);
		close(fd);
		xlsx_close(x);
		return NULL;
	}
	if (read_parts(x, sheet, err) < 0) {
		xlsx_close(x);
		return NULL;
	}
	return x;
}

const char *xlsx_sheet_name(const struct xlsx *x)
{
	return x->sheet;
}

void xlsx_close(struct xlsx *x)
{
	if (!x)
		return;
	if (x->zip)
		zip_discard(x->zip);
	for (size_t i = 0; i < x->nmerges; i++)
		free(x->merges[i].value);
	free(x->merges);
	buf_free(&x->strings);
	free(x->soff);
	free(x->xf);
	free(x->pad);
	free(x->part);
	free(x->sheet);
	free(x->name);
	free(x);
}

void xlsx_where(const struct xlsx *x, long row, long col, char *out,
		size_t n) {
	const unsigned char *p = (const unsigned char *)x->sheet;
	char c[8];
	int plain = 1;

	for (; *p; p++)
		if (*p < 0x80 && !(*p == '_' || (*p >= '0' && *p <= '9') ||
				   ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
			plain = 0;
	xlsx_col_name(col < 0 ? 0 : col, c);
	snprintf(out, n, plain ? "%s!%s%ld" : "'%s'!%s%ld", x->sheet, c, row);
	}
