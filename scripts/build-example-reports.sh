#!/usr/bin/env bash
# Regenerate the example after-action reports in reports/ from every scenario in scenarios/.
# Usage: bash scripts/build-example-reports.sh [REPLICATIONS]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
DRILLSIM=${DRILLSIM:-.venv/bin/drillsim}
for f in scenarios/*.yaml; do
  id=$(basename "$f" .yaml)
  echo "== $id" >&2
  "$DRILLSIM" run "$f" -n "$N" --all-variants --out "reports/$id" --force --format html,md,docx --quiet
done
