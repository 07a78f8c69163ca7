# The two commands: `make run` and `make test` (see README.md).
.PHONY: run test lint bench bootstrap vendor i18n docs

bootstrap:
	@scripts/bootstrap.sh

run: bootstrap
	.venv/bin/studio db upgrade
	.venv/bin/studio demo --activity
	.venv/bin/studio up

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# quick tests and browser flows on two workers (pytest-xdist), then the real-process tests that
# kill and restart servers one at a time; exit status 5 = nothing selected (a PYTEST_ARGS subset)
test: bootstrap lint
	.venv/bin/python -m pytest -n 2 -m "not slow or browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	.venv/bin/python -m pytest -m "slow and not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: bootstrap
	.venv/bin/python bench/rules_eval.py

# front-end components from package-lock.json into builder/static/vendor (committed; needs npm)
vendor:
	scripts/vendor.sh

# the studio's wording: extract msgids, merge them into the catalogue, compile it (commit both)
i18n: bootstrap
	.venv/bin/pybabel extract -F babel.cfg -k translate -k lazy -k _t -k N_ -k lazy_gettext -o builder/translations/messages.pot --no-location --sort-output .
	.venv/bin/pybabel update -i builder/translations/messages.pot -d builder/translations --no-fuzzy-matching --width 100
	.venv/bin/pybabel compile -d builder/translations

# Rewrite what derives from the code: docs tables and rules/bundle.schema.json.
docs: bootstrap
	.venv/bin/python scripts/generate_docs.py
