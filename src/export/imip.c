/* Invitations as mail (RFC 6047): the MIME message for a calendar of invites built with GMime, and replies (iTIP REPLY and COUNTER) read back from an .ics or a mail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <libical/ical.h>

#include "dispute/date.h"
#include "dispute/ics.h"
#include "dispute/imip.h"
#include "dispute/text.h"

static void gmime_ready(void)
{
	static bool ready;

	if (!ready) {
		g_mime_init();
		ready = true;
	}
}

/* The descriptions of the calendar's events, one paragraph each: the
 * readable part says exactly what the invite says. */
static char *body_text(const char *calendar, size_t len)
{
	char *text = xstrndup(calendar, len);
	icalcomponent *cal = icalparser_parse_string(text);
	struct sb sb = {0};

	free(text);
	for (icalcomponent *ev = cal ? icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT) : NULL; ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *desc = icalcomponent_get_description(ev);

		if (sb.len)
			sb_append(&sb, "\n\n");
		sb_append(&sb, desc ? desc : "");
	}
	if (cal)
		icalcomponent_free(cal);
	icalerror_clear_errno();
	sb_append(&sb, "\n\nThis message carries a calendar invitation (");
	return sb_take(&sb);
}

/* "D-2026-0001 stage 2 deadline (Line manager to line manager), due
 * 2026-11-13" and its kin: the reference and the deadline, never the
 * subject. */
static char *subject_line(const struct dispute *d, const struct protocol *p, const struct itip_msg *m, size_t n)
{
	const char *name = dispute_stage_name(p, d, m[0].stage);
	char due[96];

	ics_due_text(p ? p->timezone : PROTOCOL_TIMEZONE, m[0].due, m[0].due_minute, due, sizeof(due));
	if (n > 1)
		return xasprintf("%s%s: deadlines of %zu stages", m[0].method == ITIP_CANCEL ? "Cancelled: " : "",
		                 d->reference, n);
	if (m[0].method == ITIP_CANCEL)
		return xasprintf("Cancelled: %s stage %d deadline (was due %s)", d->reference, m[0].stage, due);
	return xasprintf("%s%s stage %d deadline%s%s%s, due %s", m[0].why == ITIP_CHANGED ? "Updated: " : "",
	                 d->reference, m[0].stage, name ? " (" : "", name ? name : "", name ? ")" : "", due);
}

/* The Date header's time: the export's stamp, so a mail and its calendar agree. */
static GDateTime *stamp_time(const char *stamp)
{
	int y, mo, d, h, mi, s;

	if (sscanf(stamp, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s) != 6)
		return g_date_time_new_now_utc();
	return g_date_time_new_utc(y, mo, d, h, mi, s);
}

/* A text part holding text as it is, UTF-8 (GMime's own setter would
 * convert it to the narrowest charset that holds it), encoded so that any
 * mail path carries it: quoted-printable or base64, as GMime judges best
 * for the plain text; base64 for the calendar, whose CRLF line ends must
 * arrive as they left. */
static GMimeTextPart *text_part(const char *subtype, const char *text, bool calendar)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(part), content);
	g_object_unref(content);
	g_object_unref(stream);
	g_mime_text_part_set_charset(part, "UTF-8");
	if (calendar)
		g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_BASE64);
	else
		g_mime_object_encode(GMIME_OBJECT(part), GMIME_ENCODING_CONSTRAINT_7BIT);
	return part;
}

/* A mailbox whose name, beyond ASCII, is written as UTF-8 (RFC 2047). */
static void mailbox_add(GMimeMessage *msg, GMimeAddressType type, const char *name, const char *addr)
{
	InternetAddress *ia = internet_address_mailbox_new(name && *name ? name : NULL, addr);

	internet_address_set_charset(ia, "UTF-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, type), ia);
	g_object_unref(ia);
}

enum status imip_build(const struct invite_setup *s, const struct dispute *d, const struct protocol *p,
                       const struct itip_msg *m, size_t n, const char *calendar, size_t len, char **out,
                       size_t *outlen, struct error *err)
{
	GMimeMessage *msg;
	GMimeMultipart *alt;
	GMimeTextPart *plain, *cal;
	GMimeStream *stream;
	GMimeFormatOptions *fmt;
	GByteArray *bytes;
	GDateTime *date;
	char *subject, *body, *text, *id, *domain;
	enum status rc = ST_OK;

	*out = NULL;
	*outlen = 0;
	if (!n)
		return error_set(err, ST_REFUSED, "%s: no invite to send", d->reference);
	if (!text_email_ok(s->set.organizer.email) || !text_email_ok(m[0].email))
		return error_set(err, ST_INVALID, "%s: an address cannot go in a mail", d->reference);
	gmime_ready();
	msg = g_mime_message_new(TRUE);
	mailbox_add(msg, GMIME_ADDRESS_TYPE_FROM, s->set.organizer.name, s->set.organizer.email);
	mailbox_add(msg, GMIME_ADDRESS_TYPE_TO, m[0].name, m[0].email);
	subject = subject_line(d, p, m, n);
	text = text_sanitize(subject, false);
	g_mime_message_set_subject(msg, text, "UTF-8");
	free(text);
	free(subject);
	date = stamp_time(s->stamp);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	/* One Message-ID per message sent: the UID, its SEQUENCE and METHOD and
	 * the moment, at the organizer's domain. */
	domain = strrchr(s->set.organizer.email, '@');
	id = xasprintf("%s.%d.%s.%s@%s", m[0].uid, m[0].sequence, m[0].method == ITIP_CANCEL ? "cancel" : "request",
	               s->stamp, domain ? domain + 1 : "dispute.invalid");
	for (char *q = id; *q; q++)
		if (*q == '@' && strchr(q + 1, '@'))
			*q = '.';
	g_mime_message_set_message_id(msg, id);
	free(id);

	alt = g_mime_multipart_new_with_subtype("alternative");
	body = body_text(calendar, len);
	text = xasprintf("%s%s).\n", body, m[0].method == ITIP_CANCEL
	                 ? "a cancellation): your mail program can take the deadline out of your calendar"
	                 : "a request): your mail program can put the deadline in your calendar, and answer it");
	plain = text_part("plain", text, false);
	free(text);
	free(body);
	text = xstrndup(calendar, len);
	cal = text_part("calendar", text, true);
	free(text);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(cal), "method", itip_method_name(m[0].method));
	g_mime_multipart_add(alt, GMIME_OBJECT(plain));
	g_mime_multipart_add(alt, GMIME_OBJECT(cal));
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(alt));
	g_object_unref(plain);
	g_object_unref(cal);
	g_object_unref(alt);

	stream = g_mime_stream_mem_new();
	fmt = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fmt, GMIME_NEWLINE_FORMAT_UNIX);
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), fmt, stream) < 0) {
		rc = error_set(err, ST_NOMEM, "cannot build the mail for %s", d->reference);
	} else {
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
		*out = xmalloc(bytes->len + 1);
		memcpy(*out, bytes->data, bytes->len);
		(*out)[bytes->len] = '\0';
		*outlen = bytes->len;
	}
	g_mime_format_options_free(fmt);
	g_object_unref(stream);
	g_object_unref(msg);
	return rc;
}

/* ---- replies ---- */

/* The first text/calendar (or application/ics) part of a mail, decoded
 * into UTF-8; NULL when it has none. */
static char *mail_calendar(const char *bytes, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimePartIter *iter;
	char *found = NULL;

	gmime_ready();
	stream = g_mime_stream_mem_new_with_buffer(bytes, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (!msg)
		return NULL;
	iter = g_mime_part_iter_new(GMIME_OBJECT(msg));
	for (bool more = g_mime_part_iter_is_valid(iter); more && !found; more = g_mime_part_iter_next(iter)) {
		GMimeObject *part = g_mime_part_iter_get_current(iter);
		GMimeContentType *type = part ? g_mime_object_get_content_type(part) : NULL;

		if (!type || !GMIME_IS_PART(part))
			continue;
		if (GMIME_IS_TEXT_PART(part) && g_mime_content_type_is_type(type, "text", "calendar")) {
			char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));

			found = text ? xstrdup(text) : NULL;
			g_free(text);
		} else if (g_mime_content_type_is_type(type, "application", "ics")) {
			GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(part));
			GMimeStream *mem = g_mime_stream_mem_new();
			GByteArray *a;

			if (w && g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
				a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
				found = xstrndup((const char *)a->data, a->len);
			}
			g_object_unref(mem);
		}
	}
	g_mime_part_iter_free(iter);
	g_object_unref(msg);
	return found;
}

/* "mailto:zoe@x" -> "zoe@x" (a new string), or NULL. */
static char *mailto_address(const char *uri)
{
	if (!uri)
		return NULL;
	if (strncmp(uri, "mailto:", 7) == 0 || strncmp(uri, "MAILTO:", 7) == 0)
		uri += 7;
	return xstrdup(uri);
}

/* The proposed start of a COUNTER into r, or proposed_utc. */
static enum status counter_start(icalcomponent *cal, icalcomponent *ev, struct itip_reply *r, char proposed_utc[17],
                                 struct error *err)
{
	icalproperty *prop = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	icalparameter *tzp = prop ? icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER) : NULL;
	struct icaltimetype t;

	if (!prop)
		return error_set(err, ST_INVALID, "the counter-proposal proposes no date (no DTSTART)");
	t = icalproperty_get_dtstart(prop);
	if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
		return error_set(err, ST_INVALID, "the counter-proposal's DTSTART cannot be read");
	if (tzp && !t.is_date) {
		const char *tzid = icalparameter_get_tzid(tzp);
		icaltimezone *z = icalcomponent_get_timezone(cal, tzid);

		if (!z)
			z = icaltimezone_get_builtin_timezone(tzid);
		if (!z)
			z = icaltimezone_get_builtin_timezone_from_tzid(tzid);
		if (!z)
			return error_set(err, ST_INVALID, "the counter-proposal's time zone '%s' is not known", tzid);
		t.zone = z;
	}
	if (!t.is_date && (t.zone || icaltime_is_utc(t))) {
		t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
		snprintf(proposed_utc, 17, "%04d%02d%02dT%02d%02d%02dZ", t.year, t.month, t.day, t.hour, t.minute, t.second);
		return ST_OK;
	}
	if (!date_from_ymd(t.year, t.month, t.day, &r->proposed))
		return error_set(err, ST_INVALID, "the counter-proposal's date cannot be read");
	r->proposed_minute = t.is_date ? TIME_NONE : t.hour * 60 + t.minute;
	return ST_OK;
}

static enum status reply_from_calendar(const char *text, struct itip_reply *r, char proposed_utc[17],
                                       struct error *err)
{
	icalcomponent *cal = icalparser_parse_string(text), *ev;
	icalproperty *att, *comment;
	icalparameter *param;
	icalproperty_method method;
	enum status rc = ST_OK;
	char why[256];

	icalerror_clear_errno();
	if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		if (cal)
			icalcomponent_free(cal);
		return error_set(err, ST_INVALID, "it is not an iCalendar file (no VCALENDAR)");
	}
	method = icalcomponent_get_method(cal);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (method != ICAL_METHOD_REPLY && method != ICAL_METHOD_COUNTER) {
		const char *name = icalproperty_method_to_string(method);

		rc = error_set(err, ST_INVALID, "it is not a reply: METHOD is %s, not REPLY or COUNTER",
		               method == ICAL_METHOD_NONE || !name ? "missing" : name);
	} else if (!ev) {
		rc = error_set(err, ST_INVALID, "the reply holds no event (VEVENT)");
	} else if (!icalcomponent_get_uid(ev) || !*icalcomponent_get_uid(ev)) {
		rc = error_set(err, ST_INVALID, "the reply names no UID");
	} else if (!(att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY))) {
		rc = error_set(err, ST_INVALID, "the reply names no attendee");
	} else {
		r->counter = method == ICAL_METHOD_COUNTER;
		r->uid = xstrdup(icalcomponent_get_uid(ev));
		r->sequence = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY) ? icalcomponent_get_sequence(ev)
		                                                                            : 0;
		r->attendee = mailto_address(icalproperty_get_attendee(att));
		if ((param = icalproperty_get_first_parameter(att, ICAL_CN_PARAMETER)))
			r->name = text_sanitize(icalparameter_get_cn(param), false);
		if ((comment = icalcomponent_get_first_property(ev, ICAL_COMMENT_PROPERTY)))
			r->comment = xstrdup(icalproperty_get_comment(comment));
		param = icalproperty_get_first_parameter(att, ICAL_PARTSTAT_PARAMETER);
		if (!r->attendee || !text_email_check(r->attendee, why, sizeof(why))) {
			rc = error_set(err, ST_INVALID, "the reply's attendee is not an address: %s", why);
		} else if (r->counter) {
			rc = counter_start(cal, ev, r, proposed_utc, err);
		} else if (!param) {
			rc = error_set(err, ST_INVALID, "the reply does not say whether %s accepts (no PARTSTAT)", r->attendee);
		} else {
			switch (icalparameter_get_partstat(param)) {
			case ICAL_PARTSTAT_ACCEPTED:
				r->partstat = ITIP_ACCEPTED;
				break;
			case ICAL_PARTSTAT_DECLINED:
				r->partstat = ITIP_DECLINED;
				break;
			case ICAL_PARTSTAT_TENTATIVE:
				r->partstat = ITIP_TENTATIVE;
				break;
			default:
				rc = error_set(err, ST_INVALID, "the reply neither accepts, declines nor tentatively accepts "
				               "(PARTSTAT %s)", icalparameter_enum_to_string(icalparameter_get_partstat(param))
				               ? icalparameter_enum_to_string(icalparameter_get_partstat(param)) : "?");
				break;
			}
		}
	}
	icalcomponent_free(cal);
	icalerror_clear_errno();
	return rc;
}

enum status imip_reply_read(const char *bytes, size_t len, struct itip_reply *r, char proposed_utc[17],
                            struct error *err)
{
	const char *p = bytes, *end = bytes + len;
	char *text;
	enum status rc;

	proposed_utc[0] = '\0';
	if (memchr(bytes, '\0', len))
		return error_set(err, ST_INVALID, "it holds a NUL byte: not an iCalendar file or a mail");
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if ((size_t)(end - p) >= 15 && strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0) {
		text = xstrndup(p, (size_t)(end - p));
	} else if (!(text = mail_calendar(bytes, len))) {
		return error_set(err, ST_INVALID, "it is neither an iCalendar file nor a mail with a calendar "
		                 "(text/calendar) part");
	}
	if (!utf8_valid(text, strlen(text), NULL))
		rc = error_set(err, ST_INVALID, "its calendar is not valid UTF-8");
	else
		rc = reply_from_calendar(text, r, proposed_utc, err);
	free(text);
	return rc;
}
