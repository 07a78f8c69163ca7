# The two commands: `make run` and `make test` (see README.md).
.PHONY: run test lint bench bootstrap docs

bootstrap:
	@scripts/bootstrap.sh

run: bootstrap
	.venv/bin/studio db upgrade
	.venv/bin/studio demo
	.venv/bin/studio up

lint: bootstrap
	.venv/bin/ruff check .

test: bootstrap lint
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: bootstrap
	.venv/bin/python bench/rules_eval.py

# Rewrite what derives from the code: docs tables and rules/bundle.schema.json.
docs: bootstrap
	.venv/bin/python scripts/generate_docs.py
