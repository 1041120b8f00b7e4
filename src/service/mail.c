/* Hands a mail message to the sendmail-compatible command named in the settings ("msmtp -t"), on its standard input. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dispute/service.h"
#include "dispute/text.h"

extern char **environ;

/* What the command said on its standard error, as one clean line (at most
 * a few hundred bytes): why it failed, in its own words. */
static void said(FILE *f, char *out, size_t outlen)
{
	char buf[400];
	size_t n;
	char *clean;

	out[0] = '\0';
	if (!f || fseek(f, 0, SEEK_SET) != 0)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	clean = text_sanitize(buf, false);
	snprintf(out, outlen, "%s", clean);
	free(clean);
}

/* Writes all of msg to fd; false on a write error (the command stopped reading). */
static bool write_all(int fd, const char *msg, size_t len)
{
	while (len) {
		ssize_t n = write(fd, msg, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		msg += n;
		len -= (size_t)n;
	}
	return true;
}

enum status svc_mail_send(struct ctx *c, const char *msg, size_t len, struct error *err)
{
	const char *cmd = c->config.mail_command;
	char *argv[] = { "sh", "-c", NULL, NULL };
	posix_spawn_file_actions_t fa;
	struct sigaction ignore, old;
	FILE *errs = tmpfile();
	int pipefd[2], status = 0, e = 0;
	bool wrote;
	pid_t pid;
	char what[400];

	if (!cmd || !*cmd) {
		if (errs)
			fclose(errs);
		error_set(err, ST_REFUSED, "no mail command is set to send it with");
		return error_mend(err, MEND_SENDMAIL, NULL);
	}
	if (!errs)
		return error_set(err, ST_IO, "cannot send the mail: no temporary file for the mail command's messages: %s",
		                 strerror(errno));
	if (pipe(pipefd) != 0) {
		e = errno;
		fclose(errs);
		return error_set(err, ST_IO, "cannot run the mail command: %s", strerror(e));
	}
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
	argv[2] = (char *)cmd;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(errs), STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fileno(errs), STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	e = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[0]);
	if (e != 0) {
		close(pipefd[1]);
		fclose(errs);
		return error_set(err, ST_IO, "cannot run the mail command: %s", strerror(e));
	}
	/* A command that stops reading early must not kill this program. */
	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	wrote = write_all(pipefd[1], msg, len);
	close(pipefd[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	said(errs, what, sizeof(what));
	fclose(errs);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wrote)
		return ST_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return error_set(err, ST_IO, "the mail command '%s' stopped reading the message before its end; it may "
		                 "not have been sent", cmd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error_set(err, ST_IO, "the mail command '%s' was not found%s%s; nothing was sent", cmd,
		                 *what ? ": " : "", what);
	if (WIFEXITED(status))
		return error_set(err, ST_IO, "the mail command '%s' failed (exit status %d)%s%s; nothing was sent", cmd,
		                 WEXITSTATUS(status), *what ? ": " : "", what);
	return error_set(err, ST_IO, "the mail command '%s' was stopped by signal %d; nothing was sent", cmd,
	                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
