/* Reads the local clock, or the DISPUTE_TODAY / DISPUTE_TIME overrides that pin it for tests. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispute/clock.h"
#include "dispute/date.h"

enum status clock_now(long *today, int *minute, struct error *err)
{
	const char *env_today = getenv("DISPUTE_TODAY"), *env_time = getenv("DISPUTE_TIME");
	time_t now = time(NULL);
	struct tm tm;
	int hh, mm;
	char extra;

	localtime_r(&now, &tm);
	if (!date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, today))
		return error_set(err, ST_INVALID, "the system clock gives an impossible date");
	*minute = tm.tm_hour * 60 + tm.tm_min;
	if (env_today && *env_today) {
		if (!date_parse(env_today, today))
			return error_set(err, ST_USAGE, "DISPUTE_TODAY='%s' is not a date; use YYYY-MM-DD", env_today);
		*minute = 9 * 60;
	}
	if (env_time && *env_time) {
		if (sscanf(env_time, "%2d:%2d%c", &hh, &mm, &extra) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
			return error_set(err, ST_USAGE, "DISPUTE_TIME='%s' is not a time; use HH:MM", env_time);
		*minute = hh * 60 + mm;
	}
	return ST_OK;
}

void clock_utc_stamp(char out[17])
{
	const char *env = getenv("DISPUTE_DTSTAMP");
	time_t now = time(NULL);
	struct tm tm;
	bool ok = env && strlen(env) == 16 && env[8] == 'T' && env[15] == 'Z';

	for (int i = 0; ok && i < 15; i++)
		ok = i == 8 || (env[i] >= '0' && env[i] <= '9');
	if (ok) {
		memcpy(out, env, 17);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}
