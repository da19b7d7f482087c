/* escape: the escape attempts of `payload escape` (escape.c). */
#ifndef PAYLOAD_ESCAPE_H
#define PAYLOAD_ESCAPE_H

/* argv[0] is the attempt's name; returns the exit status. */
int escape_main(int argc, char **argv);

#endif
