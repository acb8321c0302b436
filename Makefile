# Each target creates .venv from requirements.lock when it is missing or older than the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: crawl test test-unit bench bench-memory benchmarks-text models clean-venv

$(BIN)/scrapy: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(BIN)/scrapy

crawl: $(BIN)/scrapy
	$(BIN)/scrapy crawl seeds

test: $(BIN)/scrapy
	$(BIN)/python -m pytest -q

# Fast unit tests only (tests/unit: no crawl subprocess), a few seconds.
test-unit: $(BIN)/scrapy
	$(BIN)/python -m pytest -q tests/unit

# Throughput (2,000 pages: pipeline vs bare trafilatura loop, peak memory) and memory
# (20,000 pages, memory after every 1,000); both need ../shared/benchmarks/aeb-dev.
bench: $(BIN)/scrapy
	$(BIN)/python bench/throughput.py

bench-memory: $(BIN)/scrapy
	$(BIN)/python bench/throughput.py --memory

# wcxb-dev as text captures (render_text.py, inscriptis 2.7.6 from requirements.lock) in the
# git-ignored build/wcxb-dev-text, so the text path is measured on 711 captures too.
SHARED_BENCHMARKS ?= ../shared/benchmarks
benchmarks-text: $(BIN)/scrapy
	$(BIN)/python $(SHARED_BENCHMARKS)/render_text.py $(SHARED_BENCHMARKS)/wcxb-dev build/wcxb-dev-text

# Retrain the shipped block models from the dev sets (needs ../shared/benchmarks and the text
# captures above). Deterministic: the same data gives byte-identical model files.
$(BIN)/lightgbm-installed: requirements-train.lock $(BIN)/scrapy
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-train.lock
	touch $@

models: $(BIN)/lightgbm-installed benchmarks-text
	for script in bench/train_*.py; do $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)
