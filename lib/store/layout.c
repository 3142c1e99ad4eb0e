#define _XOPEN_SOURCE 700 /* nftw() */
/*
 * layout.c - the on-disk layout of an index directory (see layout.h): the
 * stub parser and writer, shard names and generations, orphans, the lock.
 */
#include "store/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHARD_PREFIX "shard"

static quire_status_t say(quirei_buf *err, quire_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Messages are best effort: when memory runs out the status still tells. */
static quire_status_t say(quirei_buf *err, quire_status_t st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        quirei_buf_reset(err);
        quirei_buf_vaddf(err, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* ---------------------------------------------------------------- parse -- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The longest piece of a bad line quoted in a message. */
#define QUOTE_MAX 80

/* Parse "HOST:PORT" or "[IPV6]:PORT" (s[0..len), no blanks around) into e.
 * 0, or -1 when malformed. */
static int parse_host_port(const char *s, size_t len, quirei_stub_entry *e, char **host)
{
    const char *colon = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == ':') {
            colon = s + i;
            break;
        }
    if (!colon || colon == s)
        return -1;
    const char *p = colon + 1, *end = s + len;
    if (p == end || end - p > 5)
        return -1;
    unsigned port = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        port = port * 10 + (unsigned)(*p - '0');
    }
    if (port == 0 || port > 65535)
        return -1;
    const char *h = s, *hend = colon;
    int bracketed = *h == '[';
    if (bracketed) { /* an IPv6 address, which has colons of its own */
        if (hend[-1] != ']' || hend - h < 3)
            return -1;
        h++;
        hend--;
    }
    for (const char *q = h; q < hend; q++)
        if ((*q == ':' && !bracketed) || *q == '[' || *q == ']' || *q == ' ' || *q == '\t')
            return -1;
    e->port = port;
    *host = strndup(h, (size_t)(hend - h));
    return 0;
}

/* Parse one line (s[0..len), no newline) into out. */
static quire_status_t parse_line(const char *s, size_t len, unsigned line, const char *what,
                                 quirei_stub *out, quirei_buf *err)
{
    while (len && is_blank(s[len - 1]))
        len--;
    while (len && is_blank(*s)) {
        s++;
        len--;
    }
    if (len == 0 || *s == '#')
        return QUIRE_OK;
    if (memchr(s, '\0', len))
        return say(err, QUIRE_ENOTINDEX, "%s line %u: a NUL byte", what, line);
    size_t kw = 0;
    while (kw < len && !is_blank(s[kw]))
        kw++;
    size_t arg = kw;
    while (arg < len && is_blank(s[arg]))
        arg++;
    const char *a = s + arg;
    size_t alen = len - arg;
    int quoted = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
    quirei_stub_entry e = {.line = line};
    char *str = NULL;
    if ((kw == 4 && !memcmp(s, "auto", 4)) || (kw == 5 && !memcmp(s, "glass", 5))) {
        if (!alen)
            return say(err, QUIRE_ENOTINDEX, "%s line %u: '%.*s' names no shard path", what,
                       line, (int)kw, s);
        e.kind = QUIREI_STUB_LOCAL;
        str = e.path = strndup(a, alen);
    } else if (kw == 6 && !memcmp(s, "remote", 6)) {
        e.kind = QUIREI_STUB_REMOTE;
        if (parse_host_port(a, alen, &e, &e.host) < 0)
            return say(err, QUIRE_ENOTINDEX,
                       "%s line %u: '%.*s' is not 'remote HOST:PORT' (a port 1-65535; "
                       "IPv6 addresses in brackets; remote programs are not supported)",
                       what, line, quoted, s);
        str = e.host;
    } else {
        return say(err, QUIRE_ENOTINDEX,
                   "%s line %u: '%.*s' is not a shard line ('auto PATH', 'glass PATH', "
                   "'remote HOST:PORT' or a # comment)",
                   what, line, quoted, s);
    }
    if (!str || quirei_stub_entries_push(&out->entries, e) < 0) {
        free(str);
        return say(err, QUIRE_ENOMEM, "out of memory");
    }
    return QUIRE_OK;
}

quire_status_t quirei_stub_parse(const char *text, size_t len, const char *what,
                                 quirei_stub *out, quirei_buf *err)
{
    unsigned line = 0;
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        quire_status_t st = parse_line(text + at, end - at, ++line, what, out, err);
        if (st)
            return st;
        at = end + 1;
    }
    return QUIRE_OK;
}

static quire_status_t read_file(const char *path, quirei_buf *text, quirei_buf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return say(err, errno == ENOENT ? QUIRE_ENOTFOUND : QUIRE_EIO, "%s: %s", path,
                   strerror(errno));
    quire_status_t st = QUIRE_OK;
    for (;;) {
        if (quirei_buf_grow(text, 4096) < 0) {
            st = say(err, QUIRE_ENOMEM, "out of memory");
            break;
        }
        size_t got = fread(text->ptr + text->len, 1, text->cap - text->len, f);
        text->len += got;
        text->ptr[text->len] = '\0';
        if (got == 0) {
            if (ferror(f))
                st = say(err, QUIRE_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    return st;
}

quire_status_t quirei_stub_read(const char *dir, quirei_stub *out, quirei_buf *err)
{
    quirei_buf path = QUIREI_BUF_INIT;
    if (quirei_layout_path(&path, dir, QUIREI_STUB_FILE) < 0)
        return say(err, QUIRE_ENOMEM, "out of memory");
    quire_status_t st = read_file(path.ptr, &out->text, err);
    if (st == QUIRE_OK)
        st = quirei_stub_parse(out->text.ptr, out->text.len, path.ptr, out, err);
    if (st == QUIRE_OK && out->entries.n == 0)
        st = say(err, QUIRE_ENOTINDEX, "%s names no shard", path.ptr);
    quirei_buf_release(&path);
    return st;
}

void quirei_stub_release(quirei_stub *s)
{
    for (size_t i = 0; i < s->entries.n; i++) {
        free(s->entries.v[i].path);
        free(s->entries.v[i].host);
    }
    quirei_stub_entries_release(&s->entries);
    quirei_buf_release(&s->text);
}

int quirei_stub_local_path(const char *dir, const quirei_stub_entry *e, quirei_buf *out)
{
    if (e->path[0] == '/') {
        quirei_buf_reset(out);
        return quirei_buf_adds(out, e->path);
    }
    return quirei_layout_path(out, dir, e->path);
}

/* The writes of quirei_stub_write(), on an open file. */
static int write_lines(FILE *f, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fprintf(f, "auto %s\n", names[i]) < 0)
            return -1;
    return fflush(f) != 0 || fsync(fileno(f)) != 0 ? -1 : 0;
}

quire_status_t quirei_stub_write(const char *dir, const char *const *names, size_t n,
                                 quirei_buf *err)
{
    quirei_buf tmp = QUIREI_BUF_INIT, fin = QUIREI_BUF_INIT;
    quire_status_t st = QUIRE_OK;
    if (quirei_layout_path(&fin, dir, QUIREI_STUB_FILE) < 0 ||
        quirei_buf_addf(&tmp, "%s.tmp", fin.ptr) < 0) {
        st = say(err, QUIRE_ENOMEM, "out of memory");
        goto out;
    }
    FILE *f = fopen(tmp.ptr, "w");
    if (!f) {
        st = say(err, QUIRE_EIO, "%s: %s", tmp.ptr, strerror(errno));
        goto out;
    }
    /* Write-then-rename: this rename is what makes a compaction, a merge or
     * a new index visible. */
    if (write_lines(f, names, n) < 0) {
        st = say(err, QUIRE_EIO, "%s: %s", tmp.ptr, strerror(errno));
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0) {
        st = say(err, QUIRE_EIO, "%s: %s", tmp.ptr, strerror(errno));
        goto out;
    }
    if (rename(tmp.ptr, fin.ptr) != 0)
        st = say(err, QUIRE_EIO, "%s: %s", fin.ptr, strerror(errno));
out:
    quirei_buf_release(&tmp);
    quirei_buf_release(&fin);
    return st;
}

/* -------------------------------------------------------------- sources -- */

void quirei_shard_specs_release(quirei_shard_spec_list *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].host);
        free(s->v[i].label);
    }
    quirei_shard_spec_list_release(s);
}

/* Append one shard (taking path, host and label, freed on failure). */
static quire_status_t push_spec(quirei_shard_spec_list *out, quirei_shard_spec sp, const char *what,
                                quirei_buf *err)
{
    quire_status_t st = QUIRE_OK;
    if (!sp.label || (sp.kind == QUIREI_STUB_LOCAL ? !sp.path : !sp.host))
        st = say(err, QUIRE_ENOMEM, "out of memory");
    for (size_t i = 0; st == QUIRE_OK && i < out->n; i++)
        if (!strcmp(out->v[i].label, sp.label))
            st = say(err, QUIRE_ENOTINDEX,
                     "%s: the shard %s is named twice (its documents would count twice)", what,
                     sp.label);
    if (st == QUIRE_OK && quirei_shard_spec_list_push(out, sp) < 0)
        st = say(err, QUIRE_ENOMEM, "out of memory");
    if (st) {
        free(sp.path);
        free(sp.host);
        free(sp.label);
    }
    return st;
}

static quire_status_t push_remote(quirei_shard_spec_list *out, const char *host, unsigned port,
                                  const char *what, quirei_buf *err)
{
    quirei_buf label = QUIREI_BUF_INIT;
    int v6 = strchr(host, ':') != NULL;
    quirei_buf_addf(&label, QUIREI_TCP_SCHEME "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
                    port);
    quirei_shard_spec sp = {.kind = QUIREI_STUB_REMOTE, .host = strdup(host), .port = port,
                            .label = label.ptr ? strdup(label.ptr) : NULL};
    quirei_buf_release(&label);
    return push_spec(out, sp, what, err);
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static quire_status_t resolve(const char *source, unsigned depth, quirei_shard_spec_list *out,
                              quirei_buf *err);

/* The entries of a parsed stub or manifest whose relative paths start at
 * `base`; `what` names it in messages. */
static quire_status_t resolve_entries(const quirei_stub *stub, const char *base, unsigned depth,
                                      const char *what, quirei_shard_spec_list *out, quirei_buf *err)
{
    quire_status_t st = QUIRE_OK;
    quirei_buf path = QUIREI_BUF_INIT;
    for (size_t i = 0; st == QUIRE_OK && i < stub->entries.n; i++) {
        const quirei_stub_entry *e = &stub->entries.v[i];
        if (e->kind == QUIREI_STUB_REMOTE) {
            st = push_remote(out, e->host, e->port, what, err);
            continue;
        }
        if (quirei_stub_local_path(base, e, &path) < 0) {
            st = say(err, QUIRE_ENOMEM, "out of memory");
            break;
        }
        /* A whole index named here stands for its shards. */
        if (is_dir(path.ptr) && quirei_layout_has_stub(path.ptr)) {
            if (depth + 1 >= QUIREI_SOURCE_DEPTH)
                st = say(err, QUIRE_ENOTINDEX,
                         "%s line %u: '%s' nests indexes more than %d deep (a loop?)", what,
                         e->line, e->path, QUIREI_SOURCE_DEPTH);
            else
                st = resolve(path.ptr, depth + 1, out, err);
            continue;
        }
        char *real = realpath(path.ptr, NULL);
        char *p = real ? real : strdup(path.ptr); /* missing: Xapian says so on open */
        quirei_shard_spec sp = {.kind = QUIREI_STUB_LOCAL, .path = p,
                                .label = p ? strdup(p) : NULL};
        st = push_spec(out, sp, what, err);
    }
    quirei_buf_release(&path);
    return st;
}

static quire_status_t resolve(const char *source, unsigned depth, quirei_shard_spec_list *out,
                              quirei_buf *err)
{
    size_t slen = strlen(QUIREI_TCP_SCHEME);
    if (!strncmp(source, QUIREI_TCP_SCHEME, slen)) {
        quirei_stub_entry e = {.kind = QUIREI_STUB_REMOTE};
        char *host = NULL;
        if (parse_host_port(source + slen, strlen(source + slen), &e, &host) < 0)
            return say(err, QUIRE_ENOTINDEX,
                       "'%s' is not tcp://HOST:PORT (a port 1-65535; IPv6 addresses in "
                       "brackets)",
                       source);
        if (!host)
            return say(err, QUIRE_ENOMEM, "out of memory");
        quire_status_t st = push_remote(out, host, e.port, source, err);
        free(host);
        return st;
    }
    struct stat sb;
    if (stat(source, &sb) != 0)
        return say(err, errno == ENOENT ? QUIRE_ENOTFOUND : QUIRE_EIO, "%s: %s", source,
                   strerror(errno));
    quirei_stub stub = {0};
    quire_status_t st;
    char *base = NULL;
    quirei_buf what = QUIREI_BUF_INIT;
    if (S_ISDIR(sb.st_mode)) {
        if (!quirei_layout_has_stub(source)) { /* one plain Xapian database */
            char *real = realpath(source, NULL);
            return push_spec(out,
                             (quirei_shard_spec){.kind = QUIREI_STUB_LOCAL, .path = real,
                                                 .label = real ? strdup(real) : NULL},
                             source, err);
        }
        base = strdup(source);
        if (quirei_layout_path(&what, source, QUIREI_STUB_FILE) < 0 || !base)
            st = say(err, QUIRE_ENOMEM, "out of memory");
        else
            st = quirei_stub_read(source, &stub, err);
    } else {
        /* A manifest: relative paths start at its directory. */
        const char *slash = strrchr(source, '/');
        base = slash ? strndup(source, (size_t)(slash - source + (slash == source))) : strdup(".");
        if (!base || quirei_buf_adds(&what, source) < 0)
            st = say(err, QUIRE_ENOMEM, "out of memory");
        else if ((st = read_file(source, &stub.text, err)) == QUIRE_OK &&
                 (st = quirei_stub_parse(stub.text.ptr, stub.text.len, source, &stub, err)) ==
                     QUIRE_OK &&
                 stub.entries.n == 0)
            st = say(err, QUIRE_ENOTINDEX, "%s names no shard (a manifest lists shards: "
                                           "'auto PATH' or 'remote HOST:PORT' lines)",
                     source);
    }
    if (st == QUIRE_OK)
        st = resolve_entries(&stub, base, depth, what.ptr, out, err);
    quirei_stub_release(&stub);
    quirei_buf_release(&what);
    free(base);
    return st;
}

quire_status_t quirei_source_resolve(const char *source, quirei_shard_spec_list *out,
                                     quirei_buf *err)
{
    if (!source || !*source)
        return say(err, QUIRE_EINVAL, "no index path");
    return resolve(source, 0, out, err);
}

/* --------------------------------------------------------------- shards -- */

void quirei_shard_name(unsigned index, unsigned gen, char out[QUIREI_SHARD_NAME_MAX])
{
    if (gen)
        snprintf(out, QUIREI_SHARD_NAME_MAX, SHARD_PREFIX "%u.%u", index, gen);
    else
        snprintf(out, QUIREI_SHARD_NAME_MAX, SHARD_PREFIX "%u", index);
}

/* A decimal number of at most 9 digits (so it fits an unsigned) at *p. */
static int parse_uint(const char **p, unsigned *v)
{
    const char *s = *p;
    unsigned n = 0;
    while (**p >= '0' && **p <= '9' && *p - s < 9)
        n = n * 10 + (unsigned)(*(*p)++ - '0');
    *v = n;
    return *p > s ? 0 : -1;
}

int quirei_shard_name_parse(const char *name, unsigned *index, unsigned *gen)
{
    if (strncmp(name, SHARD_PREFIX, strlen(SHARD_PREFIX)) != 0)
        return -1;
    const char *p = name + strlen(SHARD_PREFIX);
    unsigned i, g = 0;
    if (parse_uint(&p, &i) < 0)
        return -1;
    if (*p == '.' && (++p, parse_uint(&p, &g) < 0))
        return -1;
    /* Only the canonical spelling: "shard01" or "shard0.0" are not ours. */
    char canon[QUIREI_SHARD_NAME_MAX];
    quirei_shard_name(i, g, canon);
    if (strcmp(canon, name) != 0)
        return -1;
    *index = i;
    *gen = g;
    return 0;
}

void quirei_shard_next_name(const char *name, char out[QUIREI_SHARD_NAME_MAX])
{
    unsigned index = 0, gen = 0;
    quirei_shard_name_parse(name, &index, &gen);
    quirei_shard_name(index, gen + 1, out);
}

void quirei_shard_merged_name(const char *const *names, size_t n,
                              char out[QUIREI_SHARD_NAME_MAX])
{
    unsigned top = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned index, gen;
        if (quirei_shard_name_parse(names[i], &index, &gen) == 0 && gen > top)
            top = gen;
    }
    quirei_shard_name(0, top + 1, out);
}

/* Is entry i of a stub one of the shards a Quire writer writes? */
static quire_status_t check_writable(const quirei_stub_entry *e, unsigned i, const char *what,
                                     quirei_buf *err)
{
    if (e->kind == QUIREI_STUB_REMOTE)
        return say(err, QUIRE_EINVAL,
                   "%s line %u: names the remote shard %s:%u; a writer writes only local "
                   "shards (index into the shard's directory on its own host)",
                   what, e->line, e->host, e->port);
    unsigned index, gen;
    if (quirei_shard_name_parse(e->path, &index, &gen) < 0 || index != i)
        return say(err, QUIRE_ENOTINDEX,
                   "%s line %u: '%s' is not a shard directory this writer made (expected "
                   "shard%u or shard%u.N: shards in order, inside the index directory)",
                   what, e->line, e->path, i, i);
    return QUIRE_OK;
}

quire_status_t quirei_layout_shards(const char *dir, char (*names)[QUIREI_SHARD_NAME_MAX],
                                    unsigned max, unsigned *n, quirei_buf *err)
{
    *n = 0;
    quirei_stub stub = {0};
    quirei_buf what = QUIREI_BUF_INIT; /* messages name the stub: DIR/XAPIANDB */
    quire_status_t st = quirei_layout_path(&what, dir, QUIREI_STUB_FILE) < 0
                            ? say(err, QUIRE_ENOMEM, "out of memory")
                            : quirei_stub_read(dir, &stub, err);
    if (st == QUIRE_OK && stub.entries.n > max)
        st = say(err, QUIRE_ENOTINDEX, "%s: more than %u shards", what.ptr, max);
    for (size_t i = 0; st == QUIRE_OK && i < stub.entries.n; i++) {
        st = check_writable(&stub.entries.v[i], (unsigned)i, what.ptr, err);
        if (st == QUIRE_OK) /* a valid name fits: it equals a quirei_shard_name() */
            memcpy(names[i], stub.entries.v[i].path, strlen(stub.entries.v[i].path) + 1);
    }
    if (st == QUIRE_OK)
        *n = (unsigned)stub.entries.n;
    quirei_stub_release(&stub);
    quirei_buf_release(&what);
    return st;
}

/* ------------------------------------------------------------ directory -- */

int quirei_layout_path(quirei_buf *out, const char *dir, const char *name)
{
    quirei_buf_reset(out);
    return quirei_buf_addf(out, "%s/%s", dir, name);
}

int quirei_layout_dir_is_fresh(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    int fresh = 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, QUIREI_LOCK_FILE) ||
            !strcmp(n, QUIREI_STUB_FILE ".tmp") ||
            !strncmp(n, SHARD_PREFIX, strlen(SHARD_PREFIX)))
            continue;
        fresh = 0;
        break;
    }
    closedir(d);
    return fresh;
}

int quirei_layout_has_stub(const char *dir)
{
    quirei_buf p = QUIREI_BUF_INIT;
    /* Out of memory: say yes, so the caller goes on to read it and fails
     * there with QUIRE_ENOMEM. */
    int has = quirei_layout_path(&p, dir, QUIREI_STUB_FILE) < 0 || access(p.ptr, F_OK) == 0;
    quirei_buf_release(&p);
    return has;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void quirei_layout_remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

quire_status_t quirei_layout_remove_orphans(const char *dir, const char *const *keep,
                                            size_t n, quirei_buf *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return QUIRE_OK; /* nothing to tidy that we could see */
    quire_status_t st = QUIRE_OK;
    quirei_buf p = QUIREI_BUF_INIT;
    struct dirent *e;
    while (st == QUIRE_OK && (e = readdir(d))) {
        if (strncmp(e->d_name, SHARD_PREFIX, strlen(SHARD_PREFIX)) != 0)
            continue;
        int used = 0;
        for (size_t i = 0; i < n; i++)
            used |= strcmp(e->d_name, keep[i]) == 0;
        if (used)
            continue;
        if (quirei_layout_path(&p, dir, e->d_name) < 0)
            st = say(err, QUIRE_ENOMEM, "out of memory");
        else
            quirei_layout_remove_tree(p.ptr);
    }
    quirei_buf_release(&p);
    closedir(d);
    return st;
}

quire_status_t quirei_layout_lock(const char *dir, int *fd, quirei_buf *err)
{
    *fd = -1;
    quirei_buf p = QUIREI_BUF_INIT;
    if (quirei_layout_path(&p, dir, QUIREI_LOCK_FILE) < 0)
        return say(err, QUIRE_ENOMEM, "out of memory");
    int f = open(p.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    quirei_buf_release(&p);
    if (f < 0)
        return say(err, QUIRE_EIO, "%s: cannot create lock file: %s", dir, strerror(errno));
    /* One writer per index: Xapian locks each shard, but compaction swaps
     * shard directories, so the whole index needs a lock of its own. */
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        close(f);
        return say(err, QUIRE_ELOCKED, "%s: another writer is using this index", dir);
    }
    *fd = f;
    return QUIRE_OK;
}

void quirei_layout_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the flock() */
}
