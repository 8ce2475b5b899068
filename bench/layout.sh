#!/usr/bin/env bash
# Issue 14: how a report lays out in headless Chromium: page height at 1280 and 390 px (collapsible blocks as the
# page opens, and all open), horizontal overflow, printed pages, file size. The same measurement as
# ReportLayoutTests (Tests/PipelineTests/Fixtures/layout/check.js in an iframe of the width).
# Usage: bash bench/layout.sh REPORT.html [REPORT.html ...]
set -euo pipefail
cd "$(dirname "$0")/.."
check="$PWD/Tests/PipelineTests/Fixtures/layout/check.js"
printf 'report\tbytes\twidth\theight_closed\theight_open\tscroll_width\tprinted_pages\n'
for report in "$@"; do
  dir=$(cd "$(dirname "$report")" && pwd); name=$(basename "$report")
  profile=$(mktemp -d /tmp/textpipe-layout-XXXXXX)
  for width in 1280 390; do
    host="$dir/.layout-$width.html"
    { printf '<!doctype html><html><body style="margin:0"><iframe id="report" src="%s" style="border:0;width:%spx;height:900px"></iframe><script>' "$name" "$width"
      cat "$check"; printf '</script></body></html>'; } > "$host"
    json=$(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
      --user-data-dir="$profile" --window-size=1400,900 --dump-dom "file://$host" 2>/dev/null \
      | python3 -c 'import sys,re,html; d=sys.stdin.read(); m=re.findall(r"<pre id=\"layout-check\">(.*?)</pre>", d, re.S); print(html.unescape(m[-1]))')
    rm -f "$host"
    read -r closed open scroll < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["closed"]["height"], d["open"]["height"], d["closed"]["scrollWidth"])' "$json")
    if [ "$width" = 1280 ]; then
      chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --print-to-pdf="$profile/p.pdf" \
        --no-pdf-header-footer "file://$dir/$name" 2>/dev/null
      pages=$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page(?!s)", open(sys.argv[1],"rb").read())))' "$profile/p.pdf")
    else pages=-; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$report" "$(stat -c %s "$report")" "$width" "$closed" "$open" "$scroll" "$pages"
  done
  rm -rf "$profile"
done
