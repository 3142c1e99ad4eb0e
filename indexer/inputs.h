/*
 * inputs.h - walking the indexer's INPUT arguments and feeding the writer.
 *
 * Each file is read by the reader its suffix names in the format table
 * (formats.h); every problem is reported once on stderr as "file:line:
 * reason" (line 0 = the whole file, printed without a line), the file or
 * record is skipped and the run goes on. A date that is not one (see
 * quire_date_normalize) is reported the same way, but the document is
 * indexed, without a date. Only a writer failure or running
 * out of memory stops the run.
 */
#ifndef QUIRE_INPUTS_H
#define QUIRE_INPUTS_H

#include <quire/quire.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

typedef enum qi_reason {
    QI_UNREADABLE,   /* cannot open / read the file */
    QI_EMPTY,        /* empty file or no text content */
    QI_BINARY,       /* NUL bytes: not a text file */
    QI_BAD_JSON,     /* a JSON Lines record that is not valid JSON / object */
    QI_MISSING,      /* a record without id or body */
    QI_TRUNCATED,    /* truncated or corrupt gzip: the rest of the file is lost */
    QI_UNSUPPORTED,  /* a file named on the command line with an unknown type */
    QI_REJECTED,     /* the writer refused the document (id too long, ...) */
    QI_UNKNOWN_ID,   /* --delete: the index holds no document with this id */
    QI_REASON_COUNT
} qi_reason;

typedef struct qi_run {
    quire_writer_t *writer;
    const char *source;     /* --source for file inputs, or NULL */
    int raw_text;           /* --raw-text: formats' extract_raw readers (formats.h) */
    FILE *log;              /* where problems are reported */
    volatile sig_atomic_t *stop; /* set by a signal handler: stop early */
    /* counters */
    uint64_t files, docs, skipped[QI_REASON_COUNT];
    uint64_t bytes_total, bytes_done; /* input file bytes, for progress */
    quire_status_t fatal;   /* a writer error or out of memory: the run must stop */
    void (*progress)(struct qi_run *); /* called after each document */
} qi_run;

extern const char *const qi_reason_names[QI_REASON_COUNT];

/* Add the sizes of all indexable files under `input` to run->bytes_total.
 * Returns 0, or -1 when out of memory (reported on run->log, run->fatal =
 * QUIRE_ENOMEM). */
int qi_measure(qi_run *run, const char *input);

/* Index everything under `input` (a file or a directory, recursed in name
 * order). Returns 0, or -1 when the run must stop: a fatal writer error or
 * running out of memory, reported on run->log, with run->fatal set. */
int qi_index_input(qi_run *run, const char *input);

#endif
