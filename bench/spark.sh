#!/usr/bin/env bash
# Issue 13: textpipe on Spark against textpipe alone, on this machine (both cores).
#  1. Overhead: each shipped spec run by `textpipe run` and by `textpipe spark --master local[2]`, alternating, each
#     in a fresh project folder sharing the fetched datasets; median wall seconds of ROUNDS rounds.
#  2. Streaming throughput (records per second, one process, one core's worth of records): `stream featurize` and
#     `stream predict` with the 20 Newsgroups bigram-tfidf softmax model on all 18,821 posts, `stream encode` with
#     MiniLM ([CLS]) on the first 2,000.
#  3. Work per partition: the 20 Newsgroups posts in 16 contiguous partitions, each timed through `stream featurize`
#     alone; the time N machines would take is the longest machine when the partitions are dealt out longest first.
# Usage: bash bench/spark.sh [ROUNDS]      (default 3; writes bench/out/spark.tsv, spark-stream.tsv, spark-parts.tsv)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
root="$PWD"
out="$root/bench/out/spark"
mkdir -p "$out"
swift build -c release --product textpipe >/dev/null
bin="$root/.build/release/textpipe"
submit=$(bash spark/build.sh)
seconds() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk "BEGIN { print $EPOCHREALTIME - $s }"; }
fresh() {  # a project folder sharing the datasets and the Spark install
  rm -rf "$1"; mkdir -p "$1/data" "$1/spark"
  ln -s "$root/data/cache" "$1/data/cache"; ln -s "$root/models" "$1/models" 2>/dev/null || true
  cp "$root/pipelines/$2.yaml" "$1/p.yaml"
}
printf 'spec\ttool\tround\tseconds\n' > bench/out/spark.tsv
for i in $(seq "$rounds"); do
  for spec in sentiment newsgroups; do
    fresh "$out/local-$spec" "$spec"
    t=$(cd "$out/local-$spec" && seconds "$bin" run p.yaml)
    printf '%s\tlocal\t%s\t%s\n' "$spec" "$i" "$t" | tee -a bench/out/spark.tsv
    fresh "$out/spark-$spec" "$spec"
    t=$(cd "$out/spark-$spec" && seconds "$bin" spark p.yaml --master 'local[2]' --spark-submit "$submit" \
      --jar "$root/spark/build/textpipe-spark.jar")
    printf '%s\tspark-local[2]\t%s\t%s\n' "$spec" "$i" "$t" | tee -a bench/out/spark.tsv
  done
done
# The posts as stream records, and the newsgroups model (from the last local run).
model="$out/local-newsgroups/reports/newsgroups/latest/models/bigram-tfidf__softmax"
(cd "$out/local-newsgroups" && "$bin" run p.yaml --only ingest --quiet >/dev/null 2>&1)
python3 - "$out/local-newsgroups/reports/newsgroups/inspect/ingested.jsonl" "$out/posts.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for i, line in enumerate(f):
        d = json.loads(line)
        o.write(json.dumps({"id": i, "text": d["text"]}) + "\n")
PY
head -2000 "$out/posts.jsonl" > "$out/posts-2000.jsonl"
printf 'mode\trecords\tseconds\trecords_per_second\n' > bench/out/spark-stream.tsv
stream() {  # name records-file args...
  local name=$1 file=$2; shift 2
  local n; n=$(wc -l < "$file")
  local s=$EPOCHREALTIME
  "$bin" stream "$@" < "$file" > "$out/$name.out"
  local t; t=$(awk "BEGIN { print $EPOCHREALTIME - $s }")
  [ "$(wc -l < "$out/$name.out")" = "$n" ] || { echo "$name: wrong line count" >&2; exit 1; }
  printf '%s\t%s\t%.2f\t%.0f\n' "$name" "$n" "$t" "$(awk "BEGIN { print $n / $t }")" | tee -a bench/out/spark-stream.tsv
}
stream featurize "$out/posts.jsonl" featurize --artifacts "$model"
stream predict "$out/posts.jsonl" predict --model "$model"
cp "$root/pipelines/bert.yaml" "$out/bert.yaml"
stream encode "$out/posts-2000.jsonl" encode --spec "$out/bert.yaml" --features bert --root "$root"
# Per-partition featurize times and the projection to N machines (one core each).
printf 'partition\trecords\tseconds\n' > bench/out/spark-parts.tsv
total=$(wc -l < "$out/posts.jsonl")
parts=16
for p in $(seq 0 $((parts - 1))); do
  from=$((total * p / parts + 1)); to=$((total * (p + 1) / parts))
  sed -n "${from},${to}p" "$out/posts.jsonl" > "$out/part-$p.jsonl"
  s=$EPOCHREALTIME
  "$bin" stream featurize --artifacts "$model" < "$out/part-$p.jsonl" > /dev/null
  printf '%s\t%s\t%s\n' "$p" "$((to - from + 1))" "$(awk "BEGIN { print $EPOCHREALTIME - $s }")" | tee -a bench/out/spark-parts.tsv
done
python3 - bench/out/spark-parts.tsv <<'PY'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n")[1:] if l]
t = sorted((float(r[2]) for r in rows), reverse=True)
print("partitions: %d, sum %.2f s, longest %.2f s, shortest %.2f s" % (len(t), sum(t), t[0], t[-1]))
for n in (1, 2, 4, 8, 16):
    load = [0.0] * n
    for x in t:
        load[load.index(min(load))] += x
    print("N=%d machines: %.2f s (speed-up %.1fx)" % (n, max(load), sum(t) / max(load)))
PY
