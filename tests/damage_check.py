#!/usr/bin/env python3
"""damage_check.py - a damaged index: no crash, a message that names the
damage, no write reported as success (issue 16).

Usage: damage_check.py BIN_DIR SOURCE_DIR [--table] [--only NAME] [--seeds N]

A small index of corpus/ (two documents, merged into one shard) is built
once. For each damage of DAMAGES (bytes flipped at several offsets of each
table, a zeroed block, a truncated table, a deleted table, a garbage
iamglass, an empty and a foreign stub, and seeded random damages) a fresh
copy is damaged and:

- quire-search 'cyber espionage' runs,
- quire-serve starts on 127.0.0.1 with a free port; /api/health and
  /api/search are asked and it is stopped (if it started at all),
- quire-index --check runs, and Xapian's own xapian-check on the shard,
- quire-index adds one .txt file,

and the test asserts: nothing dies by a signal (under ASan a crash is an
abort, or exit status 1 with an AddressSanitizer report: both count); a
program that fails exits non-zero, or answers 4xx/503, with a message that
says what is wrong; --check exits 3 whenever xapian-check finds a fault;
and quire-index never says it indexed a document (exit 0) into an index
that --check then finds damaged.

--table prints what each program did for each damage instead of asserting
(the table of issue 16 was made this way).
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QUERY = "cyber espionage"
TABLES = ["postlist", "termlist", "position", "docdata"]
TIMEOUT = 60


def run(argv, env=None, timeout=TIMEOUT):
    """(returncode, stdout+stderr); a negative code is a signal."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


CONTAINED = re.compile(r"crashed (reading|writing|checking) it|"
                       r"the worker crashed inside the search engine")


def sanitizer_report(out):
    """A sanitizer's report that is not a contained crash of libxapian:
    under ASan, a crash inside libxapian is still reported by ASan (a SEGV,
    or a bad free() that glibc would have aborted on) before the parent
    process says it was contained; a report in Quire's own code is a bug."""
    if "runtime error:" in out or "LeakSanitizer" in out:
        return True
    if "AddressSanitizer" not in out:
        return False
    return not (CONTAINED.search(out) and "libxapian" in out)


def crashed(code, out):
    """Death by a signal, or a sanitizer's report (ASan exits 1 after one
    unless abort_on_error is set)."""
    return code < 0 or sanitizer_report(out)


def shard_dir(db):
    with open(os.path.join(db, "XAPIANDB")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] in ("auto", "glass"):
                return os.path.join(db, parts[1])
    raise RuntimeError("no local shard in the stub of " + db)


# ----------------------------------------------------------- damages ---

def flip(table, offset, count=16):
    def do(db):
        path = os.path.join(shard_dir(db), table + ".glass")
        size = os.path.getsize(path)
        off = min(offset, max(size - count, 0))
        with open(path, "r+b") as f:
            f.seek(off)
            data = bytearray(f.read(count))
            for i in range(len(data)):
                data[i] ^= 0xFF
            f.seek(off)
            f.write(data)
    return do


def zero(table, offset, count):
    def do(db):
        path = os.path.join(shard_dir(db), table + ".glass")
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(b"\0" * count)
    return do


def truncate(table, keep_fraction):
    def do(db):
        path = os.path.join(shard_dir(db), table + ".glass")
        os.truncate(path, int(os.path.getsize(path) * keep_fraction))
    return do


def delete(table):
    def do(db):
        os.remove(os.path.join(shard_dir(db), table + ".glass"))
    return do


def garbage_iamglass(db):
    with open(os.path.join(shard_dir(db), "iamglass"), "wb") as f:
        f.write(b"this is not a glass version file\n" * 4)


def empty_stub(db):
    open(os.path.join(db, "XAPIANDB"), "w").close()


def foreign_stub(db):
    with open(os.path.join(db, "XAPIANDB"), "w") as f:
        f.write("[core]\n\trepositoryformatversion = 0\n")


def random_damage(seed):
    """Seeded: a table, an offset and a length, bytes replaced by random
    ones (or, one time in four, the table cut at a random length)."""
    def do(db):
        rng = random.Random(seed)
        table = rng.choice(TABLES)
        path = os.path.join(shard_dir(db), table + ".glass")
        size = os.path.getsize(path)
        if rng.random() < 0.25:
            os.truncate(path, rng.randrange(0, size))
            return
        off = rng.randrange(0, size)
        n = rng.randrange(1, 256)
        with open(path, "r+b") as f:
            f.seek(off)
            f.write(bytes(rng.randrange(256) for _ in range(n)))
    return do


def damages(seeds):
    out = []
    for t in TABLES:
        for off in (0, 100, 1000, 2048, 4000, 6000):
            out.append(("flip-%s-%d" % (t, off), flip(t, off)))
        out.append(("zero-%s-block0" % t, zero(t, 0, 2048)))
        out.append(("truncate-%s" % t, truncate(t, 0.5)))
        out.append(("delete-%s" % t, delete(t)))
    out.append(("garbage-iamglass", garbage_iamglass))
    out.append(("empty-stub", empty_stub))
    out.append(("foreign-stub", foreign_stub))
    for s in range(seeds):
        out.append(("random-%d" % s, random_damage(1000 + s)))
    return out


# ----------------------------------------------------------- programs --

def serve(bin_dir, db):
    """Start quire-serve; ask /api/health and a search; stop it. Returns a
    dict: started, start_out (when it did not start), health (status,
    body), search (status, body), exit (code after SIGTERM), log."""
    res = {"started": False}
    p = subprocess.Popen([os.path.join(bin_dir, "quire-serve"), "--db", db, "--port", "0",
                          "--threads", "2"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode("utf-8", "replace")
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if not m:
        rest = p.stderr.read().decode("utf-8", "replace")
        p.wait(timeout=TIMEOUT)
        res["exit"] = p.returncode
        res["start_out"] = line + rest
        return res
    res["started"] = True
    port = int(m.group(1))

    def get(path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            return None, "no answer: %s" % e
        finally:
            c.close()

    res["health"] = get("/api/health")
    res["search"] = get("/api/search?q=" + QUERY.replace(" ", "+"))
    if res["search"][0] is None:
        # The request in flight when the worker crashed is lost with it;
        # the next one reaches the worker the supervisor started.
        time.sleep(0.5)
        res["search"] = get("/api/search?q=" + QUERY.replace(" ", "+"))
    res["health2"] = get("/api/health")
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    res["exit"] = p.returncode
    res["log"] = p.stderr.read().decode("utf-8", "replace")
    return res


def one_line(s, n=90):
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 3] + "..."


class Damage:
    """What each program did with one damaged copy."""

    def __init__(self, bin_dir, src_dir, pristine, work, name, do):
        self.name = name
        db = os.path.join(work, name)
        shutil.copytree(pristine, db)
        do(db)
        b = lambda prog: os.path.join(bin_dir, prog)
        self.search = run([b("quire-search"), "--db", db, QUERY])
        self.serve = serve(bin_dir, db)
        try:
            sd = shard_dir(db)
            self.xcheck = run(["xapian-check", sd]) if shutil.which("xapian-check") \
                else None
        except (OSError, RuntimeError):
            self.xcheck = None
        self.check = run([b("quire-index"), "--check", "--db", db])
        doc = os.path.join(work, name + "-new.txt")
        with open(doc, "w") as f:
            f.write("A new article\n\nCyber espionage by a new group, reported today.\n")
        self.index = run([b("quire-index"), "--db", db, "--quiet", doc])
        self.check_after = run([b("quire-index"), "--check", "--db", db])
        shutil.rmtree(db, ignore_errors=True)
        os.remove(doc)

    def row(self):
        def prog(r):
            code, out = r
            return "%s %s" % ("SIGNAL %d" % -code if code < 0 else "exit %d" % code,
                              one_line(out, 70))
        s = self.serve
        if s["started"]:
            sv = "health %s %s; search %s %s; exit %s" % (
                s["health"][0], one_line(s["health"][1], 50), s["search"][0],
                one_line(s["search"][1], 70), s["exit"])
        else:
            sv = "refused (exit %s): %s" % (s["exit"], one_line(s["start_out"], 80))
        xc = "n/a" if self.xcheck is None else "exit %d" % self.xcheck[0]
        return "\n".join([
            "== " + self.name,
            "  quire-search: " + prog(self.search),
            "  quire-serve:  " + sv,
            "  xapian-check: " + xc,
            "  --check:      " + prog(self.check),
            "  quire-index:  " + prog(self.index),
            "  --check after:" + prog(self.check_after),
        ])

    def failures(self):
        """What this damage's outcome breaks of the rules above."""
        bad = []
        for what, r in (("quire-search", self.search), ("quire-index --check", self.check),
                         ("quire-index", self.index),
                         ("quire-index --check (after)", self.check_after)):
            if crashed(*r):
                bad.append("%s died: %s" % (what, one_line(r[1], 200)))
        s = self.serve
        if not s["started"] and sanitizer_report(s["start_out"]):
            bad.append("quire-serve: sanitizer report: " + one_line(s["start_out"], 200))
        if s["exit"] is not None and s["exit"] < 0:
            bad.append("quire-serve died by signal %d" % -s["exit"])
        if s["started"]:
            for k in ("health", "search", "health2"):
                st, body = s[k]
                if st is None:
                    bad.append("quire-serve gave no answer to %s: %s" % (k, body))
                elif st >= 500 and st != 503:
                    bad.append("quire-serve answered %s %d: %s" % (k, st, one_line(body)))
            if sanitizer_report(s.get("log", "")):
                bad.append("quire-serve: sanitizer report")
        xfault = self.xcheck is not None and self.xcheck[0] != 0
        damaged = self.check[0] != 0
        if xfault and self.check[0] != 3:
            bad.append("xapian-check finds a fault but --check exits %d: %s" %
                       (self.check[0], one_line(self.check[1], 200)))
        if self.check[0] not in (0, 3):
            bad.append("--check exits %d (not 0 or 3)" % self.check[0])
        if damaged:
            # A damaged index: the check's report says what to do.
            if not re.search(r"restore|rebuild", self.check[1]):
                bad.append("--check gives no advice: " + one_line(self.check[1], 200))
            # quire-search must fail, or succeed (a damage its query does
            # not touch); when it fails, it says why.
            code, out = self.search
            if code != 0 and not re.search(r"damaged|XAPIANDB", out):
                bad.append("quire-search fails without naming the damage: " +
                           one_line(out, 200))
            if self.index[0] == 0 and self.check_after[0] != 0:
                bad.append("quire-index reported success into a damaged index: " +
                           one_line(self.index[1], 200))
            if s["started"]:
                # Damage that no read touched is invisible to the server
                # (--check finds it); once a search failed, health says so.
                st, body = s["search"]
                h2, hbody = s["health2"]
                if (st is None or st >= 500) and h2 == 200:
                    bad.append("/api/health says ok after a search failed: " + hbody)
                if st == 503 and "damaged" not in body:
                    bad.append("503 without naming the damage: " + one_line(body, 200))
            elif not re.search(r"damaged|XAPIANDB", s["start_out"]):
                bad.append("quire-serve refuses without naming the damage: " +
                           one_line(s["start_out"], 200))
        for what, r in (("quire-search", self.search), ("quire-index", self.index)):
            if re.search(r"corrupt: *$", r[1], re.M):
                bad.append("%s: a message without its detail: %s" % (what, one_line(r[1])))
        return bad


def main():
    args = sys.argv[1:]
    table = "--table" in args
    only = args[args.index("--only") + 1] if "--only" in args else None
    seeds = int(args[args.index("--seeds") + 1]) if "--seeds" in args else 8
    bin_dir, src_dir = args[0], args[1]
    work = tempfile.mkdtemp(prefix="quire-damage-")
    try:
        pristine = os.path.join(work, "pristine")
        code, out = run([os.path.join(bin_dir, "quire-index"), "--db", pristine, "--quiet",
                         os.path.join(src_dir, "corpus")])
        if code != 0:
            print("building the index failed: " + out)
            return 1
        failed = 0
        for name, do in damages(seeds):
            if only and not re.search(only, name):
                continue
            d = Damage(bin_dir, src_dir, pristine, work, name, do)
            if table:
                print(d.row(), flush=True)
                continue
            bad = d.failures()
            print("%s %s" % ("FAIL" if bad else "ok  ", name), flush=True)
            for b in bad:
                print("     " + b)
            failed += bool(bad)
        if not table:
            print("%d damages failed" % failed)
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
