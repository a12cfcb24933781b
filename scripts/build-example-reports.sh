#!/usr/bin/env bash
# Regenerate the example after-action reports in reports/examples/ from every scenario in scenarios/.
# Usage: bash scripts/build-example-reports.sh [REPLICATIONS]   (default 1000)
# Each folder is replaced (--force): the examples are the project's, rebuilt from the scenarios.
# The run data (summaries/, logs/) and the SVG copies of the charts stay out of git
# (reports/.gitignore): they are reproducible from the manifest's seed and scenario hash.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
DRILLSIM=${DRILLSIM:-.venv/bin/drillsim}
for f in scenarios/*.yaml; do
  id=$(basename "$f" .yaml)
  echo "== $id" >&2
  "$DRILLSIM" run "$f" -n "$N" --all-variants --out "reports/examples/$id" --force \
    --format html,md,docx --quiet
done
