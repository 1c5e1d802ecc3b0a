// SPDX-License-Identifier: GPL-2.0-only
/*
 * aer-inject - inject PCIe AER errors through the kernel's aer_inject.ko
 * (/dev/aer_inject), inside the test guests.  Built static on the host.
 *
 *   aer-inject [-n COUNT] [-c COR_STATUS] [-u UNCOR_STATUS] [-d USEC]
 *              [-H DW0,DW1,DW2,DW3] BDF
 *
 * -H sets the TLP header log the kernel reads for errors that log one
 * (Poisoned TLP, Completer Abort, ...).
 *
 * BDF is [DDDD:]BB:DD.F.  Each injection is one write of struct
 * aer_error_inj, as drivers/pci/pcie/aer_inject.c defines it.  Prints the
 * number of injections that succeeded; exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct aer_error_inj {
	uint8_t bus;
	uint8_t dev;
	uint8_t fn;
	uint32_t uncor_status;
	uint32_t cor_status;
	uint32_t header_log0;
	uint32_t header_log1;
	uint32_t header_log2;
	uint32_t header_log3;
	uint32_t domain;
};

static void usage(void)
{
	fprintf(stderr, "usage: aer-inject [-n COUNT] [-c COR] [-u UNCOR] "
		"[-d USEC] [-H DW0,DW1,DW2,DW3] [DDDD:]BB:DD.F\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct aer_error_inj e;
	unsigned int dom = 0, bus, dev, fn;
	long n = 1, done = 0, delay = 0, i;
	int opt, fd;

	memset(&e, 0, sizeof(e));
	while ((opt = getopt(argc, argv, "n:c:u:d:H:")) != -1) {
		switch (opt) {
		case 'n': n = strtol(optarg, NULL, 0); break;
		case 'c': e.cor_status = strtoul(optarg, NULL, 0); break;
		case 'u': e.uncor_status = strtoul(optarg, NULL, 0); break;
		case 'd': delay = strtol(optarg, NULL, 0); break;
		case 'H':
			if (sscanf(optarg, "%x,%x,%x,%x", &e.header_log0,
				   &e.header_log1, &e.header_log2,
				   &e.header_log3) != 4)
				usage();
			break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (sscanf(argv[optind], "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4) {
		dom = 0;
		if (sscanf(argv[optind], "%x:%x.%x", &bus, &dev, &fn) != 3)
			usage();
	}
	e.domain = dom;
	e.bus = bus;
	e.dev = dev;
	e.fn = fn;
	if (!e.cor_status && !e.uncor_status)
		e.cor_status = 0x1;	/* Receiver Error */

	fd = open("/dev/aer_inject", O_WRONLY);
	if (fd < 0) {
		perror("aer-inject: /dev/aer_inject");
		return 1;
	}
	for (i = 0; n <= 0 || i < n; i++) {
		if (write(fd, &e, sizeof(e)) != (ssize_t)sizeof(e)) {
			fprintf(stderr, "aer-inject: write: %s\n",
				strerror(errno));
			break;
		}
		done++;
		if (delay)
			usleep(delay);
	}
	close(fd);
	printf("%ld\n", done);
	return done == n ? 0 : 1;
}
