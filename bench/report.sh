#!/usr/bin/env bash
# Issue 7: computing the significance matrix and writing a full report (Markdown, every SVG chart, HTML, JSON)
# for MODELS models over DOCUMENTS test documents, median of 5 in one process. Target: under 2 s for 40 models.
# Usage: bash bench/report.sh [MODELS] [DOCUMENTS]   (default 40 4000)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product textpipe-bench >/dev/null
.build/release/textpipe-bench report "${1:-40}" "${2:-4000}"
