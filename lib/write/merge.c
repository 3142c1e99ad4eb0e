/* merge.c - all shards into one database (see merge.h). */
#include "write/merge.h"

#include <stdlib.h>

#include "store/index.h"
#include "store/layout.h"
#include "write/sync_tree.h"
#include "write/verify.h"

/* The paths of the shards, NUL-separated in *paths, pointed at by srcs. */
static quire_status_t shard_paths(const char *path, const char *const *names, unsigned n,
                                  quirei_buf *paths, const char **srcs)
{
    size_t *offs = malloc(n * sizeof *offs);
    if (!offs)
        return QUIRE_ENOMEM;
    quire_status_t st = QUIRE_OK;
    for (unsigned i = 0; i < n && st == QUIRE_OK; i++) {
        offs[i] = paths->len;
        if (quirei_buf_addf(paths, "%s/%s", path, names[i]) < 0 ||
            quirei_buf_addc(paths, '\0') < 0)
            st = QUIRE_ENOMEM;
    }
    /* Pointers only now: the buffer may have moved while growing. */
    for (unsigned i = 0; i < n && st == QUIRE_OK; i++)
        srcs[i] = paths->ptr + offs[i];
    free(offs);
    return st;
}

quire_status_t quirei_merge_shards(const char *path, const char *const *names, unsigned n,
                                   quirei_buf *err)
{
    char merged[QUIREI_SHARD_NAME_MAX];
    quirei_buf paths = QUIREI_BUF_INIT, dst = QUIREI_BUF_INIT;
    const char **srcs = calloc(n ? n : 1, sizeof *srcs);
    quire_status_t st = srcs ? shard_paths(path, names, n, &paths, srcs) : QUIRE_ENOMEM;
    quirei_shard_merged_name(names, n, merged);
    if (st || quirei_layout_path(&dst, path, merged) < 0) {
        st = QUIRE_ENOMEM;
        goto out;
    }
    quirei_layout_remove_tree(dst.ptr);
    st = quirei_merge(srcs, n, dst.ptr, err);
    /* Xapian's compaction does not sync what it writes: the disk writes
     * start now and go on while the check reads (from the page cache), and
     * the stub names the new generation only once it is on disk. */
    if (st == QUIRE_OK)
        quirei_sync_start(dst.ptr);
    if (st == QUIRE_OK) /* before the stub names it (issue 16) */
        st = quirei_verify_generation(path, dst.ptr, names[0], err);
    if (st == QUIRE_OK)
        st = quirei_sync_tree(dst.ptr, err);
    if (st == QUIRE_OK) {
        const char *one[1] = {merged};
        st = quirei_stub_write(path, one, 1, err);
        if (st == QUIRE_OK) /* the old shards are orphans now */
            st = quirei_layout_remove_orphans(path, one, 1, err);
        else
            quirei_layout_remove_tree(dst.ptr);
    } else {
        quirei_layout_remove_tree(dst.ptr);
    }
out:
    free(srcs);
    quirei_buf_release(&paths);
    quirei_buf_release(&dst);
    return st;
}
