/* git.c - running git for crm git-setup, merge-driver and sync */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crm.h"

int file_read_all(const char *path, struct buf *out, struct crm_err *err)
{
	FILE *fp = fopen(path, "r");
	char chunk[65536];
	size_t n;

	if (!fp)
		return errno == ENOENT ? 0 : crm_errf(err, NULL, 0,
			"cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(out, chunk, n);
	if (ferror(fp)) {
		fclose(fp);
		return crm_errf(err, NULL, 0, "cannot read %s: %s", path,
				strerror(errno));
	}
	fclose(fp);
	return 0;
}

/* The child: in dir, stdout to the pipe (or our stderr), then git. */
static void child(const char *dir, const char *const *args, int wfd,
		  int quiet)
{
	int null;

	if (dir && chdir(dir) < 0)
		_exit(127);
	if (dup2(wfd >= 0 ? wfd : 2, 1) < 0)
		_exit(127);
	if (quiet && (null = open("/dev/null", O_WRONLY)) >= 0)
		dup2(null, 2);
	execvp("git", (char *const *)args);
	_exit(127);
}

int git_run(const char *dir, const char *const *args, struct buf *out,
	    int quiet, struct crm_err *err)
{
	int fd[2] = {-1, -1}, status;
	char chunk[8192];
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (out && pipe(fd) < 0)
		return crm_errf(err, NULL, 0, "cannot run git: %s",
				strerror(errno));
	if ((pid = fork()) < 0) {
		if (out) {
			close(fd[0]);
			close(fd[1]);
		}
		return crm_errf(err, NULL, 0, "cannot run git: %s",
				strerror(errno));
	}
	if (pid == 0) {
		if (out)
			close(fd[0]);
		child(dir, args, out ? fd[1] : -1, quiet);
	}
	if (out) {
		close(fd[1]);
		while ((n = read(fd[0], chunk, sizeof chunk)) > 0 ||
		       (n < 0 && errno == EINTR))
			if (n > 0)
				buf_add(out, chunk, (size_t)n);
		close(fd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return crm_errf(err, NULL, 0, "cannot run git: %s",
					strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return crm_errf(err, NULL, 0, "cannot run git (is it "
				"installed?)");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* git's one line of output, its newline cut; NULL when git failed. */
char *git_line(const char *dir, const char *const *args)
{
	struct buf b = {0};
	struct crm_err e = {0};
	char *s;

	if (git_run(dir, args, &b, 1, &e) != 0) {
		buf_free(&b);
		return NULL;
	}
	s = xstrdup(b.s ? b.s : "");
	s[strcspn(s, "\n")] = '\0';
	buf_free(&b);
	return s;
}
