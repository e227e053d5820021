"""Ce qu'on saisit reste dans les bornes du protocole (`Protocole.plage_des_faits`, `plage_des_previsions`) : dates
d'une action et de ses changements, « sans mise à jour depuis » de la liste et de ses exports, taille de page ; un
refus se dit en français avec la plage permise, ne change rien et garde la saisie. Les montants se tapent à la
française."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Action, Entree, ValeurVerdict, Verdict
from tests.factories import OrganisationFactory, QuartierFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
DEMAIN = AUJOURD_HUI + datetime.timedelta(days=1)
DERNIER_JOUR_PREVU = datetime.date(AUJOURD_HUI.year + 10, 12, 31)
PLAGE_DES_FAITS = "dates possibles du 1 janvier 2015 à aujourd&#x27;hui"
PLAGE_DES_PREVISIONS = f"dates possibles du 1 janvier 2015 au 31 décembre {AUJOURD_HUI.year + 10}"


@pytest.fixture
def action():
    return ActionFactory(pilote=OrganisationFactory(), titre="Chantier éducatif", avancement=20, budget=Decimal("1500"))


@pytest.fixture
def coordination(client, action):
    utilisateur = habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur
    client.force_login(utilisateur)
    return client


def etat(action):
    """L'action telle qu'en base et la taille de son journal : ce qu'un refus ne doit pas changer."""
    ligne = Action.objects.filter(pk=action.pk).values().get()
    return ligne, Entree.objects.filter(action=action).count()


def formulaire(action, quartier, **champs):
    """Ce que poste le formulaire de création ou de modification, pour `action` inchangée sauf `champs`."""
    donnees = {
        "titre": action.titre,
        "obligation": action.obligation_id,
        "pilote": action.pilote_id,
        "quartiers": [quartier.pk],
        "date_debut": "",
        "echeance": action.echeance.isoformat(),
        "budget": "",
        "statut": action.statut,
        "avancement": action.avancement,
        "commentaire": "",
        "date_effet": AUJOURD_HUI.isoformat(),
        "version": action.version,
    }
    return donnees | champs


# -- les dates d'une action ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("champs", "message", "plage"),
    [
        ({"echeance": "0001-01-01"}, "L&#x27;échéance ne peut pas précéder le 1 janvier 2015", PLAGE_DES_PREVISIONS),
        ({"date_debut": "2014-12-31"}, "Le début ne peut pas précéder le 1 janvier 2015", PLAGE_DES_PREVISIONS),
        (
            {"echeance": (DERNIER_JOUR_PREVU + datetime.timedelta(days=1)).isoformat()},
            f"L&#x27;échéance ne peut pas dépasser le 31 décembre {AUJOURD_HUI.year + 10}",
            PLAGE_DES_PREVISIONS,
        ),
        ({"date_effet": "0001-01-01"}, "La date d&#x27;effet ne peut pas précéder le 1 janvier 2015", PLAGE_DES_FAITS),
    ],
    ids=["echeance-an-1", "debut-avant-le-contrat", "echeance-dans-onze-ans", "effet-an-1"],
)
def test_creating_an_action_outside_the_bounds_is_refused_in_french_and_the_typing_is_kept(
    coordination, action, champs, message, plage
):
    avant = Action.objects.count()
    donnees = formulaire(action, QuartierFactory(protocole=action.protocole), titre="Nouvelle action", **champs)
    reponse = coordination.post(reverse("action_creer"), donnees)
    assert reponse.status_code == 200
    assertContains(reponse, message)
    assertContains(reponse, plage)
    assertContains(reponse, 'value="Nouvelle action"')
    assert Action.objects.count() == avant


@pytest.mark.parametrize(
    "champs",
    [{"echeance": "0001-01-01"}, {"date_debut": "9999-12-31", "echeance": "9999-12-31"}, {"date_effet": "2014-06-30"}],
    ids=["echeance-an-1", "debut-an-9999", "effet-avant-le-contrat"],
)
def test_editing_an_action_outside_the_bounds_is_refused_and_changes_nothing(coordination, action, champs):
    avant = etat(action)
    quartier = QuartierFactory(protocole=action.protocole)
    reponse = coordination.post(reverse("action_modifier", args=[action.pk]), formulaire(action, quartier, **champs))
    assert reponse.status_code == 200 and reponse.context["form"].errors
    assertContains(reponse, "dates possibles du 1 janvier 2015")
    assert etat(action) == avant


def test_the_last_allowed_day_is_accepted(coordination, action):
    quartier = QuartierFactory(protocole=action.protocole)
    champs = {"date_debut": "2015-01-01", "echeance": DERNIER_JOUR_PREVU.isoformat()}
    reponse = coordination.post(reverse("action_modifier", args=[action.pk]), formulaire(action, quartier, **champs))
    assert reponse.status_code == 302
    action.refresh_from_db()
    assert (action.date_debut, action.echeance) == (datetime.date(2015, 1, 1), DERNIER_JOUR_PREVU)


def test_the_model_applies_the_bounds_whoever_calls_it(action):
    """Les règles du modèle valent aussi pour une commande ou un script, sans formulaire."""
    auteur = action.journal.first().auteur
    with pytest.raises(ValidationError) as erreur:
        action.enregistrer(auteur=auteur, date_effet=AUJOURD_HUI, echeance=datetime.date(1, 1, 1))
    assert list(erreur.value.message_dict) == ["echeance"]
    with pytest.raises(ValidationError) as erreur:
        ActionFactory(obligation=action.obligation, date_effet=datetime.date(2014, 12, 31))
    assert list(erreur.value.message_dict) == ["date_effet"]
    with pytest.raises(ValidationError) as erreur:
        ActionFactory(obligation=action.obligation, date_debut=datetime.date(2014, 1, 1))
    assert list(erreur.value.message_dict) == ["date_debut"]
    with pytest.raises(ValidationError, match="La date d'effet ne peut pas précéder le 1 janvier 2015"):
        Verdict.donner(
            action.obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=datetime.date(1, 1, 1), motif="x"
        )
    assert Action.objects.count() == 1 and not Verdict.objects.exists()


@pytest.mark.parametrize("avancement", ["101", "40000", "-1", "99999999999999999999"])
def test_progress_out_of_bounds_is_refused_on_the_edit_form_and_the_quick_update(coordination, action, avancement):
    avant = etat(action)
    quartier = QuartierFactory(protocole=action.protocole)
    reponse = coordination.post(
        reverse("action_modifier", args=[action.pk]), formulaire(action, quartier, avancement=avancement)
    )
    assertContains(reponse, "L&#x27;avancement va de 0 à 100 %.")
    rapide = {k: v for k, v in formulaire(action, quartier, avancement=avancement).items() if k != "quartiers"}
    reponse = coordination.post(reverse("action", args=[action.pk]), rapide, headers={"HX-Request": "true"})
    assertContains(reponse, "L&#x27;avancement va de 0 à 100 %.")
    assert etat(action) == avant


# -- les montants à la française -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisie", "montant"),
    [("1234,50", "1234.50"), ("1234.50", "1234.50"), ("1 234,50", "1234.50"), ("1\u202f234,5", "1234.50")],
)
def test_a_budget_is_typed_the_french_way_or_with_a_point(coordination, action, saisie, montant):
    quartier = QuartierFactory(protocole=action.protocole)
    reponse = coordination.post(
        reverse("action_modifier", args=[action.pk]), formulaire(action, quartier, budget=saisie)
    )
    assert reponse.status_code == 302
    action.refresh_from_db()
    assert action.budget == Decimal(montant)


def test_the_edit_form_shows_the_budget_the_french_way(coordination, action):
    reponse = coordination.get(reverse("action_modifier", args=[action.pk]))
    assertContains(reponse, 'value="1500,00"')
    assertContains(reponse, 'inputmode="decimal"')


@pytest.mark.parametrize("saisie", ["douze", "1,234.50", "1e999", "NaN"])
def test_a_budget_that_is_not_an_amount_is_refused_in_french(coordination, action, saisie):
    avant = etat(action)
    quartier = QuartierFactory(protocole=action.protocole)
    reponse = coordination.post(
        reverse("action_modifier", args=[action.pk]), formulaire(action, quartier, budget=saisie)
    )
    assert reponse.status_code == 200 and "budget" in reponse.context["form"].errors
    assertContains(reponse, f'value="{saisie}"')
    assert etat(action) == avant


# -- la liste : « sans mise à jour depuis » et la taille de page -----------------------------------------------------


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("0001-01-01", "« Sans mise à jour depuis le » ne peut pas précéder le 1 janvier 2015"),
        (DEMAIN.isoformat(), "« Sans mise à jour depuis le » ne peut pas être dans le futur"),
    ],
    ids=["an-1", "demain"],
)
def test_a_no_update_since_date_out_of_bounds_is_explained_on_the_list(coordination, date, message):
    reponse = coordination.get(reverse("actions"), {"sans_maj_depuis": date})
    assert reponse.status_code == 200
    assertContains(reponse, message)
    assertContains(reponse, PLAGE_DES_FAITS)
    assertContains(reponse, f'value="{date}"')


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_an_export_with_a_refused_filter_sends_back_to_the_list_that_explains_it(coordination, format_):
    reponse = coordination.get(reverse("actions"), {"sans_maj_depuis": "0001-01-01", "export": format_})
    assert reponse.status_code == 302
    assert reponse.url == f"{reverse('actions')}?sans_maj_depuis=0001-01-01"
    assertContains(coordination.get(reponse.url), "ne peut pas précéder le 1 janvier 2015")


@pytest.fixture
def vingt_six(action):
    """Vingt-six actions : une page de 25 et une d'une seule, ou une page de 50."""
    for _ in range(25):
        ActionFactory(obligation=action.obligation, pilote=action.pilote)


@pytest.mark.parametrize("taille", ["-1", "0", "7", "1000000", "abc", "1e3"])
def test_a_page_size_that_is_not_offered_shows_the_default_size_and_says_which_are(coordination, vingt_six, taille):
    reponse = coordination.get(reverse("actions"), {"per_page": taille})
    assert reponse.status_code == 200
    assert len(reponse.context["table"].paginated_rows) == 25
    assertContains(reponse, "Nombre d&#x27;actions par page non reconnu")
    assertContains(reponse, "choisissez 25, 50 ou 100")


def test_an_offered_page_size_is_applied_and_kept_in_the_form(coordination, vingt_six):
    reponse = coordination.get(reverse("actions"), {"per_page": "50"})
    assert len(reponse.context["table"].paginated_rows) == 26
    assertContains(reponse, '<option value="50" selected>50</option>', html=True)
    assertNotContains(reponse, "non reconnu")


@pytest.mark.parametrize("page", ["-1", "0", "abc", "999999999999999999999999"])
def test_an_odd_page_number_shows_a_page_of_the_list(coordination, vingt_six, page):
    reponse = coordination.get(reverse("actions"), {"page": page})
    assert reponse.status_code == 200
    assert len(reponse.context["table"].paginated_rows) in (25, 1)


# -- les tableaux de bord : « état au » et « évolutions depuis » -------------------------------------------------------


@pytest.mark.parametrize("nom", ["vue_ensemble", "quartier", "organisation"])
@pytest.mark.parametrize("parametres", [{"au": "0001-01-01"}, {"depuis": "0001-01-01"}, {"depuis": DEMAIN.isoformat()}])
def test_a_dashboard_date_out_of_bounds_is_explained_with_the_range(coordination, action, nom, parametres):
    quartier = QuartierFactory(protocole=action.protocole)
    url = {
        "vue_ensemble": reverse("vue_ensemble"),
        "quartier": reverse("quartier", args=[quartier.slug]),
        "organisation": reverse("organisation", args=[action.pilote.slug]),
    }[nom]
    reponse = coordination.get(url, parametres)
    assert reponse.status_code == 200
    assertContains(reponse, PLAGE_DES_FAITS)
