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
# Added after the environment was first made: installed into an existing one too.
"$venv/bin/python" -c "import nltk" 2>/dev/null || "$venv/bin/pip" install -q nltk==3.9.1
"$venv/bin/python" -c "import fasttext" 2>/dev/null || "$venv/bin/pip" install -q fasttext-wheel==0.9.2
PY="$venv/bin/python"
export PY
