// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch lookup: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_lookup(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch lookup: not implemented yet\n");
	return EXIT_FATAL;
}
