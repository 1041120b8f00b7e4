/* `dispute export --csv`: every table as one private file, all from one snapshot, put in place together or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispute/paths.h"
#include "dispute/service.h"
#include "dispute/store.h"

struct table_file {
	char *tmp;              /* the temporary file, NULL once renamed or removed */
	char *path;             /* its final name */
	FILE *fp;
	int rows;               /* rows written, the header among them */
	struct sb line;         /* one row at a time, reused */
	void (*format)(struct sb *line, int n, const char *const *cells);
};

static int table_row(int n, const char *const *cells, void *arg)
{
	struct table_file *tf = arg;

	tf->line.len = 0;
	if (tf->line.s)
		tf->line.s[0] = '\0';
	tf->format(&tf->line, n, cells);
	/* A failed write stops the table; paths_tmp_sync says why. */
	if (fwrite(tf->line.s, 1, tf->line.len, tf->fp) != tf->line.len)
		return 1;
	tf->rows++;
	return 0;
}

enum status svc_export_tables(struct ctx *c, const char *dir, bool include_subject, bool replace,
                              void (*row)(struct sb *line, int n, const char *const *cells), int rows[TABLE_COUNT],
                              struct journal_head *head, struct error *err)
{
	enum paths_mode mode = replace ? PATHS_REPLACE : PATHS_NEW;
	struct table_file files[TABLE_COUNT];
	struct stat st;
	enum status rc;
	bool own = false;
	int t;

	memset(files, 0, sizeof(files));
	if (!dir || !*dir)
		return error_set(err, ST_USAGE, "the export needs a directory");
	if ((rc = paths_mkdir_private(dir, err)) != ST_OK)
		return rc;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return error_set(err, ST_IO, "%s is not a directory", dir);
	for (t = 0; t < TABLE_COUNT; t++)
		files[t].path = xasprintf("%s/%s.csv", dir, export_table_name((enum export_table)t));
	/* Every name is checked before anything is read or written: an
	 * earlier export is replaced only when asked, and never a device. */
	for (t = 0; rc == ST_OK && t < TABLE_COUNT; t++)
		rc = paths_target_check(files[t].path, mode, err);
	/* One read transaction: the files describe one state of the database. */
	if (rc == ST_OK)
		rc = store_snapshot_begin(c->store, &own, err);
	if (rc == ST_OK)
		rc = store_head(c->store, head, err);
	for (t = 0; rc == ST_OK && t < TABLE_COUNT; t++) {
		struct table_file *tf = &files[t];

		tf->format = row;
		if (!(tf->fp = paths_tmp_open(tf->path, &tf->tmp, err))) {
			rc = ST_IO;
			break;
		}
		rc = store_table_rows(c->store, (enum export_table)t, include_subject, table_row, tf, err);
		rc = paths_tmp_sync(tf->fp, tf->tmp, tf->path, rc, err);
		tf->fp = NULL;
		if (rc != ST_OK) {
			free(tf->tmp);
			tf->tmp = NULL;
		}
		/* The header is not a data row. */
		rows[t] = tf->rows - 1;
	}
	store_snapshot_end(c->store, own);
	/* Every file is complete and on the disk before any is put in place. */
	for (t = 0; rc == ST_OK && t < TABLE_COUNT; t++) {
		rc = paths_tmp_commit(files[t].tmp, files[t].path, mode, err);
		free(files[t].tmp);
		files[t].tmp = NULL;
	}
	for (t = 0; t < TABLE_COUNT; t++) {
		if (files[t].fp)
			fclose(files[t].fp);
		if (files[t].tmp)
			unlink(files[t].tmp);
		free(files[t].tmp);
		free(files[t].path);
		free(files[t].line.s);
	}
	return rc;
}
