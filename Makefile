# Two entry points: `make demo` renders the bundled package, `make test` runs the suite.
# Both create a private virtual environment on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check-package bench schema clean

$(STAMP): pyproject.toml tools/system-packages.sh
	bash tools/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/docgen demo

# Two worker processes, a test file's tests on one of them (its module fixtures built once).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Build the wheel, install it in a fresh venv in an empty folder, render there.
check-package: $(STAMP)
	$(BIN)/python -m pytest tests/package tests/deploy -m package -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m benchmarks.render $(BENCH)

schema: $(STAMP)
	$(BIN)/docgen schema > docs/dossier.schema.json

clean:
	rm -rf $(VENV) out
