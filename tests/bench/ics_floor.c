/* The floor for `dispute export-ics --open --to DIR`: N invites of the same shape (all-day deadline, organizer, attendee, description of the same length, a reminder) built with libical alone, one calendar file each in DIR.
 *
 * With DB, each invite is also journalled there as the command journals
 * it, through the bare libraries: a record of the same length sealed with
 * SHA-256 (Nettle) over the same fields after the seal before, and the
 * invite's row, written by statements prepared once, in one transaction,
 * with the schema's own triggers doing the rest.  The new records go into the search index in
 * one statement at the end, the statement of the schema's own trigger
 * (search_records_add), which is dropped for the transaction and made
 * again: indexing a record at a time costs several times as much.  Its
 * files are written as the command writes them, so that none is ever seen
 * half written or without its record: each beside its place under a name
 * of its own (mkstemp), all made durable together (syncfs) before the
 * commit, and renamed into place after it.
 *
 * usage: ics_floor N DIR [DB] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>
#include <nettle/sha2.h>
#include <sqlite3.h>

/* The journal: statements and the chain's last seal. */
struct journal {
	sqlite3 *db;
	sqlite3_stmt *ids, *record, *invite;
	long long first, next;
	char *trigger;      /* the search trigger's CREATE statement */
	unsigned char prev[SHA256_DIGEST_SIZE];
};

static int fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "ics_floor: %s: %s\n", what, sqlite3_errmsg(db));
	return 1;
}

static int journal_open(struct journal *j, const char *path, long n)
{
	sqlite3_stmt *tip;

	memset(j, 0, sizeof(*j));
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return fail(j->db, path);
	if (sqlite3_exec(j->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; BEGIN IMMEDIATE", NULL, NULL,
	                 NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "SELECT id FROM disputes WHERE status = 'open' ORDER BY id LIMIT ?1", -1, &j->ids,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "INSERT INTO records(id, dispute_id, day, minute, kind, stage, author, text, "
	                       "created, state, prev, hash) VALUES (?1, ?2, '2026-11-27', 540, 'event', 1, "
	                       "'Siân Roberts', ?3, '2026-11-27T09:00:00Z', ?4, ?5, ?6)", -1, &j->record,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "INSERT INTO invites(dispute_id, stage, attendee, uid, sequence, method, due) "
	                       "VALUES (?1, 1, 'zoe@example.org', ?2, 0, 'REQUEST', '2026-11-28') "
	                       "ON CONFLICT(dispute_id, stage, attendee) DO UPDATE SET uid = excluded.uid, "
	                       "sequence = excluded.sequence, method = excluded.method, due = excluded.due", -1,
	                       &j->invite, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "SELECT coalesce(max(id), 0) + 1, (SELECT hash FROM records ORDER BY id DESC "
	                       "LIMIT 1) FROM records", -1, &tip, NULL) != SQLITE_OK)
		return fail(j->db, "prepare");
	if (sqlite3_step(tip) != SQLITE_ROW)
		return fail(j->db, "the chain's tip");
	j->first = j->next = sqlite3_column_int64(tip, 0);
	if (sqlite3_column_bytes(tip, 1) == SHA256_DIGEST_SIZE)
		memcpy(j->prev, sqlite3_column_blob(tip, 1), SHA256_DIGEST_SIZE);
	sqlite3_finalize(tip);
	sqlite3_bind_int64(j->ids, 1, n);
	if (sqlite3_prepare_v2(j->db, "SELECT sql FROM sqlite_schema WHERE name = 'search_records_add'", -1, &tip,
	                       NULL) != SQLITE_OK || sqlite3_step(tip) != SQLITE_ROW)
		return fail(j->db, "the search trigger");
	j->trigger = strdup((const char *)sqlite3_column_text(tip, 0));
	sqlite3_finalize(tip);
	if (sqlite3_exec(j->db, "DROP TRIGGER search_records_add", NULL, NULL, NULL) != SQLITE_OK)
		return fail(j->db, "the search trigger");
	return 0;
}

/* The trigger's INSERT ... VALUES (row of NEW) as INSERT ... SELECT over
 * the records written. */
static char *index_sql(const char *trigger, long long first)
{
	const char *insert = strstr(trigger, "INSERT INTO"), *values = strstr(trigger, "VALUES ("),
		*end = strrchr(trigger, ')');
	char *sql, *out;

	if (!insert || !values || !end || end < values || values < insert)
		return NULL;
	out = sql = malloc(strlen(trigger) + 64);
	out += sprintf(out, "%.*sSELECT ", (int)(values - insert), insert);
	for (const char *p = values + 8; p < end; p++) {
		if (strncmp(p, "NEW.", 4) == 0)
			p += 4;
		*out++ = *p;
	}
	sprintf(out, " FROM records WHERE id >= %lld", first);
	return sql;
}

/* Journals one invite to the next open dispute. */
static int journal_one(struct journal *j, const char *uid, const char *file)
{
	char text[4400], state[256], id_text[24], dispute_text[24];
	const char *fields[] = { id_text, dispute_text, "2026-11-27", "540", "event", "1", "Siân Roberts", text, NULL,
	                         "2026-11-27T09:00:00Z", state };
	unsigned char hash[SHA256_DIGEST_SIZE];
	struct sha256_ctx md;
	long long id;

	if (sqlite3_step(j->ids) != SQLITE_ROW)
		return fail(j->db, "fewer open disputes than invites");
	id = sqlite3_column_int64(j->ids, 0);
	snprintf(text, sizeof(text), "Invite for stage 1 written to %s for Zoë O'Brien <zoe@example.org>: REQUEST, "
	         "sequence 0 (sent again).", file);
	snprintf(state, sizeof(state), "invite.1.to=zoe@example.org");
	/* The fields dispute seals, each framed by its length, after the
	 * seal before (store_chain.c, chain_seal). */
	snprintf(id_text, sizeof(id_text), "%lld", j->next);
	snprintf(dispute_text, sizeof(dispute_text), "%lld", id);
	sha256_init(&md);
	sha256_update(&md, 18, (const uint8_t *)"dispute-journal-1\n");
	sha256_update(&md, sizeof(j->prev), j->prev);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		unsigned char head[9] = {0};
		size_t n = fields[i] ? strlen(fields[i]) : 0;

		head[0] = fields[i] != NULL;
		for (int b = 0; b < 8; b++)
			head[1 + b] = (unsigned char)((unsigned long long)n >> (56 - 8 * b));
		sha256_update(&md, fields[i] ? sizeof(head) : 1, head);
		sha256_update(&md, n, (const uint8_t *)(fields[i] ? fields[i] : ""));
	}
	sha256_digest(&md, sizeof(hash), hash);
	sqlite3_bind_int64(j->record, 1, j->next++);
	sqlite3_bind_int64(j->record, 2, id);
	sqlite3_bind_text(j->record, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->record, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_blob(j->record, 5, j->prev, sizeof(j->prev), SQLITE_STATIC);
	sqlite3_bind_blob(j->record, 6, hash, sizeof(hash), SQLITE_STATIC);
	if (sqlite3_step(j->record) != SQLITE_DONE)
		return fail(j->db, "the record");
	sqlite3_reset(j->record);
	memcpy(j->prev, hash, sizeof(hash));
	sqlite3_bind_int64(j->invite, 1, id);
	sqlite3_bind_text(j->invite, 2, uid, -1, SQLITE_STATIC);
	if (sqlite3_step(j->invite) != SQLITE_DONE)
		return fail(j->db, "the invite");
	sqlite3_reset(j->invite);
	return 0;
}

static int journal_close(struct journal *j)
{
	int rc = 0;

	sqlite3_finalize(j->ids);
	sqlite3_finalize(j->record);
	sqlite3_finalize(j->invite);
	char *sql = index_sql(j->trigger, j->first);
	if (!sql || sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(j->db, j->trigger, NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(j->db, "the search index");
	else if (sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(j->db, "commit");
	free(sql);
	free(j->trigger);
	sqlite3_close(j->db);
	return rc;
}

static icalproperty *person(int organizer, const char *cn, const char *uri)
{
	icalproperty *p = organizer ? icalproperty_new_organizer(uri) : icalproperty_new_attendee(uri);

	icalproperty_add_parameter(p, icalparameter_new_cn(cn));
	if (!organizer) {
		icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

static void add_alarm(icalcomponent *ev, const char *text, const char *when)
{
	icalcomponent *a = icalcomponent_new_valarm();
	struct icaltriggertype trig;

	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_string(when);
	icalcomponent_add_property(a, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(a, icalproperty_new_description(text));
	icalcomponent_add_property(a, icalproperty_new_trigger(trig));
	icalcomponent_add_component(ev, a);
}

int main(int argc, char **argv)
{
	struct journal j;
	char **tmp = NULL;
	long n;

	if ((argc != 3 && argc != 4) || (n = atol(argv[1])) < 0) {
		fputs("usage: ics_floor N DIR [DB]\n", stderr);
		return 2;
	}
	if (argc == 4 && (journal_open(&j, argv[3], n) != 0 || !(tmp = calloc((size_t)n + 1, sizeof(*tmp)))))
		return 1;
	for (long i = 0; i < n; i++) {
		FILE *out;
		char path[4096];
		icalcomponent *ev = icalcomponent_new_vevent();
		struct icaltimetype day = icaltime_null_date(), next;
		char uid[64], summary[96], desc[640];
		char *text;

		day.year = 2026;
		day.month = 11;
		day.day = 1 + (int)(i % 28);
		next = day;
		icaltime_adjust(&next, 1, 0, 0, 0);
		snprintf(uid, sizeof(uid), "D-2026-%04ld.stage1.294d10b489621c96@dispute", i);
		snprintf(summary, sizeof(summary), "D-2026-%04ld: stage 1 deadline (Preventing disputes)", i);
		snprintf(desc, sizeof(desc), "Dispute D-2026-%04ld is at stage 1 of 4 (Preventing disputes).\n"
		         "Due: 2026-11-%02d.\nTo be recorded at this stage: Agreed action, fed back immediately to the "
		         "relevant managers; the detail of the conflict and agreements reached, on the child's file.\n"
		         "Protocol: Conflict Resolution Policy (Resolving Professional Differences), Safeguarding "
		         "Children Board (not named in the source).\nAgencies: Adult Social Care and Hillside Primary.\n"
		         "Call back: Siân Roberts, sian@example.org.", i, day.day);
		icalcomponent_add_property(ev, icalproperty_new_uid(uid));
		icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_string("20261127T090000Z")));
		icalcomponent_add_property(ev, icalproperty_new_sequence(0));
		icalcomponent_add_property(ev, icalproperty_new_dtstart(day));
		icalcomponent_add_property(ev, icalproperty_new_dtend(next));
		icalcomponent_add_property(ev, icalproperty_new_summary(summary));
		icalcomponent_add_property(ev, icalproperty_new_description(desc));
		icalcomponent_add_property(ev, person(1, "Siân Roberts", "mailto:sian@example.org"));
		icalcomponent_add_property(ev, person(0, "Zoë O'Brien", "mailto:zoe@example.org"));
		icalcomponent_add_property(ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
		icalcomponent_add_property(ev, icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL));
		icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
		add_alarm(ev, summary, "-PT15H");
		snprintf(path, sizeof(path), "%s/D-2026-%04ld-stage1.ics", argv[2], i);
		if (argc == 4) {
			int fd;

			if (asprintf(&tmp[i], "%s.XXXXXX", path) < 0 || (fd = mkstemp(tmp[i])) < 0 ||
			    !(out = fdopen(fd, "w"))) {
				perror(path);
				return 1;
			}
		} else if (!(out = fopen(path, "w"))) {
			perror(path);
			return 1;
		}
		fputs("BEGIN:VCALENDAR\r\nPRODID:-//floor//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"
		      "METHOD:REQUEST\r\n", out);
		text = icalcomponent_as_ical_string_r(ev);
		fputs(text, out);
		fputs("END:VCALENDAR\r\n", out);
		free(text);
		icalcomponent_free(ev);
		if (fclose(out) != 0)
			return 1;
		if (argc == 4 && journal_one(&j, uid, path) != 0)
			return 1;
	}
	if (argc == 4) {
		int dir = open(argv[2], O_RDONLY | O_DIRECTORY);

		if (dir < 0 || syncfs(dir) != 0) {
			perror(argv[2]);
			return 1;
		}
		close(dir);
		if (journal_close(&j) != 0)
			return 1;
		for (long i = 0; i < n; i++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/D-2026-%04ld-stage1.ics", argv[2], i);
			if (rename(tmp[i], path) != 0) {
				perror(tmp[i]);
				return 1;
			}
			free(tmp[i]);
		}
		free(tmp);
	}
	return 0;
}
