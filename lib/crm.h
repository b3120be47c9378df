/*
 * crm.h - the one public header of libcrm.
 *
 * Every byte crm reads or writes goes through these modules.  Library
 * functions never print to stdout and never exit (out of memory aside):
 * they return 0 / -1 (or NULL) and fill a struct crm_err; the program
 * decides what to print and which exit status to use.
 *
 * Programs in cmd/ include only this header: never <csv.h> or <jq.h>.
 */
#ifndef CRM_H
#define CRM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- errors (err.c) ------------------------------------------------ */

enum crm_exit { CRM_OK = 0, CRM_NONE = 1, CRM_USAGE = 2, CRM_FAIL = 3 };

struct crm_err {
	char file[256];   /* "" when the error has no file */
	long line;        /* 0 when the error has no line */
	int code;         /* CRM_USAGE or CRM_FAIL */
	char msg[768];
};

/* Fill err (any of file/line may be NULL/0) and return -1. */
int crm_errf(struct crm_err *err, const char *file, long line,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Like crm_errf with code CRM_USAGE. */
int crm_usagef(struct crm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "prog: file:line: msg\n" on stderr. */
void crm_err_print(const struct crm_err *err);
/* Program name for messages, set once from argv[0]'s basename. */
extern const char *crm_prog;
void crm_set_prog(const char *argv0);
/* "prog: fmt\n" on stderr, and "prog: warning: fmt\n". */
void crm_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xmalloc & co: out of memory is the one place the library exits (3). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* Zeroed by writing, for a large table read before it is written: calloc
 * maps the zero page on a first read, and the first write then flushes
 * the TLB of every CPU a thread of ours runs on. */
void *xcalloc_written(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "s" unless n is 1 or -1: "%ld day%s", n, plural(n). */
const char *plural(long n);

/* A growable byte buffer, always NUL-terminated. */
struct buf { char *s; size_t len, cap; };
void buf_add(struct buf *b, const char *s, size_t n);
/* Room for extra more bytes and a NUL without another allocation. */
void buf_reserve(struct buf *b, size_t extra);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* s with every line after the first indented by n spaces (malloc'd): a
 * multi-line note stays readable in a listing. */
char *indent_lines(const char *s, size_t n);
void buf_free(struct buf *b);

/* ---- string-keyed hash map (strmap.c) ----------------------------------- */

/* FNV-1a: h, then n bytes of p folded in; start from HASH_SEED.  The one
 * string hash of the map below and the importer's dedupe keys. */
#define HASH_SEED 1469598103934665603ULL
uint64_t hash_add(uint64_t h, const void *p, size_t n);
/* A hash of n bytes eight at a time, for long texts (a log line): not
 * FNV-1a's, and not for keys stored anywhere. */
uint64_t hash_bytes(const void *p, size_t n);

struct strmap;
struct strmap *strmap_new(void);
/* Frees the keys it copied, not the values. */
void strmap_free(struct strmap *m);
/* The value slot for key, created (NULL) when absent: *strmap_slot(m, k). */
void **strmap_slot(struct strmap *m, const char *key);
/* The value, or NULL when absent. */
void *strmap_get(const struct strmap *m, const char *key);
size_t strmap_count(const struct strmap *m);
/* Visit every entry (in no particular order). */
void strmap_each(const struct strmap *m,
		 void (*fn)(void *ctx, const char *key, void *val), void *ctx);
/* s kept once: the map's copy of it (its value), made on first sight. */
const char *strmap_intern(struct strmap *m, const char *s);
/* strmap_free, and free() of every value (copies, as strmap_intern's). */
void strmap_free_values(struct strmap *m);

/* A map of nonzero 64-bit keys (random already, or hashes), the key kept
 * in the slot beside its value: a lookup costs one cache miss, where a
 * strmap's costs its slot and then its key.  Values as in a strmap. */
struct u64map;
struct u64map *u64map_new(void);
void u64map_free(struct u64map *m);
void **u64map_slot(struct u64map *m, uint64_t key);
void *u64map_get(const struct u64map *m, uint64_t key);
/* Start fetching key's slot into the cache: a get soon after is quick. */
void u64map_prefetch(const struct u64map *m, uint64_t key);
size_t u64map_count(const struct u64map *m);

/* Records by id: well-formed ids (id_code) in a u64map, anything else in
 * a strmap, so a malformed id is still found as itself. */
struct idmap;
struct idmap *idmap_new(void);
void idmap_free(struct idmap *m);
void **idmap_slot(struct idmap *m, const char *id);
void *idmap_get(const struct idmap *m, const char *id);
/* The same by an id's id_code (nonzero): no string at hand. */
void *idmap_get_code(const struct idmap *m, uint64_t code);
void **idmap_slot_code(struct idmap *m, uint64_t code);
/* As u64map_prefetch: a lookup of code soon after is quick. */
void idmap_prefetch_code(const struct idmap *m, uint64_t code);

/* ---- a job on a second thread (bg.c) --------------------------------
 *
 * Two cores: a program that must read two large files reads one on a
 * thread.  fn(arg) runs on its own thread from bg_start (or in bg_wait,
 * when no thread can be made); bg_wait returns once it has run.  What
 * the job touches is its own until then.
 */
struct bg {
	pthread_t thread;
	void *(*fn)(void *);
	void *arg;
	int threaded, done;
};
void bg_start(struct bg *b, void *(*fn)(void *), void *arg);
void bg_wait(struct bg *b);

/* ---- UTF-8 and display width (utf8.c) ------------------------------ */

/* Length of the valid UTF-8 prefix; == n when all of s[0..n) is valid. */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Terminal columns of s: East Asian Wide/Fullwidth count 2, controls 0. */
size_t utf8_width(const char *s);
/* Bytes of s that fit in at most cols columns without cutting a character. */
size_t utf8_fit(const char *s, size_t cols, size_t *width_out);

/* ---- CSV (csv.c): libcsv, strict -------------------------------------
 *
 * Strict RFC 4180: an unterminated quote, a NUL byte, invalid UTF-8, a
 * ragged row (field count differs from the first row) and a field longer
 * than max_field bytes are errors naming file:line (the physical line on
 * which the offending record starts).  A UTF-8 BOM at the very start is
 * skipped.  CRLF and LF both end records.  Nothing is stripped.
 */
#define CSV_MAX_FIELD_DEFAULT (1024 * 1024)

struct csv_opts {
	char delim;          /* ',' unless set */
	size_t max_field;    /* 0 means CSV_MAX_FIELD_DEFAULT */
	int allow_ragged;    /* the importer pads/reports ragged rows itself */
	int skip_blank;      /* skip records that are one empty field */
	/* When set, [0] and [1] hold, during each call of the row function,
	 * the byte offsets in the input where the record starts and where
	 * the line it ends on ends (a span to copy back as it was). */
	size_t *span;
	/* When set, during each call: 1 when the record's bytes are known
	 * to be just what csv_write_row writes for its fields, else 0. */
	int *written_as_ours;
	/* When set, the records after the first may come with fields from
	 * this index on empty (they are checked, counted, not copied). */
	size_t keep_fields;
	int libcsv_only;     /* every line through libcsv (tests compare) */
};

/*
 * Called once per record, the header included (line = physical line the
 * record starts on).  fields[i] are NUL-terminated and owned by the
 * reader: copy what you keep.  Return 0 to go on, -1 to stop (after
 * filling err yourself).
 */
typedef int (*csv_row_fn)(void *ctx, char **fields, size_t nfields,
			  long line, struct crm_err *err);

/* Stream fp through fn.  name is used in messages. 0 or -1. */
int csv_read(FILE *fp, const char *name, const struct csv_opts *opts,
	     csv_row_fn fn, void *ctx, struct crm_err *err);
/* Same over a memory buffer. */
int csv_read_mem(const char *data, size_t len, const char *name,
		 const struct csv_opts *opts, csv_row_fn fn, void *ctx,
		 struct crm_err *err);
/* Write one field / one record: RFC 4180, quoted only where needed, LF. */
void csv_write_field(FILE *fp, const char *s, char delim);
void csv_write_row(FILE *fp, char *const *fields, size_t n, char delim);
/* Into a buffer, same rules. */
void csv_buf_row(struct buf *b, char *const *fields, size_t n, char delim);

/* ---- dates (date.c) ---------------------------------------------------
 *
 * A date is a day number: days since 1970-01-01 (proleptic Gregorian).
 * Stored as ISO 8601 "YYYY-MM-DD"; timestamps as "YYYY-MM-DDTHH:MM:SS±HH:MM"
 * or "...Z".  d/m versus m/d is never guessed.
 */
#define DATE_NONE INT32_MIN

/* "today": --today / $CRM_TODAY when set (date or timestamp), else the
 * local date.  date_set_today() is what --today calls; "" unsets. */
int date_set_today(const char *s, struct crm_err *err);
int32_t date_today(void);
/* Now as an ISO 8601 timestamp (pinned to 00:00:00Z of the pinned day,
 * or the pinned timestamp itself, when today is pinned). out >= 32 bytes. */
void date_now_iso(char *out);

/* Parse user input: "2026-03-05", "2026-3-5", "2026/3/5", "2026.3.5",
 * "2026年3月5日", a timestamp (date part kept), an Excel serial number
 * (20000..80000), "today", "yesterday", "tomorrow", "+7d", "-2w", "+1m",
 * "+1y".  0 or -1 with a message naming the value. */
int date_parse(const char *s, int32_t *day, struct crm_err *err);
/* Strict stored form only: "YYYY-MM-DD" or a full ISO timestamp. */
int date_parse_iso(const char *s, int32_t *day);
/* The day of a stored date or timestamp field; DATE_NONE when empty or
 * not a date. */
int32_t date_field(const char *s);
/* Is s a valid stored timestamp (ISO 8601 with time and zone)? */
int date_is_timestamp(const char *s);
/* Is s what date_parse_iso takes (without working out the day)? */
int date_is_iso(const char *s);
/* day -> "YYYY-MM-DD" (out >= 11 bytes). */
void date_format(int32_t day, char *out);
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Add months, clamping the day to the month's end. */
int32_t date_add_months(int32_t day, int months);
/* k steps of an interval "Nd", "Nw", "Nm" or "Ny" from base (months clamp
 * to the month end, counted from base so that no step drifts); -1 when
 * the interval is not of that form. */
int date_step(int32_t base, const char *interval, int k, int32_t *out);

/* ---- money (money.c) ----------------------------------------------------
 *
 * Integer minor units (cents/分), never floating point.  Reads
 * "1,200,000.00", "-2500", "35万", "￥12.5万", "$1,200", "1.2亿", "(300)"
 * is not accepted; rejects "TBD".  Writes plain decimals: "1200000",
 * "12.50", "-2500".
 */
int money_parse(const char *s, int64_t *minor, struct crm_err *err);
/* out >= 32 bytes */
void money_format(int64_t minor, char *out);

/* ---- ids (id.c) -----------------------------------------------------------
 *
 * "C-" customer, "P-" contact, "L-" lead, "O-" opportunity, "K-" contract,
 * "Y-" payment; then 8 Crockford base32 characters (40 random bits).
 */
#define ID_RANDOM_CHARS 8
#define ID_MAX 32
/* Fresh random id with the given type letter into out (>= ID_MAX). */
void id_new(char type, char *out);
/* Is s a well-formed id of type letter (0 = any type)? */
int id_valid(const char *s, char type);
/* A well-formed id as a nonzero number (type and random bits), 0 for
 * anything else. */
uint64_t id_code(const char *id);
/* Normalise a user-typed id or prefix in place: upper case, and
 * Crockford's I/L -> 1, O -> 0 in the random part.  */
void id_normalize(char *s);
/* A set of ids (well-formed ones; any other is never in it), about 16
 * bytes an id: what makes a new id that no row has yet in O(1). */
struct idset;
struct idset *idset_new(void);
void idset_free(struct idset *s);
void idset_add(struct idset *s, const char *id);
int idset_has(const struct idset *s, const char *id);

/* ---- configuration (conf.c) -------------------------------------------
 *
 * git-config style: "[section]", "[section "name"]", "key = value",
 * '#' and ';' comments, double-quoted values with \" \\ \n \t escapes,
 * repeated keys kept in order.  Section and key names are case-insensitive
 * (stored lower case); subsection names are case-sensitive.
 */
struct conf;
struct conf *conf_load(const char *path, struct crm_err *err);
struct conf *conf_parse(const char *text, size_t len, const char *name,
			struct crm_err *err);
void conf_free(struct conf *c);
/* Last value of section[.sub].key, or NULL.  sub may be NULL. */
const char *conf_get(const struct conf *c, const char *section,
		     const char *sub, const char *key);
/* All values of a repeated key, in file order; *n set. Array owned by c. */
const char **conf_get_all(const struct conf *c, const char *section,
			  const char *sub, const char *key, size_t *n);
/* Integer value or def when unset; -1 and err when not an integer. */
int conf_get_long(const struct conf *c, const char *section, const char *sub,
		  const char *key, long def, long *out, struct crm_err *err);
/* Subsection names of a section in file order (e.g. every [stage "x"]). */
const char **conf_subsections(const struct conf *c, const char *section,
			      size_t *n);
/* Line where section[.sub].key was (last) set, 0 if unset. */
long conf_line(const struct conf *c, const char *section, const char *sub,
	       const char *key);
/* The commented default crm.conf written by crm init. */
extern const char conf_default_text[];

/* ---- pipelines and stages from crm.conf (pipeline.c) ---------------------
 *
 * [stage "NAME"] order, probability, rot-days, forecast, won, lost;
 * [pipeline "NAME"] stages = a b c ... (in order).  Without [pipeline]
 * sections there is one pipeline, "default", of every stage by order.
 */
struct stage {
	const char *name;
	long order, probability, rot_days;
	const char *forecast;  /* pipeline best-case commit closed omitted */
	int won, lost;
};
struct pipeline {
	const char *name;
	const struct stage **stages;   /* in order */
	size_t n;
};
struct pipelines {
	struct stage *stages;          /* every [stage] */
	size_t nstages;
	struct pipeline *p;            /* p[0] is the default */
	size_t n;
};
int pipelines_load(const struct conf *c, struct pipelines *out,
		   struct crm_err *err);
void pipelines_free(struct pipelines *ps);
/* By name; NULL or "" is the default pipeline. */
const struct pipeline *pipeline_find(const struct pipelines *ps,
				     const char *name);
const struct stage *pipeline_stage(const struct pipeline *p,
				   const char *name);
/* The pipeline's first won / lost stage, first open stage. */
const struct stage *pipeline_won(const struct pipeline *p);
const struct stage *pipeline_lost(const struct pipeline *p);
const struct stage *pipeline_first(const struct pipeline *p);
static inline int stage_is_open(const struct stage *s)
{
	return !s->won && !s->lost;
}

/* ---- table schemas (schema.c) -------------------------------------------
 *
 * The fixed leading columns of every table; any other column is a custom
 * field, kept untouched and in order.  man/crm-files.5 documents these.
 */
enum col_type {
	COL_TEXT, COL_ID, COL_REF, COL_MONEY, COL_NUMBER, COL_DATE,
	COL_TIMESTAMP, COL_STAGE, COL_ENUM
};
struct col_def {
	const char *name;
	enum col_type type;
	const char *ref;      /* COL_REF: table name referenced */
	const char *values;   /* COL_ENUM: "a|b|c" ("" allowed too) */
};
struct table_def {
	const char *name;     /* "customers" */
	const char *entity;   /* "customer": history/activities "entity" */
	const char *file;     /* "customers.csv" */
	char id_type;         /* 'C' */
	const struct col_def *cols;
	size_t ncols;
};
extern const struct table_def crm_tables[];
extern const size_t crm_ntables;
const struct table_def *table_def_find(const char *name);
const struct col_def *table_def_col(const struct table_def *d,
				    const char *col);
/* A value a user typed for column col, checked and put in stored form:
 * dates to YYYY-MM-DD, money to plain decimals, numbers checked, enum
 * values checked.  "" stays "" (clears).  Custom columns pass as they
 * are.  malloc'd, or NULL with err. */
char *value_normalize(const struct table_def *def, const char *col,
		      const char *v, struct crm_err *err);
/* The same for a column already looked up (d NULL: a custom field). */
char *col_normalize(const struct col_def *d, const char *col, const char *v,
		    struct crm_err *err);
/* Is v a valid stored value for col (what crm check enforces)?  0 or -1
 * with err's message set (no file/line). */
int value_check(const struct table_def *def, const char *col, const char *v,
		struct crm_err *err);
/* The same with the column's definition at hand (d may be NULL: a
 * custom column, anything goes). */
int value_check_col(const struct table_def *def, const struct col_def *d,
		    const char *v, struct crm_err *err);

/* ---- tables (table.c) ----------------------------------------------------
 *
 * A table in memory: header (fixed columns in schema order, then custom
 * columns in file order) and rows of NUL-terminated strings.
 */
struct table {
	const struct table_def *def;  /* NULL for ad-hoc tables (stdin) */
	char *path;                   /* full path, or "-" */
	char *name;                   /* name for messages: "customers.csv" */
	size_t ncols;
	char **cols;
	size_t nrows, cap;
	char ***rows;                 /* rows[r][c] */
	long *lines;                  /* physical line of each row, 0 if new */
	struct idset *ids;            /* made by table_new_id, kept by
					 table_set; NULL until then */
	/* Rows as the file had them, to write back as they were: row r is
	 * raw_len[r] bytes at raw_off[r] (0: changed or new), valid while
	 * raw_ok (the file unchanged, same columns in the same order). */
	size_t *raw_off;
	uint32_t *raw_len;
	int raw_ok;
	long long raw_size, raw_mtime, raw_ino;
	/* A table of only the rows one key names (table_load_named): the
	 * file's every record as a span, and which of them rows[] holds. */
	size_t nall, *all_off, *held, nheld, file_ncols;
	uint32_t *all_len;
};

/* Read dir/def->file.  A missing file is an empty table.  Missing fixed
 * columns are added empty; a duplicate header is an error. */
struct table *table_load(const char *dir, const struct table_def *def,
			 struct crm_err *err);
/* Stream rows without keeping them: fn gets the table (header only, no
 * rows) and each row (NUL-terminated fields in table column order). */
typedef int (*table_row_fn)(void *ctx, const struct table *t, char **row,
			    long line, struct crm_err *err);
int table_scan(const char *dir, const struct table_def *def,
	       table_row_fn fn, void *ctx, struct crm_err *err);
struct table *table_new(const struct table_def *def, const char *dir);
void table_free(struct table *t);
/* Column index or -1. */
int table_col(const struct table *t, const char *name);
/* Append a column (custom field) if missing; returns its index. */
int table_add_col(struct table *t, const char *name);
/* New row of empty fields; returns its index. */
size_t table_add_row(struct table *t);
/* A table with t's columns and no rows, of no file: to keep some rows of
 * a table streamed by table_scan (table_copy_row), never to save. */
struct table *table_like(const struct table *t);
/* A copy of src's row (as table_scan gives it) added to dst, a table
 * with src's columns, with its line; returns its index. */
size_t table_copy_row(struct table *dst, const struct table *src,
		      char *const *row, long line);
const char *table_get(const struct table *t, size_t row, const char *col);
/* Set a field (copied). -1 if no such column. */
int table_set(struct table *t, size_t row, const char *col, const char *v);
/* Row index of the unique row whose id starts with prefix (after
 * id_normalize); -1 and err ("unknown customer 'X'", "ambiguous id 'C-1':
 * C-1ABC, C-1XYZ") otherwise. */
long table_find_id(const struct table *t, const char *prefix,
		   struct crm_err *err);
/* A record named by id prefix (when key looks like an id of the table's
 * type) or else by its exact name; -1 and err when none or several. */
long table_find_ref(const struct table *t, const char *key,
		    struct crm_err *err);
/* Exact match on a column (e.g. name), -1 if none, -2 if several. */
long table_find_value(const struct table *t, const char *col, const char *v);
/* An index of a column: value -> row + 1 (the first row with it), for
 * lookups in a loop over another table. */
struct strmap *table_index_by(const struct table *t, const char *col);
/* Its lookup: the row, or -1. */
long table_index_row(const struct strmap *ix, const char *value);
/* A new id of the table's type that no row has yet (nor one it gave
 * before): an id set of the table, made on the first call. */
void table_new_id(struct table *t, char *out);
/* Sort rows by id (tables stay sorted by id so diffs stay small). */
void table_sort_by_id(struct table *t);
/* Remove row r; rows after it move up one. */
void table_del_row(struct table *t, size_t r);
/* Only the rows that key could name (table_find_ref: an id prefix or
 * an exact name), when the file is as crm writes it (sorted by id,
 * fields quoted only where needed); saving it writes the whole file,
 * the other rows copied.  Else the whole table, as table_load.  The
 * rows of such a table can be changed or added (table_load_to_add),
 * not removed. */
struct table *table_load_named(const char *dir, const struct table_def *def,
			       const char *key, struct crm_err *err);
/* The same holding no row, to add rows to: they are written in id order
 * among the file's records, copied as they were. */
struct table *table_load_to_add(const char *dir, const struct table_def *def,
				struct crm_err *err);
/* The same holding the rows whose ids are in ids. */
struct table *table_load_ids(const char *dir, const struct table_def *def,
			     const struct idmap *ids, struct crm_err *err);
/* Write atomically to t->path (caller holds the store lock). */
int table_save(struct table *t, struct crm_err *err);

/* ---- data directory, lock, atomic write (store.c) --------------------- */

struct store {
	char *dir;            /* the data directory */
	struct conf *conf;
	const char *user;     /* --user, $CRM_USER, or the login name */
	int lockfd;           /* -1 when not held */
	double lock_timeout;  /* seconds, default 10 */
	struct buf pending_history;     /* log lines not yet appended */
	struct buf pending_activities;
	FILE *history_spill;  /* older pending history lines, on disk */
};

/* Find the directory: opt_dir (-C), else $CRM_DIR, else the nearest
 * ancestor of the working directory that holds crm.conf.  Loads crm.conf. */
int store_open(struct store *s, const char *opt_dir, struct crm_err *err);
void store_close(struct store *s);
/* The user for history: --user, else $CRM_USER, else the login name. */
void store_set_user(struct store *s, const char *opt_user);
/* flock(DIR/.lock), waiting up to lock_timeout; then removes leftover
 * temp files of crashed writers. */
int store_lock(struct store *s, struct crm_err *err);
void store_unlock(struct store *s);
/* Load a table of the store by name ("customers"). */
struct table *store_table(struct store *s, const char *name,
			  struct crm_err *err);
/* dir/name, malloc'd. */
char *store_path(const struct store *s, const char *name);
/* A scratch file in the data directory (same disk as the tables, not a
 * tmpfs), already unlinked: gone with the process.  NULL with err. */
FILE *store_tmpfile(const struct store *s, struct crm_err *err);
/* Move the queued history lines to a scratch file, to keep memory
 * bounded while a big import queues millions; the commit's journal
 * appends them first. */
int store_spill_logs(struct store *s, struct crm_err *err);

/* Atomic replacement of one file: temp in the same directory, fsync,
 * rename, fsync of the directory. */
struct atomic_file {
	FILE *fp;
	char *path, *tmp;
};
int atomic_begin(struct atomic_file *a, const char *path,
		 struct crm_err *err);
int atomic_commit(struct atomic_file *a, struct crm_err *err);
void atomic_abort(struct atomic_file *a);

/* ---- reliability: multi-file commits (store.c) ------------------------- */

/* Flush, fsync and close the temp file; atomic_commit() then only
 * renames.  0 or -1 (the temp file removed). */
int atomic_sync(struct atomic_file *a, struct crm_err *err);
/* Rename the n synced temp files into place and append the store's
 * queued log lines, as one change (journal.c): all or nothing, even when
 * killed.  The temp files are consumed either way. */
int journal_commit(struct store *s, struct atomic_file *a, size_t n,
		   struct crm_err *err);
/* Carry out what a killed writer's DIR/.commit still lists. */
int journal_recover(const char *dir, struct crm_err *err);
/* The size of a log's whole lines: a torn last line (no newline) left
 * out.  -1 on a read error. */
off_t jsonl_whole_size(int fd);
/* fsync a directory. */
int store_sync_dir(const char *dir);
/* Finish the change a killed writer left in DIR/.commit (takes the lock
 * for it; store_open calls it).  0 or -1. */
int store_recover(struct store *s, struct crm_err *err);
/* ---- CSV for spreadsheets: --excel (excel.c) --------------------------- */

/* Set by --excel: CSV listings start with a UTF-8 BOM and cells starting
 * with = + - @ TAB or CR (numbers excepted) get a leading '. */
extern int out_excel;
int excel_needs_quote(const char *s);
/* s without the ' that --excel added (s itself when there is none). */
const char *excel_unquote(const char *s);
void excel_write_row(FILE *fp, char *const *fields, size_t n);
void excel_write_bom(FILE *fp);
/* A CSV listing row: excel_write_row with --excel, else csv_write_row. */
void out_csv_row(FILE *fp, char *const *fields, size_t n);

/* An output file named by an option (--rejects, --mbox) must not be a
 * file of the data directory, by name, symlink or hard link: a usage
 * error "OPT: 'PATH' is a file of the data directory" otherwise. */
int store_check_output(const struct store *s, const char *path,
		       const char *opt, struct crm_err *err);

/* Write t to a synced temp file for atomic_commit[_all] (table.c). */
int table_write_temp(struct table *t, struct atomic_file *a,
		     struct crm_err *err);
/* Prefix of temp files, which readers ignore and writers clean. */
#define ATOMIC_TMP_PREFIX ".tmp-"

/* ---- JSON Lines logs (jsonl.c) ----------------------------------------
 *
 * A log entry is read as a flat record of strings: string values as is,
 * other values as compact JSON text.  Written with one write() under the
 * store lock.
 */
struct logrec {
	size_t n;
	char **keys;
	char **vals;
};
const char *logrec_get(const struct logrec *r, const char *key);

typedef int (*jsonl_fn)(void *ctx, const struct logrec *r, long line,
			struct crm_err *err);
/* Stream a log; a missing file has no lines.  A bad line names file:line. */
int jsonl_scan(const char *path, const char *name, jsonl_fn fn, void *ctx,
	       struct crm_err *err);
int jsonl_scan_fp(FILE *fp, const char *name, jsonl_fn fn, void *ctx,
		  struct crm_err *err);
/* Only the lines holding text (an id, say), as grep would pick them:
 * the others are skipped unread (not checked); line numbers stay right. */
int jsonl_scan_grep(const char *path, const char *name, const char *text,
		    jsonl_fn fn, void *ctx, struct crm_err *err);
/* Like jsonl_scan, but a malformed line goes to bad() and the scan goes
 * on (crm check reports every problem). */
typedef void (*jsonl_bad_fn)(void *ctx, const struct crm_err *err);
int jsonl_check(const char *path, const char *name, jsonl_fn fn, void *ctx,
		jsonl_bad_fn bad, struct crm_err *err);
/* One line (no LF) through fn as line 1 of "-": with use_fast, a line
 * in the canonical form we write is read by our own scanner, else (and
 * always without use_fast) by libjq.  Both give the same record; the
 * unit test compares them. */
int jsonl_parse_line(const char *line, size_t len, int use_fast,
		     jsonl_fn fn, void *ctx, struct crm_err *err);
/* Append bytes (whole lines) to a log with one write(), then fsync.
 * Caller holds the lock. */
int jsonl_append(const char *path, const char *data, size_t len,
		 struct crm_err *err);

/*
 * Log lines are queued in the store and appended by store_commit(), in
 * the same journalled change as the tables, still under the lock: a
 * table is the truth, its log never runs ahead of it.
 */
/* history.jsonl: {"at","by","entity","id","field","from","to"} */
void history_append(struct store *s, const char *entity, const char *id,
		    const char *field, const char *from, const char *to);
/* activities.jsonl: {"at","by","entity","id","type","text",...extra};
 * extra pairs with an empty value are left out. */
void activity_append(struct store *s, const char *entity, const char *id,
		     const char *type, const char *text,
		     const char *const *xkeys, const char *const *xvals,
		     size_t nx);
/* "call|visit|email|meeting|note|revisit|service" */
extern const char activity_types[];
int activity_type_ok(const char *type);
/* Set a table field (adding the column if new) and queue the change for
 * history.  Returns 1 when changed, 0 when the value was already v. */
int table_set_logged(struct store *s, struct table *t, size_t row,
		     const char *col, const char *v);
/* A JSON string literal for s (UTF-8 passed through), appended to b. */
void json_add_string(struct buf *b, const char *s);
/* The same without the quotes, of n bytes that hold no NUL. */
void json_add_escaped(struct buf *b, const char *s, size_t n);

/* ---- jq bridge (filter.c) ---------------------------------------------- */

struct filter;
/* Compile once per run; a compile error has code CRM_USAGE and reads
 * "--where: <jq's message>". */
struct filter *filter_compile(const char *expr, struct crm_err *err);
void filter_free(struct filter *f);
/* The same, always evaluated by libjq on whole records: what the unit
 * test compares the C evaluation with. */
struct filter *filter_compile_jq(const char *expr, struct crm_err *err);
/* 1 when evaluated in C, 2 by libjq on the fields it names only, 0 by
 * libjq on whole records. */
int filter_is_simple(const struct filter *f);
/* 1 when the expression's first output is truthy, 0 when not, -1 on a
 * runtime error (the filter is unusable afterwards). */
int filter_match(struct filter *f, const struct table *t, char **row,
		 struct crm_err *err);
/* A row as a compact JSON object (money/number columns as numbers when
 * they parse, empty as null; custom columns as strings), appended to b. */
void row_to_json(struct buf *b, const struct table *t, char **row);

/* ---- record input on stdin (input.c) ------------------------------------
 *
 * "-" operands: CSV with a header, JSONL objects, or bare ids one a line,
 * detected from the first non-blank byte/line.  Read into an ad-hoc table
 * (columns from the CSV header / union of JSON keys / just "id").
 */
struct table *input_read(FILE *fp, const char *name, struct crm_err *err);

/* ---- output (output.c) --------------------------------------------------- */

enum out_format { FMT_AUTO, FMT_TABLE, FMT_CSV, FMT_TSV, FMT_JSONL, FMT_IDS,
		  FMT_XLSX };
/* "table" -> FMT_TABLE ...; -1 if unknown. */
int out_format_parse(const char *s);
struct out;
/* Begin a listing of columns cols[0..ncols) on fp.  FMT_AUTO = table on a
 * terminal, csv otherwise.  def (may be NULL) types the columns for
 * jsonl (numbers) and table alignment (money right-aligned). */
struct out *out_begin(FILE *fp, enum out_format fmt, char *const *cols,
		      size_t ncols, const struct table_def *def);
void out_row(struct out *o, char *const *fields);
/* Flush (table: computes widths and prints); returns rows written. */
size_t out_end(struct out *o);
/* --output FILE: the same into FILE, written atomically when closed by
 * out_close (which may fail); FMT_XLSX only this way.  sheet names the
 * xlsx sheet (NULL: def's table name). */
struct out *out_open(const char *path, enum out_format fmt,
		     const char *sheet, char *const *cols, size_t ncols,
		     const struct table_def *def, struct crm_err *err);
int out_close(struct out *o, size_t *nrows, struct crm_err *err);
/* Leave FILE as it was (after an error). */
void out_abort(struct out *o);

/* ---- report verbs' --format and --output (output.c) ---------------------- */

/* The format of a report verb (crm-cust tier, crm-opp stale, ...) from
 * --format (NULL: none) and --output FILE (NULL: stdout): table, csv,
 * tsv, jsonl, ids or xlsx; without --format, a FILE ending .xlsx means
 * xlsx, another FILE csv, no FILE FMT_AUTO.  xlsx needs FILE; FILE must
 * not be a file of the data directory.  enum out_format, or -1 with a
 * usage error in err. */
int out_report_format(const struct store *s, const char *format,
		      const char *output, struct crm_err *err);
/* The format of an --output FILE without --format: FMT_XLSX for a name
 * ending .xlsx (any case), FMT_CSV for another. */
enum out_format out_format_by_name(const char *path);
/* Begin the report on stdout (output NULL) or into output (out_open),
 * sheet naming the xlsx sheet.  End it with out_close, which commits
 * FILE (and may fail), or out_abort. */
struct out *out_report_open(int fmt, const char *output, const char *sheet,
			    char *const *cols, size_t ncols,
			    const struct table_def *def, struct crm_err *err);

/* Open deals untouched — no follow-up (last_contact), no stage change in
 * history, not created — for longer than their stage's rot-days; most
 * overdue first (stale.c). */
struct stale {
	size_t row;            /* in the opportunities table */
	int32_t touched;       /* the last touch */
	long rot, overdue;     /* the stage's rot-days, days past them */
};
/* ahead > 0 also takes deals that go stale within that many days. */
struct stale *stale_deals(const struct store *s, const struct pipelines *ps,
			  const struct table *opps, long ahead, size_t *n,
			  struct crm_err *err);
/* The same a row at a time, for a table streamed: the day of each
 * deal's last stage change from history (NULL and err when it can't be
 * read), whether row r is stale (then *out says how), and the order. */
struct idmap *stale_moves(const struct store *s, struct crm_err *err);
/* The same a history line at a time, into an idmap_new(). */
void stale_note(struct idmap *moved, const struct logrec *rec);
/* Is rec a deal's stage change (with a day)?  Then its id, the stage
 * it went to ("" when none is named) and its day. */
int log_stage_move(const struct logrec *rec, const char **id,
		   const char **to, int32_t *day);
int stale_row(const struct pipelines *ps, const struct table *t, size_t r,
	      const struct idmap *moved, long ahead, struct stale *out);
void stale_sort(struct stale *v, size_t n);
/* A one-row view of a row being streamed by table_scan, for code
 * written for loaded tables (table_get(v, 0, col)): *v is t with row
 * (whose address rowp is) as its only row, on *line. */
void table_row_view(struct table *v, const struct table *t, char ***rowp,
		    long *line);

/* ---- command-line plumbing shared by the programs (cli.c) ------------- */

/* The options every program takes. */
struct cli_common {
	const char *dir;          /* -C */
	const char *today;        /* --today */
	const char *user;         /* --user */
	const char *lock_timeout; /* --lock-timeout */
	const char *excel;        /* --excel */
};
/* Pin today, open the store, set the user and lock timeout. */
int cli_open(struct store *s, const struct cli_common *c,
	     struct crm_err *err);
/* Print err and return its exit status (CRM_USAGE or CRM_FAIL). */
int cli_fail(const struct crm_err *err);
/* Flush stdout; a failed write (full disk, closed pipe) turns status
 * into CRM_FAIL with a message. */
int cli_finish(int status);
/* "FIELD=VALUE" -> field (malloc'd) and value (points into s). */
int cli_split_assignment(const char *s, char **field, const char **value,
			 struct crm_err *err);

/* A date option's value as YYYY-MM-DD into out (>= 16 bytes); a bad one
 * is a usage error "--NAME: why". */
int cli_date(const char *name, const char *value, char *out,
	     struct crm_err *err);

/*
 * Options, parsed once with getopt_long over the whole command line (GNU
 * permutation: options may follow the verb), remembered by long name.
 */
struct option;
struct cli;
/* NULL on a bad option (getopt has said why); *help set on --help. */
struct cli *cli_parse(int argc, char **argv, const struct option *longopts,
		      const char *shortopts, int *help);
void cli_free(struct cli *c);
/* The value of --name ("" for a flag), or NULL when not given. */
const char *cli_opt(const struct cli *c, const char *name);
/* Every value of a repeatable option, in order. */
const char **cli_opt_all(const struct cli *c, const char *name, size_t *n);
/* The common options (-C, --today, --user, --lock-timeout). */
void cli_common_from(const struct cli *c, struct cli_common *common);

/* Verbs are a table: name, function, the long options it uses. */
struct cli_verb {
	const char *name;
	int (*run)(int argc, char **argv, struct crm_err *err);
	const char *options;   /* space-separated long option names */
};
/* Run argv[0]'s verb with the operands after it; a verb given an option
 * it has no use for is a usage error.  Returns the verb's status. */
int cli_run_verb(const struct cli *c, const struct cli_verb *verbs,
		 int argc, char **argv, struct crm_err *err);
const struct cli_verb *cli_verb_find(const struct cli_verb *verbs,
				     const char *name);

/* "prog: message", the synopsis and "Try 'prog --help'." on stderr;
 * returns CRM_USAGE.  fmt takes one string. */
int cli_usage(const char *synopsis, const char *fmt, const char *arg);

/* The main() of a program made of verbs: parse, --help, open the store,
 * run the verb, report, flush. */
struct cli_program {
	const char *synopsis, *help;
	const struct option *longopts;
	const char *shortopts;
	const struct cli_verb *verbs;
	struct cli **cli;              /* where the program reads options */
	struct store *store;
	int (*setup)(struct crm_err *err);   /* after the store opens */
	void (*teardown)(void);
};
int cli_main(int argc, char **argv, const struct cli_program *p);

/* ---- records: create and change with history (record.c) --------------- */

/* A new row with a fresh id, created/updated = today, and its creation
 * queued for history.  Returns the row; the id is in t->rows[row][0]. */
size_t record_new(struct store *s, struct table *t);
/* The same with a given id (an import keeping its ids). */
size_t record_new_as(struct store *s, struct table *t, const char *id);
/* Set a field from what a user typed: checked and normalised
 * (value_normalize), logged in history, "updated" set to today.  id and
 * created can't be set; a new name becomes a custom column. */
int record_set(struct store *s, struct table *t, size_t row, const char *col,
	       const char *v, struct crm_err *err);
/* The same for a record being created: not logged, its "id" line is
 * its creation. */
int record_init(struct store *s, struct table *t, size_t row,
		const char *col, const char *v, struct crm_err *err);
/* Apply "FIELD=VALUE" assignments (from --set or operands), logged or
 * (for a new record) not. */
int record_assign(struct store *s, struct table *t, size_t row,
		  const char *const *assignments, size_t n, int logged,
		  struct crm_err *err);
/* Rows an operand names: one id prefix or exact name, or "-" for ids
 * and records on standard input.  malloc'd; NULL with err. */
size_t *records_named(const struct table *t, const char *operand, size_t *n,
		      struct crm_err *err);
/* Lock, load the table, apply fn to every record the operands name,
 * then save and log: all or nothing.  An error names the record. */
typedef int (*record_fn)(struct table *t, size_t row, void *ctx,
			 struct crm_err *err);
int records_change(struct store *s, const char *table, int nops,
		   char **operands, record_fn fn, void *ctx,
		   struct crm_err *err);
/* The same; with one_row, when fn looks at no row but the one it is
 * given, one named record is changed without the table in memory
 * (table_load_named): a change costs about a copy of the file. */
int records_change_in(struct store *s, const char *table, int nops,
		      char **operands, record_fn fn, void *ctx, int one_row,
		      struct crm_err *err);
/* A follow-up: an activity, last_contact = today, and with next the
 * record's next_date and next_action. */
struct followup {
	const char *type, *text, *action;
	char next[16];            /* YYYY-MM-DD or "" */
};
/* From the log verb's options: type (NULL = note) checked, next parsed;
 * usage errors in err. */
int followup_init(struct followup *f, const char *type, const char *text,
		  const char *next, const char *action, struct crm_err *err);
int record_followup(struct store *s, struct table *t, size_t row,
		    const struct followup *f, struct crm_err *err);
/* Save the tables given (NULL-terminated), then append the queued log
 * lines: the caller holds the lock. */
/* One activity as the show verbs print it: "  DAY  TYPE BY [ABOUT ]TEXT",
 * continuation lines of the text indented under it; no newline. */
void activity_line(struct buf *b, const struct logrec *r, const char *about);

int store_commit(struct store *s, struct table *const *tables,
		 struct crm_err *err);
/* The same, each table written by write (table_write_temp's contract: the
 * temporary file written and synced, not renamed); write may queue more
 * log lines, which go in with the rest. */
typedef int (*table_writer)(void *ctx, struct table *t,
			    struct atomic_file *a, struct crm_err *err);
int store_commit_via(struct store *s, struct table *const *tables,
		     table_writer write, void *ctx, struct crm_err *err);

/* ---- listings (listing.c) ----------------------------------------------
 *
 * The list verb of every program: records of one table, from the data
 * directory (streamed) or named on stdin ("-": CSV, JSONL or ids),
 * selected by the program's own predicate and --where, optionally
 * sorted, written in the chosen format.  A terminal table shows the
 * program's view columns; every other format carries whole records.
 */
struct listing;
typedef int (*listing_pred)(void *ctx, const struct table *t, char **row);
/* format/where/sort may be NULL.  Usage errors (bad format, bad jq) in
 * err with code CRM_USAGE. */
struct listing *listing_new(const char *format, const char *where,
			    const char *sort, const char *const *view,
			    size_t nview, struct crm_err *err);
/* --output FILE (NULL: standard output): the listing goes to FILE,
 * written atomically; the format defaults by its name (.xlsx, else csv).
 * --format xlsx needs it, and FILE must not be one of s's data files
 * (store_check_output): listing_run fails with a usage error. */
void listing_output(struct listing *l, const struct store *s,
		    const char *path);
/* CRM_OK, CRM_NONE when nothing was selected, or -1 with err.  Frees l. */
int listing_run(struct listing *l, const char *dir,
		const struct table_def *def, int from_stdin,
		listing_pred pred, void *ctx, struct crm_err *err);
/* Every amount, number and date of t is what its column says; else -1
 * with err naming file:line. */
int table_check_typed(const struct table *t, struct crm_err *err);
/* The same a row at a time (a table streamed): the typed columns'
 * definitions once (NULL for the others; free it), then each row. */
const struct col_def **table_typed_cols(const struct table *t);
int table_row_valid(const struct table *t, const struct col_def **defs,
		    char **row, long line, struct crm_err *err);
/* table_scan, each row checked so before fn sees it. */
int table_scan_typed(const char *dir, const struct table_def *def,
		     table_row_fn fn, void *ctx, struct crm_err *err);
/* Rows of t named by the ids (or records) on stdin, in input order;
 * an unknown id is an error naming "-:line". */
size_t *rows_from_stdin(const struct table *t, size_t *n,
			struct crm_err *err);
/* The table of def in dir for the records named on stdin: *rows (of n)
 * in input order.  When every id is a whole one, only those rows are
 * read in (the file streamed past, at a million deals 400 MB less): with
 * to_change a table of some rows, to be changed and saved
 * (table_load_ids); else a table of only them, to read, never to save.
 * A prefix among the ids: the whole table.  NULL and err as
 * rows_from_stdin. */
struct table *table_load_for_stdin(const char *dir,
				   const struct table_def *def,
				   size_t **rows, size_t *n, int to_change,
				   struct crm_err *err);

/* ---- the importer (import.c) ----------------------------------------------
 *
 * Other systems' exports (Excel, Salesforce, HubSpot, Zoho, Pipedrive,
 * Chinese CRMs) read as they are, streamed row by row.
 *
 * Encoding: a UTF-8 BOM -> UTF-8, a UTF-16 BOM -> UTF-16; else UTF-8 if
 * the whole file validates; else GB18030 -- unless the bytes look like a
 * European code page, which is an error asking for --encoding.  Delimiter:
 * sniffed among , ; TAB.  Skipped (and counted): title lines above the
 * header, rows of empty fields, report footers (Salesforce's "Generated
 * By:", copyright and confidentiality lines, one-field lines after them),
 * total rows (合计, 总计, Grand Totals) and a repeated header.
 *
 * Mapping: --map first, then a table column by its own name, then the
 * built-in synonyms (man crm-lead, IMPORT); First + Last Name join into
 * the name ("Wei Zhang", "张伟").  Unmapped columns, and later columns
 * whose field an earlier one took, are custom fields under their header
 * (made unique, no comma/quote/newline).  Besides the table's columns a
 * mapping may name email, phone, title, source, owner, notes, website,
 * city, country, industry, address, wechat, source_id (the source's own
 * record id) and, for customers and opportunities, contact (the person).
 */
struct import_opts {
	const char *encoding;        /* NULL: sniff; else any iconv name */
	char delimiter;              /* 0: sniff among , ; TAB */
	const char *date_order;      /* NULL, "ymd", "mdy" or "dmy" */
	const char *const *maps;     /* "Source Column=field" */
	size_t nmaps;
	const struct table_def *def; /* the target table */
	/* Optional: stages mapped by import_stage() against this pipeline
	 * (an unknown stage a reject); NULL passes stage values as read. */
	const struct pipeline *pipeline;
	const char *const *stage_maps;   /* "Closed Won=won" */
	size_t nstage_maps;
	const char *sheet;           /* .xlsx: a sheet name or number */
};
struct import;
/* Open path ("-" is stdin), sniff, read the header and map it.  NULL
 * with err (code CRM_USAGE for a bad option or --map). */
struct import *import_open(const char *path, const struct import_opts *o,
			   struct crm_err *err);
void import_close(struct import *im);
/* The mapping: column i -> its source header ("First Name + Last Name"
 * when joined) and its field. */
size_t import_ncols(const struct import *im);
const char *import_source(const struct import *im, size_t i);
const char *import_field(const struct import *im, size_t i);
const char *import_encoding(const struct import *im); /* "UTF-8", "GB18030" */
/* The source's header as read (trimmed): the rejects file repeats it. */
char *const *import_header(const struct import *im, size_t *n);
/* The reason column of a rejects file.  Not "reason", a field (a deal's
 * loss reason): a source column so named is left out, so a fixed rejects
 * file imports again as it is. */
#define IMPORT_REJECT_COLUMN "_reject_reason"
char import_delimiter(const struct import *im);
/* The sheet read when the file is an .xlsx workbook, else NULL. */
const char *import_sheet(const struct import *im);
struct import_row {
	long line;            /* physical line where the record starts */
	const char *where;    /* "file:12", "book.xlsx:Sheet1!C12": messages */
	char **raw;           /* the source fields as read (UTF-8) */
	size_t nraw;
	char **vals;          /* per mapped column, stored form; "" = empty */
	const char *reject;   /* NULL, or why the row can't be imported */
};
/* Everything in a row is valid only during the call. */
typedef int (*import_row_fn)(void *ctx, const struct import_row *row,
			     struct crm_err *err);
/* Stream every data row through fn (which may be called again by a
 * second import_run).  -1 on a fatal error (unreadable, undecodable,
 * unterminated quote) with file:line, or when fn returns -1. */
int import_run(struct import *im, import_row_fn fn, void *ctx,
	       size_t *skipped, struct crm_err *err);
/* Dedupe keys into out[n] (n >= 64): e-mail trimmed and lower case;
 * phone digits only, without extension ("ext. 12", "x12", "转123") and
 * without the country prefix (+86/0086, 86 before an 11-digit CN mobile,
 * +1, +852 ...; "+44 20 ..." -> "020 ..."). */
void import_norm_email(const char *in, char *out, size_t n);
void import_norm_phone(const char *in, char *out, size_t n);
/* A source stage name to a stage of p: maps ("Closed Won=won") first,
 * then a stage's own name (case, spaces and punctuation ignored), then
 * built-in synonyms (Closed Won/赢单/成交 -> the won stage, Closed Lost/
 * 输单/丢单 -> the lost one, Prospecting/初步接洽 -> the first,
 * Qualification/需求确认, Proposal/Price Quote/方案报价, Negotiation/
 * Review/商务谈判 -> the open stage so called).  NULL when unknown. */
const char *import_stage(const struct pipeline *p, const char *raw,
			 const char *const *maps, size_t nmaps);

/* ---- imported rows into the tables (ingest.c) ------------------------------
 *
 * leads: a lead a row.  customers: the row's customer (matched by name
 * ignoring case and spacing, else created) and its contact person
 * (matched within the customer by e-mail, phone or name, else created).
 * opportunities: the deal, with its customer and contact as above.  The
 * caller holds the store lock; ingest_commit writes every table changed.
 */
enum ingest_dup { DUP_SKIP, DUP_UPDATE, DUP_CREATE };
enum { MATCH_EMAIL = 1, MATCH_PHONE = 2, MATCH_ID = 4, MATCH_NAME = 8 };
enum { INGEST_IMPORTED, INGEST_UPDATED, INGEST_DUPLICATE, INGEST_REJECTED };
struct ingest_opts {
	const char *table;             /* leads, customers, opportunities */
	unsigned match;                /* MATCH_* */
	enum ingest_dup on_dup;
	const struct pipelines *pipelines;   /* opportunities */
	const struct pipeline *pipeline;     /* a deal's, unless the row says */
};
struct ingest_counts {
	long customers_new, customers_matched, contacts_new, contacts_matched;
};
struct ingest;
struct ingest *ingest_begin(struct store *s, struct import *im,
			    const struct ingest_opts *o, struct crm_err *err);
/* INGEST_* (a reject's reason in why), or -1 with err on a fatal error. */
int ingest_row(struct ingest *g, const struct import_row *row,
	       struct crm_err *why, struct crm_err *err);
const struct ingest_counts *ingest_counts(const struct ingest *g);
int ingest_commit(struct ingest *g, struct crm_err *err);
void ingest_free(struct ingest *g);
/* A name as a key: ASCII case and every space ignored ("ACME  Ltd" is
 * "acmeltd"), so customers match whatever their spacing. */
void name_key(const char *s, char *out, size_t n);

/* ---- the import verb (import_cli.c) ------------------------------------------
 *
 * crm-lead, crm-cust and crm-opp import: options, --dry-run, rejects,
 * progress and the summary, written once.  A program adds
 * CLI_IMPORT_LONGOPTS to its getopt table (and its own --dry-run),
 * CLI_IMPORT_HELP to its help, and CLI_IMPORT_VERB_OPTIONS to the verb.
 */
enum {
	CLI_OPT_ENCODING = 0x1000, CLI_OPT_DELIMITER, CLI_OPT_MAP,
	CLI_OPT_DATE_ORDER, CLI_OPT_MATCH, CLI_OPT_ON_DUP, CLI_OPT_REJECTS,
	CLI_OPT_MAP_STAGE, CLI_OPT_SHEET
};
#define CLI_IMPORT_LONGOPTS \
	{"sheet", required_argument, NULL, CLI_OPT_SHEET}, \
	{"encoding", required_argument, NULL, CLI_OPT_ENCODING}, \
	{"delimiter", required_argument, NULL, CLI_OPT_DELIMITER}, \
	{"map", required_argument, NULL, CLI_OPT_MAP}, \
	{"date-order", required_argument, NULL, CLI_OPT_DATE_ORDER}, \
	{"match", required_argument, NULL, CLI_OPT_MATCH}, \
	{"on-dup", required_argument, NULL, CLI_OPT_ON_DUP}, \
	{"rejects", required_argument, NULL, CLI_OPT_REJECTS}
#define CLI_IMPORT_VERB_OPTIONS \
	"sheet encoding delimiter map date-order match on-dup rejects dry-run"
#define CLI_IMPORT_HELP \
	"      --sheet=SHEET        the sheet of an .xlsx workbook, by name or number\n" \
	"                           (import; default the first)\n" \
	"      --encoding=ENCODING  the file's encoding (import; default: sniffed)\n" \
	"      --delimiter=CHAR     the file's delimiter (import; default: sniffed)\n" \
	"      --map=COLUMN=FIELD   map a source column to a field (import;\n" \
	"                           repeatable)\n" \
	"      --date-order=ORDER   ymd, mdy or dmy for slashed dates (import)\n"
#define CLI_IMPORT_HELP2 \
	"      --on-dup=ACTION      skip, update or create a duplicate (import;\n" \
	"                           default skip)\n" \
	"      --rejects=FILE       write rejected rows with their reason (import)\n"
/* Import argv[0] into table ("leads", "customers", "opportunities"). */
int cli_import(struct store *s, const struct cli *c, const char *table,
	       int argc, char **argv, struct crm_err *err);

/* ---- Excel workbooks (xlsx.c reads with libzip + expat) -------------------
 *
 * One sheet of an .xlsx workbook read as rows of text, as csv_read reads
 * a CSV file: shared and inline strings as they are, numbers as Excel's
 * General shows them, TRUE/FALSE, dates (1900 or 1904 system, by the
 * cell's number format) as YYYY-MM-DD, times as HH:MM:SS, both as
 * YYYY-MM-DDTHH:MM:SS; a merged range's value fills its cells.  Parts too
 * large, compressed like a zip bomb, a huge shared-strings table, a DTD
 * and broken XML are errors naming the workbook and the part.
 */
struct xlsx;
/* Is fp (seekable) a zip holding xl/workbook.xml?  Rewinds fp. */
int xlsx_detect(FILE *fp);
/* The workbook in fp (which the caller still closes); sheet is a name or
 * a number (1 the first), NULL the first.  name is for messages. */
struct xlsx *xlsx_open(FILE *fp, const char *name, const char *sheet,
		       struct crm_err *err);
const char *xlsx_sheet_name(const struct xlsx *x);
/* Every row with a value through fn (line = the row's number), from
 * column A to its last value, padded to at least width cells.  May be
 * called again. */
int xlsx_read(struct xlsx *x, size_t width, csv_row_fn fn, void *ctx,
	      struct crm_err *err);
void xlsx_close(struct xlsx *x);
/* "Sheet1!C12" ('My Sheet'!C12) for row 12, column 2 (0-based). */
void xlsx_where(const struct xlsx *x, long row, long col, char *out,
		size_t n);
/* "C12" -> row 12, column 2; -1 if not a cell reference. */
int xlsx_ref_parse(const char *ref, long *row, long *col);
/* Column 2 -> "C" (out >= 8 bytes). */
void xlsx_col_name(long col, char *out);
/* A date serial -> day and seconds into it; -1 for no real day (1900's
 * phantom 29 February, 0, negative). */
int xlsx_serial(double serial, int date1904, int32_t *day, long *secs);
/* A number format code: 0 number, 1 date, 2 time, 3 date and time. */
int xlsx_format_kind(const char *code);

/* Writing (xlsxout.c, libxlsxwriter): sheets with a bold header row,
 * frozen, with filters; money as numbers shown #,##0.00, dates as dates,
 * long text wrapped.  The file appears at close, atomically. */
struct xlsx_book;
struct xlsx_book *xlsx_book_new(const char *path, struct crm_err *err);
/* A new sheet (the name made one Excel takes); its columns typed by def
 * (NULL: all text).  -1 when Excel refuses the name (a duplicate). */
int xlsx_book_sheet(struct xlsx_book *b, const char *name,
		    char *const *cols, size_t ncols,
		    const struct table_def *def);
/* One row of the current sheet, typed by its columns. */
void xlsx_book_row(struct xlsx_book *b, char *const *fields);
/* Or cell by cell, each typed as given, then xlsx_book_next. */
void xlsx_book_cell(struct xlsx_book *b, size_t col, const char *v,
		    enum col_type type);
void xlsx_book_next(struct xlsx_book *b);
int xlsx_book_close(struct xlsx_book *b, struct crm_err *err);
void xlsx_book_abort(struct xlsx_book *b);

/* ---- payments (pay.c) ------------------------------------------------------
 *
 * payments.csv holds plan lines (kind=plan: due date, amount due) and
 * receipts (kind=receipt: date received, plan = the line settled or "").
 * pay_collected returns, per row, what has been collected against each
 * plan line: receipts naming it, then receipts naming none spent on the
 * contract's earliest-due lines first.  pay_plan_lines returns the rows
 * of plan lines by due date. */
int64_t money_of(const struct table *t, size_t r, const char *col);

/* A new active contract, signed today, in k (contract.c); title defaults
 * to "contract", currency to crm.conf's, renewal to manual.  The row, or
 * -1 (end before start, a bad value). */
struct contract_terms {
	const char *customer, *opportunity, *title, *amount, *currency;
	const char *renewal, *owner;
	int32_t start, end;
};
long contract_new(struct store *s, struct table *k,
		  const struct contract_terms *ct, struct crm_err *err);
int64_t *pay_collected(const struct table *pay);
size_t *pay_plan_lines(const struct table *pay, size_t *n);

/* ---- the public pool (pool.c) ----------------------------------------------
 *
 * [pool] contact-days, deal-days, notify-days, claim-limit,
 * reclaim-block-days, protect-stage; [tier "X"] pool-contact-days and
 * pool-deal-days.  pool_due is the day an owned customer goes back to
 * the pool, why it does in why; DATE_NONE (why says why not) when it is
 * in the pool already, locked, or kept by an open deal at protect-stage
 * or later. */
struct pool;
struct pool *pool_open(struct store *s, const struct table *customers,
		       struct crm_err *err);
/* What history says of customers' owners, read with owner_facts_read
 * or a line at a time with owner_facts_note (from a pass over history
 * that serves more than the pool); pool_open_with takes them instead of
 * reading history itself, once the job reading (if any) is done. */
struct owner_facts;
struct owner_facts *owner_facts_new(void);
void owner_facts_note(struct owner_facts *f, const struct logrec *r);
int owner_facts_read(struct store *s, struct owner_facts *f,
		     struct crm_err *err);
void owner_facts_free(struct owner_facts *f);
struct pool *pool_open_with(struct store *s, const struct table *customers,
			    const struct owner_facts *f, struct bg *reading,
			    struct crm_err *err);
void pool_close(struct pool *p);
int32_t pool_due(const struct pool *p, size_t row, char *why, size_t n);
int pool_may_claim(const struct pool *p, size_t row, const char *user,
		   struct crm_err *err);
long pool_notify_days(const struct pool *p);
int tags_has(const char *tags, const char *tag);

/* ---- groups of duplicates (groups.c) -----------------------------------------
 *
 * Union-find over a table's rows: groups_join_by puts rows whose column
 * normalises to the same non-empty key in one group (rows for which
 * eligible returns 0 are left out); groups_root is a row's group. */
size_t *groups_new(size_t nrows);
size_t groups_root(size_t *parent, size_t row);
void groups_join_by(const struct table *t, size_t *parent, const char *col,
		    void (*norm)(const char *in, char *out, size_t n),
		    int (*eligible)(const struct table *t, size_t row));
/* The rows of every group of two or more, a group's rows together (groups
 * in a fixed order, rows in table order); parent[] is made
 * every row's group.  groups_print lists them on o: a group number from 1
 * in the first column, cols[1..ncols) of the row after it; it returns the
 * number of groups. */
size_t *groups_rows(size_t *parent, size_t nrows, size_t *n);
size_t groups_print(const struct table *t, const size_t *parent,
		    const size_t *rows, size_t n, struct out *o,
		    char *const *cols, size_t ncols);

/* ---- git sync: record-level merges (merge.c, git.c) ---------------------
 *
 * A data directory in git merges by record: crm merge-driver runs
 * merge_tables on git's three versions of a table and merge_logs on its
 * two versions of a log.
 */

/* A table from any path (git's temp files); name is used in messages.  A
 * missing or empty file is an empty table. */
struct table *table_load_file(const char *path, const char *name,
			      const struct table_def *def,
			      struct crm_err *err);

/* Seconds since the epoch of a stored date or timestamp, -1 if none. */
long long merge_instant(const char *s);
/* When each value was set, from history: "id field to" -> latest "at".
 * merge_history_add reads history.jsonl text into the map. */
int merge_history_add(struct strmap *ix, const char *text, size_t len,
		      const char *name, struct crm_err *err);
/* The time of the latest change of id's field to value, "" unknown. */
const char *merge_history_when(const struct strmap *ix, const char *id,
			       const char *field, const char *value);
void merge_history_free(struct strmap *ix);

enum merge_kind {
	MERGE_FIELD,        /* the same field changed two ways */
	MERGE_DELETED       /* deleted on one side, changed on the other */
};
struct merge_conflict {
	enum merge_kind kind;
	char *id;
	char *field, *base, *ours, *theirs;   /* MERGE_FIELD */
	char *ours_at, *theirs_at;            /* from history, "" unknown */
	int kept;   /* 'o' ours, 't' theirs, 0 left as a conflict (strict);
		     * MERGE_DELETED: the side that changed it, kept */
};
struct merge_opts {
	int strict;                   /* leave field conflicts unresolved */
	const struct strmap *history; /* may be NULL */
};
struct merge {
	struct table *out;   /* merged, rows in id order */
	char ***alt;         /* per row: theirs' version of a record left in
			      * conflict (strict), else NULL */
	struct merge_conflict *c;
	size_t nc;
};
/*
 * Three-way merge by id: a record added on either side is kept; changed
 * on one side takes the change; changed on both merges field by field; a
 * field changed two ways is a conflict, resolved by the later change per
 * history (equal or unknown times: the greater value), or left (strict).
 * updated and last_contact take the later date without a conflict.
 * Deleted on one side and changed on the other keeps the change (and is
 * a conflict, for the report).  Columns: ours', then theirs' new ones.
 * -1 with err when a side has a record without id or a duplicate id.
 */
int merge_tables(const struct table *base, const struct table *ours,
		 const struct table *theirs, const struct merge_opts *opts,
		 struct merge *m, struct crm_err *err);
void merge_free(struct merge *m);
/* ',"k":"v"' into a JSON object being written (no comma after '{'). */
void json_add_pair(struct buf *b, const char *k, const char *v);
/* A conflict as a conflicts.jsonl line: at, by, file, id, conflict
 * ("field" or "deleted"), field, base, ours, theirs, ours_at, theirs_at
 * (field conflicts), kept ("ours", "theirs" or "" when left). */
void merge_conflict_json(struct buf *b, const char *at, const char *by,
			 const char *file, const struct merge_conflict *c);
/* m as CSV text; records left in conflict between git's markers. */
void merge_format(const struct merge *m, struct buf *b);
/* Union of two versions of a log: ours' lines, then those of theirs that
 * ours lacks (a line theirs has k times comes k times in all), in order;
 * no line is doubled. */
void merge_logs(const char *ours, size_t olen, const char *theirs,
		size_t tlen, struct buf *out);


/* All of a file appended to out; a missing file adds nothing. */
int file_read_all(const char *path, struct buf *out, struct crm_err *err);
/* Run git (args: "git", ..., NULL) in dir (NULL: here).  Its standard
 * output goes into out, or to our standard error when out is NULL (ours
 * stays data); quiet silences its standard error.  git's exit status, or
 * -1 with err when it could not be run. */
int git_run(const char *dir, const char *const *args, struct buf *out,
	    int quiet, struct crm_err *err);
/* The first line git prints (malloc'd), NULL when git fails. */
char *git_line(const char *dir, const char *const *args);

#endif
