/* The user's settings file: who they are (the organizer of invites) and how invites remind them. */
#ifndef DISPUTE_CONFIG_H
#define DISPUTE_CONFIG_H

#include "dispute/layer.h"
#include "dispute/util.h"

#if !DISPUTE_LAYER_IN(DISPUTE_LAYER_SERVICE | DISPUTE_LAYER_TUI | DISPUTE_LAYER_TERM | DISPUTE_LAYER_CLI)
#error "config.h reads and writes the settings file: the core and the exports take its values"
#endif

/* Owned strings; NULL when not set.  Free with config_free. */
struct config {
	char *path;     /* the file: CONFIG_DIR/config */
	char *name;     /* [user] name */
	char *role;     /* [user] role: signs records after the name, "Siân Roberts (DSL)" */
	char *protocol; /* [user] protocol: the new-dispute form's first choice */
	char *email;    /* [user] email */
	char *phone;    /* [user] phone: the callback number on invites */
	char *alarms;   /* [invites] alarms: comma-separated RFC 5545 durations */
	char *backup_days; /* [backup] remind_days: the workbench reminds after this many days
	                      without a backup (0: never); NULL: CONFIG_BACKUP_DAYS */
	char *agency;   /* [user] agency: the user's own agency, whose closure days `closure add` adds */
	char *mail_command; /* [mail] command: a sendmail-compatible command that reads the message,
	                       recipients included, on standard input ("msmtp -t"); NULL: none */
};

/* Reads dir/config (INI).  A missing file is not an error; a malformed
 * one is refused with "path:line: reason". */
enum status config_load(const char *dir, struct config *cfg, struct error *err);

/* Writes cfg to cfg->path (creating the directory 0700 and the file 0600)
 * through a temporary file and rename, so a crash leaves the old or the
 * new file, never half of one.  Values must be single-line text. */
enum status config_save(const struct config *cfg, struct error *err);

void config_free(struct config *cfg);

#define CONFIG_BACKUP_DAYS 7
/* [backup] remind_days as a number: CONFIG_BACKUP_DAYS when not set.
 * Returns -1 for a value that is not a whole number from 0 to 3650. */
int config_backup_days(const struct config *cfg);

/* Who signs records: "name (role)", "name", or NULL when no name is set.
 * A new string; the caller frees it. */
char *config_signature(const struct config *cfg);

#endif
