SHELL := /bin/bash
# textpipe: `make run` and `make test` are the whole set-up on a fresh Debian 12 machine with Swift.
SWIFT ?= swift
BIN := .build/release/textpipe
SPEC ?= pipelines/sentiment.yaml
APT_PACKAGES := libxml2-dev libopenblas-dev pkg-config unzip

.PHONY: all deps test-deps packages build run test lint bench reference clean-work help fuzz spark test-spark release-static man mutants

all: build

help:
	@echo "make run    build a release binary and run $(SPEC) (fetches its data)"
	@echo "make test   lint Sources/ and Tests/, build the release binary, run the whole test suite"
	@echo "make lint   swift format lint --strict on Sources/ and Tests/ (.swift-format)"
	@echo "make bench  run the benchmarks side by side with scikit-learn (writes bench/out/)"
	@echo "make spark  build the Spark driver (spark/build/textpipe-spark.jar; pyspark from PyPI into spark/.venv)"
	@echo "make test-spark  start a standalone Spark cluster on 127.0.0.1 and run the cluster suite against it"
	@echo "make mutants  apply each known wrong model (scripts/mutants) and check the tests catch it"
	@echo "make fuzz   build the libFuzzer driver and fuzz every parser and decoder SECONDS each (default 60; JOBS in parallel)"

# System packages (libxml2, OpenBLAS, pkg-config, unzip): installed with apt-get when running as root, otherwise the
# one line to run is printed. `make test` also needs chromium (the report layout tests); `make run` does not.
deps:
	@$(MAKE) --no-print-directory packages CHECK_CHROMIUM=

test-deps:
	@$(MAKE) --no-print-directory packages CHECK_CHROMIUM=1

packages:
	@missing=""; \
	pkg-config --exists libxml-2.0 || missing="$$missing libxml2-dev"; \
	pkg-config --exists openblas || missing="$$missing libopenblas-dev"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	if [ -n "$(CHECK_CHROMIUM)" ]; then command -v chromium >/dev/null || missing="$$missing chromium"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    (apt-get install -y -q $$missing || (apt-get update -q && apt-get install -y -q $$missing)) >/dev/null; \
	  else \
	    echo "missing system packages; run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c release --product textpipe

run: build
	$(BIN) run $(SPEC)

# The whole suite: style (swift format lint on Sources/ and Tests/, .swift-format), the release binary (the shipped-pipeline tests run it), then every test.
test: test-deps lint build
	$(SWIFT) test

# Sources/ and Tests/ must be clean under .swift-format (line length 120, no semicolons, no force unwraps or try!).
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests

# A release binary with the Swift runtime linked in, for Spark executors without Swift (they need libxml2 and
# libopenblas0 only): .build-static/release/textpipe, shipped with `textpipe spark --binary`.
release-static: deps
	$(SWIFT) build -c release --static-swift-stdlib --product textpipe --scratch-path .build-static

# Apache Spark (issue 13): the JVM driver `textpipe spark` submits, built against pyspark's jars with the JDK.
spark:
	bash spark/build.sh

# The cluster suite: a standalone master and two workers on 127.0.0.1, the shipped pipelines through Spark against
# local runs, an executor killed mid-job. `.ci/run` calls it when java is on the machine.
test-spark: build
	bash spark/test.sh

bench: build
	bash bench/run.sh

# Known wrong models (scripts/mutants/*.patch): each applied in a scratch copy, the tests that must catch it run; fails
# if one survives. MUTANTS='mlp-*' runs some. Not part of `make test` (a build per mutant).
mutants:
	bash scripts/mutants/run.sh

clean-work:
	rm -rf data/work

# Fuzzing (issue 12): the libFuzzer driver in fuzz/ (address sanitizer on), one run per target of SECONDS seconds, JOBS
# targets at a time. Seeds are fuzz/corpus/<target>; new interesting inputs go to fuzz/work/<target> and crashes to
# fuzz/crashes/ (both git-ignored). A fixed crash input is copied to fuzz/regressions/<target>/, replayed by make test.
SECONDS ?= 60
JOBS ?= 1
FUZZ_TARGETS ?= html xml delimited jsonl sequence spec word2vec safetensors classifier featurizer tagger model-json \
  stream-record stats archive
FUZZ_BIN := fuzz/.build/debug/textpipe-fuzz
fuzz:
	$(SWIFT) build --package-path fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@mkdir -p fuzz/crashes fuzz/logs
	@printf '%s\n' $(FUZZ_TARGETS) | xargs -P $(JOBS) -I{} bash -c 'mkdir -p fuzz/work/{}; \
	  FUZZ_TARGET={} $(FUZZ_BIN) fuzz/work/{} fuzz/corpus/{} -max_total_time=$(SECONDS) -timeout=20 -rss_limit_mb=4096 \
	    -max_len=65536 -artifact_prefix=fuzz/crashes/{}- -print_final_stats=1 > fuzz/logs/{}.log 2>&1; \
	  status=$$?; echo "{}: exit $$status, $$(grep -E "^stat::number_of_executed_units" fuzz/logs/{}.log | tr -s " " | cut -d" " -f2) runs in $(SECONDS) s"; exit $$status'

# The man page, generated from the same help as --help by swift-argument-parser's generate-manual plugin.
man:
	$(SWIFT) package --allow-writing-to-directory docs generate-manual --output-directory docs
