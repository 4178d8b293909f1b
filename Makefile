# One task runner: the same commands locally and in CI.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CW := $(VENV)/bin/claimwatch
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db
# gold corpora for the evaluation gate (development copies; absent ones are skipped)
DATASETS ?= ../shared/datasets

.PHONY: install demo test lint gate bench scale scale-ray eval clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==26.3
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CW) --db sqlite:///$(DEMO_DB) ingest examples/
	COLUMNS=$${COLUMNS:-150} $(CW) --db sqlite:///$(DEMO_DB) claims --limit 40
	COLUMNS=$${COLUMNS:-150} $(CW) --db sqlite:///$(DEMO_DB) stories --min-claims 2

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check claimwatch tests bench
	$(VENV)/bin/mypy claimwatch

# every figure in claimwatch/evaluate/floors.toml against its floor (~1.5 min); exit 1 on a regression
gate: install
	COLUMNS=$${COLUMNS:-150} $(CW) eval gate --datasets $(DATASETS)

bench: install
	$(PY) bench/throughput.py

# claimwatch ingest end to end with 1 and 2 worker processes on 1,000 articles, half PolNeAR texts and half
# Russian channel posts, with the writer's ceiling and the 250k-day projection (docs/scale.md)
scale: install
	$(PY) bench/scale.py --n 1000 --workers 1,2 --writer

# claimwatch ingest --engine ray on a local 2-CPU Ray against the plain run with 1 and 2 workers (docs/ray.md)
scale-ray: install
	$(PY) bench/scale_ray.py --n 500 --cpus 2 --plain 1,2

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
