/* util.c - errors, messages, allocation, growable buffers */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

const char *crm_prog = "crm";

void crm_set_prog(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	crm_prog = slash ? slash + 1 : argv0;
}

static int errv(struct crm_err *err, int code, const char *file, long line,
		const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->code = code;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int crm_errf(struct crm_err *err, const char *file, long line,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errv(err, CRM_FAIL, file, line, fmt, ap);
	va_end(ap);
	return -1;
}

int crm_usagef(struct crm_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errv(err, CRM_USAGE, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

void crm_err_print(const struct crm_err *err)
{
	if (err->file[0] && err->line > 0)
		fprintf(stderr, "%s: %s:%ld: %s\n", crm_prog, err->file,
			err->line, err->msg);
	else if (err->file[0])
		fprintf(stderr, "%s: %s: %s\n", crm_prog, err->file, err->msg);
	else
		fprintf(stderr, "%s: %s\n", crm_prog, err->msg);
}

void crm_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", crm_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void crm_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", crm_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *oom(void)
{
	fprintf(stderr, "%s: out of memory\n", crm_prog);
	exit(CRM_FAIL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom();
}

void *xcalloc_written(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return oom();
	p = xmalloc(n * size);
	return memset(p, 0, n * size);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return oom();
	b.s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b.s;
}

static void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void buf_reserve(struct buf *b, size_t extra)
{
	buf_grow(b, extra);
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		buf_add(b, &c, 1);
		return;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *indent_lines(const char *s, size_t n)
{
	struct buf b = {0};

	buf_adds(&b, "");
	for (; *s; s++) {
		if (*s == '\r' && s[1] == '\n')
			continue;
		buf_addc(&b, *s);
		for (size_t i = 0; *s == '\n' && i < n; i++)
			buf_addc(&b, ' ');
	}
	return b.s;
}

const char *plural(long n)
{
	return n == 1 || n == -1 ? "" : "s";
}
