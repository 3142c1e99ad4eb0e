#!/usr/bin/env bash
# bench/bench_shards.sh [BUILD_DIR] — scale-out benchmark (issue 14):
#   1. indexing throughput of the shared corpus with 1, 2 and 4 shards
#      (quire-index --shards N --keep-shards: N writer threads, each shard
#      compacted at the end, not merged);
#   2. query latency p50/p99 of the open evaluation set (eval_quotes, in
#      process, full results with snippets and quotes, and without them) on
#      those indexes as 1, 2 and 4 local shards, and on the 2 shards served
#      by two xapian-tcpsrv processes over loopback (tcp://);
#   3. socket writes per query (strace) against the remote shards, with and
#      without snippets: the round trips a query costs.
#
#   BUILD_DIR         build tree with bin/quire-index and bin/eval_quotes (default build)
#   QUIRE_CORPUS      directory of *.jsonl.gz (default ../shared/corpus)
#   QUIRE_EVAL        evaluation set (default ../shared/eval/open)
#   QUIRE_BENCH_DIR   where the indexes are built (default /tmp/quire-bench-shards);
#                     removed at exit unless QUIRE_BENCH_KEEP is set
#   QUIRE_BENCH_KEEP  keep (and reuse, when present) the indexes
#   ROUNDS            latency rounds (default 3): each round runs every layout once,
#                     in turn, so load on the shared machine falls on all alike
#   RUNS              eval_quotes --runs per measurement (default 3; the first warms)
#
# Prints Markdown and appends a dated section to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
CORPUS=${QUIRE_CORPUS:-../shared/corpus}
EVAL=${QUIRE_EVAL:-../shared/eval/open}
DIR=${QUIRE_BENCH_DIR:-/tmp/quire-bench-shards}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-3}
RESULTS=$ROOT/bench/RESULTS.md
INDEX=$BUILD/bin/quire-index
EVALQ=$BUILD/bin/eval_quotes

die() { echo "bench_shards.sh: $*" >&2; exit 1; }
[[ -d $CORPUS ]] || { echo "bench_shards.sh: no corpus at '$CORPUS' (QUIRE_CORPUS); skipped."; exit 0; }
[[ -f $EVAL/expected.jsonl ]] || { echo "bench_shards.sh: no eval set at '$EVAL'; skipped."; exit 0; }
command -v xapian-tcpsrv >/dev/null || die "xapian-tcpsrv not found (Debian: xapian-tools)"
for b in "$INDEX" "$EVALQ"; do [[ -x $b ]] || die "$b not built"; done

mkdir -p "$DIR"
OUT=$(mktemp -d /tmp/quire-bench-shards-out.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  rm -rf "$OUT"
  [[ -n ${QUIRE_BENCH_KEEP:-} ]] || rm -rf "$DIR"
}
trap cleanup EXIT

FILES=("$CORPUS"/*.jsonl.gz)
LOAD_BEFORE=$(uptime | sed 's/.*load average: //')

# ---- 1. indexing ---------------------------------------------------------------
declare -A WALL RSS SIZE
for n in 1 2 4; do
  db=$DIR/s$n
  if [[ -n ${QUIRE_BENCH_KEEP:-} && -f $db/XAPIANDB ]]; then
    WALL[$n]=kept; RSS[$n]=-; SIZE[$n]=$(du -sb "$db" | cut -f1); continue
  fi
  rm -rf "$db"
  /usr/bin/time -f '%e %M' -o "$OUT/time.$n" "$INDEX" --db "$db" --shards "$n" --keep-shards \
    --quiet "${FILES[@]}" 2>"$OUT/index.$n.err" || die "quire-index --shards $n failed"
  read -r WALL[$n] RSS[$n] < "$OUT/time.$n"
  SIZE[$n]=$(du -sb "$db" | cut -f1)
  echo "indexed with $n shard(s): ${WALL[$n]} s" >&2
done
DOCS=$(zcat "${FILES[@]}" | grep -c .)

# ---- 2. latency -----------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TCP=()
for k in 0 1; do
  shard=$(sed -n "$((k + 1))s/^auto //p" "$DIR/s2/XAPIANDB")
  port=$(free_port)
  setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 --quiet "$DIR/s2/$shard" &
  PIDS+=($!)
  TCP+=("tcp://127.0.0.1:$port")
done
for _ in $(seq 50); do
  ok=1; for t in "${TCP[@]}"; do p=${t##*:}; (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ok=0; done
  (( ok )) && break; sleep 0.2
done

LAYOUTS=(local1 local2 local4 remote2)
args_of() {
  case $1 in
    local1) echo "--db $DIR/s1" ;;
    local2) echo "--db $DIR/s2" ;;
    local4) echo "--db $DIR/s4" ;;
    remote2) echo "--db ${TCP[0]} --db ${TCP[1]}" ;;
  esac
}
# "| **all** | N | success | | p50 | p99 |" -> "success p50 p99"
all_row() { grep '^| \*\*all\*\*' "$1" | awk -F'|' '{gsub(/ /,""); print $4, $6, $7}'; }
for r in $(seq "$ROUNDS"); do
  for l in "${LAYOUTS[@]}"; do
    for mode in plain snippets; do
      flag=; [[ $mode == snippets ]] && flag=--snippets
      # shellcheck disable=SC2046
      "$EVALQ" $(args_of "$l") --set "$EVAL" --runs "$RUNS" $flag > "$OUT/$l.$mode.$r" 2>/dev/null ||
        die "eval_quotes on $l failed"
      all_row "$OUT/$l.$mode.$r" >> "$OUT/$l.$mode.rows"
    done
  done
  echo "latency round $r done" >&2
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# ---- 3. round trips ---------------------------------------------------------------
writes() {  # flag -> socket writes per query (one run of the set)
  strace -f -e trace=write,sendto,sendmsg -o "$OUT/strace" "$EVALQ" --db "${TCP[0]}" --db "${TCP[1]}" \
    --set "$EVAL" --runs 1 $1 > /dev/null 2>&1 || true
  local fds
  fds=$(grep -cE '^[0-9]+ +(write|sendto|sendmsg)\(([3-9]|[1-9][0-9]+),' "$OUT/strace" || true)
  echo "scale=1; $fds / $(grep -c . "$EVAL/expected.jsonl")" | bc
}
RT_PLAIN=$(writes "")
RT_SNIP=$(writes --snippets)
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

# ---- report -------------------------------------------------------------------------
{
  echo
  echo "## Shards and remote shards (issue 14) — $(date -u)"
  echo
  echo "- Machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; shared with other jobs:"\
       "load average $LOAD_BEFORE before, $LOAD_AFTER after"
  echo "- Commit: $(git rev-parse --short HEAD); xapian-core $(pkg-config --modversion xapian-core)"
  echo "- Corpus: \`$CORPUS\`, ${#FILES[@]} files, $DOCS documents; eval set \`$EVAL\`"
  echo "- Method: \`bench/bench_shards.sh\`. Indexing: one run per shard count (\`quire-index --shards N"\
       "--keep-shards\`, wall time and peak RSS from /usr/bin/time). Latency: \`eval_quotes --runs $RUNS\`"\
       "(in process, first run warms), $ROUNDS rounds, each round running every layout in turn;"\
       "the table gives the median over rounds of each round's p50 and p99 over all queries."\
       "remote2 = the 2 shards of the 2-shard index, each served by its own xapian-tcpsrv on 127.0.0.1."
  echo
  echo "| shards | index wall s | docs/s | index MB | peak RSS MB |"
  echo "|---:|---:|---:|---:|---:|"
  for n in 1 2 4; do
    if [[ ${WALL[$n]} == kept ]]; then dps=-; else dps=$(echo "$DOCS / ${WALL[$n]}" | bc); fi
    rss=${RSS[$n]}; [[ $rss == - ]] || rss=$(echo "scale=1; $rss / 1024" | bc)
    echo "| $n | ${WALL[$n]} | $dps | $(echo "scale=1; ${SIZE[$n]} / 1000000" | bc) | $rss |"
  done
  echo
  echo "| layout | success@1 | p50 ms | p99 ms | p50 ms with snippets | p99 ms with snippets |"
  echo "|---|---:|---:|---:|---:|---:|"
  for l in "${LAYOUTS[@]}"; do
    s=$(awk '{print $1}' "$OUT/$l.plain.rows" | median)
    p50=$(awk '{print $2}' "$OUT/$l.plain.rows" | median); p99=$(awk '{print $3}' "$OUT/$l.plain.rows" | median)
    q50=$(awk '{print $2}' "$OUT/$l.snippets.rows" | median); q99=$(awk '{print $3}' "$OUT/$l.snippets.rows" | median)
    echo "| $l | $s | $p50 | $p99 | $q50 | $q99 |"
  done
  echo
  echo "- Per round (p50 p99, plain / snippets):"
  for l in "${LAYOUTS[@]}"; do
    echo "  - $l: $(awk '{printf "%s %s; ", $2, $3}' "$OUT/$l.plain.rows")/ $(awk '{printf "%s %s; ", $2, $3}' "$OUT/$l.snippets.rows")"
  done
  echo "- Socket writes per query against remote2 (one run of the set, strace): $RT_PLAIN without"\
       "snippets, $RT_SNIP with (each write is one request to a shard server: a round trip)."
} | tee -a "$RESULTS"
