#!/usr/bin/env bash
# Regenerate docs/img/report-html.png, the screenshot of the HTML report linked from the
# README: the demo team's `smbalance report --format html`, drawn by headless Chromium.
# The clock, zone and home are pinned, as in scripts/make_readme_svg.sh.
#   scripts/make_html_screenshot.sh            # rewrite docs/img/report-html.png
#   scripts/make_html_screenshot.sh OUT.png    # write elsewhere
# Needs Chromium (Debian: apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/img/report-html.png}")
smbalance=${SMBALANCE:-.venv/bin/smbalance}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export SMBALANCE_NOW=2026-11-27T14:05:00Z SMBALANCE_TZ=Europe/London
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
export SMBALANCE_CONFIG="$tmp/config.toml"
unset SMBALANCE_DB

mkdir -p "$(dirname "$out")"
"$smbalance" --db "$tmp/demo.db" demo >/dev/null 2>"$tmp/notices" || { cat "$tmp/notices" >&2; exit 1; }
"$smbalance" --db "$tmp/demo.db" report --format html >"$tmp/report.html"
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --hide-scrollbars --user-data-dir="$tmp/chromium" --window-size=1000,1260 \
  --screenshot="$out" "file://$tmp/report.html" >/dev/null 2>&1
echo "wrote $out"
