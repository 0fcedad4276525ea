// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch version: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch version: not implemented yet\n");
	return EXIT_FATAL;
}
