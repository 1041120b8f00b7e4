/* The journal as evidence on the command line: `verify`, and the head seal at the foot of what leaves the machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/text.h"

static const char *const finding_names[] = {
	[FIND_INTEGRITY] = "file",
	[FIND_SCHEMA] = "schema",
	[FIND_CHAIN] = "chain",
	[FIND_REPLAY] = "replay",
};

struct verify_out {
	bool json;
	struct sb sb;
	size_t n;
};

/* Messages can hold what is in the file (a trigger's name, a field's
 * value): they are cleaned like any other stored text. */
static int put_finding(const struct finding *f, void *ctx)
{
	struct verify_out *o = ctx;
	char *msg = text_sanitize(f->message, false);

	if (o->json) {
		sb_printf(&o->sb, "%s{\"kind\":\"%s\",\"record\":", o->n ? "," : "", finding_names[f->kind]);
		text_json_id(&o->sb, f->record);
		sb_append(&o->sb, ",\"dispute\":");
		text_json(&o->sb, f->reference);
		sb_append(&o->sb, ",\"message\":");
		text_json(&o->sb, f->message);
		sb_append(&o->sb, "}");
	} else {
		sb_printf(&o->sb, "%s: %s\n", finding_names[f->kind], msg);
	}
	free(msg);
	o->n++;
	return 0;
}

int cmd_verify(struct ctx *c, struct args *a)
{
	struct verify_out o = { cli_flag(a, "json"), {0}, 0 };
	const char *given = cli_opt(a, "head");
	struct verify_result res;
	struct head_place place = {0};
	struct error err;
	char *clean;
	bool bad;

	if (given && !*given) {
		fputs("dispute: verify: --head needs the seal to look for\n", stderr);
		return EXIT_USAGE;
	}
	if (svc_verify(c, put_finding, &o, &res, &err) != ST_OK ||
	    (given && svc_head_find(c, given, &place, &err) != ST_OK)) {
		free(o.sb.s);
		return cli_fail(&err);
	}
	bad = res.findings || (given && !place.found);
	clean = text_sanitize(given ? given : "", false);
	if (o.json) {
		printf("{\"ok\":%s,\"records\":%lld,\"disputes\":%zu,\"head\":{\"hash\":", bad ? "false" : "true",
		       res.head.records, res.disputes);
		{
			struct sb j = {0};

			text_json(&j, res.head.hash[0] ? res.head.hash : NULL);
			sb_append(&j, ",\"record\":");
			text_json_id(&j, res.head.record);
			sb_printf(&j, "},\"findings\":[%s]", o.sb.s ? o.sb.s : "");
			if (given) {
				sb_append(&j, ",\"given_head\":{\"hash\":");
				text_json(&j, given);
				sb_printf(&j, ",\"found\":%s,\"record\":", place.found ? "true" : "false");
				text_json_id(&j, place.record);
				sb_append(&j, ",\"written\":");
				text_json(&j, place.found ? place.created : NULL);
				sb_printf(&j, ",\"records_since\":%lld}", place.since);
			}
			printf("%s}\n", j.s);
			free(j.s);
		}
	} else {
		if (o.sb.s)
			fputs(o.sb.s, stdout);
		printf("checked %lld record%s and %zu dispute%s\n", res.head.records, res.head.records == 1 ? "" : "s",
		       res.disputes, res.disputes == 1 ? "" : "s");
		if (res.head.hash[0])
			printf("%s: %s (record #%lld)\n", res.head.broken ? "last seal of the unbroken chain" : "journal head",
			       res.head.hash, res.head.record);
		if (given && place.found)
			cli_say("%s is the seal of record #%lld, written %s; %lld record%s written since", clean,
			        place.record, place.created, place.since, place.since == 1 ? " was" : "s were");
		else if (given && strspn(given, "0123456789abcdefABCDEF") == 64 && !given[64])
			cli_say("%s is not a seal of this journal: the copy it came with does not come from this database, "
			        "or records were removed", clean);
		else if (given)
			cli_say("%s is not a seal: a seal is 64 hexadecimal digits, as reports print it", clean);
		if (res.findings)
			printf("%zu finding%s: the journal has been altered outside dispute\n", res.findings,
			       res.findings == 1 ? "" : "s");
		else if (!bad)
			puts("ok: the file is whole, the chain is unbroken and every dispute agrees with its journal");
		else
			puts("the file is whole, the chain is unbroken and every dispute agrees with its journal, "
			     "but the seal given is not in it");
	}
	free(clean);
	free(o.sb.s);
	return bad ? EXIT_REFUSED : EXIT_OK;
}

void cli_put_head(const struct journal_head *h)
{
	if (h->hash[0])
		printf("\nJournal head at record #%lld (check a copy with dispute verify --head):\n%s\n", h->record,
		       h->hash);
}

int cmd_backup(struct ctx *c, struct args *a)
{
	struct verify_result res;
	struct error err;

	if (svc_backup(c, a->pos[0], cli_flag(a, "force"), &res, &err) != ST_OK)
		return cli_fail(&err);
	cli_say("backed up to %s: %lld record%s and %zu dispute%s, verified", a->pos[0], res.head.records,
	        res.head.records == 1 ? "" : "s", res.disputes, res.disputes == 1 ? "" : "s");
	if (res.head.hash[0])
		printf("journal head: %s (record #%lld)\n", res.head.hash, res.head.record);
	return EXIT_OK;
}

int cmd_restore(struct ctx *c, struct args *a)
{
	struct verify_result res;
	struct error err;
	char *kept;

	if (svc_restore(c, a->pos[0], &kept, &res, &err) != ST_OK)
		return cli_fail(&err);
	cli_say("restored %s: %lld record%s and %zu dispute%s, %s", a->pos[0], res.head.records,
	        res.head.records == 1 ? "" : "s", res.disputes, res.disputes == 1 ? "" : "s",
	        res.findings ? "but the result does not verify: run dispute verify" : "verified");
	cli_say("the database as it was is kept in %s", kept);
	free(kept);
	return res.findings ? EXIT_REFUSED : EXIT_OK;
}
