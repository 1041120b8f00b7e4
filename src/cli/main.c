/* Entry point: reads "now" once (the clock, or DISPUTE_TODAY / DISPUTE_TIME) and hands over to the command line. */
#include <locale.h>
#include <signal.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_impl.h"
#include "dispute/clock.h"

int main(int argc, char **argv)
{
	struct error err;
	long today;
	int minute;

	/* Everything the program creates is private to its owner. */
	umask(077);
	/* A write over a file-size limit (ulimit -f) fails with EFBIG, to be
	 * reported with nothing saved, instead of killing the program half way. */
	signal(SIGXFSZ, SIG_IGN);
	setlocale(LC_ALL, "");
	if (clock_now(&today, &minute, &err) != ST_OK)
		return cli_fail(&err);
	return cli_main(argc, argv, today, minute);
}
