// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch ls: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_ls(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch ls: not implemented yet\n");
	return EXIT_FATAL;
}
