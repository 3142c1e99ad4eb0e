/*
 * shard_probe.cc - is a down remote shard's port answering again? Asked of
 * background probes, so that no search waits on a dead host.
 *
 * Why: a host that is switched off, or a firewall that drops packets,
 * gives no "connection refused": connect() waits for the whole connect
 * timeout (2 s by default). Trying such a shard again inside a request, as
 * every reader thread did once a second, stalled each thread for the
 * timeout every second. Here one detached thread per HOST:PORT at a time
 * makes a plain TCP connection with that timeout and notes whether the port
 * answered; a reader reconnects a down shard only after a probe saw it
 * answer (store/shards.cc, refresh()), waiting for the probe at most
 * PROBE_WAIT_MS: a port that answers or refuses does so at once, so a
 * shard that comes back is seen at its next retry as before, and a dead
 * host costs a reader 50 ms once a second instead of the connect timeout.
 *
 * The notes are process-wide and never freed: a probe may still run when
 * the process exits, and must not touch a destroyed map.
 */
#include "store/rdb.hh"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "clock.h"

namespace {

struct probe_note {
    bool running = false;  /* a probe of this port is under way */
    bool answered = false; /* what the last finished probe saw */
    double done_ms = -1e18; /* when it finished */
};

std::mutex notes_mu;
std::condition_variable notes_cv; /* a probe finished */
std::unordered_map<std::string, probe_note> *notes; /* under notes_mu */

/* How long a reader waits for a probe it started or found running: a
 * reachable port answers well within it, a dead host costs no more. */
const int PROBE_WAIT_MS = 50;

/* Does host:port accept a TCP connection within timeout_ms? */
bool tcp_answers(const std::string &host, unsigned port, unsigned timeout_ms)
{
    struct addrinfo hints = {}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0)
        return false;
    bool ok = false;
    for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        a->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int err = 0;
            socklen_t len = sizeof err;
            ok = poll(&p, 1, (int)timeout_ms) == 1 &&
                 getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return ok;
}

} // namespace

bool quirei_shard_answers(const std::string &host, unsigned port, unsigned timeout_ms,
                          double now)
{
    std::string key = host + ":" + std::to_string(port);
    std::unique_lock<std::mutex> lock(notes_mu);
    if (!notes)
        notes = new std::unordered_map<std::string, probe_note>();
    probe_note &n = (*notes)[key]; /* references survive rehashing */
    if (n.answered && now - n.done_ms < 2 * QUIREI_SHARD_RETRY_MS)
        return true;
    if (!n.running && now - n.done_ms < QUIREI_SHARD_RETRY_MS)
        return false;
    if (!n.running) {
        n.running = true;
        try {
            std::thread([key, host, port, timeout_ms] {
                bool ok = tcp_answers(host, port, timeout_ms);
                std::lock_guard<std::mutex> l(notes_mu);
                probe_note &m = (*notes)[key];
                m.running = false;
                m.answered = ok;
                m.done_ms = quirei_now_ms();
                notes_cv.notify_all();
            }).detach();
        } catch (...) {
            n.running = false; /* no thread (out of resources): try again later */
            n.done_ms = now;
            return false;
        }
    }
    /* A port that answers or refuses does so within a millisecond on a
     * network that works: wait that long, not the connect timeout. */
    notes_cv.wait_for(lock, std::chrono::milliseconds(PROBE_WAIT_MS), [&n] { return !n.running; });
    return !n.running && n.answered;
}
