# riskreg: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true

.PHONY: install run test lint format migrations-check check-deploy bench backup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo --if-empty
	@echo "Serving riskreg on http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-but-long-enough \
	DJANGO_ALLOWED_HOSTS=riskreg.example EMAIL_URL=smtp://127.0.0.1:25 RISKREG_SITE_URL=https://riskreg.example \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

test: install lint migrations-check check-deploy
	$(DEV_ENV) $(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

# A backup of the PostgreSQL database that DATABASE_URL names, in pg_dump's custom format,
# as $(BACKUP_DIR)/riskreg-<UTC time>.dump. Not echoed: the URL holds the password.
BACKUP_DIR ?= backups
backup:
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) \
	  echo "make backup: set DATABASE_URL to the PostgreSQL database (postgres://...)" >&2; \
	  exit 2;; esac
	@mkdir -p "$(BACKUP_DIR)"
	@umask 077; file="$(BACKUP_DIR)/riskreg-$$(date -u +%Y%m%dT%H%M%SZ).dump"; \
	  pg_dump --format=custom --dbname="$$DATABASE_URL" --file="$$file.partial" \
	    || { rm -f "$$file.partial"; exit 1; }; \
	  mv "$$file.partial" "$$file" && echo "$$file"

clean:
	rm -rf $(VENV) var db.sqlite3
