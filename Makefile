# The few commands a person types. Every target sets up .venv first if it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: setup run dataset train evaluate retrain bench bench-learning bench-kept-apart bench-spark mlflow-ui notebooks serve chromium java spark test test-fast clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## Scoring on Spark: PySpark (the [spark] extra) and Debian's Java 17 when there is no java 17+.
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,spark]"
	touch $(SPARK_STAMP)

# Spark 4 needs Java 17 or later: an older java on the PATH counts as none.
java:
	@java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])' || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

spark: $(SPARK_STAMP) java

SAMPLE := data/samples/case_study_entries

## The main job: score the sample entries, training a model first if none exists
## (with one cross-validation repeat, to be quick).
run: $(STAMP)
	test -f models/manifest.json || $(BIN)/collab train --repeats 1
	$(BIN)/collab score $(SAMPLE).csv -o $(SAMPLE).scored.csv --report $(SAMPLE).report.html

train: $(STAMP)
	$(BIN)/collab train

evaluate: $(STAMP)
	$(BIN)/collab evaluate

## Learn from reviewers' corrections: make retrain REVIEWED=reviewed.xlsx [FORCE=1]
retrain: $(STAMP)
	@test -n "$(REVIEWED)" || { echo "usage: make retrain REVIEWED=path/to/reviewed.xlsx [FORCE=1]"; exit 2; }
	$(BIN)/collab retrain --add "$(REVIEWED)" $(if $(FORCE),--force)

## Scoring against plain Kiwi on distinct texts (needs a trained model: make run first), then
## training, then seconds per 100,000 characters of prose and of pathological text.
bench: $(STAMP)
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_models.py
	$(BIN)/python bench/bench_text.py

## A simulated year of reviewing: the product's order against random, retrained after each batch (long).
bench-learning: $(STAMP)
	$(BIN)/python bench/bench_learning.py

## Narratives kept apart by `collab train --exclude`, half of them reviewed through `collab retrain --add`:
## the other half's accuracy before and after (about 4 min).
bench-kept-apart: $(STAMP)
	$(BIN)/python bench/bench_kept_apart.py

## 10,000 distinct narratives through Spark local[2] against `collab score` (long: about 15 min).
bench-spark: spark
	$(BIN)/python bench/bench_spark.py

# MLflow 3.17 opens an experiment on its GenAI overview unless the address asks for runs.
# Both notebooks executed, outputs and figures kept, into notebooks/executed/ (02 reads the champion:
# `make run` first).
notebooks: $(STAMP) chromium
	$(BIN)/python notebooks/execute.py

mlflow-ui: $(STAMP)
	@echo "open $$($(BIN)/python -c 'from pipeline import tracking; print(tracking.ui_address(5000))' 2>/dev/null)"
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --port 5000

## The registered champion as a REST service on this machine (POST /invocations).
serve: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" MLFLOW_TRACKING_URI=sqlite:///mlruns/mlflow.db $(BIN)/mlflow models serve \
		-m models:/collab-classifier@champion --env-manager local -h 127.0.0.1 -p 5001

## Rebuild data/processed/ and the data card's figures from data/raw/.
dataset: $(STAMP)
	$(BIN)/collab build-dataset

## The report tests render HTML in Debian's headless Chromium (with a Korean font).
chromium:
	@{ command -v chromium >/dev/null && [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Everything, as CI runs it, on both cores (pytest-xdist; the workers share one trained model);
# the 25 slowest tests are listed at the end.
test: $(STAMP) chromium spark
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=25

## A developer's loop: everything but the few tests marked slow (whole retrainings, Spark, the
## browser, the served model).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal --durations=10 -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache
