/* conf.c - crm.conf: a git-config style parser, and the default file
 *
 * A conf is a flat array of entries in file order: every key = value,
 * plus one key-less entry per section header (so that a [stage "x"]
 * with no keys yet still counts as a stage).  Configs are small, so
 * every lookup is a linear scan; the last entry wins, as in git.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

struct conf_entry {
	char *section;          /* lower case */
	char *sub;              /* NULL when none; case kept */
	char *key;              /* lower case; NULL for a section header */
	char *value;
	long line;
};

/* An answer of conf_get_all or conf_subsections, kept so that callers
 * never free it and asking again costs no memory. */
struct conf_list {
	char *section, *sub, *key;      /* key NULL: a subsection list */
	const char **v;
	size_t n;
};

struct conf_lists {
	struct conf_list *l;
	size_t n;
};

struct conf {
	char *name;
	struct conf_entry *ents;
	size_t n, cap;
	/* behind a pointer: lookups on a const conf still fill it */
	struct conf_lists *lists;
};

/* The parser walks the whole text; p is always inside or at the end of
 * line number line. */
struct parser {
	const char *p, *end;
	const char *name;
	long line;
	struct conf *c;
	char *section, *sub;    /* the current header; section NULL: none */
	struct buf val;
	struct crm_err *err;
};

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Letters, digits, '-' and '_' (ASCII only, whatever the locale). */
static int is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

static int valid_name(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_name_char(s[i]))
			return 0;
	return 1;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);

	for (char *q = d; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return d;
}

/* Bytes of the UTF-8 character starting at s (at most n), for quoting
 * a whole character in a message. */
static int char_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	return (int)(len < n ? len : n);
}

static void add_entry(struct conf *c, const char *section, const char *sub,
		      char *key, char *value, long line)
{
	struct conf_entry *e;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->ents = xrealloc(c->ents, c->cap * sizeof *c->ents);
	}
	e = &c->ents[c->n++];
	e->section = xstrdup(section);
	e->sub = sub ? xstrdup(sub) : NULL;
	e->key = key;
	e->value = value;
	e->line = line;
}

static int parse_error(struct parser *ps, const char *what)
{
	return crm_errf(ps->err, ps->name, ps->line, "%s", what);
}

static void next_line(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p != '\n')
		ps->p++;
	if (ps->p < ps->end) {
		ps->p++;
		ps->line++;
	}
}

static void skip_blanks(struct parser *ps)
{
	while (ps->p < ps->end && is_blank(*ps->p))
		ps->p++;
}

/* Length of the line end at p: 1 for LF, 2 for CRLF, 0 if none. */
static size_t eol_len(const char *p, const char *end)
{
	if (p < end && *p == '\n')
		return 1;
	if (end - p > 1 && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/*
 * After a backslash: 1 and the escaped byte in *out; 0 for a line
 * continuation (or a backslash ending the file); -1 and err otherwise.
 * In a section header only \" and \\ are escapes and nothing continues.
 */
static int parse_escape(struct parser *ps, int in_header, char *out)
{
	const char *p = ps->p;
	size_t left = (size_t)(ps->end - p), eol = eol_len(p, ps->end);

	if (!left || eol) {
		if (in_header)
			return parse_error(ps, "unterminated subsection name");
		ps->p += eol;
		ps->line += eol ? 1 : 0;
		return 0;
	}
	if (*p == '"' || *p == '\\')
		*out = *p;
	else if (*p == 'n' && !in_header)
		*out = '\n';
	else if (*p == 't' && !in_header)
		*out = '\t';
	else
		return crm_errf(ps->err, ps->name, ps->line,
				"invalid escape '\\%.*s'", char_len(p, left),
				p);
	ps->p++;
	return 1;
}

/* Blanks, then a comment or the end of the line, which is consumed. */
static int end_of_line(struct parser *ps, const char *complaint)
{
	skip_blanks(ps);
	if (ps->p < ps->end && *ps->p != '\n' && *ps->p != '#' &&
	    *ps->p != ';')
		return parse_error(ps, complaint);
	next_line(ps);
	return 0;
}

/* The quoted name of [section "name"], p at the opening quote. */
static int parse_subsection(struct parser *ps)
{
	struct buf *b = &ps->val;
	char ch;

	buf_reset(b);
	ps->p++;
	for (;;) {
		if (ps->p == ps->end || *ps->p == '\n')
			return parse_error(ps, "unterminated subsection name");
		ch = *ps->p++;
		if (ch == '"')
			break;
		if (ch == '\\' && parse_escape(ps, 1, &ch) < 0)
			return -1;
		buf_addc(b, ch);
	}
	ps->sub = xstrndup(b->s ? b->s : "", b->len);
	return 0;
}

/* "[section]" or [section "name"], p at the '['. */
static int parse_header(struct parser *ps)
{
	const char *name = ++ps->p;
	size_t n;

	while (ps->p < ps->end && !is_blank(*ps->p) && *ps->p != '\n' &&
	       *ps->p != ']' && *ps->p != '"')
		ps->p++;
	n = (size_t)(ps->p - name);
	if (!n && (ps->p == ps->end || *ps->p == '\n'))
		return parse_error(ps, "missing ']' in section header");
	if (!n)
		return parse_error(ps, "empty section name");
	if (!valid_name(name, n))
		return crm_errf(ps->err, ps->name, ps->line,
				"invalid section name '%.*s'", (int)n, name);
	free(ps->section);
	free(ps->sub);
	ps->section = lower_dup(name, n);
	ps->sub = NULL;
	skip_blanks(ps);
	if (ps->p < ps->end && *ps->p == '"' && parse_subsection(ps) < 0)
		return -1;
	skip_blanks(ps);
	if (ps->p < ps->end && *ps->p != ']' && *ps->p != '\n' && !ps->sub)
		return parse_error(ps, "subsection name must be in double "
				   "quotes");
	if (ps->p == ps->end || *ps->p != ']')
		return parse_error(ps, "missing ']' in section header");
	ps->p++;
	add_entry(ps->c, ps->section, ps->sub, NULL, NULL, ps->line);
	return end_of_line(ps, "unexpected text after section header");
}

/*
 * The value after '=' into ps->val: blanks at either end dropped unless
 * quoted, '#' or ';' outside quotes starts a comment, a backslash
 * escapes or continues the line.  The line end is consumed.
 */
/*
 * A value is kept as written, quotes and backslashes included, so a jq
 * expression reads as in jq: rule = .source == "referral".  Quotes only
 * protect '#' and ';' from starting a comment.  A value that is one
 * quoted string as a whole ("  padded  ") is unquoted, with \" \\ \n \t.
 * A backslash at the end of a line continues the value.
 */
static int unquote_whole(struct buf *b, struct parser *ps)
{
	size_t n = b->len, out = 0;
	char *s = b->s;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return 0;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] == '"')
			return 0;           /* "a" "b": two strings, keep */
		if (s[i] != '\\') {
			s[out++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case '"': case '\\': s[out++] = s[i]; break;
		case 'n': s[out++] = '\n'; break;
		case 't': s[out++] = '\t'; break;
		default:
			return crm_errf(ps->err, ps->name, ps->line,
					"invalid escape '\\%c'", s[i]);
		}
	}
	s[out] = '\0';
	b->len = out;
	return 0;
}

static int parse_value(struct parser *ps)
{
	struct buf *b = &ps->val;
	size_t keep = 0;        /* length without the trailing blanks */
	int quoted = 0;
	char ch;

	buf_reset(b);
	while (ps->p < ps->end && *ps->p != '\n') {
		ch = *ps->p++;
		if (!quoted && (ch == '#' || ch == ';')) {
			ps->p--;
			break;
		}
		if (ch == '\\' && (ps->p == ps->end ||
				    eol_len(ps->p, ps->end))) {
			size_t eol = eol_len(ps->p, ps->end);

			ps->p += eol;
			ps->line += eol ? 1 : 0;
			continue;
		}
		if (ch == '\r' && eol_len(ps->p - 1, ps->end) == 2)
			continue;
		if (!b->len && is_blank(ch))
			continue;
		buf_addc(b, ch);
		if (!is_blank(ch))
			keep = b->len;
		if (ch == '\\' && ps->p < ps->end && *ps->p != '\n') {
			ch = *ps->p++;           /* \" stays out of quoting */
			buf_addc(b, ch);
			if (!is_blank(ch))
				keep = b->len;
		} else if (ch == '"') {
			quoted = !quoted;
		}
	}
	if (quoted)
		return parse_error(ps, "unterminated quoted value");
	b->len = keep;
	if (b->s)
		b->s[keep] = '\0';
	if (b->s && unquote_whole(b, ps) < 0)
		return -1;
	next_line(ps);
	return 0;
}

/* "key = value", or a bare "key" meaning true. */
static int parse_key_line(struct parser *ps)
{
	const char *key = ps->p, *kend;
	long line = ps->line;
	char *value;

	while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '=' &&
	       *ps->p != '#' && *ps->p != ';')
		ps->p++;
	for (kend = ps->p; kend > key && is_blank(kend[-1]); kend--)
		;
	if (kend == key)
		return parse_error(ps, "missing key before '='");
	if (!valid_name(key, (size_t)(kend - key)))
		return crm_errf(ps->err, ps->name, line, "invalid key '%.*s'",
				(int)(kend - key), key);
	if (!ps->section)
		return parse_error(ps, "key outside any section");
	if (ps->p < ps->end && *ps->p == '=') {
		ps->p++;
		if (parse_value(ps) < 0)
			return -1;
		value = xstrndup(ps->val.s ? ps->val.s : "", ps->val.len);
	} else {
		next_line(ps);
		value = xstrdup("true");
	}
	add_entry(ps->c, ps->section, ps->sub,
		  lower_dup(key, (size_t)(kend - key)), value, line);
	return 0;
}

static int parse_line(struct parser *ps)
{
	skip_blanks(ps);
	if (ps->p == ps->end)
		return 0;
	switch (*ps->p) {
	case '\n': case '#': case ';':
		next_line(ps);
		return 0;
	case '[':
		return parse_header(ps);
	}
	return parse_key_line(ps);
}

static long line_at(const char *text, size_t off)
{
	long line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* NUL bytes and invalid UTF-8 anywhere are errors, comments included. */
static int check_bytes(const char *text, size_t len, const char *name,
		       struct crm_err *err)
{
	size_t valid = utf8_valid_prefix(text, len);
	const char *nul = memchr(text, '\0', valid);

	if (nul)
		return crm_errf(err, name, line_at(text, (size_t)(nul - text)),
				"NUL byte in data");
	if (valid < len)
		return crm_errf(err, name, line_at(text, valid),
				"invalid UTF-8");
	return 0;
}

struct conf *conf_parse(const char *text, size_t len, const char *name,
			struct crm_err *err)
{
	struct parser ps = {0};
	struct conf *c;
	int rc = 0;

	if (!text)
		text = "";
	if (check_bytes(text, len, name, err) < 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name ? name : "");
	c->lists = xcalloc(1, sizeof *c->lists);
	ps.p = text;
	ps.end = text + len;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ps.p += 3;
	ps.name = name;
	ps.line = 1;
	ps.c = c;
	ps.err = err;
	while (rc == 0 && ps.p < ps.end)
		rc = parse_line(&ps);
	free(ps.section);
	free(ps.sub);
	buf_free(&ps.val);
	if (rc < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *conf_load(const char *path, struct crm_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	struct buf b = {0};
	struct conf *c;
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		crm_errf(err, name, 0, "cannot open %s: %s", name,
			 strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(fp)) {
		crm_errf(err, name, 0, "cannot read %s: %s", name,
			 strerror(errno));
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	c = conf_parse(b.s, b.len, name, err);
	buf_free(&b);
	return c;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->ents[i].section);
		free(c->ents[i].sub);
		free(c->ents[i].key);
		free(c->ents[i].value);
	}
	for (size_t i = 0; i < c->lists->n; i++) {
		free(c->lists->l[i].section);
		free(c->lists->l[i].sub);
		free(c->lists->l[i].key);
		free(c->lists->l[i].v);
	}
	free(c->lists->l);
	free(c->lists);
	free(c->ents);
	free(c->name);
	free(c);
}

/* NULL subs are equal; a NULL and a "" sub are not. */
static int same_sub(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static int entry_is(const struct conf_entry *e, const char *section,
		    const char *sub, const char *key)
{
	return e->key && !strcasecmp(e->key, key) &&
	       !strcasecmp(e->section, section) && same_sub(e->sub, sub);
}

/* The entry that sets section[.sub].key last, or NULL. */
static const struct conf_entry *last_entry(const struct conf *c,
					   const char *section,
					   const char *sub, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (entry_is(&c->ents[i], section, sub, key))
			return &c->ents[i];
	return NULL;
}

const char *conf_get(const struct conf *c, const char *section,
		     const char *sub, const char *key)
{
	const struct conf_entry *e = last_entry(c, section, sub, key);

	return e ? e->value : NULL;
}

long conf_line(const struct conf *c, const char *section, const char *sub,
	       const char *key)
{
	const struct conf_entry *e = last_entry(c, section, sub, key);

	return e ? e->line : 0;
}

/* A kept answer for the same question, or NULL. key NULL: subsections. */
static struct conf_list *find_list(const struct conf *c, const char *section,
				   const char *sub, const char *key)
{
	for (size_t i = 0; i < c->lists->n; i++) {
		struct conf_list *l = &c->lists->l[i];

		if (!strcasecmp(l->section, section) && same_sub(l->sub, sub) &&
		    (l->key && key ? !strcasecmp(l->key, key) : l->key == key))
			return l;
	}
	return NULL;
}

static struct conf_list *new_list(const struct conf *c, const char *section,
				  const char *sub, const char *key)
{
	struct conf_lists *ls = c->lists;
	struct conf_list *l;

	ls->l = xrealloc(ls->l, (ls->n + 1) * sizeof *ls->l);
	l = &ls->l[ls->n++];
	l->section = xstrdup(section);
	l->sub = sub ? xstrdup(sub) : NULL;
	l->key = key ? xstrdup(key) : NULL;
	l->v = xcalloc(c->n + 1, sizeof *l->v);
	l->n = 0;
	return l;
}

const char **conf_get_all(const struct conf *c, const char *section,
			  const char *sub, const char *key, size_t *n)
{
	struct conf_list *l = find_list(c, section, sub, key);

	if (!l) {
		l = new_list(c, section, sub, key);
		for (size_t i = 0; i < c->n; i++)
			if (entry_is(&c->ents[i], section, sub, key))
				l->v[l->n++] = c->ents[i].value;
	}
	*n = l->n;
	return l->v;
}

static int seen_before(const struct conf_list *l, const char *sub)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], sub))
			return 1;
	return 0;
}

const char **conf_subsections(const struct conf *c, const char *section,
			      size_t *n)
{
	struct conf_list *l = find_list(c, section, NULL, NULL);

	if (!l) {
		l = new_list(c, section, NULL, NULL);
		for (size_t i = 0; i < c->n; i++) {
			const struct conf_entry *e = &c->ents[i];

			if (!e->key && e->sub &&
			    !strcasecmp(e->section, section) &&
			    !seen_before(l, e->sub))
				l->v[l->n++] = e->sub;
		}
	}
	*n = l->n;
	return l->v;
}

/* Plain decimal: an optional sign, then digits and nothing else. */
static int parse_long(const char *s, long *out)
{
	const char *d = s + (*s == '+' || *s == '-');
	char *end;

	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (*end)
		return -1;
	return errno == ERANGE ? -2 : 0;
}

int conf_get_long(const struct conf *c, const char *section, const char *sub,
		  const char *key, long def, long *out, struct crm_err *err)
{
	const struct conf_entry *e = last_entry(c, section, sub, key);
	char *what;
	int rc;

	*out = def;
	if (!e)
		return 0;
	if ((rc = parse_long(e->value, out)) == 0)
		return 0;
	*out = def;
	what = e->sub ? xasprintf("%s.%s.%s", e->section, e->sub, e->key)
		      : xasprintf("%s.%s", e->section, e->key);
	crm_errf(err, c->name, e->line, "%s: '%s' is %s", what, e->value,
		 rc == -2 ? "out of range" : "not an integer");
	free(what);
	return -1;
}

/* What crm init writes; tests/unit/test_conf.c checks that it parses. */
const char conf_default_text[] =
	"# crm.conf - the settings of this crm data directory\n"
	"#\n"
	"# The syntax is git's config format: \"[section]\" and\n"
	"# [section \"name\"] headers, each followed by \"key = value\"\n"
	"# lines.  Section and key names ignore case; a name in quotes\n"
	"# does not.  '#' and ';' start a comment.  Put a value in\n"
	"# double quotes to keep spaces at its ends or a '#' or ';' in\n"
	"# it.  Inside a value write a double quote as \\\" and a\n"
	"# backslash as \\\\; a backslash at the very end of a line\n"
	"# continues the value on the next line.  Keys such as \"rule\"\n"
	"# may be repeated: every line counts, in order.\n"
	"#\n"
	"# Edit this file to fit how your team sells, then run\n"
	"# \"crm check\".\n"
	"\n"
	"# ---- general -----------------------------------------------\n"
	"\n"
	"[crm]\n"
	"\t# ISO 4217 code of the currency every amount is in.\n"
	"\tcurrency = CNY\n"
	"\n"
	"# ---- pipelines ---------------------------------------------\n"
	"#\n"
	"# A pipeline is the stages an opportunity moves through, in\n"
	"# order, by the names of the [stage \"...\"] sections below.\n"
	"\n"
	"[pipeline \"new-business\"]\t# the first pipeline is the default\n"
	"\tstages = lead qualified proposal negotiation won lost\n"
	"\n"
	"# ---- stages ------------------------------------------------\n"
	"#\n"
	"# One [stage \"name\"] a stage.  Call stages what your team\n"
	"# calls them, Chinese names too: [stage \"报价\"].\n"
	"#\n"
	"#   order        position in reports, 1 first\n"
	"#   probability  chance of winning in percent, for the\n"
	"#                weighted forecast\n"
	"#   rot-days     a deal with no activity for this many days\n"
	"#                in this stage is stale, and crm-remind says\n"
	"#                so; 0 or unset: never\n"
	"#   forecast     forecast category: pipeline, best-case,\n"
	"#                commit, closed or omitted\n"
	"#   won, lost    true on the stages that close a deal\n"
	"\n"
	"[stage \"lead\"]\n"
	"\torder = 1\n"
	"\tprobability = 10\n"
	"\trot-days = 14\n"
	"\tforecast = pipeline\n"
	"\n"
	"[stage \"qualified\"]\n"
	"\torder = 2\n"
	"\tprobability = 20\n"
	"\trot-days = 14\n"
	"\tforecast = pipeline\n"
	"\n"
	"[stage \"proposal\"]\n"
	"\torder = 3\n"
	"\tprobability = 50\n"
	"\trot-days = 10\n"
	"\tforecast = best-case\n"
	"\n"
	"[stage \"negotiation\"]\n"
	"\torder = 4\n"
	"\tprobability = 75\n"
	"\trot-days = 7\n"
	"\tforecast = commit\n"
	"\n"
	"[stage \"won\"]\n"
	"\torder = 5\n"
	"\tprobability = 100\n"
	"\twon = true\n"
	"\tforecast = closed\n"
	"\n"
	"[stage \"lost\"]\n"
	"\torder = 6\n"
	"\tprobability = 0\n"
	"\tlost = true\n"
	"\tforecast = omitted\n"
	"\n"
	"# ---- owners ------------------------------------------------\n"
	"#\n"
	"# Everyone who owns leads, customers and opportunities.  The\n"
	"# name in quotes is what the owner columns hold and what\n"
	"# --user or $CRM_USER say; email is where that owner's\n"
	"# reminders are mailed.\n"
	"\n"
	"[owner \"alice\"]\n"
	"\tname = Alice Wang\n"
	"\temail = alice@example.com\n"
	"\n"
	"[owner \"bob\"]\n"
	"\tname = Bob Li\n"
	"\temail = bob@example.com\n"
	"\n"
	"# ---- public pool (公海) ------------------------------------\n"
	"#\n"
	"# A customer without an owner is in the public pool, for\n"
	"# anyone to claim (crm-cust claim).  \"crm-cust reclaim\", run\n"
	"# daily from cron, returns an owned customer to the pool when\n"
	"# nobody has followed it up for \"contact-days\" days, or it\n"
	"# has had no won deal for \"deal-days\" days (0: never); a\n"
	"# tier may have its own: [tier \"A\"] pool-contact-days.  A\n"
	"# locked customer (crm-cust lock), or one with an open deal\n"
	"# at \"protect-stage\" or later, stays.  Its owner is warned\n"
	"# \"notify-days\" days before.  Nobody may hold more than\n"
	"# \"claim-limit\" customers (0: no limit), nor claim back one\n"
	"# the pool took from them for \"reclaim-block-days\" days.\n"
	"\n"
	"[pool]\n"
	"\tcontact-days = 30\n"
	"\tdeal-days = 0\n"
	"\tnotify-days = 7\n"
	"\tclaim-limit = 200\n"
	"\treclaim-block-days = 30\n"
	"\tprotect-stage = negotiation\n"
	"\n"
	"# ---- reminders ---------------------------------------------\n"
	"#\n"
	"# What crm-remind reports, and how it mails each owner their\n"
	"# list (crm-remind --format mail --send, e.g. daily from cron).\n"
	"\n"
	"[remind]\n"
	"\t# Sender of the reminder mails.\n"
	"\tfrom = crm@example.com\n"
	"\t# Command that sends one mail, given the whole message\n"
	"\t# (headers included) on standard input.\n"
	"\tsendmail = /usr/sbin/sendmail -i\n"
	"\t# Who gets the summary of every owner's overdue items.\n"
	"\tmanager = sales-manager@example.com\n"
	"\t# A new lead nobody has touched for this many hours is\n"
	"\t# reported.\n"
	"\tnew-lead-hours = 24\n"
	"\t# A contract is reported this many days before it ends,\n"
	"\t# for renewal.\n"
	"\trenewal-days = 60\n"
	"\t# A payment is reported this many days before it is due\n"
	"\t# (回款), and every day once it is overdue.\n"
	"\tpayment-days = 7\n"
	"\n"
	"# ---- customer tiers ----------------------------------------\n"
	"#\n"
	"# Customers are ranked by revenue and tiered by Pareto cut\n"
	"# points in percent of total revenue: tier A is the top\n"
	"# customers that together make the first \"a\" percent, tier B\n"
	"# the next \"b\" percent, tier C the rest, by won revenue of\n"
	"# the last 12 months: \"crm-cust tier\" writes the tier column.\n"
	"\n"
	"[tiers]\n"
	"\ta = 80\n"
	"\tb = 15\n"
	"\n"
	"# How often each tier must be revisited (回访): crm-remind\n"
	"# reports a customer nobody has contacted for longer.\n"
	"\n"
	"[tier \"A\"]\n"
	"\trevisit-days = 30\n"
	"\n"
	"[tier \"B\"]\n"
	"\trevisit-days = 60\n"
	"\n"
	"[tier \"C\"]\n"
	"\trevisit-days = 90\n"
	"\n"
	"# ---- lead scoring ------------------------------------------\n"
	"#\n"
	"# [score \"NAME\"] when = EXPR, points = N\n"
	"#\n"
	"# A lead's score is the sum of the points (negative ones too)\n"
	"# of every rule whose jq expression is true for it.  The\n"
	"# expression sees the lead as the JSON object of its row:\n"
	"# .name .company .title .email .phone .source and so on,\n"
	"# custom columns included; an empty text field is \"\", an\n"
	"# empty amount or number is null.  Values are kept as\n"
	"# written, so jq reads them as you type them.\n"
	"\n"
	"[score \"has-email\"]\n"
	"\twhen = .email != \"\"\n"
	"\tpoints = 20\n"
	"[score \"has-phone\"]\n"
	"\twhen = .phone != \"\"\n"
	"\tpoints = 10\n"
	"[score \"referral\"]\n"
	"\twhen = .source == \"referral\"\n"
	"\tpoints = 30\n"
	"[score \"decision-maker\"]\n"
	"\twhen = .title | test(\"CEO|CTO|VP|总\")\n"
	"\tpoints = 15\n"
	"\n"
	"# ---- lead assignment ---------------------------------------\n"
	"#\n"
	"# [assign \"NAME\"] when = EXPR, owners = A B ..., cap = N\n"
	"#\n"
	"# crm-lead assign --rules gives a lead to the owners of the\n"
	"# first rule whose expression is true for it, in turn, skipping\n"
	"# an owner who already has cap open leads.\n"
	"\n"
	"[assign \"shanghai\"]\n"
	"\twhen = .company | test(\"上海\")\n"
	"\towners = alice\n"
	"\tcap = 50\n"
	"[assign \"everyone\"]\n"
	"\twhen = true\n"
	"\towners = alice bob\n";
