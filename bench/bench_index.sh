#!/usr/bin/env bash
# bench/bench_index.sh [BUILD_DIR] — indexing benchmark: quire-index vs. a plain
# Xapian peer baseline (bench/baseline_xapian_index.cc) over the shared corpus.
#
#   BUILD_DIR      build tree holding bin/quire-index and bin/baseline_xapian_index
#                  (default: build, relative to the repo root)
#   QUIRE_CORPUS   directory of *.jsonl.gz files (default: ../shared/corpus,
#                  relative to the repo root)
#   RUNS           runs per system (default 3); runs alternate between systems,
#                  each into a fresh database directory; the median wall time is reported
#
# Each run is timed with GNU `/usr/bin/time -v` (wall clock, user + system CPU
# time, maximum resident set size). On a shared machine the CPU time is the steadier
# figure: wall time also counts waiting for a core. docs/s and MB/s use the corpus totals (documents, UTF-8 bytes of body
# text, MB = 1e6 bytes) counted once up front. Prints a Markdown table and appends
# a dated section to bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BUILD=${1:-build}
CORPUS=${QUIRE_CORPUS:-../shared/corpus}
RUNS=${RUNS:-3}
RESULTS=$ROOT/bench/RESULTS.md
TIME=/usr/bin/time

die() { echo "bench_index.sh: $*" >&2; exit 1; }

if [[ ! -d $CORPUS ]]; then
  echo "bench_index.sh: corpus directory '$CORPUS' not found (set QUIRE_CORPUS); skipping the indexing benchmark."
  exit 0
fi
shopt -s nullglob
FILES=("$CORPUS"/*.jsonl.gz)
shopt -u nullglob
if (( ${#FILES[@]} == 0 )); then
  echo "bench_index.sh: no *.jsonl.gz files in '$CORPUS'; skipping the indexing benchmark."
  exit 0
fi

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ -x $TIME ]] || die "$TIME (GNU time) not found"
"$TIME" -v true 2>/dev/null || die "$TIME does not support -v (GNU time required)"
command -v python3 >/dev/null || die "python3 not found"
QUIRE_BIN=$BUILD/bin/quire-index
BASE_BIN=$BUILD/bin/baseline_xapian_index
[[ -x $QUIRE_BIN ]] || die "$QUIRE_BIN not found — build first (cmake --build $BUILD)"
[[ -x $BASE_BIN ]] || die "$BASE_BIN not found — build first (cmake --build $BUILD)"

TMP=$(mktemp -d /tmp/quire-bench-index.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# ---- corpus totals ---------------------------------------------------------
echo "Counting corpus documents and body bytes in $CORPUS (${#FILES[@]} files)..."
read -r DOCS BODY_BYTES < <(python3 - "${FILES[@]}" <<'PY'
import gzip, json, sys
docs = body = 0
for path in sys.argv[1:]:
    with gzip.open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict):
                continue
            b = rec.get("body")
            if not isinstance(rec.get("id"), str) or not rec["id"] or not isinstance(b, str):
                continue
            docs += 1
            body += len(b.encode("utf-8"))
print(docs, body)
PY
)
[[ -n ${DOCS:-} && $DOCS -gt 0 ]] || die "no documents found in $CORPUS"
echo "Corpus: $DOCS documents, $BODY_BYTES body bytes"

# ---- runs -------------------------------------------------------------------
# GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:23.45" -> seconds
elapsed_seconds() {
  awk -F': ' '/Elapsed \(wall clock\) time/ {
      n = split($NF, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f\n", s }' "$1"
}
cpu_seconds() {
  awk -F': ' '/User time/ { u = $NF } /System time/ { s = $NF } END { printf "%.2f\n", u + s }' "$1"
}
max_rss_kb() {
  awk -F': ' '/Maximum resident set size/ { print $NF }' "$1"
}

declare -A WALLS=() CPUS=() RSS=() SIZE=()
LOADS=""  # "system run: 1-min 5-min 15-min" before each run: the machine may be shared
SYSTEMS=(quire baseline)

run_one() {  # system run#
  local sys=$1 i=$2 db=$TMP/$1 tf=$TMP/time.$1.$2 out=$TMP/out.$1.$2 err=$TMP/err.$1.$2
  rm -rf "$db"
  LOADS+="${LOADS:+; }$sys $i: $(cut -d' ' -f1-3 /proc/loadavg)"
  local -a cmd
  case $sys in
    quire)    cmd=("$QUIRE_BIN" --db "$db" --quiet "${FILES[@]}") ;;
    baseline) cmd=("$BASE_BIN" "$db" "${FILES[@]}") ;;
  esac
  if ! "$TIME" -v -o "$tf" "${cmd[@]}" >"$out" 2>"$err"; then
    echo "bench_index.sh: $sys run $i failed: ${cmd[*]}" >&2
    tail -n 20 "$err" >&2
    exit 1
  fi
  local wall cpu rss size
  wall=$(elapsed_seconds "$tf")
  cpu=$(cpu_seconds "$tf")
  rss=$(max_rss_kb "$tf")
  size=$(du -sb "$db" | cut -f1)
  WALLS[$sys]+="$wall "
  CPUS[$sys]+="$cpu "
  if (( ${RSS[$sys]:-0} < rss )); then RSS[$sys]=$rss; fi
  SIZE[$sys]=$size
  printf '  %-8s run %d/%d: %8.2f s  CPU %8.2f s  peak RSS %6.1f MB  index %8.1f MB  (load %s)\n' \
    "$sys" "$i" "$RUNS" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" \
    "$(awk -v b="$size" 'BEGIN{print b/1e6}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$db"
}

echo "Running $RUNS run(s) per system, alternating..."
for ((i = 1; i <= RUNS; i++)); do
  for sys in "${SYSTEMS[@]}"; do
    run_one "$sys" "$i"
  done
done

median() {  # numbers...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]
    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A MED=() MEDCPU=()
for sys in "${SYSTEMS[@]}"; do
  # shellcheck disable=SC2086
  MED[$sys]=$(median ${WALLS[$sys]})
  # shellcheck disable=SC2086
  MEDCPU[$sys]=$(median ${CPUS[$sys]})
done

row() {  # system
  local sys=$1
  awk -v name="$sys" -v t="${MED[$sys]}" -v c="${MEDCPU[$sys]}" -v d="$DOCS" -v b="$BODY_BYTES" \
      -v sz="${SIZE[$sys]}" -v rss="${RSS[$sys]}" 'BEGIN {
    printf "| %s | %.2f | %.0f | %.2f | %.2f | %.1f | %.1f |\n",
      name, t, (t > 0 ? d / t : 0), (t > 0 ? b / 1e6 / t : 0), c, sz / 1e6, rss / 1024 }'
}

TABLE=$(
  echo "| system | median wall s | docs/s | MB/s body | median CPU s | index size MB | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row quire
  row baseline
)
RATIOS=$(awk -v tq="${MED[quire]}" -v tb="${MED[baseline]}" \
             -v cq="${MEDCPU[quire]}" -v cb="${MEDCPU[baseline]}" \
             -v sq="${SIZE[quire]}" -v sb="${SIZE[baseline]}" 'BEGIN {
  printf "- throughput ratio quire/baseline: %.2fx\n", (tq > 0 ? tb / tq : 0)
  printf "- CPU-time ratio baseline/quire (work per document): %.2fx\n", (cq > 0 ? cb / cq : 0)
  printf "- index size ratio quire/baseline: %.2fx\n", (sb > 0 ? sq / sb : 0) }')

echo
echo "$TABLE"
echo
echo "$RATIOS"

# ---- RESULTS.md ---------------------------------------------------------------
DATE=$(date -u)
NPROC=$(nproc)
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain 2>/dev/null) ]]; then COMMIT+=" (with uncommitted changes)"; fi
XAPIAN_VER=$(pkg-config --modversion xapian-core 2>/dev/null || echo unknown)

[[ -f $RESULTS ]] || printf '# Quire benchmark results\n' >"$RESULTS"
{
  echo
  echo "## Indexing — $DATE"
  echo
  echo "- Machine: $NPROC CPU(s), ${MODEL:-unknown CPU}, $MEM RAM ($(uname -sr))"
  echo "- Commit: $COMMIT; xapian-core $XAPIAN_VER"
  echo "- Corpus: \`$CORPUS\`, ${#FILES[@]} files, $DOCS documents, $BODY_BYTES bytes of body text (MB = 1e6 bytes)"
  echo "- Method: $RUNS run(s) per system, alternating, each into a fresh database directory;"
  echo "  wall time and peak RSS from \`/usr/bin/time -v\`; table shows the median wall time,"
  echo "  docs/s and MB/s computed from it and the corpus totals, index size (\`du -sb\`) of the last run,"
  echo "  peak RSS = max over runs."
  echo "  - quire: \`$BUILD/bin/quire-index --db DB --quiet $CORPUS/*.jsonl.gz\`"
  echo "  - baseline: \`$BUILD/bin/baseline_xapian_index DB $CORPUS/*.jsonl.gz\` (plain Xapian TermGenerator,"
  echo "    English stemmer, positions, default flush, one commit)"
  echo "- Wall times (s): quire ${WALLS[quire]% }; baseline ${WALLS[baseline]% }"
  echo "- CPU times, user + system (s): quire ${CPUS[quire]% }; baseline ${CPUS[baseline]% }"
  echo "- Load average (1, 5, 15 min) before each run: $LOADS; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "$TABLE"
  echo
  echo "$RATIOS"
} >>"$RESULTS"
echo
echo "Appended results to ${RESULTS#"$ROOT"/}"
