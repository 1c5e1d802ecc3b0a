// SPDX-License-Identifier: GPL-2.0-only
/*
 * top.c - the live console: fetch a view, draw it with ncurses.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ui.h"

int gpumon_ui_fetch(const char *sock, struct gpumon_view *v,
		    size_t max_events, char *err, size_t errlen)
{
	json_object *snap = NULL, *ev = NULL, *next;
	uint64_t after = 0, next_seq = 1;
	char path[64];
	int ret;

	ret = gpumon_client_get(sock, "/v1/snapshot", &snap, err, errlen);
	if (ret)
		return ret;
	if (json_object_object_get_ex(snap, "events", &next) &&
	    json_object_object_get_ex(next, "next_seq", &next))
		next_seq = json_object_get_uint64(next);
	if (next_seq > max_events + 1)
		after = next_seq - max_events - 1;
	snprintf(path, sizeof(path), "/v1/events?after=%llu&limit=%zu",
		 (unsigned long long)after, max_events ? max_events : 1);
	ret = gpumon_client_get(sock, path, &ev, err, errlen);
	if (!ret) {
		ret = gpumon_view_from_json(v, snap, ev);
		if (ret)
			snprintf(err, errlen, "gpumond's answer lacks fields");
		/* the ring's older events are not "lost" to the console */
		v->events_lost = 0;
	}
	json_object_put(snap);
	json_object_put(ev);
	return ret;
}

static int event_color(const struct gpumon_view_event *e)
{
	if (!strcmp(e->level, "crit") || !strcmp(e->level, "alert") ||
	    !strcmp(e->level, "emerg"))
		return 1;
	if (!strcmp(e->level, "err") || !strcmp(e->level, "warning"))
		return 2;
	return 0;
}

static int dev_color(const struct gpumon_view_dev *d)
{
	if (d->aer[2] || d->xid_count)
		return 1;
	return d->aer[1] || d->aer[0] ? 2 : 0;
}

static void put(int row, int color, bool bold, const char *s)
{
	attr_t a = (color ? COLOR_PAIR(color) : 0) | (bold ? A_BOLD : 0);

	attron(a);
	mvaddstr(row, 0, s);
	attroff(a);
}

static void draw(const struct gpumon_view *v, const char *err)
{
	size_t rows = LINES, cols = COLS, i;
	struct gpumon_layout l;
	char line[1024];
	int r = 0;

	erase();
	if (err) {
		snprintf(line, sizeof(line), "gpumon: %s (retrying; q quits)",
			 err);
		put(0, 1, true, line);
		refresh();
		return;
	}
	gpumon_ui_layout(rows, v->ndevs, v->nevents, &l);
	gpumon_ui_header(line, sizeof(line), cols, v);
	put(r++, 0, true, line);
	gpumon_ui_sources(line, sizeof(line), cols, v);
	put(r++, 0, false, line);
	gpumon_ui_dev_header(line, sizeof(line), cols);
	put(r++, 0, true, line);
	for (i = 0; i < l.dev_rows; i++) {
		gpumon_ui_dev_row(line, sizeof(line), cols, &v->devs[i]);
		put(r++, dev_color(&v->devs[i]), false, line);
	}
	if (l.more_row) {
		snprintf(line, sizeof(line), "+%zu more", l.dev_hidden);
		put(r++, 0, false, line);
	}
	gpumon_ui_event_header(line, sizeof(line), cols, v);
	put(r++, 0, true, line);
	for (i = v->nevents - l.event_rows; i < v->nevents; i++) {
		gpumon_ui_event_row(line, sizeof(line), cols, &v->events[i]);
		put(r++, event_color(&v->events[i]), false, line);
	}
	refresh();
}

int gpumon_ui_top(const char *sock, unsigned int interval_ms)
{
	struct gpumon_view v;
	char err[256];
	int ch;

	setlocale(LC_ALL, "");
	if (!initscr())
		return -ENOTTY;
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
	}
	timeout(interval_ms);
	for (;;) {
		size_t want = LINES > GPUMON_UI_FIXED_ROWS ? LINES : 1;

		if (gpumon_ui_fetch(sock, &v, want, err, sizeof(err))) {
			draw(NULL, err);
		} else {
			draw(&v, NULL);
			gpumon_view_free(&v);
		}
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
	}
	endwin();
	return 0;
}
