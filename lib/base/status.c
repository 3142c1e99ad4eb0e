/* status.c - quire_strerror(): the one table of status descriptions. */
#include <quire/quire.h>

static const char *const messages[QUIRE_STATUS_COUNT_] = {
    [QUIRE_OK] = "success",
    [QUIRE_ENOMEM] = "out of memory",
    [QUIRE_EINVAL] = "invalid argument",
    [QUIRE_EIO] = "input/output error",
    [QUIRE_ENOTFOUND] = "not found",
    [QUIRE_ENOTINDEX] = "not a Quire index",
    [QUIRE_ESCHEMA] = "index schema version not supported",
    [QUIRE_ELOCKED] = "index is locked by another writer",
    [QUIRE_ECORRUPT] = "index is damaged",
    [QUIRE_EMODIFIED] = "index was modified during the read; retry",
    [QUIRE_EQUERY] = "malformed query",
    [QUIRE_ELANG] = "unknown stemming language",
    [QUIRE_EXAPIAN] = "Xapian error",
    [QUIRE_EINTERNAL] = "internal error",
    [QUIRE_EOPTION] = "bad search option",
};

const char *quire_strerror(quire_status_t status)
{
    if ((unsigned)status >= QUIRE_STATUS_COUNT_ || !messages[status])
        return "unknown status";
    return messages[status];
}
