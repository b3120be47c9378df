/* journal.c - one change of several files, all or nothing
 *
 * A change may rewrite several tables and append to both logs.  Each
 * table's new content is first written to a synced temp file; then the
 * journal DIR/.commit, itself written atomically, lists what is left to
 * do: "T TMP\tNAME" renames a temp file over a table, "L NAME\tSIZE\tLEN"
 * followed by LEN bytes appends those bytes to a log that was SIZE bytes
 * long.  Then the renames and appends are done, and the journal removed.
 *
 * Killed at any instant, the directory holds either the old files and no
 * journal (temp files, which the next writer removes), or a journal that
 * the next program to open the store carries out: a temp file still
 * there is not renamed yet; a log still SIZE long is not appended yet,
 * one SIZE + LEN long is, and anything else is cut back to SIZE first.
 * Doing it twice does it once.  A full disk fails while the temp files
 * or the journal are written, before any old file is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"

#define JOURNAL ".commit"
#define DAMAGED "a damaged journal of an unfinished change; if none was " \
	"being made, remove it"

static const char *const log_names[] = {"history.jsonl", "activities.jsonl"};

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A journal names only temp files, tables and logs of the directory: a
 * damaged or planted one can touch nothing else. */
static int journal_names_ok(char kind, const char *name, const char *to)
{
	if (kind == 'T') {
		if (strncmp(name, ATOMIC_TMP_PREFIX, strlen(ATOMIC_TMP_PREFIX)))
			return 0;
		for (size_t i = 0; i < crm_ntables; i++)
			if (!strcmp(to, crm_tables[i].file))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++)
		if (kind == 'L' && !strcmp(name, log_names[i]))
			return 1;
	return 0;
}

/* Copy len bytes of fp to fd, a block at a time (a big import's history
 * is hundreds of MB).  0, or an errno. */
static int log_copy(int fd, FILE *fp, size_t len)
{
	char *block = xmalloc(1 << 20);
	int e = 0;

	while (!e && len) {
		size_t want = len < (1 << 20) ? len : (1 << 20), off = 0;

		if (fread(block, 1, want, fp) != want) {
			e = EIO;
			break;
		}
		for (ssize_t w; !e && off < want; off += (size_t)w)
			if ((w = write(fd, block + off, want - off)) < 0)
				e = errno;
		len -= want;
	}
	free(block);
	return e;
}

/* The next LEN bytes of fp appended to the log at path that was SIZE
 * bytes long, unless they already are.  0 or -1 with errno. */
static int log_apply(const char *path, off_t size, FILE *fp, size_t len)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	off_t now;
	int e = 0;

	if (fd < 0)
		return -1;
	now = lseek(fd, 0, SEEK_END);
	if (now == size + (off_t)len) {	/* done before */
		close(fd);
		return fseeko(fp, (off_t)len, SEEK_CUR);
	}
	if (now > size && ftruncate(fd, size) < 0)
		e = errno;
	if (!e)
		e = log_copy(fd, fp, len);
	if (!e && fsync(fd) < 0)
		e = errno;
	if (e && now <= size && ftruncate(fd, now < size ? now : size) < 0)
		e = errno;	/* not torn by us at least */
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

/* "SIZE\tLEN" of an L entry: decimals, LEN within what fp has left. */
static int log_sizes(FILE *fp, const char *s, long long *size,
		     long long *len)
{
	struct stat st;
	char *end;

	errno = 0;
	*size = strtoll(s, &end, 10);
	if (end == s || *end != '\t' || *size < 0 || errno)
		return -1;
	s = end + 1;
	*len = strtoll(s, &end, 10);
	if (end == s || *end || *len < 0 || errno ||
	    fstat(fileno(fp), &st) < 0 || *len > (long long)st.st_size)
		return -1;
	return 0;
}

/* Carry out the journal open on fp; dir is the data directory. */
static int journal_apply(const char *dir, FILE *fp, struct crm_err *err)
{
	char *line = NULL, *name, *p, *from, *to;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&line, &cap, fp)) > 2) {
		line[n - 1] = '\0';
		name = line + 2;
		if (!(p = strchr(name, '\t'))) {
			rc = crm_errf(err, JOURNAL, 0, DAMAGED);
			break;
		}
		*p++ = '\0';
		if (!journal_names_ok(line[0], name, p)) {
			rc = crm_errf(err, JOURNAL, 0, DAMAGED);
			break;
		}
		if (line[0] == 'T') {
			from = xasprintf("%s/%s", dir, name);
			to = xasprintf("%s/%s", dir, p);
			if (access(from, F_OK) == 0 && rename(from, to) < 0)
				rc = crm_errf(err, NULL, 0, "cannot replace "
					      "%s: %s", to, strerror(errno));
			free(from);
			free(to);
			continue;
		}
		long long size, len;

		/* Sizes are decimals no larger than the journal itself: a
		 * huge one (found by fuzzing) must not wrap or run away. */
		if (log_sizes(fp, p, &size, &len) < 0) {
			rc = crm_errf(err, JOURNAL, 0, DAMAGED);
			break;
		}
		to = xasprintf("%s/%s", dir, name);
		if (log_apply(to, (off_t)size, fp, (size_t)len) < 0)
			rc = errno == EIO ? crm_errf(err, JOURNAL, 0, DAMAGED)
			     : crm_errf(err, NULL, 0, "cannot append to %s: %s",
					to, strerror(errno));
		free(to);
	}
	free(line);
	return rc;
}

/* Done: sync the directory (the renames), remove the journal, sync. */
static int journal_done(const char *dir, const char *j, struct crm_err *err)
{
	if (store_sync_dir(dir) < 0 || unlink(j) < 0 || store_sync_dir(dir) < 0)
		return crm_errf(err, NULL, 0, "cannot finish %s: %s", j,
				strerror(errno));
	return 0;
}

int journal_recover(const char *dir, struct crm_err *err)
{
	char *j = xasprintf("%s/%s", dir, JOURNAL);
	FILE *fp = fopen(j, "r");
	int rc = 0;

	if (fp) {
		rc = journal_apply(dir, fp, err);
		fclose(fp);
		if (rc == 0)
			rc = journal_done(dir, j, err);
	}
	free(j);
	return rc;
}

/* Copy what a spill file holds (history lines queued to disk by a big
 * import) into the journal. */
static int spill_copy(FILE *to, FILE *spill, struct crm_err *err)
{
	char block[1 << 16];
	size_t n;

	if (fseek(spill, 0, SEEK_SET) < 0)
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				strerror(errno));
	while ((n = fread(block, 1, sizeof block, spill)) > 0)
		fwrite(block, 1, n, to);
	if (ferror(spill))
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				strerror(errno));
	return 0;
}

static long spill_size(FILE *spill)
{
	if (!spill || fflush(spill) == EOF || fseek(spill, 0, SEEK_END) < 0)
		return spill ? -1 : 0;
	return ftell(spill);
}

/* The log's lines to append, after its whole lines (a torn last line,
 * from a power cut, is cut off): the spilled ones, then those queued. */
static int log_entry(FILE *fp, const char *dir, const char *name,
		     const struct buf *b, FILE *spill, struct crm_err *err)
{
	long spilled = spill_size(spill);
	size_t len = b->len + (spilled > 0 ? (size_t)spilled : 0);
	char *path;
	int fd;
	off_t whole = 0;

	if (spilled < 0)
		return crm_errf(err, NULL, 0, "cannot read a scratch file: %s",
				strerror(errno));
	path = xasprintf("%s/%s", dir, name);
	fd = len ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		whole = jsonl_whole_size(fd);
		close(fd);
	} else if (len && errno != ENOENT) {
		whole = -1;
	}
	if (whole < 0)
		crm_errf(err, NULL, 0, "cannot read %s: %s", path,
			 strerror(errno));
	else if (len) {
		fprintf(fp, "L %s\t%lld\t%zu\n", name, (long long)whole, len);
		if (spilled > 0 && spill_copy(fp, spill, err) < 0)
			whole = -1;
		fwrite(b->s, 1, b->len, fp);
	}
	free(path);
	return whole < 0 ? -1 : 0;
}

int journal_commit(struct store *s, struct atomic_file *a, size_t n,
		   struct crm_err *err)
{
	struct buf *logs[] = {&s->pending_history, &s->pending_activities};
	char *j = xasprintf("%s/%s", s->dir, JOURNAL);
	struct atomic_file jf;
	FILE *fp;
	int rc;

	if (atomic_begin(&jf, j, err) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		fprintf(jf.fp, "T %s\t%s\n", base_of(a[i].tmp),
			base_of(a[i].path));
	for (size_t i = 0; i < 2; i++)
		if (log_entry(jf.fp, s->dir, log_names[i], logs[i],
			      i == 0 ? s->history_spill : NULL, err) < 0) {
			atomic_abort(&jf);
			goto fail;
		}
	if (atomic_commit(&jf, err) < 0)
		goto fail;
	/* From here on the change is made, now or by the next writer. */
	for (size_t i = 0; i < n; i++) {
		free(a[i].tmp);
		free(a[i].path);
		a[i].tmp = a[i].path = NULL;
	}
	buf_reset(logs[0]);
	buf_reset(logs[1]);
	if (s->history_spill)
		fclose(s->history_spill);
	s->history_spill = NULL;
	if (!(fp = fopen(j, "r"))) {
		rc = crm_errf(err, NULL, 0, "cannot open %s: %s", j,
			      strerror(errno));
	} else {
		rc = journal_apply(s->dir, fp, err);
		fclose(fp);
	}
	if (rc == 0)
		rc = journal_done(s->dir, j, err);
	free(j);
	return rc;
fail:
	for (size_t i = 0; i < n; i++)
		atomic_abort(&a[i]);
	free(j);
	return -1;
}
