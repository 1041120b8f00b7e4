/* Day-number arithmetic on the proleptic Gregorian calendar, and strict ISO 8601 dates. */
#include <stdio.h>
#include <string.h>

#include "dispute/date.h"

static bool is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Howard Hinnant's days_from_civil: eras of 400 years starting in March,
 * so the leap day is the last day of the shifted year. */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool date_from_ymd(int y, int m, int d, long *out)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*out = days_from_civil(y, m, d);
	return true;
}

void date_to_ymd(long day, int *y, int *m, int *d)
{
	long long z = (long long)day + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* Reads exactly n ASCII digits. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Parses the "YYYY-MM-DD" prefix of s; the caller checks what follows. */
static bool date_prefix(const char *s, long *out)
{
	int y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	return date_from_ymd(y, m, d, out);
}

bool date_parse(const char *s, long *out)
{
	long day;

	if (!s || strlen(s) != 10 || !date_prefix(s, &day))
		return false;
	*out = day;
	return true;
}

char *date_format(long day, char out[11])
{
	int y, m, d;

	if (day == DATE_NONE) {
		out[0] = '\0';
		return out;
	}
	date_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	/* By hand rather than snprintf: journals and binds format dates by
	 * the hundred thousand (an import). */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return out;
}

bool datetime_parse(const char *s, long *day, int *minute)
{
	size_t len = s ? strlen(s) : 0;
	long dd;
	int hh, mm;

	if (len == 10 && date_prefix(s, &dd)) {
		*day = dd;
		*minute = TIME_NONE;
		return true;
	}
	if (len != 16 || !date_prefix(s, &dd) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s + 11, 2, &hh) || s[13] != ':' || !digits(s + 14, 2, &mm) ||
	    hh > 23 || mm > 59)
		return false;
	*day = dd;
	*minute = hh * 60 + mm;
	return true;
}

char *datetime_format(long day, int minute, char out[17])
{
	date_format(day, out);
	if (minute != TIME_NONE && minute >= 0 && minute < 24 * 60 && out[0])
		snprintf(out + 10, 7, "T%02d:%02d", minute / 60, minute % 60);
	return out;
}

int date_weekday(long day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((day % 7) + 7 + 3) % 7);
}

long date_add_months(long day, int n)
{
	int y, m, d, last;
	long total;

	if (day == DATE_NONE)
		return DATE_NONE;
	date_to_ymd(day, &y, &m, &d);
	total = (long)y * 12 + (m - 1) + n;
	y = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
	m = (int)(total - (long)y * 12) + 1;
	last = month_days(y, m);
	return days_from_civil(y, m, d < last ? d : last);
}

const char *date_weekday_name(long day)
{
	static const char *const names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

	return names[date_weekday(day)];
}
