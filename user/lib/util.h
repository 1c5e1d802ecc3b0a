/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small helpers shared by the daemon's pieces.
 */
#ifndef GPUMON_UTIL_H
#define GPUMON_UTIL_H

#include <sys/types.h>

/**
 * gpumon_mkdir_parent() - create the folder that will hold @path, and
 * every missing folder above it, like "mkdir -p $(dirname PATH)".
 * @path: a file path
 * @mode: mode of the folders created
 * Return: 0 (also when they already exist) or -errno.
 */
int gpumon_mkdir_parent(const char *path, mode_t mode);

#endif
