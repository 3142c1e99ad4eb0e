#!/usr/bin/env bash
# Installs every Debian package Quire needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so re-running is cheap.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libxapian-dev xapian-tools          # index (C++ wrapper) and xapian-compact / xapian-tcpsrv
  libstemmer-dev                      # Snowball stemmers
  libutf8proc-dev                     # NFKC + case folding
  libjansson-dev                      # JSON in and out
  libxml2-dev                         # HTML extraction; Atom feeds and OpenSearch (xmlTextWriter)
  libmd4c-dev                         # Markdown extraction
  zlib1g-dev                          # .jsonl.gz
  libmicrohttpd-dev                   # HTTP server
  libcriterion-dev                    # unit tests
  libcurl4-openssl-dev curl           # integration-test client
  python3-jsonschema                  # tests/openapi_check.py validates answers against openapi.json
  clang libclang-rt-14-dev            # fuzzing (libFuzzer) and sanitizer runtime
  wrk                                 # HTTP benchmark (bench/bench_http.sh)
  chromium                            # the page's browser tests (tests/web/) and bench/page_bench.mjs
  sphinxsearch                        # issue 15 peer: Sphinx 2.2 indexer + searchd (bench/peers/)
  python3-pymysql                     # SphinxQL client for the Sphinx peer (Debian's /usr/bin/python3)
  gnuplot-nox                         # bench/bench_growth.sh's plot (bench/growth.png)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
