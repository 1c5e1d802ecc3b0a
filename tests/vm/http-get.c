// SPDX-License-Identifier: GPL-2.0-only
/*
 * http-get - GET one path from an HTTP server on a Unix socket and print
 * the response body, inside the test guests (static; the guests have no
 * curl, and busybox tools cannot open Unix sockets).
 *
 *   http-get SOCKET PATH
 *
 * Prints the body on stdout and the status line on stderr; exits 0 for
 * a 2xx status, 1 otherwise or on any error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char buf[1 << 20];

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0;
	char req[512], *body;
	ssize_t n;
	int fd, code;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: http-get SOCKET PATH\n");
		return 1;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("http-get: connect");
		return 1;
	}
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", argv[2]);
	if (n < 0 || (size_t)n >= sizeof(req) || write(fd, req, n) != n) {
		perror("http-get: write");
		return 1;
	}
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fd);
	if (sscanf(buf, "HTTP/%*s %d", &code) != 1) {
		fprintf(stderr, "http-get: no HTTP status line\n");
		return 1;
	}
	body = strstr(buf, "\r\n\r\n");
	fprintf(stderr, "%.*s\n", (int)strcspn(buf, "\r\n"), buf);
	if (body)
		fputs(body + 4, stdout);
	return code >= 200 && code < 300 ? 0 : 1;
}
