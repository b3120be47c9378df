/* store.c - the data directory: finding it, its lock, atomic writes */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crm.h"

#define LOCK_NAME ".lock"
#define CONF_NAME "crm.conf"
#define JOURNAL_NAME ".commit"

static int is_data_dir(const char *dir)
{
	char *p = xasprintf("%s/%s", dir, CONF_NAME);
	int ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* The nearest ancestor of the working directory holding crm.conf. */
static char *find_upward(void)
{
	char *cwd = getcwd(NULL, 0), *slash;

	if (!cwd)
		return NULL;
	for (;;) {
		if (is_data_dir(cwd[0] ? cwd : "/"))
			return cwd[0] ? cwd : (free(cwd), xstrdup("/"));
		slash = strrchr(cwd, '/');
		if (!slash || slash == cwd) {
			int found = is_data_dir("/");

			free(cwd);
			return found ? xstrdup("/") : NULL;
		}
		*slash = '\0';
	}
}

int store_open(struct store *s, const char *opt_dir, struct crm_err *err)
{
	const char *env = getenv("CRM_DIR");
	char *conf_path;

	memset(s, 0, sizeof *s);
	s->lockfd = -1;
	/* A file over RLIMIT_FSIZE is a failed write (EFBIG) like a full
	 * disk, not a killed program that leaves its temp file behind. */
	signal(SIGXFSZ, SIG_IGN);
	s->lock_timeout = 10;
	if (opt_dir && *opt_dir)
		s->dir = xstrdup(opt_dir);
	else if (env && *env)
		s->dir = xstrdup(env);
	else if (!(s->dir = find_upward()))
		return crm_errf(err, NULL, 0, "not in a crm data directory "
				"(no crm.conf here or above; use -C DIR or "
				"crm init)");
	if (!is_data_dir(s->dir))
		return crm_errf(err, s->dir, 0, "not a crm data directory "
				"(no crm.conf)");
	conf_path = store_path(s, CONF_NAME);
	s->conf = conf_load(conf_path, err);
	free(conf_path);
	if (!s->conf)
		return -1;
	store_set_user(s, NULL);
	return store_recover(s, err);
}

void store_set_user(struct store *s, const char *opt_user)
{
	const char *u = opt_user;
	struct passwd *pw;

	if (!u || !*u)
		u = getenv("CRM_USER");
	if (!u || !*u)
		u = getenv("LOGNAME");
	if ((!u || !*u) && (pw = getpwuid(getuid())))
		u = pw->pw_name;
	s->user = u && *u ? u : "unknown";
}

void store_close(struct store *s)
{
	store_unlock(s);
	if (s->history_spill)
		fclose(s->history_spill);
	s->history_spill = NULL;
	buf_free(&s->pending_history);
	buf_free(&s->pending_activities);
	conf_free(s->conf);
	free(s->dir);
	s->conf = NULL;
	s->dir = NULL;
}

char *store_path(const struct store *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

FILE *store_tmpfile(const struct store *s, struct crm_err *err)
{
	char *path = xasprintf("%s/%sscratch.XXXXXX", s->dir,
			       ATOMIC_TMP_PREFIX);
	int fd = mkstemp(path);
	FILE *fp = NULL;

	if (fd < 0 || !(fp = fdopen(fd, "w+")))
		crm_errf(err, NULL, 0, "cannot create %s: %s", path,
			 strerror(errno));
	if (fd >= 0)
		unlink(path);
	if (fd >= 0 && !fp)
		close(fd);
	free(path);
	return fp;
}

/* A crashed writer leaves ".tmp-*" files; nobody else writes them while
 * we hold the lock, so they are garbage. */
static void remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, ATOMIC_TMP_PREFIX,
			    strlen(ATOMIC_TMP_PREFIX)))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int store_lock(struct store *s, struct crm_err *err)
{
	char *path;
	long waited = 0, step = 5;

	if (s->lockfd >= 0)
		return 0;
	path = store_path(s, LOCK_NAME);
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (s->lockfd < 0) {
		crm_errf(err, NULL, 0, "cannot open %s: %s", path,
			 strerror(errno));
		free(path);
		return -1;
	}
	while (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    waited >= (long)(s->lock_timeout * 1000)) {
			crm_errf(err, NULL, 0, "%s is locked by another "
				 "writer (waited %g s)", path,
				 s->lock_timeout);
			close(s->lockfd);
			s->lockfd = -1;
			free(path);
			return -1;
		}
		sleep_ms(step);
		waited += step;
		if (step < 100)
			step *= 2;
	}
	free(path);
	if (journal_recover(s->dir, err) < 0) {
		store_unlock(s);
		return -1;
	}
	remove_stale_temps(s->dir);
	return 0;
}

int store_recover(struct store *s, struct crm_err *err)
{
	char *j = store_path(s, JOURNAL_NAME);
	int pending = access(j, F_OK) == 0, held = s->lockfd >= 0;

	free(j);
	if (!pending || held)
		return 0;
	if (store_lock(s, err) < 0)	/* which rolls forward */
		return -1;
	store_unlock(s);
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->lockfd < 0)
		return;
	flock(s->lockfd, LOCK_UN);
	close(s->lockfd);
	s->lockfd = -1;
}

struct table *store_table(struct store *s, const char *name,
			  struct crm_err *err)
{
	const struct table_def *def = table_def_find(name);

	if (!def) {
		crm_errf(err, NULL, 0, "unknown table '%s'", name);
		return NULL;
	}
	return table_load(s->dir, def, err);
}

/* ---- atomic replacement ---------------------------------------------- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int atomic_begin(struct atomic_file *a, const char *path,
		 struct crm_err *err)
{
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd;

	a->path = xstrdup(path);
	a->tmp = xasprintf("%s/%s%s.XXXXXX", dir, ATOMIC_TMP_PREFIX, base);
	free(dir);
	fd = mkstemp(a->tmp);
	if (fd < 0 || !(a->fp = fdopen(fd, "w"))) {
		crm_errf(err, NULL, 0, "cannot create %s: %s", a->tmp,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		free(a->tmp);
		free(a->path);
		return -1;
	}
	/* mkstemp makes 0600; tables are shared files: honour the umask. */
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	return 0;
}

int store_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

static int fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int rc = store_sync_dir(dir);

	free(dir);
	return rc;
}

int atomic_sync(struct atomic_file *a, struct crm_err *err)
{
	int e = 0;

	if (fflush(a->fp) == EOF || ferror(a->fp) ||
	    fsync(fileno(a->fp)) < 0)
		e = errno ? errno : EIO;
	if (fclose(a->fp) == EOF && !e)
		e = errno;
	a->fp = NULL;
	if (!e)
		return 0;
	crm_errf(err, NULL, 0, "cannot write %s: %s", a->path, strerror(e));
	atomic_abort(a);
	return -1;
}

int atomic_commit(struct atomic_file *a, struct crm_err *err)
{
	int rc = -1;

	if (a->fp && atomic_sync(a, err) < 0)
		return -1;
	if (rename(a->tmp, a->path) < 0)
		crm_errf(err, NULL, 0, "cannot replace %s: %s", a->path,
			 strerror(errno));
	else if (fsync_dir(a->path) < 0)
		crm_errf(err, NULL, 0, "cannot sync directory of %s: %s",
			 a->path, strerror(errno));
	else
		rc = 0;
	if (rc < 0) {
		atomic_abort(a);
		return -1;
	}
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
	return 0;
}

void atomic_abort(struct atomic_file *a)
{
	if (a->fp)
		fclose(a->fp);
	a->fp = NULL;
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
}

/* ---- output files named on the command line ------------------------------ */

static int same_file(const struct stat *a, const char *path)
{
	struct stat b;

	return stat(path, &b) == 0 && a->st_dev == b.st_dev &&
	       a->st_ino == b.st_ino;
}

/* The files crm keeps in a data directory besides the tables. */
static const char *const other_files[] = {CONF_NAME, "history.jsonl",
	"activities.jsonl", "forecasts.jsonl", "reminders.jsonl"};
#define NOTHER (sizeof other_files / sizeof other_files[0])

/* Is name one of the files crm keeps in a data directory? */
static int is_data_name(const char *name)
{
	if (name[0] == '.')	/* the lock, the journal, temp files */
		return 1;
	for (size_t i = 0; i < NOTHER; i++)
		if (!strcmp(name, other_files[i]))
			return 1;
	for (size_t i = 0; i < crm_ntables; i++)
		if (!strcmp(name, crm_tables[i].file))
			return 1;
	return 0;
}

int store_check_output(const struct store *s, const char *path,
		       const char *opt, struct crm_err *err)
{
	char *dir = dir_of(path), *p;
	const char *base = basename_of(path);
	struct stat st, dst;
	int bad = 0;

	/* The file itself (through any symlink or hard link) ... */
	if (stat(path, &st) == 0)
		for (size_t i = 0; i < crm_ntables + NOTHER && !bad; i++) {
			p = store_path(s, i < crm_ntables ? crm_tables[i].file
					  : other_files[i - crm_ntables]);
			bad = same_file(&st, p);
			free(p);
		}
	/* ... or a data file's name in the data directory. */
	if (!bad && stat(s->dir, &dst) == 0 && same_file(&dst, dir))
		bad = is_data_name(base);
	free(dir);
	if (bad)
		return crm_usagef(err, "%s: '%s' is a file of the data "
				  "directory", opt, path);
	return 0;
}
