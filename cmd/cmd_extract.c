// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch extract: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_extract(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch extract: not implemented yet\n");
	return EXIT_FATAL;
}
