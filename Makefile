# newsd: a thin front over meson.  The build itself lives in meson.build.
#
#   make deps    install the missing Debian 12 packages that build and run
#                newsd (deps/debian-packages.txt)
#   make deps-test  those and the ones only tests, bench and packaging need
#                (deps/debian-test-packages.txt too)
#   make build   configure build/ once, then compile (CI=true: warnings are errors)
#   make run     deps + build, then run newsd in the foreground on config/newsd.ini
#   make test    deps-test, then build/, build-asan/ and build-tsan/ with their tests
#                (tests/run-all.sh; under CI=true also the fuzz targets)
#   make fuzz    deps-test, then build-fuzz/ (clang, libFuzzer) and each fuzz target
#                for FUZZ_SECONDS (default 60); tests/fuzz/run.sh
#   make torture deps-test + build, then the crash torture with TORTURE_ROUNDS
#                (default 100) rounds per archive, then bench/torture_*.py
#                (JetStream: 100,000 articles, 3 instances, one PostgreSQL;
#                Kafka: 20,000 articles, 20 SIGKILLs, a broker down 10 s)
#   make eval    deps + build, then the quality figures (tests/eval/run.py)
#   make bench   deps-test, then a release build in build-release/ and bench/bench.py
#                (the rest of bench/, then the I/O floor and newsd side by side)
#   make bench-scale  the same build, then bench/bench.py --million: peak RSS
#                and first archived article for 10,000 and 1,000,000 files
#   make install a release build in build-install/ (PREFIX, default /usr, so
#                /etc/newsd and /var/lib/newsd), then meson install into
#                DESTDIR (empty: the running system)
#   make clean   remove the build trees (var/, the running state, is kept)

SHELL := /bin/bash
# meson and ninja do the parallel work; the steps here run in order even
# under make -j (deps before build before run).
.NOTPARALLEL:

MESON     ?= meson
PYTHON    ?= python3
DEPS_FILE ?= deps/debian-packages.txt
TEST_DEPS_FILE ?= deps/debian-test-packages.txt
BUILD_DIR ?= build
CONFIG    ?= config/newsd.ini
# Extra arguments for the daemon: make run ARGS='--state-dir /tmp/x'
ARGS      ?=
# make fuzz: seconds per target; make torture: rounds per archive.
FUZZ_SECONDS   ?= 60
TORTURE_ROUNDS ?= 100

ifeq ($(CI),true)
WERROR := -Dwerror=true
endif

.DEFAULT_GOAL := build
.PHONY: deps deps-test build run test fuzz torture eval bench bench-scale bench-release install clean

# Ask dpkg first, so an up-to-date machine does no apt work at all; apt-get
# update runs only when something is missing.
define install_deps
	@set -eu; \
	pkgs=$$(sed -e 's/#.*//' $(1)); \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: no dpkg-query, so not Debian: install the equivalents of $(1) yourself" >&2; \
	  exit 0; \
	fi; \
	missing=; \
	for p in $$pkgs; do \
	  dpkg-query -W -f='$${db:Status-Status}\n' "$$p" 2>/dev/null | grep -qx installed \
	    || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then \
	  echo "deps: all $$(echo $$pkgs | wc -w) packages in $(1) are installed"; \
	  exit 0; \
	fi; \
	echo "deps: missing:$$missing"; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else \
	  echo "deps: not root and no sudo; as root, run:" >&2; \
	  echo "  apt-get update && apt-get install -y --no-install-recommends$$missing" >&2; \
	  exit 1; \
	fi; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing
endef

deps:
	$(call install_deps,'$(DEPS_FILE)')

deps-test:
	$(call install_deps,'$(DEPS_FILE)' '$(TEST_DEPS_FILE)')

# meson setup runs once (meson compile reconfigures by itself when a
# meson.build changes).  A setup that failed leaves no coredata.dat, so the
# next make build simply sets up again.
build:
	@if [ ! -f '$(BUILD_DIR)/meson-private/coredata.dat' ]; then \
	  echo "$(MESON) setup $(BUILD_DIR) $(WERROR)"; \
	  $(MESON) setup '$(BUILD_DIR)' $(WERROR); \
	elif [ -n '$(WERROR)' ]; then \
	  echo "$(MESON) configure $(BUILD_DIR) $(WERROR)"; \
	  $(MESON) configure '$(BUILD_DIR)' $(WERROR); \
	fi
	$(MESON) compile -C '$(BUILD_DIR)'

# State goes to ./var: config/newsd.ini says state_dir = ../var, relative to
# the config file's folder.  newsd refuses to run as root unless told to:
# make run as root (a fresh machine, a container) tells it, and says so.
run: deps build
	@if [ "$$(id -u)" -eq 0 ]; then \
	  echo "make run: running newsd as root with --allow-root; a system install runs it as user newsd"; \
	  exec ./$(BUILD_DIR)/daemon/newsd -c '$(CONFIG)' --allow-root $(ARGS); \
	else \
	  exec ./$(BUILD_DIR)/daemon/newsd -c '$(CONFIG)' $(ARGS); \
	fi

# tests/run-all.sh builds build/ (werror), build-asan/ (ASan + UBSan) and
# build-tsan/ (ThreadSanitizer) and runs their tests (docs/testing.md); it
# ends with "N passed, N failed".
test: deps-test
	bash tests/run-all.sh

# Its own tree, build-fuzz/ (clang); a crash or a timeout fails it.
fuzz: deps-test
	FUZZ_SECONDS='$(FUZZ_SECONDS)' bash tests/fuzz/run.sh

# The torture tests of the e2e suite alone, with more rounds and their
# per-round notes.  The hard limit per test grows with the rounds.  Then
# each bench/torture_*.py (brokers, many instances, one PostgreSQL; each
# takes --build-dir, prints its figures and exits non-zero when its
# invariant broke or it could not run).
torture: deps-test build
	NEWSD_TORTURE_ROUNDS='$(TORTURE_ROUNDS)' $(PYTHON) tests/e2e/run.py \
	  --build-dir '$(BUILD_DIR)' -k torture_ -j 1 -v
	@rc=0; for t in bench/torture_*.py; do \
	  [ -e "$$t" ] || continue; \
	  echo "$(PYTHON) $$t --build-dir $(BUILD_DIR)"; \
	  $(PYTHON) "$$t" --build-dir '$(BUILD_DIR)' || rc=1; \
	done; exit $$rc

# Quality figures on ../shared/corpus (tests/eval/run.py; one summary line
# per task).  EVAL_TASKS='lang entities' runs only those.
eval: deps build
	$(PYTHON) tests/eval/run.py --build-dir '$(BUILD_DIR)' $(EVAL_TASKS)

bench-release: deps-test
	@if [ ! -f build-release/meson-private/coredata.dat ]; then \
	  echo "$(MESON) setup build-release --buildtype=release"; \
	  $(MESON) setup build-release --buildtype=release; \
	fi
	$(MESON) compile -C build-release

# bench.py last: the floor, the default, core-only and full configs side by
# side (bench/compare.py), so that its summary table ends the output.
bench: bench-release
	$(PYTHON) bench/bench_archive.py --build-dir build-release -n 10000
	@# The text layer's speed over the corpus beside the repository, if there.
	@if [ -d ../shared/corpus/10kgnad-de ] && [ -d ../shared/corpus/bbc-news-en ]; then \
	  ./build-release/bench/text_bench de ../shared/corpus/10kgnad-de en ../shared/corpus/bbc-news-en; \
	else echo "text_bench: no ../shared/corpus, skipped"; fi
	$(PYTHON) bench/bench_html.py --build-dir build-release
	@# The near_dups index with 1,000,000 fingerprints: lookup p50/p99.
	./build-release/bench/dups_bench 1000000
	@# keyword_tagger per article with 20 and 10,000 words (its automaton).
	$(PYTHON) bench/keyword_tagger_bench.py --build-dir build-release
	$(PYTHON) bench/bench_sinks.py --build-dir build-release
	$(PYTHON) bench/bench_stream.py --build-dir build-release
	$(PYTHON) bench/bench.py --build-dir build-release

# Not part of make bench: writes a million files (several GB of inodes;
# BENCH_DIR picks the folder, default /tmp) and removes them afterwards.
bench-scale: bench-release
	$(PYTHON) bench/bench.py --build-dir build-release --million

# FHS paths (docs/operations.md): /usr/sbin/newsd, /usr/bin/newsctl,
# /usr/lib/newsd/plugins, /etc/newsd/newsd.ini and conf.d/, the unit,
# sysusers.d and tmpfiles.d under /usr/lib.  DESTDIR-clean: nothing outside
# DESTDIR is touched, so packaging (debian/) uses it as it is.
PREFIX  ?= /usr
DESTDIR ?=
install: deps
	@if [ ! -f build-install/meson-private/coredata.dat ]; then \
	  echo "$(MESON) setup build-install --prefix=$(PREFIX) --buildtype=release"; \
	  $(MESON) setup build-install --prefix='$(PREFIX)' --buildtype=release $(WERROR); \
	fi
	$(MESON) compile -C build-install
	$(MESON) install -C build-install $(if $(DESTDIR),--destdir '$(DESTDIR)')

clean:
	rm -rf '$(BUILD_DIR)' build build-asan build-tsan build-fuzz build-release build-install
	@echo "clean: kept var/ (inbox, archive, failed); remove it by hand if you mean to"
