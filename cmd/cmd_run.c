// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch run: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch run: not implemented yet\n");
	return EXIT_FATAL;
}
