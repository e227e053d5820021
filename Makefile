# Deux commandes suffisent sur une machine neuve : `make run` et `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
SCALE ?= full

.PHONY: run test test-postgres install migrate demo bench lint fixtures clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py charger_protocole
	DEBUG=true $(PY) manage.py demo
	DEBUG=true $(PY) manage.py runserver $(HOST)

demo: $(STAMP)
	DEBUG=true $(PY) manage.py demo

test: $(STAMP)
	$(PY) -m pytest tests -q

# Banc d'essai sur PostgreSQL : SCALE=full (jeu national construit une fois, réutilisé ; écrit docs/benchmarks.md)
# ou SCALE=smoke (petit jeu refait à chaque fois, pour la CI). DEBUG ne vaut que pour la commande qui orchestre :
# elle lance gunicorn avec DEBUG=false et sa propre base.
bench: $(STAMP)
	DEBUG=true $(PY) manage.py bench --scale $(SCALE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fixtures: $(STAMP)
	DEBUG=true $(PY) manage.py construire_fixtures

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
