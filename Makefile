# The few commands a person types. Every target sets up .venv first if it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run dataset train evaluate bench mlflow-ui test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## The main job: train a model if none exists yet (one cross-validation repeat, to be quick).
run: $(STAMP)
	test -f models/manifest.json || $(BIN)/collab train --repeats 1

train: $(STAMP)
	$(BIN)/collab train

evaluate: $(STAMP)
	$(BIN)/collab evaluate

bench: $(STAMP)
	$(BIN)/python bench/bench_models.py

mlflow-ui: $(STAMP)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --port 5000

## Rebuild data/processed/ and the data card's figures from data/raw/.
dataset: $(STAMP)
	$(BIN)/collab build-dataset

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache
