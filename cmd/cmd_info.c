// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch info: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch info: not implemented yet\n");
	return EXIT_FATAL;
}
