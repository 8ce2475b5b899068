#!/usr/bin/env bash
# Creates (once) the Python virtual environment used only by reference and benchmark scripts.
# textpipe itself never runs Python. Usage: source scripts/venv.sh
set -e
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scikit-learn==1.9.1 numpy scipy lxml
fi
PY="$venv/bin/python"
export PY
