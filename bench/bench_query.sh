#!/usr/bin/env bash
# bench/bench_query.sh [BUILD_DIR] — query-latency benchmark (issue 3): in-process
# latency p50/p99 per query kind over the whole shared corpus, Quire beside a
# plain Xapian QueryParser baseline (bench/baseline_xapian_query.cc) on the same
# queries in the same run.
#
#   BUILD_DIR         build tree holding bin/quire-index, bin/eval_quotes,
#                     bin/baseline_xapian_index and bin/baseline_xapian_query
#                     (default: build, relative to the repo root)
#   QUIRE_CORPUS      directory of *.jsonl.gz files (default: ../shared/corpus)
#   QUIRE_EVAL        evaluation set holding expected.jsonl (default: ../shared/eval/open)
#   QUIRE_BENCH_DIR   where the two indexes are built (default: /tmp/quire-bench-query);
#                     they are left there at exit
#   QUIRE_BENCH_KEEP  when set (non-empty), reuse the indexes in QUIRE_BENCH_DIR if both
#                     exist and were built from the same corpus files (same names, sizes,
#                     mtimes); otherwise they are rebuilt
#   RUNS              runs of the whole query set per measurement (default 5); the first
#                     run warms the caches and is not timed when RUNS > 1
#
# Three measurements, one after the other, each in its own process:
#   1. eval_quotes --runs RUNS             Quire engine latency (no snippets/quotes)
#   2. eval_quotes --runs RUNS --snippets  Quire full result latency (snippets + quotes)
#   3. baseline_xapian_query --runs RUNS   plain Xapian: QueryParser + get_mset(0, 10)
#                                          + reading each hit's document data
# Prints the three Markdown tables and appends a dated section to bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BUILD=${1:-build}
CORPUS=${QUIRE_CORPUS:-../shared/corpus}
EVAL=${QUIRE_EVAL:-../shared/eval/open}
BENCH_DIR=${QUIRE_BENCH_DIR:-/tmp/quire-bench-query}
RUNS=${RUNS:-5}
RESULTS=$ROOT/bench/RESULTS.md

die() { echo "bench_query.sh: $*" >&2; exit 1; }

if [[ ! -d $CORPUS ]]; then
  echo "bench_query.sh: corpus directory '$CORPUS' not found (set QUIRE_CORPUS); skipping the query benchmark."
  exit 0
fi
if [[ ! -f $EVAL/expected.jsonl ]]; then
  echo "bench_query.sh: evaluation set '$EVAL/expected.jsonl' not found (set QUIRE_EVAL); skipping the query benchmark."
  exit 0
fi
shopt -s nullglob
FILES=("$CORPUS"/*.jsonl.gz)
shopt -u nullglob
if (( ${#FILES[@]} == 0 )); then
  echo "bench_query.sh: no *.jsonl.gz files in '$CORPUS'; skipping the query benchmark."
  exit 0
fi

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
QUIRE_INDEX=$BUILD/bin/quire-index
BASE_INDEX=$BUILD/bin/baseline_xapian_index
EVAL_QUOTES=$BUILD/bin/eval_quotes
BASE_QUERY=$BUILD/bin/baseline_xapian_query
for b in "$QUIRE_INDEX" "$BASE_INDEX" "$EVAL_QUOTES" "$BASE_QUERY"; do
  [[ -x $b ]] || die "$b not found — build first (cmake --build $BUILD)"
done

NQUERIES=$(grep -c . "$EVAL/expected.jsonl" || true)

# ---- indexes ------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
QUIRE_DB=$BENCH_DIR/quire
BASE_DB=$BENCH_DIR/baseline
STAMP=$(stat -L -c '%n %s %Y' "${FILES[@]}")
# A kept Quire index is reused only if it has this build's schema version.
SCHEMA=$(sed -n 's/^#define QUIRE_SCHEMA_VERSION \([0-9]*\).*/\1/p' include/quire/quire.h)

SCRATCH=$(mktemp -d /tmp/quire-bench-query-out.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

declare -A BUILT=()
build_index() {  # system db
  local sys=$1 db=$2 err=$SCRATCH/index.$1.err
  local -a cmd
  local stamp=$STAMP
  [[ $sys == quire ]] && stamp+=$'\n'"quire schema $SCHEMA"
  case $sys in
    quire)    cmd=("$QUIRE_INDEX" --db "$db.partial" --quiet "${FILES[@]}") ;;
    baseline) cmd=("$BASE_INDEX" "$db.partial" "${FILES[@]}") ;;
  esac
  if [[ -n ${QUIRE_BENCH_KEEP:-} && -d $db && -f $db.stamp ]] &&
     [[ $(cat "$db.stamp") == "$stamp" ]]; then
    echo "Reusing the $sys index $db (QUIRE_BENCH_KEEP is set)"
    BUILT[$sys]="reused"
    return
  fi
  rm -rf "$db" "$db.partial" "$db.stamp"
  echo "Building the $sys index in $db ..."
  local t0 t1
  t0=$(date +%s.%N)
  if ! "${cmd[@]}" >"$SCRATCH/index.$sys.out" 2>"$err"; then
    echo "bench_query.sh: building the $sys index failed: ${cmd[*]}" >&2
    tail -n 20 "$err" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  mv "$db.partial" "$db"
  printf '%s\n' "$stamp" >"$db.stamp"
  BUILT[$sys]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "built in %.0f s", b - a }')
  echo "  ${BUILT[$sys]}"
}
build_index quire "$QUIRE_DB"
build_index baseline "$BASE_DB"
QUIRE_SIZE=$(du -sb "$QUIRE_DB" | cut -f1)
BASE_SIZE=$(du -sb "$BASE_DB" | cut -f1)

# ---- measurements ----------------------------------------------------------------
measure() {  # name command...
  local name=$1
  shift
  echo "Running $name: $*" >&2
  if ! "$@" >"$SCRATCH/$name.md" 2>"$SCRATCH/$name.err"; then
    echo "bench_query.sh: $name failed: $*" >&2
    tail -n 20 "$SCRATCH/$name.err" >&2
    exit 1
  fi
  if [[ -s $SCRATCH/$name.err ]]; then
    echo "  ($name stderr:)" >&2
    tail -n 5 "$SCRATCH/$name.err" | sed 's/^/  /' >&2
  fi
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure engine   "$EVAL_QUOTES" --db "$QUIRE_DB" --set "$EVAL" --runs "$RUNS"
measure snippets "$EVAL_QUOTES" --db "$QUIRE_DB" --set "$EVAL" --runs "$RUNS" --snippets
measure baseline "$BASE_QUERY"  --db "$BASE_DB"  --set "$EVAL" --runs "$RUNS"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# p50 of the **all** row: | **all** | n | success | | p50 | p99 |
all_p50() { awk -F'|' '$2 ~ /\*\*all\*\*/ { gsub(/ /, "", $6); print $6 }' "$1"; }
P50_ENGINE=$(all_p50 "$SCRATCH/engine.md")
P50_SNIP=$(all_p50 "$SCRATCH/snippets.md")
P50_BASE=$(all_p50 "$SCRATCH/baseline.md")
[[ -n $P50_ENGINE && -n $P50_SNIP && -n $P50_BASE ]] || die "could not read the **all** rows"
RATIO=$(awk -v e="$P50_ENGINE" -v s="$P50_SNIP" -v b="$P50_BASE" 'BEGIN {
  if (b > 0)
    printf "- p50 ratio Quire/baseline, all queries: engine %.2fx (%.3f / %.3f ms), with snippets %.2fx (%.3f / %.3f ms)\n",
      e / b, e, b, s / b, s, b
  else
    printf "- p50 ratio Quire/baseline, all queries: n/a (baseline p50 is 0)\n" }')

TITLE_ENGINE="Quire, engine latency (\`eval_quotes --runs $RUNS\`, no snippets)"
TITLE_SNIP="Quire, full result latency (\`eval_quotes --runs $RUNS --snippets\`: snippets + quotes)"
TITLE_BASE="Plain Xapian baseline (\`baseline_xapian_query --runs $RUNS\`)"

echo
echo "$TITLE_ENGINE"
echo
cat "$SCRATCH/engine.md"
echo
echo "$TITLE_SNIP"
echo
cat "$SCRATCH/snippets.md"
echo
echo "$TITLE_BASE"
echo
cat "$SCRATCH/baseline.md"
echo
echo "$RATIO"

# ---- RESULTS.md ---------------------------------------------------------------------
DATE=$(date -u)
NPROC=$(nproc)
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain 2>/dev/null) ]]; then COMMIT+=" (with uncommitted changes)"; fi
XAPIAN_VER=$(pkg-config --modversion xapian-core 2>/dev/null || echo unknown)
TIMED=$(( RUNS > 1 ? RUNS - 1 : 1 ))

[[ -f $RESULTS ]] || printf '# Quire benchmark results\n' >"$RESULTS"
{
  echo
  echo "## Query latency — $DATE"
  echo
  echo "- Machine: $NPROC CPU(s), ${MODEL:-unknown CPU}, $MEM RAM ($(uname -sr));"
  echo "  load average before/after the measurements: $LOAD_BEFORE / $LOAD_AFTER"
  echo "- Commit: $COMMIT; xapian-core $XAPIAN_VER"
  echo "- Corpus: \`$CORPUS\`, ${#FILES[@]} files; eval set: \`$EVAL/expected.jsonl\`, $NQUERIES queries"
  echo "- Indexes (in \`$BENCH_DIR\`): quire ${BUILT[quire]}, $(awk -v b="$QUIRE_SIZE" 'BEGIN { printf "%.1f MB", b / 1e6 }');"
  echo "  baseline ${BUILT[baseline]}, $(awk -v b="$BASE_SIZE" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
  echo "  - quire: \`$QUIRE_INDEX --db DB --quiet $CORPUS/*.jsonl.gz\`"
  echo "  - baseline: \`$BASE_INDEX DB $CORPUS/*.jsonl.gz\` (plain Xapian TermGenerator,"
  echo "    English stemmer, positions, title + 100-position gap + body, data = the JSON line)"
  echo "- Method: in-process wall time per query (monotonic clock), each program in its own process,"
  echo "  run one after the other on the same indexes; $RUNS run(s) of the whole set, the first"
  if (( RUNS > 1 )); then
    echo "  a warm-up that is not timed, so each percentile is over $TIMED timed run(s) × the kind's queries"
  else
    echo "  timed (no warm-up run), so each percentile is over the kind's queries"
  fi
  echo "  (nearest rank on the sorted sample); success@1 / MRR@10 scored on the first run as"
  echo "  described in \`$EVAL/README.md\`."
  echo "  - Quire engine: \`quire_search()\`, limit 10, \`no_snippets\`; full: the same with snippets and quotes."
  echo "  - Baseline: \`Xapian::QueryParser\` (database set, English stemmer, STEM_SOME, default op"
  echo "    OP_AND, FLAG_DEFAULT | FLAG_PHRASE | FLAG_LOVEHATE | FLAG_BOOLEAN; the query text is passed"
  echo "    as is — QueryParser itself takes curly double quotes as phrase quotes and ’ as an apostrophe),"
  echo "    \`Enquire::get_mset(0, 10)\`, then each"
  echo "    hit's document data read; a QueryParserError counts as a failure (latency still recorded)."
  echo
  echo "$TITLE_ENGINE:"
  echo
  cat "$SCRATCH/engine.md"
  echo
  echo "$TITLE_SNIP:"
  echo
  cat "$SCRATCH/snippets.md"
  echo
  echo "$TITLE_BASE:"
  echo
  cat "$SCRATCH/baseline.md"
  echo
  echo "$RATIO"
} >>"$RESULTS"
echo
echo "Appended results to ${RESULTS#"$ROOT"/}"
echo "Indexes kept in $BENCH_DIR (reuse them with QUIRE_BENCH_KEEP=1)"
