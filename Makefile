# Two entry points: `make demo` renders the bundled package, `make test` runs the suite.
# Both create a private virtual environment on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench schema clean

$(STAMP): pyproject.toml tools/system-packages.sh
	bash tools/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/docgen demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.render $(BENCH)

schema: $(STAMP)
	$(BIN)/docgen schema > docs/dossier.schema.json

clean:
	rm -rf $(VENV) out
