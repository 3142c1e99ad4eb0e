#!/usr/bin/env bash
# Regenerate data/misp-galaxy/threat-actor-names.tsv (the threat-actor names
# Quire expands queries with, lib/query/aliases.c) from a copy of MISP
# galaxy's clusters/threat-actor.json (CC0 1.0 or BSD-2-Clause; its LICENSE.md
# is kept beside the TSV). Only the names are kept: one line a group, its
# name (`value`) first, then its `meta.synonyms`, then the MITRE ATT&CK group
# ids (Gnnnn) its `meta.refs` link to (attack.mitre.org/groups/Gnnnn) that
# the synonyms do not list already (most groups with an ATT&CK page list
# its id as a synonym; a few only link to it), tab-separated, in the file's
# order. Then update the version line of data/misp-galaxy/README.md.
#
#   scripts/refresh_aliases.sh PATH/TO/threat-actor.json [PATH/TO/LICENSE.md]
set -euo pipefail
src=${1:?usage: scripts/refresh_aliases.sh threat-actor.json [LICENSE.md]}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/data/misp-galaxy/threat-actor-names.tsv
python3 - "$src" > "$out.tmp" <<'PY'
import json, re, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
for v in data["values"]:
    meta = v.get("meta") or {}
    names = [v["value"]] + list(meta.get("synonyms") or [])
    # ATT&CK group ids the group's references link to, as names.
    for ref in meta.get("refs") or []:
        m = re.search(r"attack\.mitre\.org/groups/(G\d{4})\b", ref)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    # A tab or newline inside a name would break the format: made a space.
    names = [" ".join(n.split()) for n in names if n and n.strip()]
    print("\t".join(names))
PY
mv "$out.tmp" "$out"
if [ -n "${2:-}" ]; then cp "$2" "$here/data/misp-galaxy/LICENSE.md"; fi
echo "$(wc -l < "$out") groups written to $out (update the version in data/misp-galaxy/README.md)"
