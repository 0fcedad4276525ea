# SPDX-License-Identifier: BSD-2-Clause
# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed_file.cmake: the bytes of IN as a C array
# NAME (NUL-terminated) and NAME_len, so the binary needs no data files at run time.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from ${IN} by embed_file.cmake */\n"
     "const char ${NAME}[] = {${bytes} 0};\n"
     "const unsigned long ${NAME}_len = sizeof(${NAME}) - 1;\n")
