"""Le journal : chaque changement écrit une entrée juste, l'état passé se reconstruit, l'action et son journal
ne divergent jamais."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.models import Action, Champ, Entree, Statut, ValeurVerdict, Verdict
from engagements.models.regles import ConflitDeVersion
from engagements.tableaux import avec_drapeaux
from tests.factories import ObligationFactory, OrganisationFactory, QuartierFactory, UtilisateurFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

J0 = datetime.date(2024, 1, 10)


def jour(n):
    return J0 + datetime.timedelta(days=n)


@pytest.fixture
def auteur():
    return UtilisateurFactory()


@pytest.fixture
def action(auteur):
    return ActionFactory(date_effet=J0, statut=Statut.A_VENIR, avancement=0, echeance=jour(100), auteur=auteur)


def etat(action, date):
    return Action.objects.filter(pk=action.pk).etat_au(date).get()


def assert_action_egale_au_journal(action):
    """Les champs courants de l'action sont exactement l'état du journal à sa dernière date d'effet connue."""
    action.refresh_from_db()
    dernier = Entree.objects.filter(action=action).order_by("-date_effet").first().date_effet
    reconstruit = Action.objects.filter(pk=action.pk).etat_au(dernier).first()
    if reconstruit is None:  # archivée : l'état courant dit archivée
        assert action.archivee
        return
    assert reconstruit.statut_au == action.statut
    assert reconstruit.avancement_au == action.avancement
    assert reconstruit.echeance_au == action.echeance
    assert reconstruit.pilote_au == action.pilote_id
    assert reconstruit.referent_au == action.referent_id
    assert reconstruit.obligation_au == action.obligation_id
    assert reconstruit.territoire_au == action.tout_le_territoire


def test_creating_an_action_writes_a_creation_entry_and_the_initial_state(action, auteur):
    champs = list(Entree.objects.filter(action=action).values_list("champ", flat=True))
    assert sorted(champs) == sorted(
        ["creation", "statut", "avancement", "echeance", "pilote", "referent", "obligation", "quartiers"]
    )
    assert Entree.objects.get(action=action, champ=Champ.STATUT).statut_apres == Statut.A_VENIR
    assert all(e.auteur == auteur and e.date_effet == J0 for e in Entree.objects.filter(action=action))
    assert action.version == 1


@pytest.mark.parametrize(
    ("nom", "valeur", "colonne"),
    [
        ("statut", Statut.EN_COURS, "statut"),
        ("avancement", 40, "avancement"),
        ("echeance", datetime.date(2024, 12, 31), "echeance"),
    ],
)
def test_each_kind_of_change_writes_one_entry_with_old_and_new_values(action, auteur, nom, valeur, colonne):
    avant = getattr(action, nom)
    entrees = action.enregistrer(auteur=auteur, date_effet=jour(5), commentaire="point d'étape", **{nom: valeur})
    assert len(entrees) == 1
    entree = entrees[0]
    assert (getattr(entree, f"{colonne}_avant"), getattr(entree, f"{colonne}_apres")) == (avant, valeur)
    assert (entree.date_effet, entree.commentaire, entree.version) == (jour(5), "point d'étape", 2)
    assert entree.auteur == auteur
    assert getattr(action, nom) == valeur
    assert_action_egale_au_journal(action)


def test_pilot_referent_and_obligation_changes_are_journaled(action, auteur):
    pilote = OrganisationFactory()
    referent = habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur
    obligation = ObligationFactory(bloc=action.obligation.bloc, rang=99)
    ancien_pilote = action.pilote
    entrees = action.enregistrer(
        auteur=auteur, date_effet=jour(3), pilote=pilote, referent=referent, obligation=obligation
    )
    par_champ = {e.champ: e for e in entrees}
    assert (par_champ["pilote"].pilote_avant, par_champ["pilote"].pilote_apres) == (ancien_pilote, pilote)
    assert (par_champ["referent"].referent_avant, par_champ["referent"].referent_apres) == (None, referent)
    assert par_champ["obligation"].obligation_apres == obligation
    assert (action.pilote, action.referent, action.obligation) == (pilote, referent, obligation)
    assert_action_egale_au_journal(action)


def test_quartiers_changes_keep_both_sets_and_the_whole_territory_flag(action, auteur):
    brunetiere = QuartierFactory(protocole=action.protocole, nom="Brunetière")
    baltiss = QuartierFactory(protocole=action.protocole, nom="Baltiss")
    action.enregistrer(auteur=auteur, date_effet=jour(2), quartiers=(False, [brunetiere]))
    entree = action.enregistrer(auteur=auteur, date_effet=jour(4), quartiers=(False, [brunetiere, baltiss]))[0]
    assert entree.valeurs() == ("Brunetière", "Baltiss, Brunetière")
    entree = action.enregistrer(auteur=auteur, date_effet=jour(6), quartiers=(True, []))[0]
    assert entree.valeurs() == ("Baltiss, Brunetière", "tout le territoire")
    assert action.tout_le_territoire and not action.quartiers.exists()
    au_jour_5 = Action.objects.filter(pk=action.pk).etat_au(jour(5))
    assert au_jour_5.dans_quartier_au(baltiss, jour(5)).exists()
    assert not Action.objects.filter(pk=action.pk).etat_au(jour(3)).dans_quartier_au(baltiss, jour(3)).exists()


def test_an_unchanged_value_writes_nothing(action, auteur):
    assert action.enregistrer(auteur=auteur, date_effet=jour(1), statut=action.statut) == []
    assert action.version == 1


def test_the_state_on_past_dates_is_rebuilt_field_by_field(action, auteur):
    action.enregistrer(auteur=auteur, date_effet=jour(10), statut=Statut.EN_COURS, avancement=30)
    action.enregistrer(auteur=auteur, date_effet=jour(20), avancement=60)
    action.enregistrer(auteur=auteur, date_effet=jour(30), statut=Statut.REALISE, avancement=100)
    assert [(etat(action, jour(n)).statut_au, etat(action, jour(n)).avancement_au) for n in (0, 9, 10, 19, 20, 30)] == [
        ("a_venir", 0),
        ("a_venir", 0),
        ("en_cours", 30),
        ("en_cours", 30),
        ("en_cours", 60),
        ("realise", 100),
    ]
    assert not Action.objects.filter(pk=action.pk).etat_au(jour(-1)).exists(), "pas encore créée"


def test_a_back_dated_entry_takes_its_old_value_from_its_own_date_and_leaves_later_ones_alone(action, auteur):
    action.enregistrer(auteur=auteur, date_effet=jour(20), statut=Statut.EN_PAUSE, commentaire="")
    entree = action.enregistrer(auteur=auteur, date_effet=jour(10), statut=Statut.EN_COURS)[0]
    assert (entree.statut_avant, entree.statut_apres) == ("a_venir", "en_cours")
    assert action.statut == Statut.EN_PAUSE, "une entrée antidatée ne remplace pas un changement plus récent"
    assert etat(action, jour(15)).statut_au == "en_cours"
    assert etat(action, jour(25)).statut_au == "en_pause"
    assert_action_egale_au_journal(action)


def test_same_day_entries_are_ordered_by_recording_moment(action, auteur):
    action.enregistrer(auteur=auteur, date_effet=jour(5), avancement=20)
    action.enregistrer(auteur=auteur, date_effet=jour(5), avancement=25)
    assert etat(action, jour(5)).avancement_au == 25
    assert action.avancement == 25


def test_a_mistake_is_corrected_by_a_compensating_entry_at_the_same_effect_date(action, auteur):
    """README, « Corriger le journal » : l'entrée fautive reste au journal ; la correction, à la même date d'effet et
    enregistrée après elle, l'emporte à toute date."""
    action.enregistrer(auteur=auteur, date_effet=jour(10), statut=Statut.EN_COURS, avancement=40)
    fautives = action.enregistrer(auteur=auteur, date_effet=jour(20), statut=Statut.REALISE, avancement=100)
    corrections = action.enregistrer(
        auteur=auteur,
        date_effet=jour(20),
        statut=Statut.EN_COURS,
        avancement=40,
        commentaire="Saisie erronée : l'action n'est pas terminée.",
    )
    assert [(e.statut_avant, e.statut_apres) for e in corrections if e.champ == Champ.STATUT] == [
        ("realise", "en_cours")
    ]
    assert [(etat(action, jour(n)).statut_au, etat(action, jour(n)).avancement_au) for n in (10, 20, 30)] == [
        ("en_cours", 40)
    ] * 3
    assert Entree.objects.filter(pk__in=[e.pk for e in fautives]).count() == 2
    assert_action_egale_au_journal(action)


def test_a_change_cannot_take_effect_in_the_future_nor_before_creation(action, auteur):
    with pytest.raises(ValidationError, match="futur"):
        action.enregistrer(auteur=auteur, date_effet=datetime.date.today() + datetime.timedelta(days=1), avancement=5)
    with pytest.raises(ValidationError, match="précéder la création"):
        action.enregistrer(auteur=auteur, date_effet=jour(-1), avancement=5)
    assert Entree.objects.filter(action=action).count() == 8


@pytest.mark.parametrize("statut", [Statut.BLOQUE, Statut.ABANDONNE])
def test_blocking_or_abandoning_requires_a_comment_and_changes_nothing_without_one(action, auteur, statut):
    with pytest.raises(ValidationError, match="commentaire est obligatoire"):
        action.enregistrer(auteur=auteur, date_effet=jour(3), statut=statut, commentaire="  ")
    action.refresh_from_db()
    assert action.statut == Statut.A_VENIR and action.version == 1
    assert Entree.objects.filter(action=action).count() == 8


def test_realise_means_one_hundred_percent(action, auteur):
    with pytest.raises(ValidationError, match="100 %"):
        action.enregistrer(auteur=auteur, date_effet=jour(3), statut=Statut.REALISE, avancement=80)
    action.enregistrer(auteur=auteur, date_effet=jour(3), statut=Statut.REALISE, avancement=100)
    assert action.statut == Statut.REALISE


def test_a_stale_version_is_refused_with_what_changed_meanwhile(action, auteur):
    autre = UtilisateurFactory()
    action.enregistrer(auteur=autre, date_effet=jour(2), avancement=50, version=1, commentaire="par une collègue")
    with pytest.raises(ConflitDeVersion) as conflit:
        action.enregistrer(auteur=auteur, date_effet=jour(2), avancement=70, version=1)
    assert [(e.champ, e.avancement_apres, e.auteur) for e in conflit.value.entrees] == [("avancement", 50, autre)]
    action.refresh_from_db()
    assert action.avancement == 50


def test_archiving_is_journaled_and_hides_the_action_from_later_states(action, auteur):
    action.archiver(auteur=auteur, date_effet=jour(40), commentaire="doublon")
    assert action.archivee
    assert Action.objects.filter(pk=action.pk).etat_au(jour(39)).exists()
    assert not Action.objects.filter(pk=action.pk).etat_au(jour(40)).exists()


def test_late_is_computed_not_chosen(auteur):
    hier = datetime.date.today() - datetime.timedelta(days=1)
    en_retard = ActionFactory(echeance=hier, statut=Statut.EN_COURS, auteur=auteur)
    ActionFactory(echeance=hier, statut=Statut.REALISE, avancement=100, auteur=auteur)
    ActionFactory(echeance=hier, statut=Statut.ABANDONNE, auteur=auteur, commentaire="plus utile")
    ActionFactory(echeance=datetime.date.today(), auteur=auteur)
    drapeaux = {a.pk: a.est_en_retard for a in avec_drapeaux(Action.objects.all())}
    assert sum(drapeaux.values()) == 1 and drapeaux[en_retard.pk]


def test_verdicts_are_journaled_and_the_current_verdict_follows_the_latest_entry(auteur):
    obligation = ObligationFactory()
    assert not Verdict.objects.filter(obligation=obligation).exists()
    Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.PARTIEL, date_effet=jour(10), motif="revue 1")
    Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=jour(20), motif="revue 2")
    retro = Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.NON_TENU, date_effet=jour(5), motif="revue")
    assert (retro.verdict_avant, retro.verdict_apres) == ("non_evalue", "non_tenu")
    assert Verdict.objects.get(obligation=obligation).valeur == ValeurVerdict.TENU
    qs = type(obligation).objects.filter(pk=obligation.pk)
    assert [qs.verdicts_au(jour(n)).get().verdict_au for n in (4, 5, 10, 20)] == [
        "non_evalue",
        "non_tenu",
        "partiel",
        "tenu",
    ]


def test_today_is_the_paris_date_even_just_after_midnight_in_paris(action, auteur):
    # 22 h 30 UTC le 30 juin = 0 h 30 le 1er juillet à Paris : le 1er juillet n'est pas dans le futur.
    maintenant = datetime.datetime(2024, 6, 30, 22, 30, tzinfo=datetime.UTC)
    action.enregistrer(auteur=auteur, date_effet=datetime.date(2024, 7, 1), avancement=15, maintenant=maintenant)
    assert action.avancement == 15
    with pytest.raises(ValidationError, match="futur"):
        action.enregistrer(auteur=auteur, date_effet=datetime.date(2024, 7, 2), avancement=16, maintenant=maintenant)
    assert timezone.localdate(maintenant) == datetime.date(2024, 7, 1)


def test_the_latest_recorded_moment_is_the_latest_entry_even_when_an_older_moment_is_recorded_after(auteur):
    """`maj_le` est « les nouvelles » d'aujourd'hui pour « sans nouvelles » : il reste le dernier enregistrement."""
    debut = timezone.make_aware(datetime.datetime(2024, 1, 10, 9))
    action = ActionFactory(date_effet=J0, echeance=jour(100), auteur=auteur, maintenant=debut)
    tard = timezone.make_aware(datetime.datetime(2024, 3, 1, 18))
    tot = timezone.make_aware(datetime.datetime(2024, 3, 1, 9))
    action.enregistrer(auteur=auteur, date_effet=jour(20), avancement=30, maintenant=tard)
    action.enregistrer(auteur=auteur, date_effet=jour(20), avancement=20, maintenant=tot)
    action.refresh_from_db()
    dernier = Entree.objects.filter(action=action).order_by("-enregistre_le").first().enregistre_le
    assert action.maj_le == dernier == tard


def test_a_verdict_and_an_archiving_always_say_why(action, auteur):
    obligation = action.obligation
    with pytest.raises(ValidationError, match="Le motif du verdict est obligatoire."):
        Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=jour(5), motif="  ")
    with pytest.raises(ValidationError, match="Dites pourquoi l'action est archivée."):
        action.archiver(auteur=auteur, date_effet=jour(5))
    assert not Entree.objects.filter(champ__in=[Champ.VERDICT, Champ.ARCHIVAGE]).exists()
