/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/unit: the shared check harness (tests/harness/harness.h) under the names the unit
 * tests were written with; phase B renames the calls and drops this header.
 */
#ifndef UNIT_HARNESS_H
#define UNIT_HARNESS_H

/* what the unit tests got from the old header */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define unit_fail harness_fail
#define unit_run_test harness_run
#define unit_finish harness_finish

#endif /* UNIT_HARNESS_H */
