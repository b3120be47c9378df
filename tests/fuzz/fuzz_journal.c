/* fuzz_journal.c - a damaged .commit journal: carried out or refused,
 * never a crash, and never a file outside the directory's own */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];

/* Back to a directory of one temp file and one table, one log. */
static void reset(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[128];
	FILE *fp;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' || e->d_name[1] == 't' ||
		    e->d_name[1] == 'c') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	snprintf(path, sizeof path, "%s/.tmp-customers.csv.AAAAAA", dir);
	if ((fp = fopen(path, "w"))) {
		fputs("id,name\n", fp);
		fclose(fp);
	}
	snprintf(path, sizeof path, "%s/history.jsonl", dir);
	if ((fp = fopen(path, "w"))) {
		fputs("{\"a\":1}\n{\"b\":", fp);
		fclose(fp);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_err err = {0};
	char path[128];
	FILE *fp;

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz-journal-%d", (int)getpid());
		mkdir(dir, 0700);
	}
	reset();
	snprintf(path, sizeof path, "%s/.commit", dir);
	if (!(fp = fopen(path, "w")))
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	journal_recover(dir, &err);
	return 0;
}
