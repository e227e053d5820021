"""Charger le texte signé est idempotent, atomique et ne défait ni le référentiel modifié ni le suivi."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from protocole.models import Protocole, Quartier
from signataires.models import Appartenance, Organisation

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "protocole_pays_voironnais.json"
APPS = ["protocole", "signataires.partie", "signataires.signature", "signataires.signataire", "engagements"]


def charger_texte():
    call_command("loaddata", "protocole_pays_voironnais", verbosity=0)


def vidage():
    sortie = io.StringIO()
    # La version des données monte à chaque chargement (le texte a pu être corrigé) : elle n'est pas du texte.
    call_command(
        "dumpdata",
        *APPS,
        exclude=["protocole.versiondonnees"],
        natural_foreign=True,
        natural_primary=True,
        stdout=sortie,
    )
    return sortie.getvalue()


@pytest.mark.django_db
def test_the_text_loads_into_an_empty_database_on_its_own():
    charger_texte()
    assert Protocole.objects.get(slug="pays-voironnais").engagements.count() == 5


@pytest.mark.django_db
def test_loading_the_text_again_changes_nothing():
    charger_texte()
    avant = vidage()
    charger_texte()
    assert vidage() == avant


@pytest.mark.django_db
def test_an_edited_membership_and_quartier_survive_a_reload_of_the_text():
    call_command("charger_protocole", stdout=io.StringIO())
    voiron = Appartenance.objects.get(partie__code="PT", organisation__slug="ville-voiron")
    voiron.enoncee_par_le_texte = True
    voiron.save()
    Appartenance.objects.filter(partie__code="ETAT", organisation__slug="parquet-grenoble").delete()
    Quartier.objects.filter(slug="brunetiere").update(population=1234)
    Organisation.objects.filter(slug="opac38").update(nom="Opac38 (nom corrigé)")

    charger_texte()
    call_command("charger_protocole", stdout=io.StringIO())

    assert Appartenance.objects.get(pk=voiron.pk).enoncee_par_le_texte
    assert not Appartenance.objects.filter(partie__code="ETAT", organisation__slug="parquet-grenoble").exists()
    assert Quartier.objects.get(slug="brunetiere").population == 1234
    assert Organisation.objects.get(slug="opac38").nom == "Opac38 (nom corrigé)"


@pytest.mark.django_db
def test_a_broken_fixture_fails_with_a_clear_error_and_leaves_the_database_as_it_was(tmp_path):
    charger_texte()
    avant = vidage()
    objets = json.loads(FIXTURE.read_text(encoding="utf-8"))
    # Le premier objet reste valide (et serait modifié), le dernier désigne une signataire inexistante.
    objets[0]["fields"]["territoire"] = "Territoire modifié"
    objets[-1]["fields"]["signataire"] = ["pays-voironnais", "PERSONNE Inconnue"]
    casse = tmp_path / "protocole_casse.json"
    casse.write_text(json.dumps(objets, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(Exception, match=r"Problem installing fixture .*protocole_casse.json.*Signature"):
        call_command("loaddata", str(casse), verbosity=0)

    assert vidage() == avant


@pytest.mark.django_db
def test_charger_protocole_loads_once_then_leaves_the_database_alone():
    sortie = io.StringIO()
    call_command("charger_protocole", stdout=sortie)
    call_command("charger_protocole", stdout=sortie)
    assert "chargé" in sortie.getvalue()
    assert "rien à faire" in sortie.getvalue()
    assert Protocole.objects.count() == 1


def test_construire_fixtures_reproduces_the_committed_fixtures(tmp_path):
    call_command("construire_fixtures", dossier=str(tmp_path), stdout=io.StringIO())
    dossier = FIXTURE.parent
    for nom in ("protocole_pays_voironnais.json", "referentiel_pays_voironnais.json"):
        assert (tmp_path / nom).read_text(encoding="utf-8") == (dossier / nom).read_text(encoding="utf-8")


def test_a_missing_signatures_section_is_refused(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("Un texte sans signatures.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Signatures"):
        call_command("construire_fixtures", source=str(source), dossier=str(tmp_path))
