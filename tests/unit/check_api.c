// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_api.c - gpumond's HTTP API (user/lib/api.c) served on a real
 * Unix socket by libmicrohttpd and read back by the console's client
 * (user/lib/client.c, libcurl).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "api.h"
#include "client.h"
#include "model.h"
#include "check_run.h"

static struct gpumon_model m;
static struct gpumon_api *api;
static char sock[64];

static void setup(void)
{
	struct gpumon_aer_rec r = {
		.bdf = "0000:03:00.0", .severity = GPUMON_AER_FATAL,
		.status = 0x10,
	};

	snprintf(sock, sizeof(sock), "/tmp/check_api.%d.sock", getpid());
	ck_assert_int_eq(gpumon_model_init(&m, 4), 0);
	pthread_mutex_lock(&m.lock);
	for (int i = 0; i < 6; i++)
		gpumon_model_aer(&m, GPUMON_SRC_BPF, &r);
	pthread_mutex_unlock(&m.lock);
	ck_assert_int_eq(gpumon_api_start(&api, &m, sock), 0);
}

static void teardown(void)
{
	gpumon_api_stop(api);
	gpumon_model_fini(&m);
	ck_assert_int_ne(access(sock, F_OK), 0);
}

static json_object *get(const char *path, int want)
{
	json_object *o = NULL;
	char err[256];

	ck_assert_int_eq(gpumon_client_get(sock, path, &o, err, sizeof(err)),
			 want);
	return o;
}

START_TEST(test_snapshot)
{
	json_object *o = get("/v1/snapshot", 0), *devs, *d, *aer, *v;

	ck_assert(json_object_object_get_ex(o, "devices", &devs));
	ck_assert_uint_eq(json_object_array_length(devs), 1);
	d = json_object_array_get_idx(devs, 0);
	ck_assert(json_object_object_get_ex(d, "bdf", &v));
	ck_assert_str_eq(json_object_get_string(v), "0000:03:00.0");
	ck_assert(json_object_object_get_ex(d, "aer", &aer));
	ck_assert(json_object_object_get_ex(aer, "fatal", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 6);
	json_object_put(o);
}
END_TEST

START_TEST(test_events_after_and_lost)
{
	json_object *o = get("/v1/events?after=0", 0), *arr, *v;

	/* ring of 4 holds seq 3..6; 1 and 2 were overwritten */
	ck_assert(json_object_object_get_ex(o, "events", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 4);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(arr, 0),
					    "seq", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 3);
	ck_assert(json_object_object_get_ex(o, "lost", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 2);
	json_object_put(o);

	o = get("/v1/events?after=5&limit=10", 0);
	ck_assert(json_object_object_get_ex(o, "events", &arr));
	ck_assert_uint_eq(json_object_array_length(arr), 1);
	json_object_put(o);
}
END_TEST

START_TEST(test_errors)
{
	ck_assert_ptr_null(get("/v1/events?after=x", -EIO));
	ck_assert_ptr_null(get("/v1/events?limit=0", -EIO));
	ck_assert_ptr_null(get("/nope", -EIO));
}
END_TEST

START_TEST(test_after_past_the_end)
{
	json_object *o = get("/v1/events?after=18446744073709551615", 0), *v;

	ck_assert(json_object_object_get_ex(o, "events", &v));
	ck_assert_uint_eq(json_object_array_length(v), 0);
	ck_assert(json_object_object_get_ex(o, "lost", &v));
	ck_assert_uint_eq(json_object_get_uint64(v), 0);
	json_object_put(o);
	ck_assert_ptr_null(get("/v1/events?after=%2B1", -EIO));
	ck_assert_ptr_null(get("/v1/events?after=%201", -EIO));
}
END_TEST

START_TEST(test_socket_path_guarded)
{
	struct gpumon_api *other;
	char file[64];
	FILE *f;

	/* another gpumond answers on the socket: left to it */
	ck_assert_int_eq(gpumon_api_start(&other, &m, sock), -EADDRINUSE);
	json_object_put(get("/v1/snapshot", 0));
	/* a file that is not a socket is never deleted */
	snprintf(file, sizeof(file), "/tmp/check_api.%d.file", getpid());
	f = fopen(file, "w");
	fputs("keep me", f);
	fclose(f);
	ck_assert_int_eq(gpumon_api_start(&other, &m, file), -EEXIST);
	ck_assert_int_eq(access(file, F_OK), 0);
	unlink(file);
}
END_TEST

START_TEST(test_no_daemon)
{
	json_object *o = NULL;
	char err[256];

	ck_assert_int_ne(gpumon_client_get("/tmp/nonexistent.sock",
					   "/v1/snapshot", &o, err,
					   sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "not answering"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_snapshot);
	tcase_add_test(tc, test_events_after_and_lost);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_after_past_the_end);
	tcase_add_test(tc, test_socket_path_guarded);
	tcase_add_test(tc, test_no_daemon);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
