/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ui.h - the console's screen: layout and row text are pure functions
 * of a view and a terminal size (unit-tested without a terminal);
 * drawing them with ncurses or printing them in batch mode is separate.
 */
#ifndef GPUMON_UI_H
#define GPUMON_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "client.h"

/* Rows the screen always spends: header, sources, two table headers. */
#define GPUMON_UI_FIXED_ROWS	4
/* Event rows kept free of devices when there are events to show. */
#define GPUMON_UI_MIN_EVENT_ROWS	5

/**
 * struct gpumon_layout - how a screen of a given height is shared.
 * @dev_rows: device rows drawn (from the first device)
 * @dev_hidden: devices that did not fit
 * @more_row: a "+N more" row follows the device rows
 * @event_rows: event rows drawn (the newest, oldest of them first)
 */
struct gpumon_layout {
	size_t dev_rows;
	size_t dev_hidden;
	bool more_row;
	size_t event_rows;
};

/**
 * gpumon_ui_layout() - share @rows between devices and events.
 * @rows: terminal height; 0 means unlimited (batch mode)
 * @ndevs: devices in the view
 * @nevents: events in the view
 *
 * Devices come first, but up to GPUMON_UI_MIN_EVENT_ROWS events keep
 * their rows; when devices do not all fit, the last device row says how
 * many are hidden.
 */
void gpumon_ui_layout(size_t rows, size_t ndevs, size_t nevents,
		      struct gpumon_layout *l);

/*
 * Row text.  Each writes at most @cols columns (bytes: the text is
 * ASCII) and a NUL into @buf of @len bytes, and returns the length.
 */
size_t gpumon_ui_header(char *buf, size_t len, size_t cols,
			const struct gpumon_view *v);
size_t gpumon_ui_sources(char *buf, size_t len, size_t cols,
			 const struct gpumon_view *v);
size_t gpumon_ui_dev_header(char *buf, size_t len, size_t cols);
size_t gpumon_ui_dev_row(char *buf, size_t len, size_t cols,
			 const struct gpumon_view_dev *d);
size_t gpumon_ui_event_header(char *buf, size_t len, size_t cols,
			      const struct gpumon_view *v);
size_t gpumon_ui_event_row(char *buf, size_t len, size_t cols,
			   const struct gpumon_view_event *e);

/**
 * gpumon_ui_print() - the whole screen as plain text (batch mode).
 * @rows: 0 for every device and event
 */
void gpumon_ui_print(FILE *f, const struct gpumon_view *v, size_t rows,
		     size_t cols);

/**
 * gpumon_ui_top() - the live ncurses console, refreshed every
 * @interval_ms from gpumond at @sock, until q.
 * Return: 0, or -errno when the terminal cannot be used.
 */
int gpumon_ui_top(const char *sock, unsigned int interval_ms);

/**
 * gpumon_ui_fetch() - a view of gpumond now: snapshot and last events.
 * @max_events: newest events to fetch
 * Return: 0 or -errno, with @err saying why.
 */
int gpumon_ui_fetch(const char *sock, struct gpumon_view *v,
		    size_t max_events, char *err, size_t errlen);

#endif
