/* Reads and writes the user's settings file ($XDG_CONFIG_HOME/dispute/config, INI). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "dispute/config.h"
#include "dispute/dispute.h"
#include "dispute/paths.h"

#define CONFIG_MAX (64 * 1024)

struct parse {
	struct config *cfg;
	char problem[sizeof(((struct error *)0)->msg)];
	int line;
};

static char **config_slot(struct config *cfg, const char *section, const char *key)
{
	if (strcmp(section, "user") == 0 && strcmp(key, "name") == 0)
		return &cfg->name;
	if (strcmp(section, "user") == 0 && strcmp(key, "role") == 0)
		return &cfg->role;
	if (strcmp(section, "user") == 0 && strcmp(key, "protocol") == 0)
		return &cfg->protocol;
	if (strcmp(section, "user") == 0 && strcmp(key, "email") == 0)
		return &cfg->email;
	if (strcmp(section, "user") == 0 && strcmp(key, "phone") == 0)
		return &cfg->phone;
	if (strcmp(section, "user") == 0 && strcmp(key, "agency") == 0)
		return &cfg->agency;
	if (strcmp(section, "invites") == 0 && strcmp(key, "alarms") == 0)
		return &cfg->alarms;
	if (strcmp(section, "backup") == 0 && strcmp(key, "remind_days") == 0)
		return &cfg->backup_days;
	if (strcmp(section, "mail") == 0 && strcmp(key, "command") == 0)
		return &cfg->mail_command;
	return NULL;
}

static int on_value(void *user, const char *section, const char *key, const char *value, int line)
{
	struct parse *p = user;
	char **slot = config_slot(p->cfg, section, key);

	if (p->problem[0])
		return 1;
	if (!slot) {
		snprintf(p->problem, sizeof(p->problem), "unknown setting '%s' in [%s]", key, section);
		p->line = line;
		return 1;
	}
	free(*slot);
	*slot = *value ? xstrdup(value) : NULL;
	if (*slot) {
		struct error err;

		if (text_check(*slot, false, 512, key, &err) != ST_OK) {
			snprintf(p->problem, sizeof(p->problem), "%s", err.msg);
			p->line = line;
		} else if (slot == &p->cfg->backup_days && config_backup_days(p->cfg) < 0) {
			snprintf(p->problem, sizeof(p->problem), "remind_days must be a number of days from 0 to 3650");
			p->line = line;
		}
	}
	return 1;
}

/* inih's plain handler has no line number; ini_parse_string_length is not
 * in every Debian release, so count lines by reading the text ourselves. */
struct reader {
	const char *p;
	int line;
	struct parse *parse;
};

static char *read_line(char *buf, int size, void *stream)
{
	struct reader *r = stream;
	int n = 0;

	if (!*r->p)
		return NULL;
	while (*r->p && n < size - 1) {
		char ch = *r->p++;
		buf[n++] = ch;
		if (ch == '\n')
			break;
	}
	buf[n] = '\0';
	r->line++;
	return buf;
}

static int on_value_counted(void *user, const char *section, const char *key, const char *value)
{
	struct reader *r = user;
	return on_value(r->parse, section, key, value, r->line);
}

enum status config_load(const char *dir, struct config *cfg, struct error *err)
{
	struct parse p = { cfg, "", 0 };
	struct reader r;
	char *text = NULL;
	size_t len;
	enum status rc;
	int irc;

	memset(cfg, 0, sizeof(*cfg));
	if (!dir)
		return ST_OK;
	cfg->path = xasprintf("%s/config", dir);
	if (access(cfg->path, F_OK) != 0)
		return ST_OK;
	if ((rc = paths_read_file(cfg->path, CONFIG_MAX, &text, &len, err)))
		return rc;
	if (strlen(text) != len) {
		free(text);
		return error_set(err, ST_INVALID, "%s: contains a NUL byte", cfg->path);
	}
	r.p = text;
	r.line = 0;
	r.parse = &p;
	irc = ini_parse_stream(read_line, &r, on_value_counted, &r);
	free(text);
	if (p.problem[0])
		return error_set(err, ST_INVALID, "%s:%d: %s", cfg->path, p.line, p.problem);
	if (irc > 0)
		return error_set(err, ST_INVALID, "%s:%d: not a 'key = value' line or [section]", cfg->path, irc);
	if (irc < 0)
		return error_set(err, ST_IO, "%s: cannot be read", cfg->path);
	return ST_OK;
}

static enum status check_value(const char *what, const char *v, struct error *err)
{
	char *copy;
	enum status rc;

	if (!v)
		return ST_OK;
	copy = xstrdup(v);
	rc = text_check(copy, false, 512, what, err);
	free(copy);
	return rc;
}

enum status config_save(const struct config *cfg, struct error *err)
{
	char *dir, *slash, *tmp;
	FILE *f;
	enum status rc;

	if ((rc = check_value("the name", cfg->name, err)) || (rc = check_value("the role", cfg->role, err)) ||
	    (rc = check_value("the protocol", cfg->protocol, err)) || (rc = check_value("the email", cfg->email, err)) ||
	    (rc = check_value("the phone number", cfg->phone, err)) ||
	    (rc = check_value("the alarms", cfg->alarms, err)) || (rc = check_value("the agency", cfg->agency, err)) ||
	    (rc = check_value("the mail command", cfg->mail_command, err)))
		return rc;
	if (config_backup_days(cfg) < 0)
		return error_set(err, ST_INVALID, "the backup reminder must be a number of days from 0 to 3650");
	dir = xstrdup(cfg->path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = slash ? paths_mkdir_private(dir, err) : ST_OK;
	free(dir);
	if (rc)
		return rc;
	if (!(f = paths_tmp_open(cfg->path, &tmp, err)))
		return ST_IO;
	fprintf(f, "# dispute settings; see dispute(1)\n[user]\n");
	if (cfg->name)
		fprintf(f, "name = %s\n", cfg->name);
	if (cfg->role)
		fprintf(f, "role = %s\n", cfg->role);
	if (cfg->protocol)
		fprintf(f, "protocol = %s\n", cfg->protocol);
	if (cfg->email)
		fprintf(f, "email = %s\n", cfg->email);
	if (cfg->phone)
		fprintf(f, "phone = %s\n", cfg->phone);
	if (cfg->agency)
		fprintf(f, "agency = %s\n", cfg->agency);
	if (cfg->alarms)
		fprintf(f, "\n[invites]\nalarms = %s\n", cfg->alarms);
	if (cfg->backup_days)
		fprintf(f, "\n[backup]\nremind_days = %s\n", cfg->backup_days);
	if (cfg->mail_command)
		fprintf(f, "\n[mail]\ncommand = %s\n", cfg->mail_command);
	return paths_tmp_close(f, tmp, cfg->path, PATHS_OWN, ST_OK, err);
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->name);
	free(cfg->role);
	free(cfg->protocol);
	free(cfg->email);
	free(cfg->phone);
	free(cfg->alarms);
	free(cfg->backup_days);
	free(cfg->agency);
	free(cfg->mail_command);
	memset(cfg, 0, sizeof(*cfg));
}

char *config_signature(const struct config *cfg)
{
	if (!cfg->name)
		return NULL;
	return cfg->role ? xasprintf("%s (%s)", cfg->name, cfg->role) : xstrdup(cfg->name);
}

int config_backup_days(const struct config *cfg)
{
	const char *v = cfg->backup_days;
	char *end;
	long n;

	if (!v)
		return CONFIG_BACKUP_DAYS;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || *v == '-' || *v == '+' || n < 0 || n > 3650)
		return -1;
	return (int)n;
}
