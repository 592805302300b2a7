#!/usr/bin/env bash
# Writes a study's committed report: `initbench report` over the given run folders into OUT (report.md and
# results.csv are kept, and the fidelity section's two plots per ladder, which the report shows; the other plots
# and report.html are not, see .gitignore), with the Plots section replaced by a pointer, since the plots are
# drawn again from the committed runs.
# Usage: scripts/study-report.sh OUT RUNDIR... [report options, e.g. --baseline fixup]  (passed on as they are;
# a `--` before them would make initbench read them as run folders)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"; shift
./initbench report "$@" --out "$out" >/dev/null
python3 - "$out/report.md" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"## Plots\n.*?(?=\n## |\Z)",
           "## Plots\n\nNot kept in the repository; `initbench report` on the study's runs (committed under its "
           "`runs/`) draws them again.\n", s, flags=re.S)
open(p, "w").write(s)
PY
find "$out/plots" -type f ! -name "fidelity-*.png" -delete 2>/dev/null || true
rmdir "$out/plots" 2>/dev/null || true
rm -f "$out/report.html"
