"""Le journal et les rapports archivés sont en ajout seul dans la base elle-même : des déclencheurs posés par les
migrations refusent UPDATE et DELETE, sur PostgreSQL comme sur SQLite, quel que soit le chemin (`_base_manager`,
`save()`, SQL brut).

La base des tests est construite par toute la chaîne des migrations (aucun réglage ne les saute) : ces tests prouvent
qu'au bout de la chaîne chaque déclencheur est là et refuse. Une migration future qui reconstruit l'une de ces tables
sous SQLite (ce que fait Django pour presque tout changement de colonne) emporterait ses déclencheurs avec l'ancienne
table : ces tests échoueraient tant qu'elle ne les repose pas (`protocole.ajout_seul.sql_poser`).
"""

import datetime
import decimal
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from comite.models import RapportArchive, Reunion
from engagements.models import Champ, Entree, EntreePartenaire, EntreeQuartier, Valeur
from protocole import ajout_seul
from tests.factories import OrganisationFactory, QuartierFactory, UtilisateurFactory
from tests.factories_suivi import ActionFactory, IndicateurFactory

REFUS = "en ajout seul"
TABLES = {
    Entree: "engagements_entree",
    EntreeQuartier: "engagements_entreequartier",
    EntreePartenaire: "engagements_entreepartenaire",
    RapportArchive: "protocole_rapportarchive",
    Valeur: "engagements_valeur",
}


def evenements_refuses():
    """Les (table, UPDATE|DELETE) sur lesquels un déclencheur BEFORE est posé, lus dans le catalogue de la base."""
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
                "WHERE action_timing = 'BEFORE'"
            )
            return set(curseur.fetchall())
        curseur.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        trouves = set()
        for (sql,) in curseur.fetchall():
            quoi = re.search(r'BEFORE\s+(UPDATE|DELETE)\b.*?\bON\s+"?(\w+)"?', sql, re.IGNORECASE | re.DOTALL)
            if quoi:
                trouves.add((quoi.group(2), quoi.group(1).upper()))
        return trouves


@pytest.fixture
def lignes(db):
    """Une ligne de chaque table en ajout seul : une entrée du journal, les lignes filles d'un changement de quartiers
    et de partenaires, un rapport gelé."""
    auteur = UtilisateurFactory()
    action = ActionFactory()
    quartier = QuartierFactory(protocole=action.protocole)
    action.enregistrer(
        auteur=auteur,
        date_effet=timezone.localdate(),
        quartiers=(False, [quartier]),
        partenaires=[OrganisationFactory()],
    )
    reunion = Reunion.objects.create(protocole=action.protocole, date=timezone.localdate(), titre="Comité")
    archive = RapportArchive.objects.create(
        reunion=reunion,
        version=1,
        contenu=b"%PDF-1.7 fige",
        au=timezone.localdate(),
        depuis=timezone.localdate(),
        gele_par=auteur,
    )
    return {
        Entree: Entree.objects.filter(action=action, champ=Champ.CREATION).get(),
        EntreeQuartier: EntreeQuartier.objects.get(entree__action=action),
        EntreePartenaire: EntreePartenaire.objects.filter(entree__action=action).first(),
        RapportArchive: archive,
        Valeur: Valeur.enregistrer(
            IndicateurFactory(obligation=action.obligation),
            quartier=quartier,
            periode=str(timezone.localdate().year),
            valeur="12,5",
            auteur=auteur,
        ),
    }


def refuse(essai):
    """`essai()` est refusé par la base avec le message des tables en ajout seul, sans rien écrire."""
    with pytest.raises(IntegrityError, match=REFUS), transaction.atomic():
        essai()


def sql(requete, *parametres):
    with connection.cursor() as curseur:
        curseur.execute(requete, parametres)


def autre_valeur(champ, valeur):
    """Une valeur différente de `valeur` et du type de la colonne de `champ` (une clé étrangère prend un
    identifiant quelconque : le déclencheur refuse avant toute vérification de la clé)."""
    if isinstance(champ, models.ForeignKey | models.AutoField | models.BigAutoField):
        return (valeur or 0) + 100_000
    if isinstance(champ, models.BooleanField):
        return not valeur
    if isinstance(champ, models.DateTimeField):
        return datetime.datetime(2001, 2, 3, 4, 5, tzinfo=datetime.UTC)
    if isinstance(champ, models.DateField):
        return datetime.date(2001, 2, 3)
    if isinstance(champ, models.DecimalField):
        return decimal.Decimal("12.34")
    if isinstance(champ, models.IntegerField):
        return (valeur or 0) + 7
    if isinstance(champ, models.CharField):
        return "autre"[: champ.max_length] if valeur != "autre" else "x"
    if isinstance(champ, models.TextField | models.BinaryField):
        return b"autre" if isinstance(champ, models.BinaryField) else "autre"
    raise AssertionError(f"type de colonne à prévoir : {champ!r}")


@pytest.mark.django_db
def test_every_append_only_table_has_its_triggers_after_the_whole_migration_chain():
    attendus = {(table, evenement) for table in TABLES.values() for evenement in ("UPDATE", "DELETE")}
    assert attendus <= evenements_refuses()


@pytest.mark.parametrize("modele", list(TABLES), ids=lambda m: m.__name__)
def test_update_and_delete_are_refused_by_the_database_whatever_the_path(lignes, modele):
    ligne = lignes[modele]
    table = modele._meta.db_table
    assert table == TABLES[modele]
    avant = modele._base_manager.filter(pk=ligne.pk).values().get()
    colonne = next(f for f in modele._meta.concrete_fields if not f.primary_key)

    refuse(lambda: modele._base_manager.filter(pk=ligne.pk).update(**{colonne.attname: autre_valeur(colonne, None)}))
    refuse(lambda: modele._base_manager.filter(pk=ligne.pk).delete())
    refuse(lambda: sql(f"UPDATE {table} SET id = id WHERE id = %s", ligne.pk))
    refuse(lambda: sql(f"DELETE FROM {table} WHERE id = %s", ligne.pk))
    refuse(lambda: sql(f"DELETE FROM {table}"))
    if modele is not RapportArchive:  # l'archive refuse déjà save() et delete() en Python
        refuse(lambda: models.Model.save(ligne))
        refuse(lambda: models.Model.delete(ligne))

    assert modele._base_manager.filter(pk=ligne.pk).values().get() == avant


@pytest.mark.parametrize("modele", list(TABLES), ids=lambda m: m.__name__)
def test_the_redaction_path_opens_no_other_column_and_no_other_table(lignes, modele):
    """Le chemin étroit du caviardage ne laisse changer que le commentaire d'une entrée du journal : toute autre
    colonne, toute autre table, et la suppression restent refusées, chemin ouvert."""
    ligne = lignes[modele]
    avant = modele._base_manager.filter(pk=ligne.pk).values().get()
    for champ in modele._meta.concrete_fields:
        if modele is Entree and champ.name == "commentaire":
            continue
        valeur = autre_valeur(champ, getattr(ligne, champ.attname))
        refuse(lambda champ=champ, valeur=valeur: ajout_seul.caviarder(modele, ligne.pk, champ.attname, valeur))
    assert modele._base_manager.filter(pk=ligne.pk).values().get() == avant


def test_the_redaction_path_changes_the_comment_of_that_entry_only_and_closes_behind_it(lignes):
    entree, voisine = lignes[Entree], Entree.objects.exclude(pk=lignes[Entree].pk).first()
    avant = Entree.objects.filter(pk=entree.pk).values().get()

    ajout_seul.caviarder(Entree, entree.pk, "commentaire", "[caviardé]")

    apres = Entree.objects.filter(pk=entree.pk).values().get()
    assert apres == {**avant, "commentaire": "[caviardé]"}
    # Refermé aussitôt, même dans la transaction qui l'a ouvert : ni cette entrée ni une autre ne se réécrit plus.
    refuse(lambda: Entree._base_manager.filter(pk=entree.pk).update(commentaire="encore"))
    refuse(lambda: Entree._base_manager.filter(pk=voisine.pk).update(commentaire="autre"))


@pytest.mark.django_db(transaction=True)
def test_flushing_the_test_database_empties_the_journal_and_keeps_its_triggers():
    """Le vidage que la suite fait après chaque test transactionnel (parcours navigateur compris) : `flush`."""
    ActionFactory()
    assert Entree.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not Entree.objects.exists()
    assert {(table, e) for table in TABLES.values() for e in ("UPDATE", "DELETE")} <= evenements_refuses()
    ActionFactory()
    refuse(lambda: Entree.objects.all().delete())


class Annule(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_table_rebuild_drops_the_triggers_and_the_catalogue_check_sees_it():
    """Ce que le premier test garde : sous SQLite, Django change une colonne en reconstruisant la table, et les
    déclencheurs partent avec l'ancienne ; PostgreSQL (ALTER TABLE) les garde. Essayé, puis annulé."""
    ancien = Entree._meta.get_field("statut_avant")
    nouveau = models.CharField(max_length=20, blank=True)
    nouveau.set_attributes_from_name("statut_avant")
    nouveau.model = Entree
    with pytest.raises(Annule) as annule:
        with connection.schema_editor() as editeur:
            editeur.alter_field(Entree, ancien, nouveau)
            raise Annule(evenements_refuses())
    restants = {evenement for table, evenement in annule.value.args[0] if table == "engagements_entree"}
    assert restants == (set() if connection.vendor == "sqlite" else {"UPDATE", "DELETE"})
    assert {("engagements_entree", "UPDATE"), ("engagements_entree", "DELETE")} <= evenements_refuses()
