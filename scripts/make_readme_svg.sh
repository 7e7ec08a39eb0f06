#!/usr/bin/env bash
# Regenerate docs/img/report.svg, the picture at the top of the README and the docs:
# the demo team's report, rendered by `smbalance report --save`. The clock, zone and
# home are pinned so the picture only changes when the report itself changes.
#   scripts/make_readme_svg.sh            # rewrite docs/img/report.svg
#   scripts/make_readme_svg.sh OUT.svg    # write elsewhere (tests compare the two)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/img/report.svg}")
smbalance=${SMBALANCE:-.venv/bin/smbalance}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export SMBALANCE_NOW=2026-11-27T14:05:00Z SMBALANCE_TZ=Europe/London
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
export SMBALANCE_CONFIG="$tmp/config.toml" COLUMNS=100
unset SMBALANCE_DB NO_COLOR

mkdir -p "$(dirname "$out")"
"$smbalance" --db "$tmp/demo.db" demo >/dev/null 2>"$tmp/notices" || { cat "$tmp/notices" >&2; exit 1; }
"$smbalance" --db "$tmp/demo.db" report --save "$out" >/dev/null 2>"$tmp/notices" || { cat "$tmp/notices" >&2; exit 1; }
echo "wrote $out"
