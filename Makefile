# VisitIntent — two commands on a fresh machine: `make demo`, `make test`.
# A fixed pseudonym key keeps the demo's outputs stable from run to run (use your own secret for real data).
export INTENT_PSEUDONYM_KEY ?= visitintent-demo-key
SWIFT    ?= swift
CONFIG   ?= release
BUILD    := .build/$(CONFIG)
INTENT   := $(BUILD)/intent
# The binary to deploy (`make release`): built apart, with the Swift runtime and Foundation linked in.
STATIC   := .build/static
RELEASE  := $(STATIC)/release/intent
SAMPLE   := datasets/clinic-sample
OUT      ?= out/demo
APT_PKGS := libopenblas-dev liblapacke-dev

.PHONY: all deps deps-render build release test unit notebooks reports render-selftest demo bench clean sample help fuzz

all: build

help:
	@echo "make demo       install what is missing, build, run generate → train → evaluate → score on the bundled data"
	@echo "make test       unit tests (swift test), the notebooks-md walkthroughs, and the HTML reports rendered in headless Chromium"
	@echo "make release    the binary to deploy: $(RELEASE), the Swift runtime linked in (runs without a toolchain)"
	@echo "make bench      benchmarks of the release binary against LightGBM, XGBoost and scikit-learn (installs them in bench/.venv)"
	@echo "make notebooks  run every walkthrough in notebooks-md/"
	@echo "make clean      remove build products and outputs"

# OpenBLAS and LAPACKE headers and libraries, from Debian, when a compile test says they are missing.
deps:
	@if printf '#include <cblas.h>\n#include <lapacke.h>\nint main(void){return 0;}\n' | cc -x c - -o /dev/null -lopenblas -llapacke >/dev/null 2>&1; then \
	  echo "deps: OpenBLAS and LAPACKE found"; \
	else \
	  echo "deps: installing $(APT_PKGS) with apt-get"; \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "deps: apt-get is not available; install OpenBLAS and LAPACKE development packages (cblas.h, lapacke.h) by hand" >&2; exit 1; fi; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; command -v sudo >/dev/null 2>&1 || { echo "deps: not root and no sudo: run 'apt-get install $(APT_PKGS)' as root" >&2; exit 1; }; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PKGS) >/dev/null || { echo "deps: apt-get install $(APT_PKGS) failed" >&2; exit 1; }; \
	fi

# One build, with the test targets: `swift test` then reuses it instead of compiling every
# package again with testing enabled (which doubled the time of `make test`).
build: deps
	$(SWIFT) build -c $(CONFIG) --build-tests

# The deployable `intent`: the Swift runtime and Foundation linked statically, so it runs on a
# machine without the Swift toolchain (OpenBLAS and LAPACKE stay shared libraries, from Debian).
# It starts in 10 ms instead of 25 (no runtime libraries to load and bind) and scored 1.1M events
# 4% faster (direct calls into the runtime). A build of its own: the test targets cannot link
# statically (swift-testing ships as a shared library only), and `make test` does not need it.
release: deps
	$(SWIFT) build -c release --product intent --static-swift-stdlib --scratch-path $(STATIC)
	@echo "release: $(RELEASE)"

unit: build
	$(SWIFT) test -c $(CONFIG) --skip-build

test: unit notebooks reports

# Renders the evaluation report of the bundled models in headless Chromium and fails on a blank
# or broken page; look at $(RENDER_OUT)/evaluation.png.
reports: build render-selftest
	@mkdir -p $(RENDER_OUT)
	$(INTENT) evaluate --model models/clinic-logistic.json --model models/clinic-gbdt.json --events $(SAMPLE)/events.jsonl \
	  --labels $(SAMPLE)/labels.csv --by device,channel,visitor_type,landing_kind --report $(RENDER_OUT)/evaluation --quiet > /dev/null
	python3 tools/render_png.py $(RENDER_OUT)/evaluation/report.html $(RENDER_OUT)/evaluation.png
	$(INTENT) audience --model models/clinic-gbdt.json --events $(SAMPLE)/events.jsonl \
	  --playbook datasets/clinic-playbook.yaml --by week --report $(RENDER_OUT)/audience --quiet > /dev/null
	python3 tools/render_png.py $(RENDER_OUT)/audience/audience.html $(RENDER_OUT)/audience.png

notebooks: build
	python3 notebooks-md/run.py --intent $(abspath $(INTENT)) notebooks-md/*.md

demo: build
	@mkdir -p $(OUT)
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model logistic --l2 0.01 --validation-split 0.2 --seed 1 --out $(OUT)/clinic-logistic.json
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model gbdt --rounds 300 --learning-rate 0.05 --early-stopping-rounds 30 --validation-split 0.2 --seed 1 --out $(OUT)/clinic-gbdt.json
	$(INTENT) evaluate --model $(OUT)/clinic-logistic.json --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv \
	  --model $(OUT)/clinic-gbdt.json --by device,channel,visitor_type,landing_kind --report $(OUT)/evaluation
	$(INTENT) score --model $(OUT)/clinic-logistic.json --events $(SAMPLE)/events.jsonl --out $(OUT)/scores.csv
	$(INTENT) audience --model $(OUT)/clinic-gbdt.json --events $(SAMPLE)/events.jsonl \
	  --playbook datasets/clinic-playbook.yaml --report $(OUT)/audience
	$(INTENT) inspect $(OUT)/clinic-logistic.json > $(OUT)/model-card.md
	@echo
	@echo "demo outputs:"
	@echo "  models       $(OUT)/clinic-logistic.json, $(OUT)/clinic-gbdt.json"
	@echo "  model card   $(OUT)/model-card.md"
	@echo "  evaluation   $(OUT)/evaluation/report.html (open it in a browser), report.md, metrics.json"
	@echo "  scores       $(OUT)/scores.csv"
	@echo "  audience     $(OUT)/audience/audience.html (who visits, from where, what they read and want)"

# Regenerates the bundled sample and the example model (commit the result).
sample: build
	$(INTENT) generate --sessions 1500 --seed 2026 --out $(SAMPLE) --quiet
	mv $(SAMPLE)/taxonomy.yaml datasets/clinic-taxonomy.yaml
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model logistic --l2 0.01 --validation-split 0.2 --seed 1 --out models/clinic-logistic.json --quiet
	$(INTENT) inspect models/clinic-logistic.json > models/clinic-logistic.md
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model gbdt --rounds 300 --learning-rate 0.05 --early-stopping-rounds 30 --validation-split 0.2 --seed 1 --out models/clinic-gbdt.json --quiet
	$(INTENT) inspect models/clinic-gbdt.json > models/clinic-gbdt.md

RENDER_PKGS := chromium fonts-dejavu-core fonts-liberation
RENDER_OUT  ?= out/render

# Chromium and fonts from Debian, when no browser is found or fontconfig lists no font.
deps-render:
	@if { [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; } \
	   && fc-list : family 2>/dev/null | grep -q .; then \
	  echo "deps-render: chromium and fonts found"; \
	else \
	  echo "deps-render: installing $(RENDER_PKGS) with apt-get"; \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "deps-render: apt-get is not available; install Chromium (or Google Chrome) and a font such as DejaVu Sans by hand, or set CHROMIUM=/path/to/chrome" >&2; exit 1; fi; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; command -v sudo >/dev/null 2>&1 || { echo "deps-render: not root and no sudo: run 'apt-get install $(RENDER_PKGS)' as root" >&2; exit 1; }; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(RENDER_PKGS) >/dev/null || { echo "deps-render: apt-get install $(RENDER_PKGS) failed" >&2; exit 1; }; \
	fi

# The renderer renders a chart and refuses a blank page.
render-selftest: deps-render
	@mkdir -p $(RENDER_OUT)
	python3 tools/render_png.py tools/testdata/sample.html $(RENDER_OUT)/sample.png
	@if python3 tools/render_png.py tools/testdata/blank.html $(RENDER_OUT)/blank.png 2>/dev/null; then \
	  echo "render-selftest: a blank page was not detected" >&2; exit 1; \
	else echo "render-selftest: blank page rejected, as it should be"; fi

bench: build release
	python3 bench/run.py --intent $(abspath $(RELEASE))

# libFuzzer targets for every reader, FUZZ_SECONDS (default 60) each; findings go to Fuzz/Crashes/ (Fuzz/README.md).
fuzz:
	bash Fuzz/run.sh

clean:
	rm -rf .build out bench/out
