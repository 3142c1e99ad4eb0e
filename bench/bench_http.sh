#!/usr/bin/env bash
# bench/bench_http.sh [BUILD_DIR] — HTTP benchmark (issue 4): throughput and latency
# of quire-serve on the whole shared corpus, beside bench/floor_server.c, a minimal
# libmicrohttpd server with the same daemon flags that answers every request with a
# fixed ~300-byte JSON body (the floor of the HTTP layer on this machine), in the
# same run.
#
#   BUILD_DIR          build tree holding bin/quire-serve, bin/quire-index and
#                      bin/floor_server (default: build, relative to the repo root)
#   QUIRE_BENCH_INDEX  the Quire index to serve (default: /tmp/quire-bench-query/quire,
#                      as left by bench/bench_query.sh); if it is missing it is built
#                      from QUIRE_CORPUS and left there
#   QUIRE_CORPUS       directory of *.jsonl.gz files (default: ../shared/corpus)
#   DUR                seconds per wrk measurement (default 10)
#
# Three servers: quire-serve as deployed (result cache on), quire-serve --cache-mb 0
# (every request searches: the engine's and snippets' cost), and the floor.
# All listen on 127.0.0.1 on a free port (--port 0) with their default
# thread count (one per core) and are stopped with SIGTERM when the script exits.
# For each connection count c in 1 8 32, wrk runs DUR seconds against the floor
# server and against each quire URL in turn (one at a time; wrk shares the machine
# with the server). Prints a Markdown table and appends a dated section to
# bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
INDEX=${QUIRE_BENCH_INDEX:-/tmp/quire-bench-query/quire}
CORPUS=${QUIRE_CORPUS:-$ROOT/../shared/corpus}
DUR=${DUR:-10}
WARMUP=3
CONNS=(1 8 32)
RESULTS=$ROOT/bench/RESULTS.md

SERVE=$BUILD/bin/quire-serve
FLOOR=$BUILD/bin/floor_server
QINDEX=$BUILD/bin/quire-index

die() { echo "bench_http: $*" >&2; exit 1; }

for b in "$SERVE" "$FLOOR"; do
  [[ -x $b ]] || die "missing $b; build with: cmake --build ${BUILD#"$ROOT"/} --target floor_server quire-serve quire-index"
done
command -v wrk >/dev/null || die "wrk is not installed"
command -v curl >/dev/null || die "curl is not installed"
[[ $DUR =~ ^[1-9][0-9]*$ ]] || die "DUR must be a positive number of seconds"

# ---- index --------------------------------------------------------------------------
if [[ -d $INDEX && -n $(ls -A "$INDEX" 2>/dev/null) ]]; then
  INDEX_HOW="existing"
else
  if [[ ! -d $CORPUS ]]; then
    echo "bench_http: no corpus at $CORPUS and no index at $INDEX; skipping the HTTP benchmark."
    exit 0
  fi
  shopt -s nullglob
  FILES=("$CORPUS"/*.jsonl.gz)
  shopt -u nullglob
  (( ${#FILES[@]} )) || { echo "bench_http: no *.jsonl.gz in $CORPUS; skipping."; exit 0; }
  [[ -x $QINDEX ]] || die "missing $QINDEX"
  echo "Building the index in $INDEX from ${#FILES[@]} corpus files ..."
  rm -rf "$INDEX"
  mkdir -p "$(dirname "$INDEX")"
  "$QINDEX" --db "$INDEX" --quiet "${FILES[@]}"
  INDEX_HOW="built by this run"
fi
INDEX_MB=$(du -sb "$INDEX" | awk '{ printf "%.1f", $1 / 1e6 }')

# ---- servers ------------------------------------------------------------------------
SCRATCH=$(mktemp -d /tmp/quire-bench-http.XXXXXX)
SERVE_PID=""
NOCACHE_PID=""
FLOOR_PID=""
SIZED_PID=""
cleanup() {
  local p
  for p in $SERVE_PID $NOCACHE_PID $FLOOR_PID $SIZED_PID; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_port PID LOG NAME: wait for "listening on http://ADDR:PORT" on the log's first
# line and print PORT.
wait_port() {
  local pid=$1 log=$2 name=$3 i line
  for (( i = 0; i < 300; i++ )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench_http: $name exited during startup:" >&2
      cat "$log" >&2
      return 1
    fi
    line=$(head -n 1 "$log" 2>/dev/null || true)
    if [[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
    sleep 0.1
  done
  echo "bench_http: $name did not report its port within 30 s:" >&2
  cat "$log" >&2
  return 1
}

# stderr goes to files, not pipes: quire-serve logs one line per request.
"$SERVE" --db "$INDEX" --port 0 2>"$SCRATCH/serve.log" &
SERVE_PID=$!
"$SERVE" --db "$INDEX" --port 0 --cache-mb 0 2>"$SCRATCH/nocache.log" &
NOCACHE_PID=$!
"$FLOOR" --port 0 2>"$SCRATCH/floor.log" &
FLOOR_PID=$!
SERVE_PORT=$(wait_port "$SERVE_PID" "$SCRATCH/serve.log" quire-serve) || exit 1
NOCACHE_PORT=$(wait_port "$NOCACHE_PID" "$SCRATCH/nocache.log" "quire-serve --cache-mb 0") || exit 1
FLOOR_PORT=$(wait_port "$FLOOR_PID" "$SCRATCH/floor.log" floor_server) || exit 1
QBASE=http://127.0.0.1:$SERVE_PORT
NBASE=http://127.0.0.1:$NOCACHE_PORT
FBASE=http://127.0.0.1:$FLOOR_PORT
echo "quire-serve (pid $SERVE_PID) on $QBASE, index $INDEX"
echo "quire-serve --cache-mb 0 (pid $NOCACHE_PID) on $NBASE"
echo "floor_server (pid $FLOOR_PID) on $FBASE"

NAMES=(term two-word phrase)
PATHS=("/api/search?q=ransomware" "/api/search?q=ransomware+attack" "/api/search?q=%22remote+code+execution%22")
FLOOR_PATH=/api/search?q=ransomware

# ---- sanity: every URL answers 200 ----------------------------------------------------
for url in "$FBASE$FLOOR_PATH" "${PATHS[@]/#/$QBASE}" "${PATHS[@]/#/$NBASE}"; do
  code=$(curl -s -o "$SCRATCH/body" -w '%{http_code}' --max-time 10 "$url" || true)
  if [[ $code != 200 ]]; then
    echo "bench_http: $url answered HTTP ${code:-nothing}, expected 200; aborting." >&2
    head -c 500 "$SCRATCH/body" >&2 2>/dev/null || true
    echo >&2
    exit 1
  fi
  printf '  200 %6d bytes  %s\n' "$(wc -c <"$SCRATCH/body")" "$url"
done

# A second floor answering with quire's own term-query response: what the response's
# size alone costs the HTTP layer (quire's answers are ~6 KB, the floor's ~300 bytes).
curl -s --max-time 10 -o "$SCRATCH/term-body.json" "$QBASE${PATHS[0]}"
TERM_BYTES=$(wc -c <"$SCRATCH/term-body.json")
"$FLOOR" --port 0 --body-file "$SCRATCH/term-body.json" 2>"$SCRATCH/sized.log" &
SIZED_PID=$!
SIZED_PORT=$(wait_port "$SIZED_PID" "$SCRATCH/sized.log" "floor_server --body-file") || exit 1
SBASE=http://127.0.0.1:$SIZED_PORT
echo "floor_server --body-file (pid $SIZED_PID) on $SBASE, $TERM_BYTES-byte body"

# ---- wrk ----------------------------------------------------------------------------
# to_ms VALUE: wrk latency ("812.00us", "1.23ms", "1.01s", "1.50m") in ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /us$/)) m = 0.001; else if (match(v, /ms$/)) m = 1;
    else if (match(v, /s$/)) m = 1000; else if (match(v, /m$/)) m = 60000;
    else if (match(v, /h$/)) m = 3600000; else { print "?"; exit }
    sub(/[a-z]+$/, "", v); printf "%.3f", v * m }'
}

# run_wrk CONNS DURATION URL OUT [HEADER]: prints "req/s p50_ms p99_ms errors".
run_wrk() {
  local c=$1 d=$2 url=$3 out=$4 t rps p50 p99 non2xx sockerr
  local -a hdr=()
  [[ -n ${5:-} ]] && hdr=(-H "$5")
  t=$(( c < 2 ? c : 2 )) # wrk needs at least one connection per thread
  wrk -t"$t" -c"$c" -d"${d}s" --latency "${hdr[@]}" "$url" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2; exit }' "$out")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
  [[ -n $rps && -n $p50 && -n $p99 ]] || die "could not parse wrk output: $(cat "$out")"
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$out")
  sockerr=$(awk '/Socket errors:/ { n = 0; for (i = 3; i <= NF; i += 2) n += $(i + 1); print n }' "$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $(( ${non2xx:-0} + ${sockerr:-0} ))"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Warm-up: ${WARMUP} s per server (not reported) ..."
run_wrk 8 "$WARMUP" "$FBASE$FLOOR_PATH" "$SCRATCH/warm-floor.txt" >/dev/null
run_wrk 8 "$WARMUP" "$QBASE${PATHS[0]}" "$SCRATCH/warm-quire.txt" >/dev/null
run_wrk 8 "$WARMUP" "$NBASE${PATHS[0]}" "$SCRATCH/warm-nocache.txt" >/dev/null

TABLE=$SCRATCH/table.md
{
  echo "| connections | query | floor req/s | quire req/s | quire/floor | quire p50 ms | quire p99 ms | no-cache req/s | no-cache/floor | no-cache p50 ms | no-cache p99 ms | floor p50 ms | floor p99 ms | same-body floor req/s | quire/same-body floor | gzip req/s | gzip/floor |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$TABLE"
declare -A TERM_RATIO NOCACHE_RATIO SIZED_RATIO GZIP_RATIO
ERRORS=0
for c in "${CONNS[@]}"; do
  echo "c=$c: floor ..."
  read -r f_rps f_p50 f_p99 f_err < <(run_wrk "$c" "$DUR" "$FBASE$FLOOR_PATH" "$SCRATCH/floor-$c.txt")
  ERRORS=$(( ERRORS + f_err ))
  echo "c=$c: floor with quire's term body ..."
  read -r s_rps _ _ s_err < <(run_wrk "$c" "$DUR" "$SBASE$FLOOR_PATH" "$SCRATCH/sized-$c.txt")
  ERRORS=$(( ERRORS + s_err ))
  for i in "${!NAMES[@]}"; do
    echo "c=$c: quire ${NAMES[i]} ..."
    read -r q_rps q_p50 q_p99 q_err < <(run_wrk "$c" "$DUR" "$QBASE${PATHS[i]}" "$SCRATCH/quire-$c-$i.txt")
    ERRORS=$(( ERRORS + q_err ))
    echo "c=$c: quire ${NAMES[i]}, Accept-Encoding: gzip ..."
    read -r g_rps _ _ g_err < <(run_wrk "$c" "$DUR" "$QBASE${PATHS[i]}" "$SCRATCH/gzip-$c-$i.txt" "Accept-Encoding: gzip")
    ERRORS=$(( ERRORS + g_err ))
    gratio=$(awk -v q="$g_rps" -v f="$f_rps" 'BEGIN { printf "%.3f", (f > 0) ? q / f : 0 }')
    echo "c=$c: quire ${NAMES[i]}, no cache ..."
    read -r n_rps n_p50 n_p99 n_err < <(run_wrk "$c" "$DUR" "$NBASE${PATHS[i]}" "$SCRATCH/nocache-$c-$i.txt")
    ERRORS=$(( ERRORS + n_err ))
    ratio=$(awk -v q="$q_rps" -v f="$f_rps" 'BEGIN { printf "%.3f", (f > 0) ? q / f : 0 }')
    nratio=$(awk -v q="$n_rps" -v f="$f_rps" 'BEGIN { printf "%.3f", (f > 0) ? q / f : 0 }')
    sized="–"
    sratio="–"
    if [[ ${NAMES[i]} == term ]]; then
      TERM_RATIO[$c]=$ratio
      NOCACHE_RATIO[$c]=$nratio
      sized=$(printf '%.0f' "$s_rps")
      sratio=$(awk -v q="$q_rps" -v f="$s_rps" 'BEGIN { printf "%.3f", (f > 0) ? q / f : 0 }')
      SIZED_RATIO[$c]=$sratio
      GZIP_RATIO[$c]=$gratio
    fi
    printf '| %s | %s `%s` | %.0f | %.0f | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %.0f | %s |\n' \
      "$c" "${NAMES[i]}" "${PATHS[i]}" "$f_rps" "$q_rps" "$ratio" "$q_p50" "$q_p99" \
      "$n_rps" "$nratio" "$n_p50" "$n_p99" "$f_p50" "$f_p99" "$sized" "$sratio" \
      "$g_rps" "$gratio" >>"$TABLE"
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

HWM=$(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$SERVE_PID/status")
RSS=$(awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$SERVE_PID/status")
FLOOR_RSS=$(awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$FLOOR_PID/status")
LOG_LINES=$(wc -l <"$SCRATCH/serve.log")

RATIO_LINE="- Term-query throughput quire/floor:"
for c in "${CONNS[@]}"; do RATIO_LINE+=" c=$c ${TERM_RATIO[$c]}x (gzip ${GZIP_RATIO[$c]}x; no cache ${NOCACHE_RATIO[$c]}x; quire against the same-body floor ${SIZED_RATIO[$c]}x);"; done
RATIO_LINE=${RATIO_LINE%;}
NC_HWM=$(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$NOCACHE_PID/status")
RSS_LINE="- quire-serve memory at the end: VmHWM $HWM, VmRSS $RSS (--cache-mb 0: VmHWM $NC_HWM; floor_server VmRSS $FLOOR_RSS)"

echo
cat "$TABLE"
echo
echo "$RATIO_LINE"
echo "$RSS_LINE"
(( ERRORS == 0 )) || echo "- WARNING: $ERRORS non-2xx responses or socket errors in the measurements"

# ---- RESULTS.md ---------------------------------------------------------------------
DATE=$(date -u)
NPROC=$(nproc)
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain 2>/dev/null) ]]; then COMMIT+=" (with uncommitted changes)"; fi
MHD_VER=$(pkg-config --modversion libmicrohttpd 2>/dev/null || echo unknown)
WRK_VER=$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)

[[ -f $RESULTS ]] || printf '# Quire benchmark results\n' >"$RESULTS"
{
  echo
  echo "## HTTP — $DATE"
  echo
  echo "- Machine: $NPROC CPU(s), ${MODEL:-unknown CPU}, $MEM RAM ($(uname -sr));"
  echo "  load average before/after the measurements: $LOAD_BEFORE / $LOAD_AFTER"
  echo "- Commit: $COMMIT; libmicrohttpd $MHD_VER; wrk ${WRK_VER:-unknown}"
  echo "- Index: \`$INDEX\` ($INDEX_HOW, $INDEX_MB MB), built from the whole shared corpus"
  echo "  with \`quire-index --db DIR --quiet ../shared/corpus/*.jsonl.gz\`"
  echo "- Servers, all on 127.0.0.1 with --port 0 and the default thread pool (one thread per core):"
  echo "  \`quire-serve --db INDEX --port 0\` (access log, one line per request, to a file; its"
  echo "  result cache on, as by default: a repeated query is answered from it), the same with"
  echo "  \`--cache-mb 0\` (every request searches and makes snippets: the \"no-cache\" columns) and"
  echo "  \`floor_server --port 0\` (bench/floor_server.c: same libmicrohttpd daemon flags,"
  echo "  every request answered with a fixed 320-byte JSON body, no log), and a second"
  echo "  \`floor_server --body-file\` answering with quire's own $TERM_BYTES-byte term-query"
  echo "  response (\"same-body floor\": what the response's size alone costs the HTTP layer)."
  echo "  \"gzip\" columns: quire-serve (cache on) asked with \`-H 'Accept-Encoding: gzip'\`, as"
  echo "  browsers ask; every other measurement sends no Accept-Encoding."
  echo "- Method: \`wrk -t2 -c\$c -d${DUR}s --latency URL\` (\`-t1\` at c=1, since wrk needs a"
  echo "  connection per thread) for c in ${CONNS[*]}, one measurement at a time, the floor then the"
  echo "  three quire queries (cache, then no cache) at each c; one ${WARMUP} s warm-up per server"
  echo "  first (c=8, not reported)."
  echo "  wrk runs on the same $NPROC cores as the server, so both figures include the client's cost."
  echo "  Latencies are wrk's 50% / 99% from --latency; every URL checked for HTTP 200 with curl first."
  echo "  Floor URL: \`$FLOOR_PATH\` (any path gets the same answer)."
  echo
  cat "$TABLE"
  echo
  echo "$RATIO_LINE"
  echo "$RSS_LINE; $LOG_LINES access-log lines"
  if (( ERRORS > 0 )); then
    echo "- WARNING: $ERRORS non-2xx responses or socket errors in the measurements"
  else
    echo "- No non-2xx responses or socket errors in any measurement"
  fi
} >>"$RESULTS"
echo
echo "Appended results to ${RESULTS#"$ROOT"/}"
