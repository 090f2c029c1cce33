# Meritline — `make demo` serves the demo company, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
export UV_LINK_MODE := copy

.PHONY: demo test install install-dev bench-deps assets uv check pytest test-pg messages clean serve

demo: install
	$(RUN) --no-dev meritline migrate --noinput
	$(RUN) --no-dev meritline demo --if-absent
	$(RUN) --no-dev meritline demo_logins
	$(RUN) --no-dev meritline runserver 127.0.0.1:8000

serve:
	$(RUN) --no-dev meritline runserver 127.0.0.1:8000

uv:
	@[ -x "$(UV)" ] || ($(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv)

assets:
	@[ -d node_modules/@tabler/core ] && [ -d node_modules/echarts ] && [ -d node_modules/htmx.org ] \
		|| npm ci --no-audit --no-fund

install: uv assets
	$(UV) sync --frozen --no-dev

install-dev: uv assets
	$(UV) sync --frozen

# Adds the load-test tools (locust, gunicorn) for bench/dashboard_load.py.
bench-deps: uv assets
	$(UV) sync --frozen --group bench

check: install-dev
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) lint-imports
	$(RUN) meritline makemigrations --check --dry-run --settings=meritline.config.settings.test

pytest: install-dev
	$(RUN) pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

test: check pytest

# The suite against PostgreSQL (CI): DATABASE_URL must point at a server.
test-pg: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/meritline} \
		$(RUN) pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

messages: install-dev
	cd src/meritline && $(abspath $(UV)) run --frozen meritline makemessages -l zh_Hans --no-obsolete --ignore "locale/*"
	cd src/meritline && $(abspath $(UV)) run --frozen meritline compilemessages

clean:
	rm -rf var .pytest_cache
