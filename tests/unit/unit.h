/* unit.h - a tiny TAP unit test harness for lib/ (one header, no deps).
 *
 *   int main(void) { ok(1 + 1 == 2, "adds"); is_str(a, b, "name"); return done(); }
 *
 * Prints TAP ("ok N - name" / "not ok N - name") and, via done(), the
 * plan line "1..N"; exits 1 when any check failed. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

static int unit_ok(int cond, const char *name, const char *file, int line)
{
	unit_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", unit_n, name);
	if (!cond) {
		unit_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, name) unit_ok(!!(cond), (name), __FILE__, __LINE__)

#define is_str(got, want, name) do {                                    \
	const char *g_ = (got), *w_ = (want);                            \
	if (!unit_ok(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, (name),      \
		     __FILE__, __LINE__))                                \
		printf("#   got:  '%s'\n#   want: '%s'\n",                 \
		       g_ ? g_ : "(null)", w_ ? w_ : "(null)");          \
} while (0)

#define is_int(got, want, name) do {                                    \
	long long g_ = (long long)(got), w_ = (long long)(want);         \
	if (!unit_ok(g_ == w_, (name), __FILE__, __LINE__))              \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_);         \
} while (0)

static int done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
