# The two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
LANGS := $(shell $(PYTHON) -c "import re;print(' '.join(re.search(r'languages: \[(.*)\]', open('forms_catalog/catalog.yaml').read()).group(1).replace(',', ' ').split()))")
PO_LANGS := $(filter-out de,$(LANGS))
MO_FILES := $(foreach l,$(PO_LANGS),translations/$(l)/LC_MESSAGES/ui.mo translations/$(l)/LC_MESSAGES/catalog.mo)

.PHONY: run test check lint typecheck pytest translations translations-update clean venv bundle bundle-smoke bench

run: $(STAMP) translations
	$(VENV)/bin/kiosk run --demo --local-server $(ARGS)

test: $(STAMP) translations check pytest

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
	  echo "Python's venv module is missing. Install it with:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Compiled .mo files are build output (see .gitignore); the kiosk also reads .po directly.
translations: $(MO_FILES)

translations/%/LC_MESSAGES/ui.mo: translations/%/LC_MESSAGES/ui.po | $(STAMP)
	$(VENV)/bin/pybabel compile -D ui -d translations -l $*

translations/%/LC_MESSAGES/catalog.mo: translations/%/LC_MESSAGES/catalog.po | $(STAMP)
	$(VENV)/bin/pybabel compile -D catalog -d translations -l $*

# Re-extract every string and merge into each language's PO files (changed German -> fuzzy).
translations-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel-catalog.cfg --no-wrap --sort-by-file --omit-header -o translations/catalog.pot .
	$(VENV)/bin/pybabel extract -F babel-ui.cfg -k N_ -k NP_:1,2 --no-wrap --sort-by-file --omit-header -o translations/ui.pot .
	$(PY) -m kiosk.catalog.po_update translations $(PO_LANGS)

check: $(STAMP)
	$(VENV)/bin/ruff check kiosk ui sync cli tests bench packaging
	$(VENV)/bin/ruff format --check kiosk ui sync cli
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark beside floors measured in the same run, then one table; MISS is no failure.
bench: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py $(BENCH_ARGS)

# One-folder bundle (PyInstaller): dist/kiosk/kiosk runs without Python on the terminal.
bundle: $(STAMP) translations
	$(PY) -m pip install --quiet -e '.[bundle]'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN kiosk.spec

# Start the bundle once without a screen: it must reach the welcome screen and exit 0.
bundle-smoke: bundle
	QT_QPA_PLATFORM=offscreen timeout 120 ./dist/kiosk/kiosk run --smoke --home "$$(mktemp -d)" | grep -q "welcome screen shown"
	@d=$$(mktemp -d) && timeout 120 ./dist/kiosk/kiosk documents sample --form sozialticket --lang ar --out "$$d" >/dev/null \
	  && pdftotext "$$d/ar/sozialticket/visitor.pdf" - | grep -q "MD-"
	@echo "bundle smoke test: welcome screen shown, Arabic documents rendered"

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
	find translations -name '*.mo' -delete
