# tradesim: `make run` and `make test` each set everything up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser
RUNS   ?= 1000
SEED   ?= 20251009

.PHONY: run test quick lint setup browser bench golden screenshots clean

$(STAMP): pyproject.toml
	@echo "tradesim: setting up $(VENV) with the dependencies of pyproject.toml (first time only; about 2 minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --upgrade pip
	@PYTHONWARNINGS=ignore $(PY) -m pip install -qq -e '.[test]'  # quiet: the build backend's deprecation notices are not the user's
	@touch $(STAMP)
	@echo "tradesim: $(VENV) ready"

setup: $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it with executable_path).
$(BROWSER_STAMP): $(STAMP)
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "tradesim: installing Debian's chromium for the browser tests (first time only)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

run: $(STAMP)
	$(VENV)/bin/tradesim run scenarios/baseline_oct2025.yaml --runs $(RUNS) --seed $(SEED)

# Lint, format check, strict types on the pure layers, then every test (browser, slow and docs included).
test: $(STAMP) $(BROWSER_STAMP) lint
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check sim tests benchmarks scripts
	$(PY) -m ruff format --check sim tests benchmarks scripts
	$(PY) -m mypy --strict sim/model sim/bargaining sim/scenario

# The inner loop while editing: everything but the slow tests (a few minutes on 2 cores).
quick: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

# Every benchmark figure in one run (~30 min on 2 cores) into benchmarks/results.json, then README's table from it.
bench: $(STAMP)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/table.py

# Every figure of the report pages rendered in headless Chromium to docs/img/report/, and docs/report.md's gallery.
screenshots: $(STAMP) $(BROWSER_STAMP)
	$(PY) scripts/screenshots.py

golden: $(STAMP)
	$(PY) -m tests.golden --regenerate --why "$(WHY)"

clean:
	rm -rf $(VENV) .pytest_cache
