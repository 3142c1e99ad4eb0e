#!/usr/bin/env bash
# bench/bench_damage.sh NEW_BIN OLD_BIN INDEX [RUNS] - what issue 16's
# containment costs: quire-search (now in a child process) and quire-serve
# (a worker under a supervisor) against the same programs without it
# (OLD_BIN: a build of the commit before), interleaved run by run; and the
# full check (quire-index --check) of INDEX, the price of the other choice
# (check every generation before serving it). Never writes into INDEX.
# Medians of RUNS (default 11); instructions from perf stat (the machine is
# shared: wall times are noisy, instruction counts are not).
set -euo pipefail
NEW=$1 OLD=$2 DB=$3 RUNS=${4:-11}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
instr() { perf stat -x, -e instructions:u "$@" 2>&1 >/dev/null | awk -F, '/instructions/ {print $1}'; }
echo "load: $(uptime)"
for what in search; do
  : >/tmp/bd.new; : >/tmp/bd.old; : >/tmp/bd.newi; : >/tmp/bd.oldi
  for ((i = 0; i < RUNS; i++)); do
    ms "$OLD/quire-search" --db "$DB" cyber espionage >>/tmp/bd.old
    ms "$NEW/quire-search" --db "$DB" cyber espionage >>/tmp/bd.new
  done
  for ((i = 0; i < 3; i++)); do
    instr "$OLD/quire-search" --db "$DB" cyber espionage >>/tmp/bd.oldi
    instr "$NEW/quire-search" --db "$DB" cyber espionage >>/tmp/bd.newi
  done
  echo "quire-search 'cyber espionage' wall us: old $(median </tmp/bd.old) new $(median </tmp/bd.new)"
  echo "quire-search instructions:u (all processes): old $(median </tmp/bd.oldi) new $(median </tmp/bd.newi)"
done
# Start-up: exec to "listening on".
start_ms() {
  local t0 t1 pid line
  t0=$(date +%s%N)
  coproc SRV { exec "$1/quire-serve" --db "$DB" --port 0 2>&1; }
  read -r line <&"${SRV[0]}"
  t1=$(date +%s%N)
  kill -TERM "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
  echo $(((t1 - t0) / 1000))
}
: >/tmp/bd.new; : >/tmp/bd.old
for ((i = 0; i < RUNS; i++)); do
  start_ms "$OLD" >>/tmp/bd.old
  start_ms "$NEW" >>/tmp/bd.new
done
echo "quire-serve start to listening, us: old $(median </tmp/bd.old) new $(median </tmp/bd.new)"
# Latency: one connection, one query, wrk's percentiles.
lat() {
  local line port out
  coproc SRV { exec "$1/quire-serve" --db "$DB" --port 0 --threads 1 --cache-mb 0 2>&1; }
  read -r line <&"${SRV[0]}"
  port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' <<<"$line")
  cat <&"${SRV[0]}" >/dev/null &
  out=$(wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$port/api/search?q=cyber+espionage" | awk '/ 50%/ {print $2} / 99%/ {print $2}' | paste -sd' ')
  kill -TERM "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" 2>/dev/null || true
  echo "$out"
}
for ((i = 0; i < 3; i++)); do
  echo "search latency p50 p99 (wrk, 5 s, 1 connection): old $(lat "$OLD") new $(lat "$NEW")"
done
# The full check: the alternative's price per generation.
t0=$(date +%s%N)
"$NEW/quire-index" --check --db "$DB" >/dev/null
t1=$(date +%s%N)
echo "quire-index --check: $(((t1 - t0) / 1000000)) ms wall, $(instr "$NEW/quire-index" --check --db "$DB") instructions:u"
echo "xapian-check alone: $(instr xapian-check "$(ls -d "$DB"/shard* | head -1)") instructions:u"
rm -f /tmp/bd.new /tmp/bd.old /tmp/bd.newi /tmp/bd.oldi
