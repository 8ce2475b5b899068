#!/usr/bin/env bash
# Builds KenLM's lmplz (the reference for ngram_lm's modified Kneser-Ney) from the `kenlm` 0.3.0 sdist on PyPI, its
# sha256 checked, into scripts/.kenlm/ (git-ignored). Needs cmake, Boost (program_options, system, thread, test) and
# zlib from Debian: installed with apt-get when running as root. Prints the lmplz path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$here/.kenlm"
url="https://files.pythonhosted.org/packages/02/6e/f4e159cef39ea4ef2244b4aa32857d447d60a5d0ee269e1b1f8d3723c03e/kenlm-0.3.0.tar.gz"
sha=c4628bb9fb63c8a6f9240035b8b037385cfc404cb72e933cf48878291edac1e8
if [ ! -x "$dir/kenlm-0.3.0/build/bin/lmplz" ]; then
  packages="cmake libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev zlib1g-dev"
  if ! command -v cmake >/dev/null || [ ! -e /usr/include/boost/program_options.hpp ]; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q $packages >/dev/null; else echo "run: sudo apt-get install -y $packages" >&2; exit 1; fi
  fi
  mkdir -p "$dir"
  curl -sSL -o "$dir/kenlm-0.3.0.tar.gz" "$url"
  echo "$sha  $dir/kenlm-0.3.0.tar.gz" | sha256sum -c --quiet
  tar -C "$dir" -xzf "$dir/kenlm-0.3.0.tar.gz"
  mkdir -p "$dir/kenlm-0.3.0/build"
  (cd "$dir/kenlm-0.3.0/build" && cmake .. -DCMAKE_BUILD_TYPE=Release >/dev/null && make -j2 lmplz >/dev/null)
fi
echo "$dir/kenlm-0.3.0/build/bin/lmplz"
