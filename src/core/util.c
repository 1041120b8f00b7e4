/* Status messages, error filling, and allocation helpers that abort on exhaustion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispute/util.h"

static const char *const status_names[] = {
#define STATUS_NAME(name, msg) msg,
	STATUS_CODES(STATUS_NAME)
#undef STATUS_NAME
};

const char *status_name(enum status code)
{
	if ((size_t)code >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown status";
	return status_names[code];
}

enum status error_set(struct error *err, enum status code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->mend = MEND_NONE;
	err->ref[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void error_clear(struct error *err)
{
	if (!err)
		return;
	err->code = ST_OK;
	err->mend = MEND_NONE;
	err->ref[0] = '\0';
	err->msg[0] = '\0';
}

enum status error_mend(struct error *err, enum error_mend mend, const char *ref)
{
	if (!err)
		return ST_REFUSED;
	err->mend = mend;
	snprintf(err->ref, sizeof(err->ref), "%s", ref ? ref : "");
	return err->code;
}

_Noreturn void oom(void)
{
	fputs("dispute: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void sb_grow(struct sb *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap)
		return;
	while (sb->cap < need)
		sb->cap = sb->cap ? sb->cap * 2 : 64;
	sb->s = xrealloc(sb->s, sb->cap);
}

void sb_appendn(struct sb *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_append(struct sb *sb, const char *s)
{
	sb_appendn(sb, s, strlen(s));
}

void sb_append_int(struct sb *sb, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sb_appendn(sb, p, (size_t)(buf + sizeof(buf) - p));
}

/* The attribute lets clang check the callers' formats (-Wformat=2), and
 * lets the vsnprintf calls below take fmt, which is not a literal here. */
static void sb_vprintf(struct sb *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void sb_vprintf(struct sb *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct sb *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

char *xasprintf(const char *fmt, ...)
{
	struct sb sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb_take(&sb);
}

char *sb_take(struct sb *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
}
