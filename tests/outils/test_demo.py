"""`manage.py demo` : des données fictives nombreuses et variées, un journal qui dit exactement l'état des actions, un
compte par rôle, un refus sans DEBUG et un second passage qui ne change rien."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Min
from django.test import TestCase, override_settings
from django.utils import timezone

from engagements.models import (
    Action,
    Bloc,
    Champ,
    Engagement,
    Entree,
    EntreeQuartier,
    Obligation,
    Statut,
    ValeurVerdict,
    Verdict,
)
from engagements.models.regles import STATUTS_CLOS
from engagements.tableaux import avec_drapeaux
from protocole.models import Protocole, Quartier
from signataires.models import Appartenance, Habilitation, Utilisateur
from tests.outils.coherence import verifier_actions_egales_au_journal

COMPTES = {
    "demo-admin": ("admin", "pays-voironnais"),
    "demo-coordination": ("coord", "pays-voironnais"),
    "demo-caf": ("cdm", "caf-isere"),
    "demo-ars": ("cdm", "ars-ara"),
    "demo-lecteur": ("lecteur", "etat-isere"),
}
HACHAGE_RAPIDE = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # les tests n'ont pas à attendre le hachage


def lancer():
    sortie = io.StringIO()
    call_command("demo", stdout=sortie)
    return sortie.getvalue()


@pytest.mark.django_db
def test_refuses_when_debug_is_off_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("demo", stdout=io.StringIO())
    assert not Protocole.objects.exists()
    assert not Utilisateur.objects.exists()
    assert not Action.objects.exists()


@override_settings(DEBUG=True, PASSWORD_HASHERS=HACHAGE_RAPIDE)
class TestDonneesDeDemo(TestCase):
    """Un seul passage de la commande pour toute la classe (setUpTestData), après `charger_protocole`."""

    @classmethod
    def setUpTestData(cls):
        call_command("charger_protocole", stdout=io.StringIO())
        cls.sortie = lancer()
        cls.protocole = Protocole.objects.get(slug="pays-voironnais")

    def test_one_account_per_role_with_the_password_demo(self):
        protocole, sortie = self.protocole, self.sortie
        for username, (role, organisation) in COMPTES.items():
            utilisateur = Utilisateur.objects.get(username=username)
            assert utilisateur.check_password("demo"), username
            assert utilisateur.email.endswith("@exemple.invalid")
            habilitation = Habilitation.objects.get(utilisateur=utilisateur, protocole=protocole)
            assert (habilitation.role, habilitation.organisation.slug) == (role, organisation)
            assert username in sortie
        admin = Utilisateur.objects.get(username="demo-admin")
        assert admin.is_staff and admin.is_superuser
        coordination = Utilisateur.objects.get(username="demo-coordination")
        assert coordination.is_staff and not coordination.is_superuser
        assert coordination.groups.filter(name="Coordination").exists()
        for permission in (
            "signataires.change_organisation",
            "signataires.add_appartenance",
            "signataires.delete_appartenance",
            "signataires.change_representation",
            "protocole.change_quartier",
            "engagements.view_obligation",
            "signataires.view_signature",
            "protocole.view_protocole",
        ):
            assert coordination.has_perm(permission), permission
        assert not coordination.has_perm("engagements.change_obligation")
        assert not coordination.has_perm("signataires.change_utilisateur")
        for username in ("demo-caf", "demo-ars", "demo-lecteur"):
            assert not Utilisateur.objects.get(username=username).is_staff
        # les autres référents fictifs ne se connectent pas
        autres = Utilisateur.objects.exclude(username__in=COMPTES)
        assert autres.count() >= 8 and not any(u.has_usable_password() for u in autres)
        assert "mot de passe : demo" in sortie and "fictives" in sortie

    def test_actions_and_entries_are_numerous_and_cover_the_whole_protocol(self):
        protocole, sortie = self.protocole, self.sortie
        actions = Action.objects.filter(protocole=protocole)
        assert 140 <= actions.count() <= 160
        assert all(titre.startswith("[Démo] ") for titre in actions.values_list("titre", flat=True))
        entrees = Entree.objects.filter(protocole=protocole)
        assert 1400 <= entrees.count() <= 1700
        assert f"entrées du journal : {entrees.count()}" in sortie
        # Chaque sorte d'entrée, sauf le caviardage : un acte d'administrateur sur demande (RGPD), pas une donnée de
        # démonstration (tests/engagements/test_caviardage.py).
        assert set(entrees.values_list("champ", flat=True)) == set(Champ.values) - {Champ.CAVIARDAGE}

        assert set(actions.values_list("obligation", flat=True)) == set(Obligation.objects.values_list("pk", flat=True))
        assert set(actions.values_list("obligation__bloc", flat=True)) == set(Bloc.objects.values_list("pk", flat=True))
        assert set(actions.values_list("obligation__bloc__engagement", flat=True)) == set(
            Engagement.objects.values_list("pk", flat=True)
        )
        assert set(actions.values_list("statut", flat=True)) == set(Statut.values)
        assert 3 <= actions.filter(archivee=True).count() <= 5

        # le pilote est membre de la partie du bloc ; le référent est de l'organisation pilote ou de la coordination
        membres = set(Appartenance.objects.values_list("partie", "organisation"))
        habilitations = dict(
            Habilitation.objects.filter(protocole=protocole).values_list("utilisateur", "organisation")
        )
        coordination = Utilisateur.objects.get(username="demo-coordination").pk
        for partie, pilote, referent in actions.values_list("obligation__bloc__partie", "pilote", "referent"):
            assert (partie, pilote) in membres
            assert referent in (None, coordination) or habilitations[referent] == pilote
        pilotes = dict(actions.values_list("obligation__bloc__partie__code").annotate(n=Count("pilote", distinct=True)))
        assert pilotes["PT"] >= 5 and pilotes["ETAT"] >= 4
        assert actions.filter(pilote__slug="caf-isere", referent__username="demo-caf").exists()
        assert actions.filter(pilote__slug="ars-ara", referent__username="demo-ars").exists()
        assert actions.values("referent").exclude(referent=None).distinct().count() >= 10

        # chaque quartier a des actions qui le nomment ; ~15 % couvrent tout le territoire
        for quartier in Quartier.objects.filter(protocole=protocole):
            assert actions.filter(quartiers=quartier).exists(), quartier
        assert 0.08 <= actions.filter(tout_le_territoire=True).count() / actions.count() <= 0.25
        assert actions.annotate(n=Count("quartiers")).filter(n__gte=2).exists()

    def test_dates_late_and_stale_actions(self):
        protocole, sortie = self.protocole, self.sortie
        aujourdhui = timezone.localdate()
        actions = Action.objects.filter(protocole=protocole)
        bornes = Entree.objects.filter(protocole=protocole).aggregate(
            premier=Min("date_effet"), dernier=Max("date_effet")
        )
        assert bornes["premier"] >= datetime.date(2019, 3, 1) and bornes["dernier"] <= aujourdhui
        assert bornes["premier"] < datetime.date(2020, 1, 1), "l'historique commence en 2019"
        assert actions.aggregate(m=Max("date_creation"))["m"] <= aujourdhui - datetime.timedelta(days=30)
        assert not Entree.objects.filter(protocole=protocole, enregistre_le__gt=timezone.now()).exists()

        ouvertes = avec_drapeaux(actions).exclude(statut_au__in=STATUTS_CLOS)
        en_retard = ouvertes.filter(est_en_retard=True).count()
        assert 0.10 <= en_retard / ouvertes.count() <= 0.20
        assert f"dont {en_retard} en retard" in sortie
        assert ouvertes.filter(echeance__gt=aujourdhui + datetime.timedelta(days=180)).exists()

        sans_nouvelles = ouvertes.filter(est_sans_nouvelles=True).count()
        assert 0.05 <= sans_nouvelles / ouvertes.count() <= 0.20
        recentes = actions.filter(maj_le__gte=timezone.now() - datetime.timedelta(days=90)).count()
        assert recentes >= actions.count() / 2

        verdicts = Entree.objects.filter(protocole=protocole, champ=Champ.VERDICT)
        assert 15 <= Verdict.objects.filter(protocole=protocole).count() <= 25
        assert set(Verdict.objects.values_list("valeur", flat=True)) == {
            ValeurVerdict.TENU,
            ValeurVerdict.PARTIEL,
            ValeurVerdict.NON_TENU,
        }
        assert verdicts.values("obligation").annotate(n=Count("id")).filter(n__gte=2).exists()

    def test_every_action_equals_its_journal(self):
        verifier_actions_egales_au_journal(Action.objects.filter(protocole=self.protocole))


@pytest.mark.django_db
def test_loads_the_protocol_if_needed_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = HACHAGE_RAPIDE
    premiere = lancer()
    assert "Protocole du Pays Voironnais chargé" in premiere
    assert Protocole.objects.filter(slug="pays-voironnais").exists()

    def photo():
        return {
            "actions": list(Action.objects.order_by("pk").values()),
            "m2m": list(Action.quartiers.through.objects.order_by("pk").values_list("action", "quartier")),
            "entrees": Entree.objects.count(),
            "dernieres": list(Entree.objects.order_by("-pk").values_list("pk", "enregistre_le")[:5]),
            "entrees_quartiers": EntreeQuartier.objects.count(),
            "verdicts": list(Verdict.objects.order_by("pk").values()),
            "utilisateurs": list(Utilisateur.objects.order_by("pk").values("pk", "username", "password", "is_staff")),
            "habilitations": list(Habilitation.objects.order_by("pk").values()),
            "groupes": list(Group.objects.order_by("pk").values_list("name", "permissions")),
        }

    avant = photo()
    seconde = lancer()
    assert "rien n'a été fait" in seconde
    assert "mot de passe : demo" in seconde
    assert photo() == avant
