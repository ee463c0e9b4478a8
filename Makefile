# Bagalau: `make demo` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-sqlite test-postgres fuzz lint chromium messages bench clean mutation faults

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's chromium for the browser tests (Playwright drives /usr/bin/chromium); pango for
# WeasyPrint (the official forms as PDF) and DejaVu, which has every Kazakh letter.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (sudo apt-get install chromium)"; fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bagalau
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

# The suite on every core (pytest-xdist); loadscope keeps a module on one worker, so a
# module's demo build (bagalau/demo/tests/shared.py) runs once. TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadscope)

test-sqlite: install
	env -u DATABASE_URL $(VENV)/bin/pytest -q $(XDIST)

test-postgres: install
	@if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	  echo "== PostgreSQL run =="; DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q $(XDIST) -m "not browser"; \
	else echo "PostgreSQL does not answer on 127.0.0.1:5432: PostgreSQL run skipped"; fi

# schemathesis over the whole OpenAPI schema (bagalau/api/tests/test_fuzz.py): no 5xx.
# SQLite and PostgreSQL (when it answers; NUL bytes fail only there) side by side, one core each.
# FUZZ_EXAMPLES=12 (the default) examples per operation and mode; about 3-4 minutes.
FUZZ_PG_URL ?= postgres://postgres@127.0.0.1:5432/fuzz
fuzz: install
	@log=$$(mktemp -d); pg=0; \
	if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then pg=1; fi; \
	env -u DATABASE_URL $(VENV)/bin/pytest -q -p no:logging -m fuzz bagalau/api/tests/test_fuzz.py > $$log/sqlite 2>&1 & s=$$!; \
	if [ $$pg = 1 ]; then DATABASE_URL=$(FUZZ_PG_URL) $(VENV)/bin/pytest -q -p no:logging -m fuzz bagalau/api/tests/test_fuzz.py > $$log/pg 2>&1 & p=$$!; fi; \
	wait $$s; rs=$$?; echo "== SQLite fuzz run =="; cat $$log/sqlite; rp=0; \
	if [ $$pg = 1 ]; then wait $$p; rp=$$?; echo "== PostgreSQL fuzz run =="; cat $$log/pg; \
	else echo "PostgreSQL does not answer on 127.0.0.1:5432: PostgreSQL fuzz run skipped"; fi; \
	rm -rf $$log; test $$rs = 0 && test $$rp = 0

test: install chromium lint test-sqlite test-postgres fuzz smoke faults

# Faults injected into the production set-up (tools/faults.py): a PostgreSQL cluster of its
# own (restarted mid-load), two gunicorn servers and two tick workers (kill -9 inside a
# transaction, while sending), a fake SMTP relay (down, then back). Three to four minutes; needs
# root (initdb runs as postgres) and iproute2's ss. FAULTS="smtp tick" runs some.
FAULTS ?=
faults: install
	@if [ "$$(id -u)" != 0 ]; then echo "make faults needs root (its own PostgreSQL cluster): skipped"; \
	elif [ ! -d /usr/lib/postgresql ]; then echo "PostgreSQL's server binaries are missing: make faults skipped"; \
	else command -v ss >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null); \
	  echo "== faults =="; $(PY) tools/faults.py $(FAULTS); fi

# Mutation testing of the rules modules (on demand, not in CI: roughly an hour on two
# cores, commission alone 37 min). MODULES=workdays (or org evaluations.rules.kpi ...)
# runs some; docs/testing.md holds the figures and the survivors explained.
MODULES ?=
mutation: install
	$(PY) tools/mutation.py $(MODULES)

messages: install
	$(PY) manage.py makemessages -l kk -l ru -l en --no-obsolete --add-location file -i ".venv/*" -i "var/*"
	$(PY) manage.py compilemessages -i ".venv"

bench: install
	$(PY) bench/generate.py

clean:
	rm -rf $(VENV) var/*.sqlite3* mutants

# Production serving (docs/deploy.md): gunicorn with gunicorn.conf.py, DEBUG=0, WhiteNoise,
# on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bagalau, created
# if missing). Plain http on localhost, hence BAGALAU_HTTPS=0.
.PHONY: serve-prod smoke
serve-prod: install
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(PY) tools/serve_prod.py

# Starts the production server once (PostgreSQL if it answers, else SQLite) and checks it.
smoke: install
	$(PY) tools/smoke_prod.py
