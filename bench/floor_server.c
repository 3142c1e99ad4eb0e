/*
 * floor_server - the floor of the HTTP layer on this machine (issue 4).
 *
 *   floor_server --port N [--threads N] [--body-file F]
 *
 * A minimal libmicrohttpd server with the same daemon flags as quire-serve
 * (server/main.c) that answers every request, whatever the method or path,
 * with a fixed ~300-byte JSON body shaped like a small search result. It binds
 * 127.0.0.1 only; --port 0 picks a free port. On start it prints
 * 'listening on http://127.0.0.1:PORT' to stderr, like quire-serve, and runs
 * until SIGINT or SIGTERM, then exits 0. No access log.
 *
 * --body-file F answers with the bytes of F instead (bench_http.sh gives it
 * a real quire-serve response, to separate what the response's size costs
 * the HTTP layer from what quire-serve adds).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char BODY[] =
    "{\"query\":\"ransomware\",\"total\":1,\"took_ms\":0.42,\"results\":[{\"id\":"
    "\"cti-vendor-blogs:8f3a2c\",\"title\":\"New ransomware strain targets healthcare "
    "networks\",\"source\":\"cti-vendor-blogs\",\"score\":12.73,\"snippet\":\"The "
    "<b>ransomware</b> encrypts file shares and deletes shadow copies before "
    "dropping a ransom note on each host.\"}]}\n";

static const char *body = BODY;
static size_t body_len = sizeof BODY - 1;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    /* First call per request: headers only. Answer on the second, after any body. */
    if (!*con_cls) {
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* discard any request body */
        return MHD_YES;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(body_len, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void usage(FILE *out)
{
    fputs("Usage: floor_server --port N [--threads N] [--body-file F]\n"
          "Answers every request on 127.0.0.1:N with a fixed JSON body.\n"
          "  --port N       TCP port (0 picks a free port)\n"
          "  --threads N    worker threads (default: number of cores)\n"
          "  --body-file F  answer with the contents of F (default: ~300 bytes)\n",
          out);
}

int main(int argc, char **argv)
{
    long port = -1;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'},
        {"body-file", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "p:t:b:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'b': {
            FILE *f = fopen(optarg, "rb");
            static char buf[1 << 20];
            size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
            if (!f || ferror(f) || n == 0 || n == sizeof buf) {
                fprintf(stderr, "floor_server: --body-file: cannot read 1 byte to 1 MB from %s\n",
                        optarg);
                if (f)
                    fclose(f);
                return 2;
            }
            fclose(f);
            body = buf;
            body_len = n;
            break;
        }
        case 'p':
            port = strtol(optarg, &end, 10);
            if (*end || !*optarg || port < 0 || port > 65535) {
                fprintf(stderr, "floor_server: --port takes a number from 0 to 65535\n");
                return 2;
            }
            break;
        case 't':
            threads = strtol(optarg, &end, 10);
            if (*end || !*optarg || threads < 1 || threads > 256) {
                fprintf(stderr, "floor_server: --threads takes a number from 1 to 256\n");
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (port < 0 || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (threads < 1)
        threads = 1;

    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "floor_server: cannot listen on 127.0.0.1:%ld: %s\n", port,
                strerror(errno));
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "listening on http://127.0.0.1:%u\n",
            info ? (unsigned)info->port : (unsigned)port);
    fflush(stderr);

    int sig = 0;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    return 0;
}
