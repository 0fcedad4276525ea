// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch min_core_btf: placeholder until its module lands. */
#include <stdio.h>
#include "commands.h"

int cmd_min_core_btf(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "btfgen-batch min_core_btf: not implemented yet\n");
	return EXIT_FATAL;
}
