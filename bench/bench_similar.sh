#!/bin/sh
# Similar articles: p50/p99 of quire_similar() over 200 random ids of the
# shared corpus (fixed seed), in process (bench_similar).
#   bench/bench_similar.sh INDEX [BUILD_DIR] [extra bench_similar flags]
set -eu
db=${1:?usage: bench_similar.sh INDEX [BUILD_DIR] [flags]}
build=${2:-build}
shift; [ $# -gt 0 ] && shift
corpus=${QUIRE_CORPUS:-$(dirname "$0")/../../shared/corpus}
ids=$(mktemp)
trap 'rm -f "$ids"' EXIT
python3 - "$corpus" > "$ids" <<'PY'
import glob, gzip, json, random, sys
ids = []
for f in sorted(glob.glob(sys.argv[1] + '/*.jsonl.gz')):
    with gzip.open(f, 'rt') as fh:
        ids += [json.loads(line)['id'] for line in fh]
random.seed(13)
print('\n'.join(random.sample(ids, 200)))
PY
"$build/bin/bench_similar" --db "$db" --ids "$ids" "$@"
