/* Where things live: the database, the user's config, the shipped data; and careful file reading. */
#ifndef DISPUTE_PATHS_H
#define DISPUTE_PATHS_H

#include <stddef.h>
#include <stdio.h>

#include "dispute/layer.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_SERVICE | DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "paths.h is the service's: the core, the store and the exports do no file I/O of their own"
#endif

/* The default database path: $DISPUTE_DB, else
 * $XDG_DATA_HOME/dispute/disputes.db, else ~/.local/share/dispute/disputes.db.
 * Returns a new string (caller frees), or NULL with err set when neither
 * XDG_DATA_HOME nor HOME is set. */
char *paths_db_default(struct error *err);

/* path with a leading "~/" replaced by $HOME (a new string, caller frees);
 * other paths are copied as they are.  NULL with err set when "~/" is used
 * and HOME is not set. */
char *paths_expand_home(const char *path, struct error *err);

/* $XDG_CONFIG_HOME/dispute, else ~/.config/dispute (caller frees), or NULL. */
char *paths_config_dir(void);

/* The directory holding bank-holidays.csv and protocols/: $DISPUTE_DATADIR,
 * else data/ beside the executable when it exists (running from the build
 * tree), else the compiled-in DISPUTE_DATADIR.  Caller frees. */
char *paths_data_dir(void);

/* The file of the module NAME (src/cli/modules.c loads it): build/NAME.so
 * beside the executable when it exists (running from the build tree), else
 * NAME.so in the compiled-in DISPUTE_LIBDIR.  Caller frees. */
char *paths_module(const char *name);

/* Reads a whole regular file of at most max bytes into a new NUL-terminated
 * buffer (*out, caller frees; *len without the NUL). */
enum status paths_read_file(const char *path, size_t max, char **out, size_t *len, struct error *err);

/* What may already be at a path about to be written. */
enum paths_mode {
	PATHS_OWN,      /* a file of the program's own (the settings): whatever is there is replaced */
	PATHS_NEW,      /* a file the user named: only a name nothing has yet */
	PATHS_REPLACE   /* a file the user named, who said to replace it: a new name or a regular file */
};

/* Whether path may be written in mode: ST_OK for a name nothing has, and
 * (PATHS_REPLACE) for a regular file.  Otherwise err says why and nothing
 * should be written: "PATH is not a regular file; nothing was written"
 * (ST_INVALID: a device such as /dev/null, a directory, a FIFO, a symbolic
 * link), or (PATHS_NEW) "PATH exists" (ST_REFUSED, with MEND_FORCE: the
 * front end asks, or says how to replace it).  PATHS_OWN is always ST_OK. */
enum status paths_target_check(const char *path, enum paths_mode mode, struct error *err);

/* Opens a new private (0600) temporary file beside path, created with
 * mkstemp, to be written and then put in place by paths_tmp_close.  *tmp
 * is its name (the caller passes it to paths_tmp_close, which frees it).
 * Returns NULL with err set when it cannot be created. */
FILE *paths_tmp_open(const char *path, char **tmp, struct error *err);

/* Finishes a file from paths_tmp_open: when rc is ST_OK it is flushed,
 * synced to the disk and put in place at path as mode allows (see
 * paths_tmp_commit), so readers see the old file or the whole new one,
 * never part of it; otherwise (or on any failure) it is removed.  Returns
 * the final status; frees tmp.  It is paths_tmp_sync then
 * paths_tmp_commit, which a caller putting several files in place at once
 * calls itself: every file synced before any is renamed. */
enum status paths_tmp_close(FILE *f, char *tmp, const char *path, enum paths_mode mode, enum status rc,
                            struct error *err);
/* Flushes, syncs and closes f (tmp, to become path); on any failure, or
 * when rc is not ST_OK, removes tmp.  Returns the final status; tmp stays
 * the caller's.  A write that failed, at any point, is said in path's
 * words, whatever the caller's err held: "PATH: file too large; nothing
 * was saved" for a file-size limit (EFBIG), else "cannot write PATH:
 * REASON; nothing was changed". */
enum status paths_tmp_sync(FILE *f, const char *tmp, const char *path, enum status rc, struct error *err);
/* Puts tmp in place at path and syncs the directory (tmp removed on
 * failure).  PATHS_NEW links it there, so a file that appeared at path
 * since it was checked is never replaced; PATHS_REPLACE checks path again
 * with paths_target_check and renames over it; PATHS_OWN renames. */
enum status paths_tmp_commit(const char *tmp, const char *path, enum paths_mode mode, struct error *err);

/* For many files at once (a directory of invites): paths_tmp_flush is
 * paths_tmp_sync without the sync of each file, paths_sync_all then makes
 * every file written on dir's file system durable in one call (syncfs),
 * paths_tmp_place is paths_tmp_commit without the sync of the directory,
 * and paths_dir_sync syncs the directory once for all the names. */
enum status paths_tmp_flush(FILE *f, const char *tmp, const char *path, enum status rc, struct error *err);
enum status paths_sync_all(const char *dir, struct error *err);
enum status paths_tmp_place(const char *tmp, const char *path, enum paths_mode mode, struct error *err);
void paths_dir_sync(const char *path);

/* Writes text[0..len) to path as paths_target_check, paths_tmp_open and
 * paths_tmp_close do in mode, creating path's directory (0700) when it is
 * missing. */
enum status paths_write_private(const char *path, const char *text, size_t len, enum paths_mode mode,
                                struct error *err);

/* mkdir -p with mode 0700 for the directories it creates. */
enum status paths_mkdir_private(const char *dir, struct error *err);

#endif
