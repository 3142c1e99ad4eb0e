#!/usr/bin/env bash
# bench/peers/run_peers.sh [BUILD_DIR] — issue 15: Quire, plain Xapian, SQLite FTS5 and
# Sphinx 2.2 side by side, in one run: indexing (wall, CPU, peak RSS, index size) on
# the shared corpus, then success and p50/p99 latency on the open eval set.
#
#   BUILD_DIR     build tree with bin/quire-index, baseline_xapian_index, eval_quotes,
#                 baseline_xapian_query (default: build)
#   QUIRE_CORPUS  directory of *.jsonl.gz (default: ../shared/corpus)
#   QUIRE_EVAL    eval set (default: ../shared/eval/open)
#   RUNS          indexing runs per system, interleaved (default 1); query runs are 3
#                 passes over the set, the first one untimed
#   NO_APPEND=1   print only, do not append to bench/RESULTS.md
#
# Peers that are not installed (sphinxsearch, python3-pymysql; scripts/setup.sh
# installs them) are reported as not run, with the reason. Indexes live in a
# temporary directory under /tmp and are deleted at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
BUILD=${1:-build}
CORPUS=${QUIRE_CORPUS:-../shared/corpus}
EVAL=${QUIRE_EVAL:-../shared/eval/open}
RUNS=${RUNS:-1}
PY=/usr/bin/python3 # Debian's Python: the one python3-pymysql installs into
PEERS=$ROOT/bench/peers
TIME=/usr/bin/time

die() { echo "run_peers.sh: $*" >&2; exit 1; }
[[ -d $CORPUS && -d $EVAL ]] || { echo "run_peers.sh: corpus or eval set not found; skipping."; exit 0; }
FILES=("$CORPUS"/*.jsonl.gz)
for b in quire-index baseline_xapian_index eval_quotes baseline_xapian_query; do
  [[ -x $BUILD/bin/$b ]] || die "$BUILD/bin/$b not found — build first"
done
TMP=$(mktemp -d /tmp/quire-peers.XXXXXX)
SEARCHD_CONF=
cleanup() {
  if [[ -n $SEARCHD_CONF && -f $TMP/sphinx/searchd.pid ]]; then
    searchd --config "$SEARCHD_CONF" --stopwait >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

SYSTEMS=(quire xapian fts5 sphinx)
declare -A WHY=() WALL=() CPU=() RSS=() SIZE=() TABLE=()
command -v indexer >/dev/null && command -v searchd >/dev/null ||
  WHY[sphinx]="sphinxsearch is not installed (scripts/setup.sh installs it)"
$PY -c 'import pymysql' 2>/dev/null || WHY[sphinx]=${WHY[sphinx]:-"python3-pymysql is not installed"}
$PY -c 'import sqlite3; sqlite3.connect(":memory:").execute("create virtual table t using fts5(a)")' \
  2>/dev/null || WHY[fts5]="this Python's sqlite3 has no FTS5"

load() { cut -d' ' -f1-3 /proc/loadavg; }
LOADS="start $(load)"
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Sphinx reads a TSV made once (not timed with the indexer; its time is reported).
TSV_S=
if [[ -z ${WHY[sphinx]:-} ]]; then
  mkdir -p "$TMP/sphinx"
  echo "Converting the corpus to TSV for Sphinx..."
  s0=$(date +%s.%N)
  $PY "$PEERS/sphinx_peer.py" tsv "${FILES[@]}" >"$TMP/corpus.tsv"
  TSV_S=$(awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  SPHINX_PORT=$(free_port)
  $PY "$PEERS/sphinx_peer.py" conf "$TMP/sphinx" "$TMP/corpus.tsv" "$SPHINX_PORT" >"$TMP/sphinx.conf"
fi

index_one() {  # system run
  local sys=$1 i=$2 tf=$TMP/time.$1 db
  local -a cmd
  case $sys in
    quire)  db=$TMP/quire;  rm -rf "$db"; cmd=("$BUILD/bin/quire-index" --db "$db" --quiet "${FILES[@]}") ;;
    xapian) db=$TMP/xapian; rm -rf "$db"; cmd=("$BUILD/bin/baseline_xapian_index" "$db" "${FILES[@]}") ;;
    fts5)   db=$TMP/fts5.db; rm -f "$db"; cmd=("$PY" "$PEERS/fts5_peer.py" index "$db" "${FILES[@]}") ;;
    sphinx) db=$TMP/sphinx; rm -f "$db"/quire_peer.*; cmd=(indexer --config "$TMP/sphinx.conf" --all --quiet) ;;
  esac
  "$TIME" -v -o "$tf" "${cmd[@]}" >"$TMP/out.$sys" 2>"$TMP/err.$sys" ||
    { tail -n 20 "$TMP/err.$sys" >&2; die "$sys indexing failed"; }
  local wall cpu rss size
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0
           for (k = 1; k <= n; k++) s = s * 60 + p[k]; printf "%.1f", s }' "$tf")
  cpu=$(awk -F': ' '/User time/ {u=$NF} /System time/ {s=$NF} END {printf "%.1f", u+s}' "$tf")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$tf")
  size=$(du -sb "$db" | awk '{ printf "%.0f", $1 / 1e6 }')
  [[ $sys == sphinx ]] && size=$(cat "$db"/quire_peer.* | wc -c | awk '{ printf "%.0f", $1 / 1e6 }')
  WALL[$sys]+="$wall "; CPU[$sys]+="$cpu "; RSS[$sys]=$rss; SIZE[$sys]=$size
  printf '  %-7s run %d: wall %7.1f s  cpu %7.1f s  peak RSS %5d MB  index %5d MB  (load %s)\n' \
    "$sys" "$i" "$wall" "$cpu" "$rss" "$size" "$(load)"
}

echo "Indexing ${#FILES[@]} files, $RUNS run(s) per system, interleaved..."
for ((i = 1; i <= RUNS; i++)); do
  for sys in "${SYSTEMS[@]}"; do
    [[ -z ${WHY[$sys]:-} ]] && index_one "$sys" "$i"
  done
done
LOADS+="; after indexing $(load)"

echo "Querying $EVAL..."
TABLE[quire]=$("$BUILD/bin/eval_quotes" --db "$TMP/quire" --set "$EVAL" --runs 3)
TABLE[xapian]=$("$BUILD/bin/baseline_xapian_query" --db "$TMP/xapian" --set "$EVAL" --runs 3)
[[ -z ${WHY[fts5]:-} ]] && TABLE[fts5]=$("$PY" "$PEERS/fts5_peer.py" query "$TMP/fts5.db" "$EVAL" 3)
if [[ -z ${WHY[sphinx]:-} ]]; then
  SEARCHD_CONF=$TMP/sphinx.conf
  searchd --config "$SEARCHD_CONF" >/dev/null 2>&1 || die "searchd did not start"
  TABLE[sphinx]=$("$PY" "$PEERS/sphinx_peer.py" query "$SPHINX_PORT" "$EVAL" 3)
  searchd --config "$SEARCHD_CONF" --stopwait >/dev/null 2>&1 || true
  SEARCHD_CONF=
fi
LOADS+="; after queries $(load)"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
  if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
read -r DOCS BODY < <(sed -n 's/^docs=\([0-9]*\) body_bytes=\([0-9]*\).*/\1 \2/p' "$TMP/out.xapian")
allrow() { awk '/\*\*all\*\*/ { print }' <<<"${TABLE[$1]}"; }

{
  echo "| system | index wall s (median) | MB/s body | CPU s (user+sys) | peak RSS MB | index MB | open set success | p50 ms | p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for sys in "${SYSTEMS[@]}"; do
    if [[ -n ${WHY[$sys]:-} ]]; then echo "| $sys | not run: ${WHY[$sys]} | | | | | | | |"; continue; fi
    # shellcheck disable=SC2086
    w=$(median ${WALL[$sys]}); c=$(median ${CPU[$sys]})
    IFS='|' read -r _ _ _ succ _ p50 p99 _ <<<"$(allrow "$sys")"
    awk -v s="$sys" -v w="$w" -v c="$c" -v b="$BODY" -v r="${RSS[$sys]}" -v z="${SIZE[$sys]}" \
        -v su="$succ" -v p5="$p50" -v p9="$p99" 'BEGIN {
      printf "| %s | %.1f | %.2f | %.1f | %d | %d | %s | %s | %s |\n", s, w, b / 1e6 / w, c, r, z, su, p5, p9 }'
  done
} >"$TMP/summary.md"

REPORT=$TMP/report.md
{
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPU(s), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), shared with other jobs"
  echo "- Commit: $(git rev-parse --short HEAD)$([[ -n $(git status --porcelain) ]] && echo ' (with uncommitted changes)'); xapian-core $(pkg-config --modversion xapian-core); SQLite $($PY -c 'import sqlite3; print(sqlite3.sqlite_version)'); $(indexer 2>&1 | head -1 | cut -d' ' -f1-2 || true)"
  echo "- Corpus: ${#FILES[@]} files, $DOCS documents, $BODY bytes of body text (MB = 1e6 bytes); $RUNS indexing run(s) per system, interleaved; load average (1, 5, 15 min): $LOADS"
  [[ -n $TSV_S ]] && echo "- Sphinx's TSV input was made once before (Python, gzip + JSON: $TSV_S s), not counted in its indexing time"
  echo "- Wall times (s): $(for s in "${SYSTEMS[@]}"; do printf '%s %s; ' "$s" "${WALL[$s]:-n/a}"; done)"
  echo
  cat "$TMP/summary.md"
  for sys in "${SYSTEMS[@]}"; do
    [[ -n ${TABLE[$sys]:-} ]] || continue
    echo
    echo "$sys, open set:"
    echo
    echo "${TABLE[$sys]}"
  done
} >"$REPORT"
cat "$REPORT"
if [[ -z ${NO_APPEND:-} ]]; then
  { echo; echo "### Issue 15: peers — $(date -u '+%Y-%m-%d %H:%M UTC')"; echo; cat "$REPORT"; } >>"$ROOT/bench/RESULTS.md"
  echo "Appended to bench/RESULTS.md"
fi
