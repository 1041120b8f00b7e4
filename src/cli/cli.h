/* The command line: every capability as a scriptable subcommand. */
#ifndef DISPUTE_CLI_H
#define DISPUTE_CLI_H

/* Exit codes scripts can rely on. */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,     /* the action was refused or failed; nothing was changed */
	EXIT_USAGE = 2,       /* the command line itself is wrong */
	EXIT_INPUT = 3        /* import: the file was refused (its rows, header or map); nothing was changed */
};

/* Runs `dispute ARGS...` (argv[0] is the program name).  today/minute are
 * read by main from the clock or DISPUTE_TODAY / DISPUTE_TIME.  Returns
 * the exit code. */
int cli_main(int argc, char **argv, long today, int minute);

#endif
