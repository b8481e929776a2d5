/*
 * cmd_places.h - `cdrsift geo --per subscriber` (cmd_places.c): the
 * places of each subscriber, labelled home, work or other (src/places.c).
 * cmd_geo hands its argv over when it asks for them.
 */
#ifndef CDRSIFT_CMD_PLACES_H
#define CDRSIFT_CMD_PLACES_H

/* 1 when 'argv' asks geo for --per (any value: cmd_places checks it). */
int places_wanted(int argc, char **argv);
/* `cdrsift geo --per subscriber ...`: an exit status. */
int cmd_places(int argc, char **argv);

#endif
