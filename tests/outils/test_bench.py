"""Le générateur du banc d'essai, en tout petit : le texte cloné, un journal égal aux actions, des séquences recalées.
Il passe par `COPY` sur PostgreSQL et par `bulk_create` sur SQLite : la suite tourne sur les deux."""

import datetime
import gc
from unittest import mock

import pytest
from django.db.models import F, Max
from django.utils import timezone

from comite.rapports import rendu
from engagements.models import Action, Champ, Entree, Obligation, Verdict
from engagements.models.journal import ORDRE_RECENT
from engagements.models.regles import CHAMP_PAR_NOM, COLONNES
from outils.bench import pdf
from outils.bench.jeu import Echelle, construire
from outils.bench.structure import PREFIXE
from protocole.models import Protocole
from signataires.models import Habilitation
from tests.factories import construire_protocole
from tests.factories_suivi import ActionFactory
from tests.outils.coherence import verifier_actions_egales_au_journal

pytestmark = pytest.mark.django_db

# Les champs suivis dès la création (les corrections n'ont pas d'entrée de création, les quartiers ont leur table).
SUIVIS = set(CHAMP_PAR_NOM.values()) - {Champ.QUARTIERS}
ECHELLE = Echelle(protocoles=2, actions=41)


@pytest.fixture
def jeu():
    modele = construire_protocole(engagements=2, blocs=3, obligations=3, paragraphes=1)
    lignes = construire(modele, ECHELLE, lot=1, ecrire=lambda _message: None)
    synthetiques = list(Protocole.objects.filter(slug__startswith=PREFIXE).order_by("ordre"))
    return modele, synthetiques, lignes


def test_clones_the_text_of_the_model_for_each_synthetic_protocol(jeu):
    modele, synthetiques, _lignes = jeu
    references = sorted(Obligation.objects.filter(protocole=modele).values_list("reference", flat=True))
    assert len(synthetiques) == ECHELLE.protocoles
    for protocole in synthetiques:
        assert sorted(Obligation.objects.filter(protocole=protocole).values_list("reference", flat=True)) == references
        assert protocole.quartiers.count() >= 4
        roles = set(Habilitation.objects.filter(protocole=protocole).values_list("role", flat=True))
        assert roles == {Habilitation.Role.COORDINATEUR, Habilitation.Role.CHARGE_DE_MISSION, Habilitation.Role.LECTEUR}


def test_writes_the_asked_actions_with_about_ten_entries_each(jeu):
    _modele, synthetiques, lignes = jeu
    actions = Action.objects.filter(protocole__in=synthetiques)
    assert actions.count() == lignes[Action] == ECHELLE.actions
    assert set(actions.values_list("protocole", flat=True)) == {p.pk for p in synthetiques}
    par_action = Entree.objects.filter(action__in=actions).count() / ECHELLE.actions
    assert 8 <= par_action <= 13
    assert not Entree.objects.filter(date_effet__gt=timezone.localdate()).exists()
    assert not Entree.objects.filter(action__date_creation__gt=F("date_effet")).exists()


def test_every_action_equals_the_latest_state_of_its_journal(jeu):
    _modele, synthetiques, _lignes = jeu
    verifier_actions_egales_au_journal(Action.objects.filter(protocole__in=synthetiques))


def test_each_old_value_is_the_state_just_before_the_change(jeu):
    _modele, synthetiques, _lignes = jeu
    etats = {}
    entrees = Entree.objects.filter(protocole__in=synthetiques, action__isnull=False)
    for entree in entrees.order_by("action", "date_effet", "enregistre_le", "id"):
        if entree.champ not in SUIVIS:
            continue
        _attribut, avant, apres = COLONNES[entree.champ]
        cle = (entree.action_id, entree.champ)
        if entree.version == 1:
            assert cle not in etats
        else:
            assert getattr(entree, avant) == etats.get(cle), entree
        etats[cle] = getattr(entree, apres)


def test_statuses_are_coherent_and_realised_actions_are_complete(jeu):
    _modele, synthetiques, _lignes = jeu
    actions = Action.objects.filter(protocole__in=synthetiques)
    assert not actions.filter(statut="realise").exclude(avancement=100).exists()
    assert not actions.filter(echeance__lt=F("date_debut")).exists()
    assert len(set(actions.values_list("statut", flat=True))) >= 4


def test_the_current_verdict_is_the_latest_verdict_entry(jeu):
    _modele, synthetiques, _lignes = jeu
    verdicts = Verdict.objects.filter(protocole__in=synthetiques)
    assert verdicts.exists()
    for verdict in verdicts:
        derniere = Entree.objects.filter(obligation=verdict.obligation, champ=Champ.VERDICT).order_by(*ORDRE_RECENT)[0]
        assert (derniere.verdict_apres, derniere.date_effet) == (verdict.valeur, verdict.date_effet)


def test_the_application_creates_rows_after_the_generated_ones(jeu):
    _modele, synthetiques, _lignes = jeu
    plus_grand = Action.objects.aggregate(m=Max("pk"))["m"]
    obligation = Obligation.objects.filter(protocole=synthetiques[0]).first()
    action = ActionFactory(obligation=obligation, date_effet=timezone.localdate() - datetime.timedelta(days=1))
    assert action.pk > plus_grand


def test_refuses_to_add_synthetic_protocols_twice(jeu):
    modele, _synthetiques, _lignes = jeu
    with pytest.raises(ValueError, match="déjà en base"):
        construire(modele, ECHELLE, ecrire=lambda _message: None)


# -- les rapports PDF au banc : la mise en forme (pure) et la mesure d'un tout petit rapport --------------------------


def _mesure_pdf(**champs):
    mesure = {
        "protocole": "banc-001",
        "actions": 1990,
        "seuil": 300,
        "dans_un_fils": True,
        "pages": 400,
        "secondes": 40.0,
        "s_par_page": 0.1,
        "html_s": 2.0,
        "pic_mo": 900.0,
        "avant_mo": 60.0,
        "cache_ms": 4.0,
        "balise_s_par_page": 0.11,
        "non_balise_s_par_page": 0.1,
        "libelle": "large",
        "memoire": True,
    }
    return {**mesure, **champs}


def test_pdf_targets_per_page_cache_and_child_memory():
    assert pdf.verdict(_mesure_pdf(), memoire=True) == "✓"
    lent = _mesure_pdf(s_par_page=0.2, cache_ms=50, pic_mo=2500)
    assert pdf.verdict(lent, memoire=True) == "✗ > 0.15 s/page, cached ≥ 50 ms, ≥ 2,000 MB"
    # La cible de mémoire ne vaut que pour le grand rapport, et seulement rendu dans son processus fils.
    assert pdf.verdict(_mesure_pdf(pic_mo=2500, dans_un_fils=False), memoire=False) == "✓"
    assert pdf.verdict(_mesure_pdf(dans_un_fils=False), memoire=True) == "✗ not rendered in a child process"
    assert pdf.verdict({"libelle": "large", "erreur": "boom"}) == "✗ error"


def test_pdf_table_keeps_the_median_run_and_says_where_it_was_rendered():
    essais = [_mesure_pdf(secondes=s, dans_un_fils=False, memoire=False) for s in (5.0, 3.0, 4.0)]
    demo = {**pdf.mediane(essais), "libelle": "demo"}
    assert (demo["secondes"], demo["essais"], demo["secondes_essais"]) == (4.0, 3, [5.0, 3.0, 4.0])
    lignes = pdf.tableau([demo, _mesure_pdf(), {"libelle": "cassé", "erreur": "boom"}]).splitlines()
    assert len(lignes) == 5
    assert lignes[0].count("|") == lignes[1].count("|") == lignes[2].count("|") == lignes[3].count("|")
    assert "| 4.0 (median of 3: 3.0–5.0) |" in lignes[2]
    assert "the process itself (60 MB before)" in lignes[2]
    assert "| child process | 900 | 4.0 | 0.110 / 0.100 (+10 %) | ✓ |" in lignes[3]
    assert lignes[4] == "| cassé | | | | | | | | | | ✗ error |"


def test_the_tagged_render_misses_its_target_only_where_the_untagged_one_meets_its_own():
    assert pdf.verdict(_mesure_pdf(balise_s_par_page=0.18, non_balise_s_par_page=0.14)) == "✗ tagged > 0.17 s/page"
    assert pdf.verdict(_mesure_pdf(balise_s_par_page=0.16, non_balise_s_par_page=0.14)) == "✓"


def test_pdf_section_describes_the_large_protocol_and_the_machine_load():
    base = {"nom": "suivi_bench_rapport", "construction": "reused", "protocole": "banc-001", "actions": 2000}
    base["entrees"] = 20_088
    texte = "\n".join(pdf.section({"mesures": [_mesure_pdf()], "charge_machine": (0.2, 0.9)}, base))
    assert "`banc-001` with **2,000 actions and 20,088 journal entries**" in texte
    assert "before / after these renders: 0.20 / 0.90 (" in texte
    assert "| large | 1,990 | 400 | 40.0 | 0.100 |" in texte


def test_measures_a_small_report_rendered_then_served_by_the_cache():
    protocole = construire_protocole(engagements=1, blocs=1, obligations=1, paragraphes=1)
    seuils = gc.get_threshold()
    with mock.patch.object(rendu, "rendre_pdf", wraps=rendu.rendre_pdf) as rendre:
        mesure = pdf.mesurer(protocole)
    rendus = rendre.call_count
    assert gc.get_threshold() == seuils, "le rendu relève les seuils du ramasse-miettes le temps du rendu seulement"
    assert mesure["pages"] >= 1 and mesure["secondes"] > 0
    assert (mesure["actions"], mesure["dans_un_fils"]) == (0, False)
    assert mesure["pic_mo"] >= mesure["avant_mo"] > 0
    assert mesure["cache_ms"] < mesure["secondes"] * 1000
    assert mesure["balise_s_par_page"] > 0 and mesure["non_balise_s_par_page"] > 0
    # Une seconde mesure vide d'abord le cache partagé : elle rend autant que la première, rien n'est lu du cache.
    with mock.patch.object(rendu, "rendre_pdf", wraps=rendu.rendre_pdf) as rendre:
        pdf.mesurer(protocole)
    assert rendre.call_count == rendus


def test_the_cold_writer_records_a_note_today_or_in_effect_on_the_day_asked(jeu):
    """L'écrivain des mesures froides : « slug » écrit une note en effet aujourd'hui ; « slug AAAA-MM-JJ » une note
    antidatée à ce jour, sur une action créée ce jour-là ou avant (la page « au » de ce jour change)."""
    import io

    from outils.bench import ecrivain
    from protocole.models import VersionDonnees

    _modele, synthetiques, _lignes = jeu
    protocole = synthetiques[0]
    jour = Action.objects.filter(protocole=protocole).order_by("date_creation").first().date_creation
    avant = VersionDonnees.objects.filter(protocole=protocole).values_list("numero", "numero_passe").get()
    sortie = io.StringIO()
    ecrivain.servir(io.StringIO(f"{protocole.slug}\n"), sortie)
    apres_du_jour = VersionDonnees.objects.filter(protocole=protocole).values_list("numero", "numero_passe").get()
    ecrivain.servir(io.StringIO(f"{protocole.slug} {jour.isoformat()}\n"), sortie)
    apres_antidate = VersionDonnees.objects.filter(protocole=protocole).values_list("numero", "numero_passe").get()
    assert sortie.getvalue() == "ok\nok\n"
    notes = Entree.objects.filter(protocole=protocole, commentaire=ecrivain.COMMENTAIRE).order_by("pk")
    assert [n.date_effet for n in notes] == [timezone.localdate(), jour]
    assert notes[1].action.date_creation <= jour
    # Aujourd'hui : l'état des jours passés ne bouge pas ; antidatée : il bouge.
    assert apres_du_jour[0] > avant[0] and apres_du_jour[1] == avant[1]
    assert apres_antidate[1] > apres_du_jour[1]
