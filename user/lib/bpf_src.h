/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpf_src.h - the eBPF programs (bpf/) loaded through their libbpf
 * skeleton, read through one ring buffer.
 */
#ifndef GPUMON_BPF_SRC_H
#define GPUMON_BPF_SRC_H

#include <stddef.h>
#include <stdint.h>
#include "aer.h"

/**
 * struct gpumon_bpf_ops - callbacks for ring buffer records.
 * @aer: one ras:aer_event; @rec->seq is 0 and @rec->time_real_ns 0
 */
struct gpumon_bpf_ops {
	void (*aer)(void *ctx, const struct gpumon_aer_rec *rec);
};

struct gpumon_bpf;

/**
 * gpumon_bpf_open() - load and attach the programs.
 * @why: on failure, a sentence saying why (no BTF, no tracepoint,
 *	no permission)
 * @whylen: size of @why
 * Return: 0 or -errno.
 */
int gpumon_bpf_open(struct gpumon_bpf **out, const struct gpumon_bpf_ops *ops,
		    void *ctx, char *why, size_t whylen);
/** gpumon_bpf_fd() - epoll fd of the ring buffer, to poll for POLLIN. */
int gpumon_bpf_fd(struct gpumon_bpf *b);
/** gpumon_bpf_process() - consume every record. Return: count or -errno. */
int gpumon_bpf_process(struct gpumon_bpf *b);
/** gpumon_bpf_drops() - records lost because the ring buffer was full. */
uint64_t gpumon_bpf_drops(struct gpumon_bpf *b);
/**
 * gpumon_bpf_skipped() - records read but not passed on (unknown type,
 * too short, undefined severity); none are expected.
 */
uint64_t gpumon_bpf_skipped(struct gpumon_bpf *b);
void gpumon_bpf_close(struct gpumon_bpf *b);

#endif
