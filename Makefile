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

# Les réglages de développement, lus par protocole/settings.py : `make run` et les commandes `manage.py` du README
# voient les mêmes. Écrit seulement s'il manque, pour que les modifications de l'utilisateur survivent. Pas de
# SECRET_KEY : avec DEBUG, les réglages prennent leur clé de développement ; une clé tirée au sort ne protégerait rien
# ici (serveur sur 127.0.0.1, comptes de démonstration au mot de passe « demo ») et ferait passer ce fichier pour une
# configuration de production.
.env:
	@printf '%s\n' \
	  '# Réglages de développement, écrits par make run (une seule fois : vos modifications sont gardées).' \
	  '# Ignoré en entier quand SECRET_KEY, DEBUG ou DATABASE_URL vient de l’environnement, et sous pytest.' \
	  '# Pour PostgreSQL en développement : DATABASE_URL=postgres:///suivi' \
	  'DEBUG=true' \
	  '# Les liens des courriels (récapitulatifs) : l'"'"'adresse du serveur de développement.' \
	  'SITE_URL=http://$(HOST)' > $@.tmp
	@mv $@.tmp $@
	@echo "$@ écrit : réglages de développement (DEBUG=true)"

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py charger_protocole
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST)

demo: $(STAMP) .env
	$(PY) manage.py demo

test: $(STAMP)
	$(PY) -m pytest tests -q

# Banc d'essai sur PostgreSQL : SCALE=full (jeu national construit une fois, réutilisé ; écrit docs/benchmarks.md)
# ou SCALE=smoke (petit jeu refait à chaque fois, pour la CI). DEBUG ne vaut que pour la commande qui orchestre :
# elle lance gunicorn avec DEBUG=false et sa propre base. DEBUG donné ici écarte aussi le .env du poste, dans
# l'orchestrateur comme dans ses sous-processus (qui reçoivent DEBUG, SECRET_KEY et DATABASE_URL).
bench: $(STAMP)
	DEBUG=true $(PY) manage.py bench --scale $(SCALE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fixtures: $(STAMP) .env
	$(PY) manage.py construire_fixtures

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
