/*
 * test_similar_remote.c - quire_similar() over remote shards: an index of
 * two shards written here, its shards served by xapian-tcpsrv (127.0.0.1,
 * a free port), and an index directory whose stub names that server; the
 * similar articles read through it are those read locally (the expansion,
 * the search and the near-duplicates need nothing a remote server lacks).
 * Skipped, saying so, without xapian-tcpsrv (Debian: xapian-tools).
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "open_index.h"
#include "server_harness.h"

static char tmp[64];
static pid_t server = -1;

static void stop(void)
{
    if (server > 0) {
        kill(-server, SIGTERM); /* its group: the children it forked too */
        waitpid(server, NULL, 0);
        server = -1;
    }
    if (tmp[0])
        qt_remove_tree(tmp);
}

TestSuite(similar_remote, .fini = stop, .timeout = 60);

static unsigned free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(s, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

static int accepts(unsigned port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

/* xapian-tcpsrv serving shard dirs a and b as one database; its port. */
static unsigned serve(const char *prog, const char *a, const char *b)
{
    unsigned port = free_port();
    char ports[16];
    snprintf(ports, sizeof ports, "%u", port);
    server = fork();
    cr_assert_geq(server, 0);
    if (server == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(prog, prog, "--port", ports, "--interface", "127.0.0.1", "--quiet", a, b,
              (char *)NULL);
        _exit(127);
    }
    setpgid(server, server);
    for (int i = 0; i < 100; i++) { /* up to 10 s */
        if (accepts(port))
            return port;
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    cr_assert_fail("xapian-tcpsrv did not start");
    return 0;
}

static void add(quire_writer_t *w, const char *id, const char *title, const char *body)
{
    quire_doc_t d = {.id = id, .title = title, .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK, "add %s", id);
}

#define STORY                                                                               \
    "Lazarus operators breached the Hanwha cryptocurrency exchange through a trojanized "  \
    "wallet updater; the updater sideloaded a loader that stole hot wallet keys."

static quire_results_t *similar(quire_reader_t *r, const char *id)
{
    quire_search_options_t o = {.limit = 20};
    quire_results_t *res = NULL;
    cr_assert_eq(quire_similar(r, id, &o, &res), QUIRE_OK, "%s", quire_reader_detail(r));
    return res;
}

Test(similar_remote, remote_shards_answer_as_local_ones)
{
    const char *prog = "/usr/bin/xapian-tcpsrv";
    if (access(prog, X_OK) != 0)
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): similar articles "
                     "over remote shards not tested");
    strcpy(tmp, "/tmp/quire-test-similar-remote-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char db[128], remote[128], stub[160], a[256], b[256];
    snprintf(db, sizeof db, "%s/db", tmp);
    snprintf(remote, sizeof remote, "%s/remote", tmp);
    quire_writer_t *w = test_open_writer(db, 2);
    add(w, "src", "Exchange robbed", STORY);
    add(w, "copy", "Exchange robbed, again", STORY " Subscribe for more.");
    add(w, "rel1", "Updater abused", "A trojanized wallet updater let Lazarus steal hot "
                                     "wallet keys from an exchange.");
    add(w, "rel2", "Keys stolen", "Hot wallet keys of a cryptocurrency exchange were stolen.");
    add(w, "rel3", "Loader", "The loader was sideloaded by a trojanized updater at Hanwha.");
    add(w, "other", "Printer bug", "A heap overflow in printer firmware.");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    /* The shards the stub names ("auto NAME" lines, store/layout.c). */
    snprintf(stub, sizeof stub, "%s/XAPIANDB", db);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f);
    char line[128], name[2][96];
    int n = 0;
    while (n < 2 && fgets(line, sizeof line, f))
        n += sscanf(line, "auto %95s", name[n]) == 1;
    fclose(f);
    cr_assert_eq(n, 2, "two shards in %s", stub);
    snprintf(a, sizeof a, "%s/%s", db, name[0]);
    snprintf(b, sizeof b, "%s/%s", db, name[1]);
    unsigned port = serve(prog, a, b);
    cr_assert_eq(mkdir(remote, 0755), 0);
    snprintf(stub, sizeof stub, "%s/XAPIANDB", remote);
    f = fopen(stub, "w");
    cr_assert_not_null(f);
    fprintf(f, "remote 127.0.0.1:%u\n", port);
    cr_assert_eq(fclose(f), 0);

    quire_reader_t *local = test_open_reader(db), *far = test_open_reader(remote);
    quire_results_t *l = similar(local, "src"), *r = similar(far, "src");
    cr_assert_geq(l->nhits, 3, "rel1, rel2, rel3");
    cr_expect_eq(r->nhits, l->nhits);
    cr_expect_eq(r->total, l->total);
    cr_expect_str_eq(r->query, l->query);
    for (size_t i = 0; i < l->nhits && i < r->nhits; i++) {
        cr_expect_str_eq(r->hits[i].id, l->hits[i].id, "hit %zu", i);
        cr_expect_str_neq(r->hits[i].id, "copy", "the near-duplicate, remotely too");
        cr_expect_str_neq(r->hits[i].id, "src");
    }
    quire_results_t *none = NULL;
    cr_expect_eq(quire_similar(far, "nope", NULL, &none), QUIRE_ENOTFOUND);
    quire_results_free(l);
    quire_results_free(r);
    quire_reader_close(local);
    quire_reader_close(far);
}
