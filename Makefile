# Each target creates .venv from requirements.lock when it is missing or older than the lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: crawl test clean-venv

$(BIN)/scrapy: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(BIN)/scrapy

crawl: $(BIN)/scrapy
	$(BIN)/scrapy crawl seeds

test: $(BIN)/scrapy
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
