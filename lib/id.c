/* id.c - typed random ids: "C-" and 8 Crockford base32 characters
 *
 * 40 random bits make ids that clones of one data directory can create
 * apart and still merge: no counter to coordinate.  Crockford's alphabet
 * has no I, L, O or U, so a misread id can be mapped back.
 */
#include <errno.h>
#include <pthread.h>
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
/* Each byte's value in Crockford's alphabet plus one; 0: not in it. */
static unsigned char crockford_value[256];

static void crockford_values(void)
{
	for (size_t i = 0; crockford[i]; i++)
		crockford_value[(unsigned char)crockford[i]] =
			(unsigned char)(i + 1);
}

uint64_t id_code(const char *id)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *type;
	uint64_t bits = 0;
	size_t i;

	if (!id || !id[0] || !(type = strchr(id_types, id[0])) ||
	    id[1] != '-')
		return 0;
	pthread_once(&once, crockford_values);
	for (i = 2; i < 2 + ID_RANDOM_CHARS; i++) {
		unsigned v = crockford_value[(unsigned char)id[i]];

		if (!v)
			return 0;
		bits = bits << 5 | (v - 1);
	}
	if (id[i])
		return 0;
	return (uint64_t)(type - id_types + 1) << ID_RANDOM_BITS | bits;
}

struct idset {
	struct u64map *codes;
};

struct idset *idset_new(void)
{
	struct idset *s = xcalloc(1, sizeof *s);

	s->codes = u64map_new();
	return s;
}

void idset_free(struct idset *s)
{
	if (!s)
		return;
	u64map_free(s->codes);
	free(s);
}

void idset_add(struct idset *s, const char *id)
{
	uint64_t code = id_code(id);

	if (code)
		*u64map_slot(s->codes, code) = s;
}

int idset_has(const struct idset *s, const char *id)
{
	return u64map_get(s->codes, id_code(id)) != NULL;
}
