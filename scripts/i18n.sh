#!/usr/bin/env bash
# Refresh the message catalogue after a change of code or .po file (docs/translating.md):
#   1. extract every message id the code and the report templates use into drillsim.pot,
#   2. merge new and removed ids into the en, vi and zh .po files (new entries are empty),
#   3. compile the .po files to the .mo files the program reads.
# Run it from anywhere; it needs Babel (the test extra). tests/test_i18n.py checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."
BABEL=${PYBABEL:-.venv/bin/pybabel}
LOCALE=drillsim/i18n/locale
"$BABEL" extract -F babel.cfg --no-default-keywords -k say:2 -k plural:2,3 -k N_ -k T -k Msg -k Msgn:1,2 \
  --sort-by-file --omit-header -o "$LOCALE/drillsim.pot" . 2>&1 | grep -v "Skipping f-string" >&2 || true
"$BABEL" update -i "$LOCALE/drillsim.pot" -d "$LOCALE" -D drillsim -w 100 --no-fuzzy-matching \
  --ignore-obsolete --ignore-pot-creation-date
"$BABEL" compile -d "$LOCALE" -D drillsim --statistics
