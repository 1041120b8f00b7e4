/* Entry point: reads the clock (or DISPUTE_TODAY / DISPUTE_TIME for exact tests) and hands over to the command line. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "dispute/cli.h"
#include "dispute/date.h"

int main(int argc, char **argv)
{
	const char *env_today = getenv("DISPUTE_TODAY"), *env_time = getenv("DISPUTE_TIME");
	time_t now = time(NULL);
	struct tm tm;
	long today;
	int minute, hh, mm;
	char extra;

	/* Everything the program creates is private to its owner. */
	umask(077);
	setlocale(LC_ALL, "");
	localtime_r(&now, &tm);
	if (!date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &today))
		today = 0;
	minute = tm.tm_hour * 60 + tm.tm_min;
	if (env_today && *env_today) {
		if (!date_parse(env_today, &today)) {
			fprintf(stderr, "dispute: DISPUTE_TODAY='%s' is not a date; use YYYY-MM-DD\n", env_today);
			return EXIT_USAGE;
		}
		minute = 9 * 60;
	}
	if (env_time && *env_time) {
		if (sscanf(env_time, "%2d:%2d%c", &hh, &mm, &extra) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59) {
			fprintf(stderr, "dispute: DISPUTE_TIME='%s' is not a time; use HH:MM\n", env_time);
			return EXIT_USAGE;
		}
		minute = hh * 60 + mm;
	}
	return cli_main(argc, argv, today, minute);
}
