# The two commands a new user needs are `make run` and `make test`; both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench eval clean

install: $(STAMP)

# Reinstall only when the dependencies change; the project itself is installed editable.
$(STAMP): pyproject.toml client/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "error: Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/airlock init
	$(BIN)/airlock serve

# One pytest worker per CPU (TEST_WORKERS=0: none); a test file stays on one worker, so
# its module fixtures (a served console, a seeded catalog) are made once.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	cd client && ../$(BIN)/mypy

# One benchmark per pipeline step, the whole chain, the vault, the audit log (about 100 MB
# of synthetic data) and client uploads (512 MiB): 15 to 25 minutes on 2 cores; then
# docs/figures.md from their results.
bench: install
	$(BIN)/python bench/upload.py
	$(BIN)/python bench/validation.py
	$(BIN)/python bench/label_anonymisation.py
	$(BIN)/python bench/image_redaction.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/purge.py --s3
	$(BIN)/python bench/chain.py
	$(BIN)/python bench/vault_stream.py
	$(BIN)/python bench/audit_log.py
	$(BIN)/python bench/client_upload.py
	$(BIN)/python bench/figures.py

# Detector evaluations on the shared corpora (../shared/data).
eval: install
	$(BIN)/python bench/pii_eval.py
	$(BIN)/python bench/image_eval.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
