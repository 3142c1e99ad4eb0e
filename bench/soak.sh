#!/usr/bin/env bash
# bench/soak.sh [BUILD_DIR] — soak test of quire-serve (issue 5): wrk for SOAK_SECONDS at
# SOAK_CONNS connections on a rotating mix of valid search queries over the whole shared
# corpus. Passes (exit 0) only with zero non-2xx responses, zero socket errors, and the
# server's RSS at the end within 10% of its RSS after the warm-up; exits 1 otherwise
# (after recording the run), and 2 when it cannot run (bad settings, missing programs).
#
#   BUILD_DIR          build tree holding bin/quire-serve and bin/quire-index
#                      (default: build, relative to the repo root)
#   QUIRE_CORPUS       directory of *.jsonl.gz files (default: ../shared/corpus)
#   QUIRE_EVAL         evaluation set whose queries.txt is mixed in when present
#                      (default: ../shared/eval/open); read at run time, never copied
#   QUIRE_SOAK_DIR     where the index is built (default: /tmp/quire-soak); left there
#   QUIRE_BENCH_KEEP   when set (non-empty), reuse the index in QUIRE_SOAK_DIR if it was
#                      built from the same corpus files (names, sizes, mtimes)
#   QUIRE_BENCH_INDEX  serve this existing index instead (not rebuilt, not checked)
#   SOAK_SECONDS       length of the measured run (default 60)
#   SOAK_CONNS         wrk connections (default 64)
#   SOAK_THREADS       wrk threads (default 2)
#   SOAK_WARMUP        seconds of warm-up load, not measured (default 15)
#   SOAK_EVAL_QUERIES  how many eval queries to mix in (default 300)
#   SOAK_SERVE_ARGS    extra quire-serve options (default: --cache-mb 0, so that every
#                      request runs a search instead of being answered from the result
#                      cache; set it to "" to soak with the cache)
#   SOAK_RESULTS       file the dated section is appended to (default: bench/RESULTS.md)
#
# quire-serve runs on 127.0.0.1 with --port 0 and its default threads, limits and
# timeout; its access log goes to a file. Every query URL is checked for 200 with curl
# first. Prints a summary and appends a dated section to bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
CORPUS=${QUIRE_CORPUS:-$ROOT/../shared/corpus}
EVAL=${QUIRE_EVAL:-$ROOT/../shared/eval/open}
SOAK_DIR=${QUIRE_SOAK_DIR:-/tmp/quire-soak}
SECS=${SOAK_SECONDS:-60}
CONNS=${SOAK_CONNS:-64}
THREADS=${SOAK_THREADS:-2}
WARMUP=${SOAK_WARMUP:-15}
NEVAL=${SOAK_EVAL_QUERIES:-300}
SERVE_ARGS=${SOAK_SERVE_ARGS-"--cache-mb 0"}
RESULTS=${SOAK_RESULTS:-$ROOT/bench/RESULTS.md}
SERVE=$BUILD/bin/quire-serve
QINDEX=$BUILD/bin/quire-index

die() { echo "soak: $*" >&2; exit 2; }

for v in SECS CONNS THREADS WARMUP; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number (got '${!v}')"
done
[[ $NEVAL =~ ^[0-9]+$ ]] || die "SOAK_EVAL_QUERIES must be a number"
(( THREADS <= CONNS )) || die "SOAK_THREADS must not exceed SOAK_CONNS (wrk needs a connection per thread)"
[[ -x $SERVE ]] || die "missing $SERVE; build with: cmake --build ${BUILD#"$ROOT"/} --target quire-serve quire-index"
command -v wrk >/dev/null || die "wrk is not installed (scripts/setup.sh installs it)"
command -v curl >/dev/null || die "curl is not installed"
read -r -a SERVE_EXTRA <<<"$SERVE_ARGS"

SCRATCH=$(mktemp -d /tmp/quire-soak-run.XXXXXX)
SERVE_PID=""
cleanup() {
  if [[ -n $SERVE_PID ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- index ------------------------------------------------------------------------
if [[ -n ${QUIRE_BENCH_INDEX:-} ]]; then
  INDEX=$QUIRE_BENCH_INDEX
  [[ -d $INDEX ]] || die "QUIRE_BENCH_INDEX=$INDEX is not a directory"
  INDEX_HOW="given by QUIRE_BENCH_INDEX"
else
  [[ -d $CORPUS ]] || { echo "soak: no corpus at $CORPUS (set QUIRE_CORPUS); skipping the soak."; exit 0; }
  shopt -s nullglob
  FILES=("$CORPUS"/*.jsonl.gz)
  shopt -u nullglob
  (( ${#FILES[@]} )) || { echo "soak: no *.jsonl.gz in $CORPUS; skipping the soak."; exit 0; }
  [[ -x $QINDEX ]] || die "missing $QINDEX"
  INDEX=$SOAK_DIR/quire
  STAMP=$(stat -L -c '%n %s %Y' "${FILES[@]}")
  if [[ -n ${QUIRE_BENCH_KEEP:-} && -d $INDEX && -f $INDEX.stamp && $(cat "$INDEX.stamp") == "$STAMP" ]]; then
    echo "Reusing the index $INDEX (QUIRE_BENCH_KEEP is set)"
    INDEX_HOW="reused, built earlier from the same corpus files"
  else
    mkdir -p "$SOAK_DIR"
    rm -rf "$INDEX" "$INDEX.partial" "$INDEX.stamp"
    echo "Building the index in $INDEX from ${#FILES[@]} corpus files ..."
    t0=$(date +%s)
    "$QINDEX" --db "$INDEX.partial" --quiet "${FILES[@]}" || die "quire-index failed"
    mv "$INDEX.partial" "$INDEX"
    printf '%s\n' "$STAMP" >"$INDEX.stamp"
    INDEX_HOW="built by this run in $(( $(date +%s) - t0 )) s"
  fi
fi
INDEX_MB=$(du -sb "$INDEX" | awk '{ printf "%.1f", $1 / 1e6 }')

# ---- queries ----------------------------------------------------------------------
# One line per request: the query text, a tab, then extra parameters. Lua URL-encodes
# the query. Our own mix first, then eval queries (every other line, up to NEVAL).
QUERIES=$SCRATCH/queries.tsv
cat >"$QUERIES" <<'EOF'
ransomware	
phishing	&limit=20
malware	&sort=date
vulnerability	&format=text
ransomware attack	
remote code	&sort=date&limit=5
"remote code execution"	
"supply chain attack"	&format=text
"sql injection"	&sort=date
CVE-2021-44228	
CVE-2017-0144	&sort=date
CVE-2023-4966	&format=text
T1059.001	
T1566	
APT28	
APT29	&sort=date
Lazarus	
title:ransomware	
title:"cross site scripting"	
source:ti-corpus espionage	
source:mitre-attack credential	
espionage OR sabotage	
botnet NOT mirai	
(china OR russia) hackers	
ransom*	
phish*	&format=text
date:>=2020 ransomware	
exploit	&from=2019-01-01&to=2021-12-31
patch	&offset=20
buffer overflow	&limit=50&sort=date
EOF
NOWN=$(grep -c . "$QUERIES")
NFROM_EVAL=0
if [[ -f $EVAL/queries.txt && $NEVAL -gt 0 ]]; then
  awk -v n="$NEVAL" 'NR % 2 == 1 && c < n && NF {
      c++; p = (c % 10 == 3) ? "&sort=date" : (c % 10 == 7) ? "&format=text" : ""
      print $0 "\t" p }' "$EVAL/queries.txt" >>"$QUERIES"
  NFROM_EVAL=$(( $(grep -c . "$QUERIES") - NOWN ))
fi
NQ=$(grep -c . "$QUERIES")

LUA=$SCRATCH/soak.lua
cat >"$LUA" <<'EOF'
-- Rotates over the queries in $SOAK_QUERIES; counts responses by status class.
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
paths = {}
for line in io.lines(os.getenv("SOAK_QUERIES")) do
  local q, extra = line:match("^(.-)\t(.*)$")
  if q and #q > 0 then paths[#paths + 1] = "/api/search?q=" .. urlencode(q) .. extra end
end
if os.getenv("SOAK_PRINT_PATHS") then
  for _, p in ipairs(paths) do print(p) end
  os.exit(0)
end
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  n = (id * 7919) % #paths -- threads start at different places
  ok, bad = 0, 0
end
function request()
  n = n % #paths + 1
  return wrk.format(nil, paths[n])
end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local good, nonok = 0, 0
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    nonok = nonok + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d duration_us=%d ok=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, good, nonok, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
EOF
export SOAK_QUERIES=$QUERIES
SOAK_PRINT_PATHS=1 wrk -c1 -t1 -d1s -s "$LUA" http://127.0.0.1:1/ 2>/dev/null >"$SCRATCH/paths.txt" || true
NPATHS=$(grep -c '^/api/search' "$SCRATCH/paths.txt" || true)
(( NPATHS == NQ )) || die "the Lua script read $NPATHS queries of $NQ"

# ---- server -----------------------------------------------------------------------
"$SERVE" --db "$INDEX" --port 0 "${SERVE_EXTRA[@]}" 2>"$SCRATCH/serve.log" &
SERVE_PID=$!
PORT=""
for (( i = 0; i < 300; i++ )); do
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$SCRATCH/serve.log" >&2; die "quire-serve exited during startup"; }
  line=$(head -n 1 "$SCRATCH/serve.log" 2>/dev/null || true)
  if [[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then PORT=${BASH_REMATCH[1]}; break; fi
  sleep 0.1
done
[[ -n $PORT ]] || die "quire-serve did not report its port within 30 s: $(cat "$SCRATCH/serve.log")"
BASE=http://127.0.0.1:$PORT
echo "quire-serve (pid $SERVE_PID) on $BASE ${SERVE_ARGS:+($SERVE_ARGS) }serving $INDEX ($INDEX_MB MB)"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVE_PID/status"; }

# ---- every query answers 200 ---------------------------------------------------------
echo "Checking that all $NQ queries answer 200 ($NOWN of ours, $NFROM_EVAL from $EVAL/queries.txt) ..."
while read -r path; do
  code=$(curl -s -o "$SCRATCH/body" -w '%{http_code}' --max-time 30 "$BASE$path" || true)
  if [[ $code != 200 ]]; then
    echo "soak: $path answered HTTP ${code:-nothing}, expected 200:" >&2
    head -c 400 "$SCRATCH/body" >&2 2>/dev/null || true
    echo >&2
    exit 2
  fi
done <"$SCRATCH/paths.txt"

# ---- warm-up, then the soak -------------------------------------------------------------
# run_wrk SECONDS OUT: wrk with the rotating script; prints the SOAK line's fields.
run_wrk() {
  wrk -t"$THREADS" -c"$CONNS" -d"$1s" --timeout 10s --latency -s "$LUA" "$BASE/" >"$2" 2>&1 ||
    die "wrk failed: $(cat "$2")"
  grep -q '^SOAK ' "$2" || die "no summary from wrk: $(cat "$2")"
}
field() { sed -n "s/^SOAK .*\b$2=\([0-9]*\).*/\1/p" "$1"; }

echo "Warm-up: ${WARMUP} s at $CONNS connections ..."
run_wrk "$WARMUP" "$SCRATCH/warmup.txt"
WARM_BAD=$(( $(field "$SCRATCH/warmup.txt" non2xx) + $(field "$SCRATCH/warmup.txt" connect) +
             $(field "$SCRATCH/warmup.txt" read) + $(field "$SCRATCH/warmup.txt" write) +
             $(field "$SCRATCH/warmup.txt" timeout) ))
sleep 1
RSS_WARM=$(rss_kb)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "RSS after warm-up: $RSS_WARM kB. Soak: ${SECS} s at $CONNS connections, $THREADS wrk threads ..."
run_wrk "$SECS" "$SCRATCH/soak.txt"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 1
kill -0 "$SERVE_PID" 2>/dev/null || die "quire-serve died during the soak: $(tail -n 20 "$SCRATCH/serve.log")"
RSS_END=$(rss_kb)
HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status")
HEALTH=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/api/health" || true)

S=$SCRATCH/soak.txt
REQS=$(field "$S" requests)
DUR_US=$(field "$S" duration_us)
NON2XX=$(field "$S" non2xx)
E_CONNECT=$(field "$S" connect); E_READ=$(field "$S" read); E_WRITE=$(field "$S" write); E_TIMEOUT=$(field "$S" timeout)
SOCKERR=$(( E_CONNECT + E_READ + E_WRITE + E_TIMEOUT ))
RPS=$(awk -v r="$REQS" -v d="$DUR_US" 'BEGIN { printf "%.0f", (d > 0) ? r / (d / 1e6) : 0 }')
P50=$(awk -v v="$(field "$S" p50_us)" 'BEGIN { printf "%.2f", v / 1000 }')
P99=$(awk -v v="$(field "$S" p99_us)" 'BEGIN { printf "%.2f", v / 1000 }')
MAXL=$(awk -v v="$(field "$S" max_us)" 'BEGIN { printf "%.1f", v / 1000 }')
RATIO=$(awk -v a="$RSS_END" -v b="$RSS_WARM" 'BEGIN { printf "%.3f", a / b }')
MB() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
LOG_LINES=$(wc -l <"$SCRATCH/serve.log")

FAIL=()
(( NON2XX == 0 )) || FAIL+=("$NON2XX non-2xx responses")
(( SOCKERR == 0 )) || FAIL+=("$SOCKERR socket errors (connect $E_CONNECT, read $E_READ, write $E_WRITE, timeout $E_TIMEOUT)")
awk -v r="$RATIO" 'BEGIN { exit !(r <= 1.10) }' || FAIL+=("RSS grew by more than 10% ($RATIO)")
(( WARM_BAD == 0 )) || FAIL+=("$WARM_BAD non-2xx responses or socket errors during the warm-up")
[[ $HEALTH == 200 ]] || FAIL+=("/api/health answered ${HEALTH:-nothing} after the soak")
if (( ${#FAIL[@]} )); then VERDICT="FAIL: $(IFS=';'; echo "${FAIL[*]}")"; else VERDICT="PASS"; fi

# ---- report ---------------------------------------------------------------------------
DATE=$(date -u)
NPROC=$(nproc)
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then COMMIT+=" (with uncommitted changes)"; fi
WRK_VER=$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)

TABLE=$(cat <<EOF
| requests | req/s | p50 ms | p99 ms | max ms | non-2xx | socket errors | RSS after warm-up | RSS at end | end/warm-up |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| $REQS | $RPS | $P50 | $P99 | $MAXL | $NON2XX | $SOCKERR | $(MB "$RSS_WARM") | $(MB "$RSS_END") | $RATIO |
EOF
)
echo
echo "$TABLE"
echo
echo "Peak RSS (VmHWM) $(MB "$HWM"); $LOG_LINES access-log lines; /api/health after: $HEALTH"
echo "$VERDICT"

[[ -f $RESULTS ]] || printf '# Quire benchmark results\n' >"$RESULTS"
{
  echo
  echo "## Soak — $DATE"
  echo
  echo "- Machine: $NPROC CPU(s), ${MODEL:-unknown CPU}, $MEM RAM ($(uname -sr));"
  echo "  load average before/after the soak: $LOAD_BEFORE / $LOAD_AFTER"
  echo "- Commit: $COMMIT; wrk ${WRK_VER:-unknown}"
  if [[ -n ${QUIRE_BENCH_INDEX:-} ]]; then
    echo "- Index: \`$INDEX\` ($INDEX_HOW, $INDEX_MB MB)"
  else
    echo "- Index: \`$INDEX\` ($INDEX_HOW, $INDEX_MB MB), the whole shared corpus:"
    echo "  \`quire-index --db DIR --quiet $CORPUS/*.jsonl.gz\` (${#FILES[@]} files)"
  fi
  echo "- Server: \`quire-serve --db INDEX --port 0${SERVE_ARGS:+ $SERVE_ARGS}\` on 127.0.0.1, default threads"
  echo "  (one per core), connection limit and timeout; access log to a file."
  echo "- Method (\`bench/soak.sh\`): $NQ search URLs in rotation, each checked for 200 with curl first:"
  echo "  $NOWN of the script's own (terms, two words, phrases, CVE/ATT&CK/APT IDs, title:/source:"
  echo "  fields, OR/NOT/parentheses, prefixes, date ranges, sort=date, format=text, limit/offset)"
  echo "  and $NFROM_EVAL from \`eval/open/queries.txt\` (every other line; quoted and curly-quoted"
  echo "  sentences, bare words, tokens; some with sort=date or format=text), read at run time."
  echo "  \`wrk -t$THREADS -c$CONNS -d${SECS}s --timeout 10s\` with a Lua script that rotates over them"
  echo "  and counts non-2xx in its \`response\` hook; a ${WARMUP} s warm-up with the same load first."
  echo "  RSS is VmRSS from /proc 1 s after the warm-up and 1 s after the soak. wrk shares the"
  echo "  $NPROC cores with the server."
  echo
  echo "$TABLE"
  echo
  echo "- Peak RSS (VmHWM) $(MB "$HWM"); $LOG_LINES access-log lines; /api/health after the soak: $HEALTH"
  echo "- Verdict (zero non-2xx, zero socket errors, RSS at end ≤ 1.10 × after warm-up): $VERDICT"
} >>"$RESULTS"
echo "Appended results to ${RESULTS#"$ROOT"/}"
[[ $VERDICT == PASS ]] || exit 1
