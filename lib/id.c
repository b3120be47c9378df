/* id.c - typed random ids: "C-" and 8 Crockford base32 characters
 *
 * 40 random bits make ids that clones of one data directory can create
 * apart and still merge: no counter to coordinate.  Crockford's alphabet
 * has no I, L, O or U, so a misread id can be mapped back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "crm.h"

#define ID_RANDOM_BITS (5 * ID_RANDOM_CHARS)
#define ID_RANDOM_BYTES (ID_RANDOM_BITS / 8)

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char id_types[] = "CPLOKY";

static int read_full(int fd, unsigned char *b, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int urandom_bytes(unsigned char *b, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = read_full(fd, b, n);
	close(fd);
	return r;
}

static int getrandom_bytes(unsigned char *b, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(b + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/*
 * Last resort when the kernel gives no randomness (no getrandom, no
 * /dev/urandom in a chroot): the clock, the pid and a counter, mixed.
 * Not secret, but distinct enough; table_new_id rejects a collision.
 */
static void weak_bytes(unsigned char *b, size_t n)
{
	static uint64_t counter;
	struct timespec ts = {0};
	uint64_t x;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)getpid() << 32 ^ ++counter * 0x9E3779B97F4A7C15u;
	for (i = 0; i < n; i++) {
		x ^= x >> 31;
		x *= 0xBF58476D1CE4E5B9u;
		x ^= x >> 29;
		b[i] = (unsigned char)(x >> 56);
	}
}

/* Random bytes from a pool refilled a page at a time: an import making a
 * million ids makes a few hundred getrandom() calls, not a million. */
#define POOL_BYTES 4096

static void random_bytes(unsigned char *b, size_t n)
{
	static unsigned char pool[POOL_BYTES];
	static size_t left;

	if (left < n) {
		if (getrandom_bytes(pool, sizeof pool) < 0 &&
		    urandom_bytes(pool, sizeof pool) < 0)
			weak_bytes(pool, sizeof pool);
		left = sizeof pool;
	}
	memcpy(b, pool + sizeof pool - left, n);
	left -= n;
}

void id_new(char type, char *out)
{
	unsigned char b[ID_RANDOM_BYTES];
	uint64_t bits = 0;
	size_t i;

	random_bytes(b, sizeof b);
	for (i = 0; i < sizeof b; i++)
		bits = bits << 8 | b[i];
	out[0] = type >= 'a' && type <= 'z' ? (char)(type - 'a' + 'A') : type;
	out[1] = '-';
	for (i = 0; i < ID_RANDOM_CHARS; i++)
		out[2 + i] = crockford[bits >> (ID_RANDOM_BITS - 5 * (i + 1)) &
				       31];
	out[2 + ID_RANDOM_CHARS] = '\0';
}

int id_valid(const char *s, char type)
{
	size_t i;

	if (!s || !s[0] || !strchr(id_types, s[0]))
		return 0;
	if ((type && s[0] != type) || s[1] != '-')
		return 0;
	for (i = 2; i < 2 + ID_RANDOM_CHARS; i++)
		if (!s[i] || !strchr(crockford, s[i]))
			return 0;
	return s[i] == '\0';
}

void id_normalize(char *s)
{
	size_t i;
	/* Only the random part is Crockford: "L-" and "O-" are types. */
	int random_from = s[0] && s[1] == '-' ? 2 : -1;

	for (i = 0; s[i]; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
		if (random_from < 0 || (int)i < random_from)
			continue;
		if (s[i] == 'I' || s[i] == 'L')
			s[i] = '1';
		else if (s[i] == 'O')
			s[i] = '0';
	}
}

/* ---- a set of ids ------------------------------------------------------
 *
 * A well-formed id is 40 bits and a type: one uint64_t (type index + 1
 * above the 40 bits, so 0 marks an empty slot) in an open-addressing
 * table.  An id that is not well-formed is never in the set: no new id
 * can equal it anyway.
 */
struct idset {
	uint64_t *slots;
	size_t cap, n;      /* cap a power of two */
};

static uint64_t id_code(const char *id)
{
	uint64_t bits = 0;
	size_t i;

	if (!id_valid(id, 0))
		return 0;
	for (i = 2; i < 2 + ID_RANDOM_CHARS; i++)
		bits = bits << 5 | (uint64_t)(strchr(crockford, id[i]) -
					      crockford);
	return (uint64_t)(strchr(id_types, id[0]) - id_types + 1) <<
	       ID_RANDOM_BITS | bits;
}

static size_t id_slot(const struct idset *s, uint64_t code)
{
	/* The bits are random already; mix in the type. */
	size_t i = (size_t)((code * 0x9E3779B97F4A7C15u) >> 20) & (s->cap - 1);

	while (s->slots[i] && s->slots[i] != code)
		i = (i + 1) & (s->cap - 1);
	return i;
}

struct idset *idset_new(void)
{
	struct idset *s = xcalloc(1, sizeof *s);

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	return s;
}

void idset_free(struct idset *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s);
}

static void idset_grow(struct idset *s)
{
	uint64_t *old = s->slots;
	size_t oldcap = s->cap;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			s->slots[id_slot(s, old[i])] = old[i];
	free(old);
}

void idset_add(struct idset *s, const char *id)
{
	uint64_t code = id_code(id);
	size_t i;

	if (!code)
		return;
	if ((s->n + 1) * 2 > s->cap)
		idset_grow(s);
	i = id_slot(s, code);
	if (!s->slots[i]) {
		s->slots[i] = code;
		s->n++;
	}
}

int idset_has(const struct idset *s, const char *id)
{
	uint64_t code = id_code(id);

	return code && s->slots[id_slot(s, code)] == code;
}
