/* deletes.c - remove documents by id (see deletes.h). */
#include "deletes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int qi_index_exists(qi_run *run, const char *db)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open(db, &r, &detail);
    if (st != QUIRE_OK)
        fprintf(run->log, "quire-index: cannot delete from %s: %s\n", db,
                detail ? detail : quire_strerror(st));
    free(detail);
    quire_reader_close(r);
    return st == QUIRE_OK;
}

/* Delete one id; `where` ("FILE:LINE" or NULL) locates it in a list. */
static int delete_one(qi_run *run, const char *id, const char *where)
{
    bool found = false;
    quire_status_t st = quire_writer_delete(run->writer, id, &found);
    if (st != QUIRE_OK) {
        run->fatal = st;
        fprintf(run->log, "quire-index: %s: %s\n", quire_strerror(st),
                quire_writer_detail(run->writer));
        return -1;
    }
    if (!found) {
        run->skipped[QI_UNKNOWN_ID]++;
        fprintf(run->log, "%s: unknown id '%s', nothing deleted\n", where ? where : "quire-index",
                id);
    }
    return 0;
}

int qi_delete_ids(qi_run *run, char *const *ids, int n)
{
    for (int i = 0; i < n && !*run->stop; i++)
        if (delete_one(run, ids[i], NULL) < 0)
            return -1;
    return 0;
}

/* A line that names no id: empty, only spaces, or a '#' comment. */
static int skip_line(const char *s)
{
    if (*s == '#')
        return 1;
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

int qi_delete_from(qi_run *run, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (!f) {
        run->skipped[QI_UNREADABLE]++;
        fprintf(run->log, "%s: %s\n", path, strerror(errno));
        return 0;
    }
    char *line = NULL, where[4096];
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    int rc = 0;
    while (rc == 0 && !*run->stop && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        /* "\n" and a Windows "\r\n" end the line; other bytes are the id's. */
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (skip_line(line))
            continue;
        snprintf(where, sizeof where, "%s:%lu", is_stdin ? "<stdin>" : path, lineno);
        rc = delete_one(run, line, where);
    }
    if (rc == 0 && ferror(f)) {
        run->skipped[QI_UNREADABLE]++;
        fprintf(run->log, "%s: read error after line %lu\n", path, lineno);
    }
    free(line);
    if (!is_stdin)
        fclose(f);
    return rc;
}
