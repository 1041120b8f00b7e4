/* `dispute export --csv`: one private RFC 4180 file per table, each written under a temporary name and renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispute/paths.h"
#include "dispute/report.h"

struct csv_file {
	char *tmp;              /* the temporary file, NULL once renamed or removed */
	char *path;             /* its final name */
	FILE *fp;
	int rows;               /* data rows written, the header not counted */
	bool failed;            /* a write failed; errno_saved says why */
	int errno_saved;
	struct sb line;         /* one row at a time, reused */
};

static int csv_file_row(int n, const char *const *cells, void *arg)
{
	struct csv_file *cf = arg;

	cf->line.len = 0;
	if (cf->line.s)
		cf->line.s[0] = '\0';
	csv_row(&cf->line, n, cells);
	if (fwrite(cf->line.s, 1, cf->line.len, cf->fp) != cf->line.len) {
		cf->failed = true;
		cf->errno_saved = errno;
		return 1;
	}
	cf->rows++;
	return 0;
}

/* Opens a new private temporary file beside cf->path. */
static enum status csv_file_open(struct csv_file *cf, struct error *err)
{
	int fd;

	cf->tmp = xasprintf("%s.XXXXXX", cf->path);
	/* mkstemp makes the file 0600 whatever the umask. */
	fd = mkstemp(cf->tmp);
	if (fd < 0) {
		enum status rc = error_set(err, ST_IO, "cannot create a file beside %s: %s", cf->path, strerror(errno));
		free(cf->tmp);
		cf->tmp = NULL;
		return rc;
	}
	cf->fp = fdopen(fd, "wb");
	if (!cf->fp) {
		enum status rc = error_set(err, ST_IO, "cannot write %s: %s", cf->tmp, strerror(errno));
		close(fd);
		return rc;
	}
	return ST_OK;
}

/* Flushes the file to the disk and closes it. */
static enum status csv_file_close(struct csv_file *cf, struct error *err)
{
	FILE *fp = cf->fp;
	int e = 0;

	cf->fp = NULL;
	if (!fp)
		return ST_OK;
	if (cf->failed)
		e = cf->errno_saved ? cf->errno_saved : EIO;
	else if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		e = errno;
	if (fclose(fp) != 0 && !e)
		e = errno;
	if (e)
		return error_set(err, ST_IO, "cannot write %s: %s; nothing was replaced", cf->path, strerror(e));
	return ST_OK;
}

enum status report_export_csv(struct ctx *c, const char *dir, bool include_subject, int rows[TABLE_COUNT],
                              struct error *err)
{
	struct csv_file files[TABLE_COUNT];
	struct stat st;
	enum status rc;
	bool own = false;
	int t, dfd;

	memset(files, 0, sizeof(files));
	if (!dir || !*dir)
		return error_set(err, ST_USAGE, "export --csv needs a directory");
	if ((rc = paths_mkdir_private(dir, err)) != ST_OK)
		return rc;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return error_set(err, ST_IO, "%s is not a directory", dir);
	/* One read transaction: the six files describe one state of the database. */
	rc = store_snapshot_begin(c->store, &own, err);
	for (t = 0; rc == ST_OK && t < TABLE_COUNT; t++) {
		struct csv_file *cf = &files[t];

		cf->path = xasprintf("%s/%s.csv", dir, store_table_name((enum store_table)t));
		rc = csv_file_open(cf, err);
		if (rc == ST_OK)
			rc = store_table_rows(c->store, (enum store_table)t, include_subject, csv_file_row, cf, err);
		if (rc == ST_OK || cf->failed) {
			/* The header is not a data row. */
			cf->rows--;
			enum status crc = csv_file_close(cf, err);
			if (rc == ST_OK)
				rc = crc;
		}
	}
	store_snapshot_end(c->store, own);
	/* Every file is complete before any is put in place. */
	for (t = 0; rc == ST_OK && t < TABLE_COUNT; t++) {
		if (rename(files[t].tmp, files[t].path) != 0) {
			rc = error_set(err, ST_IO, "cannot rename %s to %s: %s", files[t].tmp, files[t].path,
			               strerror(errno));
			break;
		}
		free(files[t].tmp);
		files[t].tmp = NULL;
		rows[t] = files[t].rows;
	}
	if (rc == ST_OK && (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		/* The renames themselves reach the disk with the directory. */
		fsync(dfd);
		close(dfd);
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
