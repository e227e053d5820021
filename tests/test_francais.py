"""Le français de l'interface : élision, accord, « aucune » plutôt que « 0 ». Chaque gabarit et chaque catalogue de
messages du projet est relu pour « de État », « de » devant une voyelle sans « l' » ni élision, « 0 actions » ; les
titres de l'administration sont essayés avec le nom de chaque modèle."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from protocole.francais import de

RACINE = Path(settings.BASE_DIR)
VOYELLE = "aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ"
FAUTES = {
    "« de État »": re.compile(r"\bde [ÉE]tat\b"),
    "« de » sans élision devant une voyelle": re.compile(rf"(?<![\w'’])de [{VOYELLE}]"),
    "« 0 actions »": re.compile(r"\b0 actions\b"),
}


def fautes(texte):
    return [nom for nom, motif in FAUTES.items() if motif.search(texte)]


def catalogues():
    return sorted(
        p for app in ("protocole", "signataires", "engagements", "comite") for p in (RACINE / app).rglob("*.po")
    )


def gabarits():
    return sorted(p for p in (RACINE / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def test_the_patterns_are_seen():
    assert fautes("Visa de État") and fautes("case de obligation") and fautes("0 actions correspondent")
    assert not fautes("Visa de l'État") and not fautes("d'obligation") and not fautes("date de début")


def test_no_template_writes_de_before_a_vowel_nor_0_actions():
    trouvees = {}
    for chemin in gabarits():
        for rang, ligne in enumerate(chemin.read_text().splitlines(), start=1):
            if found := fautes(ligne):
                trouvees[f"{chemin.relative_to(RACINE)}:{rang}"] = found
    assert len(gabarits()) > 50
    assert not trouvees, trouvees


def test_no_message_catalogue_of_the_project_writes_de_before_a_vowel():
    assert catalogues(), "le catalogue qui tourne les titres de l'admin"
    for chemin in catalogues():
        traductions = [ligne for ligne in chemin.read_text().splitlines() if ligne.startswith("msgstr")]
        assert traductions
        for ligne in traductions:
            assert not fautes(ligne), (chemin, ligne)


@pytest.mark.parametrize("msgid", ["Add %s", "Change %s", "View %s", "%(app)s administration"])
def test_the_admin_titles_read_well_with_every_model_name(msgid):
    noms = [m._meta.verbose_name for m in apps.get_models()] + [a.verbose_name for a in apps.get_app_configs()]
    with translation.override("fr"):
        gabarit = translation.gettext(msgid)
        for nom in noms:
            titre = gabarit % ({"app": nom} if "%(app)s" in gabarit else nom)
            assert not fautes(titre), titre


def test_de_elides_before_a_vowel():
    assert f"Visa {de('État — Préfecture de l’Isère')}" == "Visa de l'État — Préfecture de l’Isère"
    assert de("CAF de l'Isère") == "de CAF de l'Isère"


@pytest.mark.django_db
def test_the_admin_page_of_an_obligation_has_no_de_before_its_name(admin_client):
    from tests.factories import ObligationFactory

    obligation = ObligationFactory()
    reponse = admin_client.get(reverse("admin:engagements_obligation_change", args=[obligation.pk]))
    assertNotContains(reponse, "de obligation")
    assertContains(reponse, "obligation")
