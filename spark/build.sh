#!/usr/bin/env bash
# Builds textpipe's Spark driver (spark/build/textpipe-spark.jar) with the JDK on the machine, against the Spark jars of
# the pyspark package from PyPI, installed (pinned) into spark/.venv. No Python runs on the executors: the venv only
# provides Spark's jars and its launch scripts (spark-submit, sbin/start-master.sh, start-worker.sh).
# Usage: bash spark/build.sh        (idempotent; prints the spark-submit path)
set -euo pipefail
cd "$(dirname "$0")"
PYSPARK_VERSION=4.3.0
venv="$PWD/.venv"
if [ ! -x "$venv/bin/spark-submit" ] || ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
fi
command -v javac >/dev/null || { echo "needs a JDK (javac): apt-get install -y openjdk-17-jdk-headless" >&2; exit 1; }
home=$("$venv/bin/python" -c "import pyspark, os; print(os.path.dirname(pyspark.__file__))")
jar="$PWD/build/textpipe-spark.jar"
if [ ! -f "$jar" ] || [ -n "$(find src -newer "$jar" -name '*.java')" ]; then
  rm -rf build/classes
  mkdir -p build/classes
  javac -nowarn --release 17 -cp "$home/jars/*" -d build/classes $(find src -name '*.java')
  jar cf "$jar.tmp" -C build/classes .
  mv "$jar.tmp" "$jar"
fi
echo "$home/bin/spark-submit"
