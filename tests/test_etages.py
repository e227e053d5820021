"""Les étages de la maison, lus dans l'arbre : chaque application n'utilise que les étages au-dessous d'elle.

1. `protocole`, 2. `signataires`, 3. `engagements`, 4. `comite`, 5. `outils` (les outils de développement, que rien
n'importe). Le toit (réglages, URL racines, WSGI/ASGI, pages publiques, balises de gabarits de `protocole`) peut tout
utiliser, sauf les outils. Ce test lit le code sans l'exécuter : chaque `import` (y compris dans une fonction) et
chaque clé étrangère nommée par une chaîne (« engagements.Obligation », `settings.AUTH_USER_MODEL`) de chaque module
d'application, migrations exceptées (l'histoire du schéma : le comité a vécu dans `protocole` jusqu'à sa migration
0006). Voir docs/architecture.md.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ETAGES = {"protocole": 1, "signataires": 2, "engagements": 3, "comite": 4, "outils": 5}
TOIT = {
    "protocole/settings.py",
    "protocole/urls.py",
    "protocole/urls_protocole.py",
    "protocole/wsgi.py",
    "protocole/asgi.py",
    "protocole/celery.py",
    "protocole/views.py",
    "protocole/templatetags/protocole_tags.py",
}
CHAMPS_LIES = {"ForeignKey", "OneToOneField", "ManyToManyField"}
MODELES_ENGAGEMENTS = "engagements/models"
RACINE = Path(settings.BASE_DIR)


def modules():
    for app in ETAGES:
        for chemin in sorted((RACINE / app).rglob("*.py")):
            relatif = chemin.relative_to(RACINE).as_posix()
            if "/migrations/" not in relatif:
                yield relatif


def references(relatif):
    """[(ligne, application citée, ce qui la cite)] : les imports et les clés étrangères nommées d'un module."""
    arbre = ast.parse((RACINE / relatif).read_text(), relatif)
    trouvees = []
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            trouvees += [(noeud.lineno, alias.name.split(".")[0], f"import {alias.name}") for alias in noeud.names]
        elif isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            trouvees.append((noeud.lineno, noeud.module.split(".")[0], f"from {noeud.module} import …"))
        elif (
            isinstance(noeud, ast.Call) and getattr(noeud.func, "attr", getattr(noeud.func, "id", None)) in CHAMPS_LIES
        ):
            cible = noeud.args[0] if noeud.args else next((k.value for k in noeud.keywords if k.arg == "to"), None)
            if isinstance(cible, ast.Constant) and isinstance(cible.value, str) and "." in cible.value:
                trouvees.append((noeud.lineno, cible.value.split(".")[0], f"clé vers {cible.value}"))
            elif isinstance(cible, ast.Attribute) and cible.attr == "AUTH_USER_MODEL":
                trouvees.append((noeud.lineno, "signataires", "clé vers settings.AUTH_USER_MODEL"))
    return trouvees


def vers_le_haut(relatif):
    app = relatif.split("/")[0]
    etage = 99 if relatif in TOIT else ETAGES[app]
    return [
        f"{relatif}:{ligne} {quoi} (étage {ETAGES[cible]} : {cible})"
        for ligne, cible, quoi in references(relatif)
        if cible in ETAGES and (ETAGES[cible] > etage or (cible == "outils" and app != "outils"))
    ]


def test_no_module_points_at_a_higher_floor():
    fautes = [faute for relatif in modules() for faute in vers_le_haut(relatif)]
    assert not fautes, "\n".join(fautes)


def test_the_model_modules_of_engagements_import_each_other_without_a_circle():
    dossier = RACINE / MODELES_ENGAGEMENTS
    graphe = {}
    for chemin in dossier.glob("*.py"):
        if chemin.name == "__init__.py":
            continue
        nom = chemin.stem
        cites = {
            noeud.module.rsplit(".", 1)[1]
            for noeud in ast.walk(ast.parse(chemin.read_text()))
            if isinstance(noeud, ast.ImportFrom) and (noeud.module or "").startswith("engagements.models.")
        }
        graphe[nom] = cites

    def cercle(depart, chemin):
        for suivant in graphe.get(chemin[-1], ()):
            if suivant == depart:
                return [*chemin, suivant]
            if suivant not in chemin and (trouve := cercle(depart, [*chemin, suivant])):
                return trouve
        return None

    assert "regles" in graphe and not graphe["regles"], "regles n'importe aucun autre module de modèles"
    cercles = [c for nom in graphe if (c := cercle(nom, [nom]))]
    assert not cercles, cercles


def test_no_application_module_is_longer_than_400_lines():
    longs = {m: n for m in modules() if (n := len((RACINE / m).read_text().splitlines())) > 400}
    assert not longs, longs


@pytest.mark.parametrize(
    ("source", "attendu"),
    [
        ("from comite.models import Reunion\n", "comite"),
        ("def f():\n    from outils.bench import jeu\n", "outils"),
        ("x = models.ForeignKey('engagements.Obligation', on_delete=None)\n", "engagements"),
        ("x = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=None)\n", "signataires"),
    ],
)
def test_the_reader_sees_imports_in_functions_and_named_foreign_keys(tmp_path, monkeypatch, source, attendu):
    module = tmp_path / "protocole" / "exemple.py"
    module.parent.mkdir()
    module.write_text(source)
    monkeypatch.setitem(globals(), "RACINE", tmp_path)

    assert [cible for _l, cible, _q in references("protocole/exemple.py")] == [attendu]
    assert vers_le_haut("protocole/exemple.py")
