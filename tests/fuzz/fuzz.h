/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every libFuzzer target here shares: its entry point, and CHECK,
 * which aborts (a finding) when a property of the code under test fails.
 */
#ifndef AZC_TESTS_FUZZ_H
#define AZC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
