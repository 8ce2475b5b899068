#!/usr/bin/env bash
# Issue 12, unbounded cost: hostile inputs that were quadratic or unbounded, side by side with textpipe 52422aa (the
# last commit before the fix): 2,000 and 10,000 labels (evaluate + report), one HTML tag with 100,000 attributes
# (clean), a 40 MB CSV with 100,000 columns (ingest). Wall seconds and peak memory (GNU time) of each run, and the
# size of what it wrote.
# Usage: bash bench/hostile.sh                 (writes bench/out/hostile.tsv)
#        CASES="labels2000 attributes" bash bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
before=52422aa
root="$PWD"
out="$root/bench/out/hostile"
cases="${CASES:-labels2000 labels10000 attributes columns}"
mkdir -p "$out"
swift build -c release --product textpipe >/dev/null
if [ ! -x "$out/before/.build/release/textpipe" ]; then
  rm -rf "$out/before"
  git worktree add -f "$out/before" "$before" >/dev/null 2>&1 || git -C "$out/before" checkout -q "$before"
  (cd "$out/before" && swift build -c release --product textpipe >/dev/null)
fi
declare -A bins=([before]="$out/before/.build/release/textpipe" [after]="$root/.build/release/textpipe")
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)"; exit 1; }

make_case() {  # writes $1/p.yaml and its data
  local dir=$1 kind=$2
  mkdir -p "$dir"
  python3 - "$dir" "$kind" <<'PY'
import random, sys, os
d, kind = sys.argv[1], sys.argv[2]
random.seed(1)
spec = "name: hostile\ndata:\n  train: {path: %s}\n%sfeatures:\n  - onehot: {min_df: 1}\nclassifiers:\n  - multinomial_nb\nevaluate: {cv: {folds: %d, seed: 1}}\nreport: {out: reports/hostile, formats: [md, html, json]}\n"
if kind.startswith("labels"):
    L = int(kind[6:])
    with open(f"{d}/many.csv", "w") as f:
        f.write("text,label\n")
        for i in range(L * 5):
            words = " ".join(f"w{i % L}" if random.random() < 0.3 else f"c{random.randrange(50)}" for _ in range(10))
            f.write(f'"{words}",lab{i % L}\n')
    open(f"{d}/p.yaml", "w").write(spec % ("many.csv, format: csv, text_column: text, label_column: label", "", 5))
elif kind == "attributes":
    for lab, w in (("pos", "great fun"), ("neg", "awful dull")):
        os.makedirs(f"{d}/corpus/{lab}", exist_ok=True)
        for i in range(5):
            open(f"{d}/corpus/{lab}/d{i}.txt", "w").write(w)
    attrs = " ".join(f'a{i}="v"' for i in range(100000))
    open(f"{d}/corpus/pos/big.html", "w").write(f"<html><body><div {attrs}>great text</div></body></html>")
    open(f"{d}/p.yaml", "w").write(spec % ("corpus, format: folders", "clean: {html: auto}\n", 2))
elif kind == "columns":
    C = 100000
    with open(f"{d}/wide.csv", "w") as f:
        f.write(",".join(["text", "label"] + [f"x{i}" for i in range(C - 2)]) + "\n")
        pad = ",".join(["1"] * (C - 2))
        for r in range(200):
            f.write(('"great fun",pos,' if r % 2 else '"awful dull",neg,') + pad + "\n")
    open(f"{d}/p.yaml", "w").write(spec % ("wide.csv, format: csv, text_column: text, label_column: label", "", 2))
PY
}

[ -f bench/out/hostile.tsv ] || printf 'case\ttool\tseconds\tmax_rss_mb\treport_html_bytes\tmetrics_json_bytes\texit\n' > bench/out/hostile.tsv
for c in $cases; do
  for tool in before after; do
    dir="$out/$c-$tool"
    rm -rf "$dir"
    make_case "$dir" "$c"
    set +e
    (cd "$dir" && /usr/bin/time -f '%e %M' -o time.txt timeout 3600 "${bins[$tool]}" run p.yaml >run.log 2>&1)
    status=$?
    set -e
    # GNU time prefixes "Command exited with non-zero status N" when the run fails (124: the hour's timeout).
    read -r secs rss < <(tail -1 "$dir/time.txt") || true
    html=$(stat -c %s "$dir"/reports/hostile/latest/report.html 2>/dev/null || echo -)
    metrics=$(stat -c %s "$dir"/reports/hostile/latest/metrics.json 2>/dev/null || echo -)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$tool" "$secs" "$((rss / 1024))" "$html" "$metrics" "$status" \
      | tee -a bench/out/hostile.tsv
  done
done
