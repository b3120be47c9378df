/* strmap.c - hash maps: by string (FNV-1a), by 64-bit key, by record id
 * (open addressing, linear probing) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

struct slot {
	char *key;
	void *val;
	uint64_t h;        /* key's hash: most misses end without strcmp */
};

struct strmap {
	struct slot *slots;
	size_t cap, n;     /* cap is a power of two */
};

uint64_t hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = HASH_SEED ^ (n * 0x9E3779B97F4A7C15u), w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9u;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, b, n);
	h = (h ^ w) * 0x94D049BB133111EBu;
	return h ^ h >> 29;
}

static uint64_t hash(const char *s)
{
	return hash_add(HASH_SEED, s, strlen(s));
}

struct strmap *strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof *m);

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static struct slot *find_hashed(const struct strmap *m, const char *key,
				uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key && (m->slots[i].h != h ||
				   strcmp(m->slots[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static struct slot *find(const struct strmap *m, const char *key)
{
	return find_hashed(m, key, hash(key));
}

static void grow(struct strmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = xcalloc_written(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find_hashed(m, old[i].key, old[i].h) = old[i];
	free(old);
}

void **strmap_slot(struct strmap *m, const char *key)
{
	struct slot *s;
	uint64_t h = hash(key);

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	s = find_hashed(m, key, h);
	if (!s->key) {
		s->key = xstrdup(key);
		s->h = h;
		m->n++;
	}
	return &s->val;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct slot *s = find(m, key);

	return s->key ? s->val : NULL;
}

size_t strmap_count(const struct strmap *m)
{
	return m->n;
}

void strmap_each(const struct strmap *m,
		 void (*fn)(void *ctx, const char *key, void *val), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			fn(ctx, m->slots[i].key, m->slots[i].val);
}

const char *strmap_intern(struct strmap *m, const char *s)
{
	void **slot = strmap_slot(m, s);

	if (!*slot)
		*slot = xstrdup(s);
	return *slot;
}

static void free_value(void *ctx, const char *key, void *val)
{
	free(val);
}

void strmap_free_values(struct strmap *m)
{
	if (m)
		strmap_each(m, free_value, NULL);
	strmap_free(m);      /* takes NULL */
}

/* ---- by 64-bit key ------------------------------------------------------ */

struct u64slot {
	uint64_t key;      /* 0: empty */
	void *val;
};

struct u64map {
	struct u64slot *slots;
	size_t cap, n;     /* cap is a power of two */
};

struct u64map *u64map_new(void)
{
	struct u64map *m = xcalloc(1, sizeof *m);

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

void u64map_free(struct u64map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

/* Fibonacci hashing: the high bits of the product are well mixed even
 * when the keys differ only in a few bits. */
static size_t u64_home(const struct u64map *m, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15u) >> 24) & (m->cap - 1);
}

static struct u64slot *u64_find(const struct u64map *m, uint64_t key)
{
	size_t i = u64_home(m, key);

	while (m->slots[i].key && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void u64_grow(struct u64map *m)
{
	struct u64slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = xcalloc_written(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*u64_find(m, old[i].key) = old[i];
	free(old);
}

void **u64map_slot(struct u64map *m, uint64_t key)
{
	struct u64slot *sl;

	if ((m->n + 1) * 2 > m->cap)
		u64_grow(m);
	sl = u64_find(m, key);
	if (!sl->key) {
		sl->key = key;
		m->n++;
	}
	return &sl->val;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	return key ? u64_find(m, key)->val : NULL;
}

void u64map_prefetch(const struct u64map *m, uint64_t key)
{
#ifdef __GNUC__
	__builtin_prefetch(&m->slots[u64_home(m, key)]);
#endif
}

size_t u64map_count(const struct u64map *m)
{
	return m->n;
}

/* ---- by record id ------------------------------------------------------- */

struct idmap {
	struct u64map *codes;
	struct strmap *others;   /* made when first needed */
};

struct idmap *idmap_new(void)
{
	struct idmap *m = xcalloc(1, sizeof *m);

	m->codes = u64map_new();
	return m;
}

void idmap_free(struct idmap *m)
{
	if (!m)
		return;
	u64map_free(m->codes);
	strmap_free(m->others);
	free(m);
}

void **idmap_slot(struct idmap *m, const char *id)
{
	uint64_t code = id_code(id);

	if (code)
		return u64map_slot(m->codes, code);
	if (!m->others)
		m->others = strmap_new();
	return strmap_slot(m->others, id);
}

void *idmap_get(const struct idmap *m, const char *id)
{
	uint64_t code = id_code(id);

	if (code)
		return u64map_get(m->codes, code);
	return m->others ? strmap_get(m->others, id) : NULL;
}

void *idmap_get_code(const struct idmap *m, uint64_t code)
{
	return u64map_get(m->codes, code);
}

void **idmap_slot_code(struct idmap *m, uint64_t code)
{
	return u64map_slot(m->codes, code);
}

void idmap_prefetch_code(const struct idmap *m, uint64_t code)
{
	u64map_prefetch(m->codes, code);
}
