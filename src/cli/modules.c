/* Stand-ins for the calendar's and the terminal's functions that load their module the first time one is called (include/dispute/modules.h says why). */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "cli_impl.h"
#include "dispute/ics.h"
#include "dispute/imip.h"
#include "dispute/modules.h"
#include "dispute/paths.h"
#include "dispute/term.h"

/* The table `symbol` of the module `name` (calendar, terminal), loaded
 * once and kept for the life of the process (GLib cannot be unloaded);
 * NULL with err set when the file is missing, is not a module of dispute,
 * or came from another build.  Every table starts with its abi string. */
static const void *module_load(const char *name, const char *symbol, struct error *err)
{
	char *path = paths_module(name);
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	const char *const *table;

	if (!h) {
		error_set(err, ST_IO, "cannot load the %s module (%s): install dispute again", name, dlerror());
		free(path);
		return NULL;
	}
	table = dlsym(h, symbol);
	if (!table || !*table || strcmp(*table, DISPUTE_ABI) != 0) {
		error_set(err, ST_IO, "%s is not the %s module of this build of dispute (%s): install dispute again",
		          path, name, DISPUTE_ABI);
		dlclose(h);
		free(path);
		return NULL;
	}
	free(path);
	return table;
}

static const struct calendar_module *calendar(struct error *err)
{
	static const struct calendar_module *m;

	if (!m)
		m = module_load("calendar", CALENDAR_MODULE_SYMBOL, err);
	return m;
}

enum status ics_alarms_check(const char *alarms, struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_alarms_check(alarms, err) : ST_IO;
}

enum status ics_zone_check(const char *tzid, const char *protocol, struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_zone_check(tzid, protocol, err) : ST_IO;
}

enum status ics_utc_to_local(const char *tzid, const char *utc, long *day, int *minute, struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_utc_to_local(tzid, utc, day, minute, err) : ST_IO;
}

enum status ics_begin(FILE *out, enum itip_method method, const char *tzid, long tz_from, struct ics_writer **w,
                      struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_begin(out, method, tzid, tz_from, w, err) : ST_IO;
}

enum status ics_event(struct ics_writer *w, const struct ics_settings *set, const struct ics_item *it,
                      struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_event(w, set, it, err) : ST_IO;
}

enum status ics_end(struct ics_writer *w, struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->ics_end(w, err) : ST_IO;
}

enum status imip_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                       const struct itip_msg *msgs, size_t n, const char *cal, size_t len, char **out,
                       size_t *outlen, struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->imip_build(s, d, p, msgs, n, cal, len, out, outlen, err) : ST_IO;
}

enum status imip_reply_read(const char *bytes, size_t len, struct itip_reply *r, char proposed_utc[17],
                            struct error *err)
{
	const struct calendar_module *m = calendar(err);

	return m ? m->imip_reply_read(bytes, len, r, proposed_utc, err) : ST_IO;
}

int term_run(struct ctx *c, term_clock_fn *now)
{
	static const struct terminal_module *m;
	struct error err;

	if (!m && !(m = module_load("terminal", TERMINAL_MODULE_SYMBOL, &err)))
		return cli_fail(&err);
	return m->term_run(c, now);
}
