/* Test tool: parses an .ics file with libical and runs icalrestriction_check on each VEVENT on its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

/* Prints every X-LIC-ERROR libical attached to c or its children. */
static int report_errors(icalcomponent *c, const char *where)
{
	int n = 0;

	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		printf("%s: %s\n", where, icalproperty_get_xlicerror(p));
		n++;
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += report_errors(k, where);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	icalcomponent *cal;
	icalproperty *method;
	char *text;
	int errors = 0, events = 0;

	if (argc != 2) {
		fputs("usage: icscheck FILE.ics\n", stderr);
		return 2;
	}
	text = slurp(argv[1]);
	if (!text) {
		perror(argv[1]);
		return 2;
	}
	cal = icalparser_parse_string(text);
	free(text);
	if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		puts("not a VCALENDAR");
		return 1;
	}
	errors += report_errors(cal, "parse");
	method = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
	/* icalrestriction_check stops at the first bad VEVENT of a calendar, so
	 * check each event in a calendar of its own with the same METHOD. */
	for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		icalcomponent *one = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
		char where[300];

		snprintf(where, sizeof(where), "%s", icalcomponent_get_uid(ev) ? icalcomponent_get_uid(ev) : "?");
		icalcomponent_add_property(one, icalproperty_new_version("2.0"));
		icalcomponent_add_property(one, icalproperty_new_prodid("-//icscheck//EN"));
		if (method)
			icalcomponent_add_property(one, icalproperty_new_clone(method));
		icalcomponent_add_component(one, icalcomponent_new_clone(ev));
		if (!icalrestriction_check(one))
			printf("%s: restriction check failed\n", where);
		errors += report_errors(one, where);
		errors += !icalrestriction_check(one);
		icalcomponent_free(one);
		events++;
	}
	icalcomponent_free(cal);
	printf("%d event%s, %d problem%s\n", events, events == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
	return errors ? 1 : 0;
}
