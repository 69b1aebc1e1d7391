# VisitIntent — two commands on a fresh machine: `make demo`, `make test`.
# A fixed pseudonym key keeps the demo's outputs stable from run to run (use your own secret for real data).
export INTENT_PSEUDONYM_KEY ?= visitintent-demo-key
SWIFT    ?= swift
CONFIG   ?= release
BUILD    := .build/$(CONFIG)
INTENT   := $(BUILD)/intent
SAMPLE   := datasets/clinic-sample
OUT      ?= out/demo
APT_PKGS := libopenblas-dev liblapacke-dev

.PHONY: all deps build test unit notebooks demo bench clean sample help

all: build

help:
	@echo "make demo       install what is missing, build, run generate → train → evaluate → score on the bundled data"
	@echo "make test       unit tests (swift test) then the notebooks-md walkthroughs"
	@echo "make bench      benchmarks against LightGBM, XGBoost and scikit-learn (installs them in bench/.venv)"
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

build: deps
	$(SWIFT) build -c $(CONFIG)

unit: deps
	$(SWIFT) test -c $(CONFIG)

test: unit notebooks

notebooks: build
	python3 notebooks-md/run.py --intent $(abspath $(INTENT)) notebooks-md/*.md

demo: build
	@mkdir -p $(OUT)
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model logistic --l2 0.01 --validation-split 0.2 --seed 1 --out $(OUT)/clinic-logistic.json
	$(INTENT) train --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv --taxonomy datasets/clinic-taxonomy.yaml \
	  --model gbdt --rounds 300 --learning-rate 0.05 --early-stopping-rounds 30 --validation-split 0.2 --seed 1 --out $(OUT)/clinic-gbdt.json
	$(INTENT) evaluate --model $(OUT)/clinic-logistic.json --events $(SAMPLE)/events.jsonl --labels $(SAMPLE)/labels.csv \
	  --by device,channel,visitor_type,landing_kind --out $(OUT)/evaluation
	$(INTENT) score --model $(OUT)/clinic-logistic.json --events $(SAMPLE)/events.jsonl --out $(OUT)/scores.csv
	$(INTENT) inspect $(OUT)/clinic-logistic.json > $(OUT)/model-card.md
	@echo
	@echo "demo outputs:"
	@echo "  models       $(OUT)/clinic-logistic.json, $(OUT)/clinic-gbdt.json"
	@echo "  model card   $(OUT)/model-card.md"
	@echo "  evaluation   $(OUT)/evaluation/evaluation.md and evaluation.json"
	@echo "  scores       $(OUT)/scores.csv"

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

bench: build
	python3 bench/run.py --intent $(abspath $(INTENT))

clean:
	rm -rf .build out bench/out
