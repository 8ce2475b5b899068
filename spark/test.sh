#!/usr/bin/env bash
# make test-spark: a standalone Spark cluster on 127.0.0.1 (a master and two one-core workers, from the pyspark
# package's launch scripts), then the Spark suite against it: the sentiment and 20 Newsgroups pipelines equal their
# local runs, also with an executor killed mid-job. The cluster is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
submit=$(bash spark/build.sh)
export SPARK_HOME=$(dirname "$(dirname "$submit")")
export SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1
logs="$PWD/spark/build/cluster"
port=${SPARK_TEST_PORT:-7177}
rm -rf "$logs"; mkdir -p "$logs"
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
# The pyspark wheel carries spark-class but not sbin/start-master.sh: start the daemons with it directly.
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 >"$logs/master.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  SPARK_WORKER_DIR="$logs/work-$w" "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 3g --webui-port 0 --work-dir "$logs/work-$w" "spark://127.0.0.1:$port" \
    >"$logs/worker-$w.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 90); do
  [ "$(grep -l "Successfully registered with master" "$logs"/worker-*.log 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 1
done
[ "$(grep -l "Successfully registered with master" "$logs"/worker-*.log 2>/dev/null | wc -l)" -ge 2 ] || {
  echo "the workers did not register; logs in $logs" >&2; tail -20 "$logs"/*.log >&2; exit 1; }
TEXTPIPE_SPARK_MASTER="spark://127.0.0.1:$port" ${SWIFT:-swift} test --filter SparkClusterTests
