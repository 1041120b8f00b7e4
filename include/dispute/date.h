/* Calendar dates as day numbers, and strict ISO 8601 parsing and formatting. */
#ifndef DISPUTE_DATE_H
#define DISPUTE_DATE_H

#include <stdbool.h>

/* A date is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar.  DATE_NONE marks "no date" (not started, no due date set). */
#define DATE_NONE (-2147483647L - 1)

/* A time of day is minutes since midnight; TIME_NONE marks "no time". */
#define TIME_NONE (-1)

/* Returns true and sets *out when y-m-d is a real date (year 1..9999). */
bool date_from_ymd(int y, int m, int d, long *out);
void date_to_ymd(long day, int *y, int *m, int *d);

/* Parses exactly "YYYY-MM-DD"; returns false for anything else,
 * including 2026-02-30 and trailing text. */
bool date_parse(const char *s, long *out);

/* Writes "YYYY-MM-DD" into out (11 bytes), or "" for DATE_NONE. Returns out. */
char *date_format(long day, char out[11]);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM";
 * *minute is TIME_NONE when no time was given. */
bool datetime_parse(const char *s, long *day, int *minute);

/* Writes "YYYY-MM-DDTHH:MM" (17 bytes), or just the date when minute is TIME_NONE. */
char *datetime_format(long day, int minute, char out[17]);

/* 0 = Monday ... 6 = Sunday. */
int date_weekday(long day);

/* Adds n calendar months, clamping the day to the end of the target month
 * (31 January + 1 month = 28 or 29 February). */
long date_add_months(long day, int n);

/* A short English weekday name, "Mon".."Sun". */
const char *date_weekday_name(long day);

#endif
