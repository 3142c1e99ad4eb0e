/* sync_tree.c - fsync a shard directory (see sync_tree.h). */
#define _GNU_SOURCE /* sync_file_range */
#include "write/sync_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Call fn on an fd of each regular file of dir (opened read-only: fsync
 * works on any descriptor of the file); stops at the first failure and
 * returns its errno, with the file's path in *failed. */
static int each_file(const char *dir, int (*fn)(int fd), quirei_buf *failed)
{
    DIR *d = opendir(dir);
    if (!d) {
        quirei_buf_setf(failed, "%s", dir);
        return errno;
    }
    int e = 0;
    struct dirent *ent;
    while (!e && (ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        if (quirei_buf_setf(failed, "%s/%s", dir, ent->d_name) < 0) {
            e = ENOMEM;
            break;
        }
        int fd = open(failed->ptr, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0) {
            e = errno == ENOENT ? 0 : errno; /* removed meanwhile: nothing to sync */
            continue;
        }
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && fn(fd) != 0)
            e = errno;
        close(fd);
    }
    closedir(d);
    return e;
}

static int start_writeback(int fd)
{
#ifdef __linux__
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
#endif
    return 0;
}

void quirei_sync_start(const char *dir)
{
    quirei_buf p = QUIREI_BUF_INIT;
    (void)each_file(dir, start_writeback, &p);
    quirei_buf_release(&p);
}

quire_status_t quirei_sync_tree(const char *dir, quirei_buf *err)
{
    quirei_buf p = QUIREI_BUF_INIT;
    int e = each_file(dir, fsync, &p);
    if (!e) { /* the directory's entries too: the files' names */
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            e = errno;
        if (fd >= 0)
            close(fd);
        quirei_buf_setf(&p, "%s", dir);
    }
    quire_status_t st = QUIRE_OK;
    if (e == ENOMEM) {
        st = QUIRE_ENOMEM;
    } else if (e) {
        quirei_buf_setf(err, "%s: cannot sync to disk: %s", quirei_buf_cstr(&p), strerror(e));
        st = QUIRE_EIO;
    }
    quirei_buf_release(&p);
    return st;
}
