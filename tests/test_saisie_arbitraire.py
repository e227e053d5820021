"""N'importe quelle saisie, jamais une erreur du serveur : hypothesis remplit la mise à jour rapide, le formulaire de
modification, celui de création, l'adresse de la liste, celles des tableaux de bord et le téléchargement d'un
rapport avec des textes, des dates, des nombres quelconques. Une réponse est toujours sous 500 (une exception
remonterait ici avec sa trace) et un refus ne change rien : ni les actions, ni leurs quartiers et partenaires, ni le
journal.

La base garde ce que les exemples acceptés ont écrit d'un exemple à l'autre (une transaction par test, pas par
exemple) : chaque exemple compare donc l'état d'avant et d'après sa propre requête."""

import datetime
import string
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comite.models import Reunion
from engagements.models import Action, Entree, Statut, Verdict
from tests.factories import AppartenanceFactory, OrganisationFactory, PartieFactory, QuartierFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()


def reglages(exemples):
    return settings(
        max_examples=exemples,
        deadline=None,
        derandomize=True,  # la même suite d'exemples à chaque passage : un échec se rejoue tel quel
        database=None,  # rien d'écrit dans le dépôt (.hypothesis/)
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# -- ce qu'on tape --------------------------------------------------------------------------------------------------

BIZARRES = [
    "",
    " ",
    "0",
    "-1",
    "101",
    "40000",
    "99999999999999999999999",
    "1e999",
    "NaN",
    "-Infinity",
    "1 234,50",
    "1,234.50",
    "²",
    "٣",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "31/12/2024",
    "aujourd'hui",
    "\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
QUELCONQUE = st.one_of(
    st.sampled_from(BIZARRES),
    st.text(max_size=40),
    st.text(alphabet=string.digits + "-,. ", max_size=24),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    DATES.map(datetime.date.isoformat),
    DATES.map(lambda d: d.strftime("%d/%m/%Y")),
)
RECENTES = st.dates(min_value=datetime.date(2014, 1, 1), max_value=AUJOURD_HUI + datetime.timedelta(days=3))


def valide_ou_non(valide):
    """Une valeur valable ou n'importe quoi."""
    return st.one_of(valide if isinstance(valide, st.SearchStrategy) else st.just(valide), QUELCONQUE)


@st.composite
def saisie(draw, valables):
    """Des valeurs valables (une stratégie par champ) dont quelques-unes, tirées au hasard, sont remplacées par
    n'importe quoi : les saisies acceptées se mêlent aux refus, et un refus vient d'un ou deux champs à la fois."""
    donnees = draw(st.fixed_dictionaries(valables))
    for nom in draw(st.sets(st.sampled_from(sorted(valables)), max_size=3)):
        donnees[nom] = draw(st.lists(QUELCONQUE, max_size=3) if isinstance(donnees[nom], list) else QUELCONQUE)
    return donnees


def instantane():
    """Tout ce qu'un refus ne doit pas changer."""
    return (
        list(Action.objects.order_by("pk").values()),
        list(Action.quartiers.through.objects.order_by("action", "quartier").values_list("action", "quartier")),
        list(
            Action.partenaires.through.objects.order_by("action", "organisation").values_list("action", "organisation")
        ),
        Entree.objects.count(),
        Verdict.objects.count(),
        Reunion.objects.count(),
    )


def refus(reponse):
    """Un formulaire réaffiché (erreurs ou conflit de version) ou une réponse 4xx, plutôt qu'un enregistrement."""
    if reponse.status_code >= 400:
        return True
    if reponse.status_code != 200:
        return False
    contexte = reponse.context
    return bool(contexte.get("conflit") or (contexte.get("form") is not None and contexte["form"].errors))


def envoyer(client, methode, url, donnees, **options):
    avant = instantane()
    reponse = getattr(client, methode)(url, donnees, **options)
    assert reponse.status_code < 500, (url, donnees)
    if methode == "get" or refus(reponse):
        assert instantane() == avant, (url, donnees, reponse.status_code)
    return reponse


# -- le jeu -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def jeu():
    """Une action pilotée par une organisation d'une partie du protocole, deux quartiers, une chargée de mission de
    l'organisation pilote (un client connecté, qui laisse passer les erreurs du serveur en réponses 500)."""
    pilote = OrganisationFactory(slug="ville")
    action = ActionFactory(pilote=pilote, titre="Chantier éducatif", avancement=20, tout_le_territoire=True)
    protocole = action.protocole
    AppartenanceFactory(
        partie=PartieFactory(protocole=protocole, code=action.obligation.bloc.partie.code), organisation=pilote
    )
    quartiers = [QuartierFactory(protocole=protocole, slug=f"q{n}") for n in range(2)]
    client = Client(raise_request_exception=True)
    client.force_login(habilitation(protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur)
    return {"client": client, "action": action, "quartiers": quartiers, "protocole": protocole}


def formulaire_valable(action, quartier, **champs):
    """Un formulaire de création ou de modification accepté, sauf `champs` : les exemples toujours essayés."""
    donnees = {
        "titre": "Chantier éducatif",
        "obligation": str(action.obligation_id),
        "pilote": str(action.pilote_id),
        "quartiers": [str(quartier.pk)],
        "statut": Statut.EN_COURS,
        "avancement": "30",
        "date_effet": AUJOURD_HUI.isoformat(),
    }
    return donnees | champs


# Les saisies qui ont déjà donné une erreur 500 : essayées à chaque passage, avant celles d'hypothesis.
IDENTIFIANT_IMPOSSIBLE = "99999999999999999999999"  # SQLite : OverflowError dans un IN


def formulaire_action(action, quartiers):
    """Les champs du formulaire de création ou de modification."""
    return saisie(
        {
            "titre": st.sampled_from(["Chantier éducatif", "Ateliers d'été"]),
            "description": st.text(max_size=60),
            "obligation": st.just(str(action.obligation_id)),
            "pilote": st.just(str(action.pilote_id)),
            "quartiers": st.lists(st.sampled_from([str(q.pk) for q in quartiers]), min_size=1, max_size=2),
            "tout_le_territoire": st.sampled_from(["", "on"]),
            "date_debut": st.sampled_from(["", "2024-01-15"]),
            "echeance": st.sampled_from(["", "2027-06-30"]),
            "budget": st.sampled_from(["", "1500", "1234,50", "1 234,50", "99.9"]),
            "statut": st.sampled_from([Statut.A_VENIR, Statut.EN_COURS, Statut.EN_PAUSE]),
            "avancement": st.integers(0, 99).map(str),
            "commentaire": st.text(max_size=30),
            "date_effet": st.sampled_from([AUJOURD_HUI.isoformat()]),
        }
    )


# -- les formulaires ----------------------------------------------------------------------------------------------


def test_the_quick_update_never_fails_and_a_refusal_changes_nothing(jeu):
    action = jeu["action"]

    @reglages(50)
    @given(
        donnees=saisie(
            {
                "statut": st.sampled_from([Statut.A_VENIR, Statut.EN_COURS, Statut.EN_PAUSE]),
                "avancement": st.integers(0, 99).map(str),
                "echeance": st.sampled_from(["", "2027-06-30", "2031-01-31"]),
                "commentaire": st.text(max_size=30),
                "date_effet": st.just(AUJOURD_HUI.isoformat()),
            }
        ),
        version=st.one_of(st.none(), QUELCONQUE),
        htmx=st.booleans(),
    )
    def essai(donnees, version, htmx):
        donnees["version"] = Action.objects.get(pk=action.pk).version if version is None else version
        entetes = {"HX-Request": "true"} if htmx else {}
        envoyer(jeu["client"], "post", reverse("action", args=[action.pk]), donnees, headers=entetes)

    essai()


def test_the_edit_form_never_fails_and_a_refusal_changes_nothing(jeu):
    action = jeu["action"]

    @reglages(60)
    @given(donnees=formulaire_action(action, jeu["quartiers"]), version=st.one_of(st.none(), QUELCONQUE))
    @example(donnees=formulaire_valable(action, jeu["quartiers"][0], avancement="101"), version=None)
    @example(donnees=formulaire_valable(action, jeu["quartiers"][0], avancement="40000"), version=None)
    @example(donnees=formulaire_valable(action, jeu["quartiers"][0], echeance="0001-01-01"), version=None)
    @example(
        donnees=formulaire_valable(action, jeu["quartiers"][0], partenaires=[IDENTIFIANT_IMPOSSIBLE]), version=None
    )
    def essai(donnees, version):
        donnees["version"] = Action.objects.get(pk=action.pk).version if version is None else version
        envoyer(jeu["client"], "post", reverse("action_modifier", args=[action.pk]), donnees)

    essai()


def test_the_creation_form_never_fails_and_a_refusal_creates_nothing(jeu):
    @reglages(50)
    @given(donnees=formulaire_action(jeu["action"], jeu["quartiers"]))
    @example(donnees=formulaire_valable(jeu["action"], jeu["quartiers"][0], quartiers=[IDENTIFIANT_IMPOSSIBLE]))
    @example(donnees=formulaire_valable(jeu["action"], jeu["quartiers"][0], date_effet="0001-01-01"))
    @example(donnees=formulaire_valable(jeu["action"], jeu["quartiers"][0], budget="1e999"))
    def essai(donnees):
        envoyer(jeu["client"], "post", reverse("action_creer"), donnees)

    essai()


# -- les adresses -----------------------------------------------------------------------------------------------------


def parametres(*noms, **valables):
    """Un sous-ensemble quelconque des paramètres `noms`, chacun valable (si `valables` en donne) ou quelconque."""
    return st.fixed_dictionaries(
        {}, optional={nom: valide_ou_non(valables[nom]) if nom in valables else QUELCONQUE for nom in noms}
    )


def test_the_list_and_its_exports_never_fail_whatever_the_query_string(jeu):
    @reglages(70)
    @given(
        requete=parametres(
            "q",
            "engagement",
            "partie",
            "organisation",
            "referent",
            "quartier",
            "statut",
            "verdict",
            "sans_maj_depuis",
            "en_retard",
            "archivees",
            "per_page",
            "page",
            "sort",
            "au",
            "export",
            statut=st.sampled_from(Statut.values),
            sans_maj_depuis=RECENTES.map(datetime.date.isoformat),
            per_page=st.sampled_from(["25", "50", "100"]),
            page=st.integers(-2, 3).map(str),
            sort=st.sampled_from(["echeance", "-statut", "pilote", "-maj_le", "reference", "-"]),
            export=st.sampled_from(["csv", "xlsx"]),
        )
    )
    @example(requete={"per_page": "-1"})
    @example(requete={"sort": "."})
    @example(requete={"sans_maj_depuis": "0001-01-01"})
    @example(requete={"sans_maj_depuis": "0001-01-01", "export": "xlsx"})
    def essai(requete):
        envoyer(jeu["client"], "get", reverse("actions"), requete)

    essai()


def test_the_dashboards_never_fail_whatever_the_query_string(jeu):
    urls = [
        reverse("vue_ensemble"),
        reverse("quartier", args=[jeu["quartiers"][0].slug]),
        reverse("organisation", args=[jeu["action"].pilote.slug]),
    ]
    dates = RECENTES.map(datetime.date.isoformat)

    @reglages(36)
    @given(url=st.sampled_from(urls), requete=parametres("au", "depuis", au=dates, depuis=dates))
    @example(url=urls[0], requete={"au": "0001-01-01"})
    @example(url=urls[1], requete={"depuis": "0001-01-01", "au": "0001-01-02"})
    def essai(url, requete):
        envoyer(jeu["client"], "get", url, requete)

    essai()


def test_the_report_download_never_fails_whatever_the_query_string(jeu):
    """Le contenu du rapport et son HTML sont construits ; seul le rendu PDF (lent) est remplacé."""
    dates = RECENTES.map(datetime.date.isoformat)
    perimetres = st.sampled_from(["protocole", "quartier", "organisation", "engagement"])
    valeurs = st.sampled_from(["q0", "ville", "1", str(jeu["action"].obligation.bloc.engagement.numero)])

    @reglages(25)
    @given(
        requete=parametres(
            "perimetre", "valeur", "au", "depuis", perimetre=perimetres, valeur=valeurs, au=dates, depuis=dates
        )
    )
    def essai(requete):
        envoyer(jeu["client"], "get", reverse("rapport"), requete)

    with (
        mock.patch("comite.rapports.rendu.rendre_pdf", return_value=b"%PDF-1.7 essai"),
        mock.patch("comite.rapports.rendu.nombre_de_pages", return_value=1),
    ):
        essai()
