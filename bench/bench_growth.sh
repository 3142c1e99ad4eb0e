#!/usr/bin/env bash
# bench/bench_growth.sh [BUILD_DIR] — issue 15: how indexing and queries grow with the
# corpus. Indexes 1x, 2x and 4x the shared corpus (copy c of every record gets the id
# "g<c>~<id>"; the copies are written on the fly to a temporary directory under /tmp,
# never into the repo) and measures, at each size: quire-index wall and CPU time, peak
# RSS (GNU time), index size (du), and the open eval set's p50/p99 latency with
# eval_quotes (engine only, and with snippets; 3 passes, the first untimed).
#
#   BUILD_DIR     build tree with bin/quire-index and bin/eval_quotes (default: build)
#   QUIRE_CORPUS  directory of *.jsonl.gz (default: ../shared/corpus)
#   QUIRE_EVAL    eval set (default: ../shared/eval/open)
#   SIZES         multiples to index (default "1 2 4")
#   NO_APPEND=1   print only: do not write bench/growth.tsv, bench/growth.png or
#                 append to bench/RESULTS.md
#
# Every size reads plain .jsonl (the 1x copy too, so the sizes differ only in size).
# Success at 2x and 4x is not comparable with 1x: the copies hold the same text, so a
# quote's document ties with its copies. The plot (gnuplot, scripts/setup.sh installs
# gnuplot-nox) is bench/growth.png; its data bench/growth.tsv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
CORPUS=${QUIRE_CORPUS:-../shared/corpus}
EVAL=${QUIRE_EVAL:-../shared/eval/open}
SIZES=${SIZES:-"1 2 4"}
TIME=/usr/bin/time
die() { echo "bench_growth.sh: $*" >&2; exit 1; }
[[ -d $CORPUS && -d $EVAL ]] || { echo "bench_growth.sh: corpus or eval set not found; skipping."; exit 0; }
for b in quire-index eval_quotes; do [[ -x $BUILD/bin/$b ]] || die "$BUILD/bin/$b not found — build first"; done
FILES=("$CORPUS"/*.jsonl.gz)
TMP=$(mktemp -d /tmp/quire-growth.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

# Copy c (0 = the corpus itself) of every file, with ids made unique.
make_copy() {  # c
  local c=$1 f
  mkdir -p "$TMP/in/$c"
  for f in "${FILES[@]}"; do
    local out=$TMP/in/$c/$(basename "$f" .gz)
    if ((c == 0)); then zcat "$f" >"$out"
    else zcat "$f" | sed "s/^{\"id\": \"/{\"id\": \"g$c~/" >"$out"; fi
  done
}

DATA=$TMP/growth.tsv
printf 'size\tdocs\tindex_s\tcpu_s\trss_mb\tindex_mb\tp50_ms\tp99_ms\tsnip_p50_ms\tsnip_p99_ms\tsuccess\n' >"$DATA"
LOG=$TMP/log.txt
have=0
for k in $SIZES; do
  while ((have < k)); do make_copy "$have"; have=$((have + 1)); done
  inputs=()
  for ((c = 0; c < k; c++)); do inputs+=("$TMP/in/$c"); done
  db=$TMP/db
  rm -rf "$db"
  l0=$(load)
  "$TIME" -v -o "$TMP/time" "$BUILD/bin/quire-index" --db "$db" --quiet "${inputs[@]}" \
    >"$TMP/out" 2>"$TMP/err" || { tail "$TMP/err" >&2; die "indexing ${k}x failed"; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0
           for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$TMP/time")
  cpu=$(awk -F': ' '/User time/ {u=$NF} /System time/ {s=$NF} END {printf "%.1f", u+s}' "$TMP/time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$TMP/time")
  size=$(du -sb "$db" | awk '{ printf "%.0f", $1 / 1e6 }')
  docs=$(for ((c = 0; c < k; c++)); do cat "$TMP/in/$c"/*.jsonl; done | grep -c .)
  eng=$("$BUILD/bin/eval_quotes" --db "$db" --set "$EVAL" --runs 3 | grep '\*\*all\*\*')
  snip=$("$BUILD/bin/eval_quotes" --db "$db" --set "$EVAL" --runs 3 --snippets | grep '\*\*all\*\*')
  IFS='|' read -r _ _ _ succ _ p50 p99 _ <<<"$eng"
  IFS='|' read -r _ _ _ _ _ sp50 sp99 _ <<<"$snip"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$docs" "$wall" "$cpu" "$rss" "$size" \
    $p50 $p99 $sp50 $sp99 $succ >>"$DATA"
  echo "${k}x: $docs docs, index $wall s (cpu $cpu s), peak RSS $rss MB, $size MB; open set p50/p99 $p50/$p99 ms, with snippets $sp50/$sp99 ms, success $succ (load before $l0, after $(load))" | tee -a "$LOG"
  rm -rf "$db"
done
column -t "$DATA"

# Ratios against the smallest size.
RATIOS=$(awk -F'\t' 'NR == 2 { t = $3; c = $4; p = $7; sp = $9 }
  NR > 2 { printf "- %sx: indexing %.2fx the time of %sx (CPU %.2fx), query p50 %.2fx (with snippets %.2fx)\n",
           $1, $3 / t, first, $4 / c, $7 / p, $9 / sp } NR == 2 { first = $1 }' "$DATA")
echo "$RATIOS"
[[ -n ${NO_APPEND:-} ]] && exit 0

cp "$DATA" "$ROOT/bench/growth.tsv"
if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal pngcairo size 1200,800 font ",10" noenhanced
set output "$ROOT/bench/growth.png"
set multiplot layout 2,2 title "Quire: 1x, 2x, 4x the shared corpus (issue 15, $(date -u +%Y-%m-%d), 2 shared cores)"
set key left top
set xlabel "corpus multiple"
set xtics (1, 2, 4)
set grid
set ylabel "seconds"
set title "indexing time (dashed: linear from 1x)"
plot "$ROOT/bench/growth.tsv" every ::1 using 1:3 with linespoints lw 2 title "wall", \
     "" every ::1 using 1:4 with linespoints lw 2 title "CPU (user+sys)", \
     "" every ::1::1 using 1:3 with lines notitle, \
     (x * $(awk -F'\t' 'NR == 2 { print $3 }' "$DATA")) with lines dt 2 lc rgb "gray" title "linear"
set ylabel "MB"
set title "index size and peak RSS"
plot "$ROOT/bench/growth.tsv" every ::1 using 1:6 with linespoints lw 2 title "index size", \
     "" every ::1 using 1:5 with linespoints lw 2 title "peak RSS"
set ylabel "ms"
set title "open eval set, engine only"
plot "$ROOT/bench/growth.tsv" every ::1 using 1:7 with linespoints lw 2 title "p50", \
     "" every ::1 using 1:8 with linespoints lw 2 title "p99"
set title "open eval set, with snippets"
plot "$ROOT/bench/growth.tsv" every ::1 using 1:9 with linespoints lw 2 title "p50", \
     "" every ::1 using 1:10 with linespoints lw 2 title "p99"
unset multiplot
GP
  echo "Plot: bench/growth.png"
else
  echo "bench_growth.sh: gnuplot not found (scripts/setup.sh installs gnuplot-nox); no plot" >&2
fi
{
  echo
  echo "### Issue 15: growth — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: $(nproc) CPU(s), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), shared with other jobs (load averages below)"
  echo "- Commit: $(git rev-parse --short HEAD)$([[ -n $(git status --porcelain) ]] && echo ' (with uncommitted changes)'); method: bench/bench_growth.sh (one indexing run per size, plain .jsonl copies with new ids; eval_quotes --runs 3 on the open set)"
  echo
  echo '| size | docs | index wall s | CPU s | peak RSS MB | index MB | p50 ms | p99 ms | p50 ms, snippets | p99 ms, snippets | success |'
  echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  awk -F'\t' 'NR > 1 { printf "| %sx | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$DATA"
  echo
  echo "$RATIOS"
  echo
  sed 's/^/- /' "$LOG"
  echo
  echo '![growth](growth.png)'
} >>"$ROOT/bench/RESULTS.md"
echo "Appended to bench/RESULTS.md"
