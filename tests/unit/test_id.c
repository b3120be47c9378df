/* test_id.c - typed random ids */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

#define NIDS 10000

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int cmp_ids(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static const char *norm(const char *s)
{
	static char out[64];

	snprintf(out, sizeof out, "%s", s);
	id_normalize(out);
	return out;
}

static void test_new(void)
{
	const char *types = "CPLOKY";
	char id[ID_MAX];
	int i, bad = 0;

	for (i = 0; types[i]; i++) {
		memset(id, 'x', sizeof id);
		id_new(types[i], id);
		if (strlen(id) != 2 + ID_RANDOM_CHARS || id[0] != types[i] ||
		    id[1] != '-' || !id_valid(id, types[i]) ||
		    !id_valid(id, 0))
			bad++;
	}
	is_int(bad, 0, "every type makes a valid id");
	id_new('O', id);
	ok(!id_valid(id, 'C'), "an O id is no C id");
	id_new('c', id);
	ok(id[0] == 'C' && id_valid(id, 'C'), "lower-case type upper-cased");
	is_int(strlen(id), 10, "ids are 10 characters");
}

/* Many ids: all distinct, every character of the alphabet shows up in
 * every position (40 bits split evenly into 8 characters). */
static void test_random(void)
{
	static char ids[NIDS][ID_MAX];
	int seen[ID_RANDOM_CHARS][32] = {{0}};
	int i, j, dups = 0, bad = 0, missing = 0;
	const char *c;

	for (i = 0; i < NIDS; i++) {
		id_new('L', ids[i]);
		if (!id_valid(ids[i], 'L'))
			bad++;
		for (j = 0; j < ID_RANDOM_CHARS; j++) {
			c = strchr(alphabet, ids[i][2 + j]);
			if (c && *c)
				seen[j][c - alphabet]++;
		}
	}
	qsort(ids, NIDS, sizeof ids[0], cmp_ids);
	for (i = 1; i < NIDS; i++)
		if (!strcmp(ids[i - 1], ids[i]))
			dups++;
	is_int(bad, 0, "10000 ids well-formed");
	is_int(dups, 0, "10000 ids unique");
	for (j = 0; j < ID_RANDOM_CHARS; j++)
		for (i = 0; i < 32; i++)
			if (seen[j][i] < 200)  /* 312 expected */
				missing++;
	is_int(missing, 0, "every character in every position");
}

static void test_valid(void)
{
	ok(id_valid("C-7K3M9Q2X", 'C'), "valid C");
	ok(id_valid("C-7K3M9Q2X", 0), "valid any");
	ok(id_valid("Y-00000000", 'Y'), "all zeros");
	ok(id_valid("K-ZZZZZZZZ", 0), "all Z");
	ok(!id_valid("C-7K3M9Q2X", 'P'), "wrong type");
	ok(!id_valid("X-7K3M9Q2X", 0), "unknown type");
	ok(!id_valid("X-7K3M9Q2X", 'X'), "unknown type asked for");
	ok(!id_valid("C-7K3M9Q2", 0), "too short");
	ok(!id_valid("C-7K3M9Q2XA", 0), "too long");
	ok(!id_valid("c-7K3M9Q2X", 0), "lower-case type");
	ok(!id_valid("C-7k3m9q2x", 0), "lower-case random part");
	ok(!id_valid("C-7K3M9Q2U", 0), "U is not Crockford");
	ok(!id_valid("C-7K3M9Q2I", 0), "I is not Crockford");
	ok(!id_valid("C-7K3M9Q2L", 0), "L is not Crockford");
	ok(!id_valid("C-7K3M9Q2O", 0), "O is not Crockford");
	ok(!id_valid("C_7K3M9Q2X", 0), "underscore");
	ok(!id_valid("C7K3M9Q2X0", 0), "no hyphen");
	ok(!id_valid("C-7K3M-Q2X", 0), "hyphen inside");
	ok(!id_valid("C-7K3M9Q2X ", 0), "trailing space");
	ok(!id_valid(" C-7K3M9Q2X", 0), "leading space");
	ok(!id_valid("", 0), "empty");
	ok(!id_valid("C", 0), "type only");
	ok(!id_valid("C-", 0), "prefix only");
	ok(!id_valid(NULL, 0), "NULL");
}

static void test_normalize(void)
{
	is_str(norm("c-7k3m"), "C-7K3M", "upper-cased prefix");
	is_str(norm("l-ilo0"), "L-1100", "I, L, O in the random part");
	is_str(norm("o-oooo"), "O-0000", "type O stays a letter");
	is_str(norm("L-LLLL"), "L-1111", "type L stays a letter");
	is_str(norm("y-abcdefgh"), "Y-ABCDEFGH", "plain upper-casing");
	is_str(norm("C-7K3M9Q2X"), "C-7K3M9Q2X", "already normal");
	is_str(norm("c7k3"), "C7K3", "no hyphen: upper case only");
	is_str(norm("oil"), "OIL", "no prefix: no mapping");
	is_str(norm("c-"), "C-", "prefix only");
	is_str(norm("c"), "C", "type only");
	is_str(norm(""), "", "empty");
	is_str(norm("c-\xe4\xb8\xad"), "C-\xe4\xb8\xad", "non-ASCII untouched");
	is_str(norm("k-u"), "K-U", "U is left alone");
}

static void test_idset(void)
{
	struct idset *s = idset_new();
	char ids[NIDS][ID_MAX];
	int i, missing = 0, extra = 0;

	for (i = 0; i < NIDS; i++) {
		id_new("CPLOKY"[i % 6], ids[i]);
		if (i % 2 == 0)
			idset_add(s, ids[i]);
	}
	for (i = 0; i < NIDS; i++) {
		if (i % 2 == 0 && !idset_has(s, ids[i]))
			missing++;
		if (i % 2 == 1 && idset_has(s, ids[i]))
			extra++;
	}
	is_int(missing, 0, "idset: every added id is in the set (through growth)");
	is_int(extra, 0, "idset: no id that was not added is");
	idset_add(s, "C-AAAAAAA1");
	ok(idset_has(s, "C-AAAAAAA1"), "idset: a hand-made id");
	ok(!idset_has(s, "P-AAAAAAA1"), "idset: the same bits of another type are not");
	idset_add(s, "not-an-id");
	ok(!idset_has(s, "not-an-id"), "idset: a malformed id is never in it");
	ok(!idset_has(s, ""), "idset: nor the empty string");
	idset_free(s);
}

static void test_idmap(void)
{
	struct idmap *m = idmap_new();
	struct u64map *u = u64map_new();
	char ids[NIDS][ID_MAX];
	int i, wrong = 0;

	for (i = 0; i < NIDS; i++) {
		id_new("COPL"[i % 4], ids[i]);
		*idmap_slot(m, ids[i]) = (void *)(intptr_t)(i + 1);
		*u64map_slot(u, (uint64_t)i * 7919 + 1) = (void *)(intptr_t)(i + 1);
	}
	for (i = 0; i < NIDS; i++)
		wrong += idmap_get(m, ids[i]) != (void *)(intptr_t)(i + 1) ||
			 u64map_get(u, (uint64_t)i * 7919 + 1) !=
			 (void *)(intptr_t)(i + 1);
	is_int(wrong, 0, "idmap, u64map: every value found again (through growth)");
	is_int(u64map_count(u), NIDS, "u64map: counts its keys");
	ok(!u64map_get(u, 2) && !u64map_get(u, 0), "u64map: a key never set is not found");
	*idmap_slot(m, "odd id, \"quoted\"") = m;
	ok(idmap_get(m, "odd id, \"quoted\"") == m, "idmap: a malformed id is found as itself");
	ok(!idmap_get(m, "O-AAAAAAA1") && !idmap_get(m, ""), "idmap: an id never set is not");
	ok(id_code("O-0000R6JN") && id_code("O-0000R6JN") != id_code("C-0000R6JN"),
	   "id_code: the type is part of the code");
	*idmap_slot_code(m, id_code("P-0000R6JN")) = u;
	idmap_prefetch_code(m, id_code("P-0000R6JN"));
	ok(idmap_get(m, "P-0000R6JN") == u &&
	   idmap_get_code(m, id_code("P-0000R6JN")) == u,
	   "idmap: a slot by code is the id's slot");
	ok(hash_bytes("abcdefgh1", 9) != hash_bytes("abcdefgh2", 9) &&
	   hash_bytes("abcdefgh", 8) != hash_bytes("abcdefgh\0", 9) &&
	   hash_bytes("", 0) != hash_bytes("\0", 1) &&
	   hash_bytes("same line", 9) == hash_bytes("same line", 9),
	   "hash_bytes: the tail bytes and the length count");
	ok(!id_code("O-0000R6J") && !id_code("O-0000R6JNX") && !id_code("O-0000R6JU") &&
	   !id_code("o-0000R6JN") && !id_code("O_0000R6JN") && !id_code(NULL),
	   "id_code: 0 for anything not a well-formed id");
	idmap_free(m);
	u64map_free(u);
}

static void test_table_new_id(void)
{
	struct table *t = table_new(table_def_find("leads"), NULL);
	char id[ID_MAX];
	size_t r;
	int dup = 0;

	r = table_add_row(t);
	table_set(t, r, "id", "L-AAAAAAA1");
	table_new_id(t, id);
	ok(id_valid(id, 'L') && strcmp(id, "L-AAAAAAA1"), "table_new_id: a fresh lead id");
	/* an id set after the set exists is known to it */
	r = table_add_row(t);
	table_set(t, r, "id", "L-BBBBBBB2");
	ok(idset_has(t->ids, "L-BBBBBBB2"), "table_set of an id keeps the set");
	ok(idset_has(t->ids, id), "an id given out is reserved");
	for (int i = 0; i < 1000; i++) {
		table_new_id(t, id);
		r = table_add_row(t);
		table_set(t, r, "id", id);
	}
	for (size_t a = 1; a < t->nrows; a++)
		dup += !strcmp(t->rows[a][0], t->rows[a - 1][0]);
	table_sort_by_id(t);
	for (size_t a = 1; a < t->nrows; a++)
		dup += !strcmp(t->rows[a][0], t->rows[a - 1][0]);
	is_int(dup, 0, "table_new_id: 1000 new ids, all distinct");
	table_free(t);
}

int main(void)
{
	test_new();
	test_idset();
	test_idmap();
	test_table_new_id();
	test_random();
	test_valid();
	test_normalize();
	return done();
}
