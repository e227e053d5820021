"""Les fixtures tiennent le texte signé mot pour mot.

Ce test relit la transcription avec sa propre logique (il recompose le texte à partir de la base et le compare à la
source, espaces réduits) : il ne partage rien avec la commande construire_fixtures qui a produit les fixtures.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from engagements.models import Bloc, Engagement, Obligation
from protocole.models import Protocole, Quartier, TextePreambule
from signataires.models import Appartenance, Representation, Signataire, Signature

SOURCE = Path(__file__).resolve().parents[2] / "docs" / "source" / "protocole-pays-voironnais.txt"

# Les comptes du texte, écrits à la main : parties de chaque engagement et nombre de points de chaque bloc.
BLOCS_ATTENDUS = {
    1: [("PT", 3), ("ETAT", 7), ("CAF", 1)],
    2: [("PT", 3), ("ETAT", 3), ("CAF", 9)],
    3: [("PT", 3), ("ETAT", 5), ("CAF", 1)],
    4: [("PT", 3), ("ETAT", 3), ("ARS", 4)],
    5: [("PT", 3), ("ETAT", 4), ("CAF", 1), ("CAPV", 2)],
}


def espaces_reduits(texte):
    return " ".join(texte.split())


def source():
    return SOURCE.read_text(encoding="utf-8")


def entre(texte, debut, fin):
    """Le morceau de texte qui commence à `debut` (inclus) et s'arrête avant `fin`."""
    i = texte.index(debut)
    return texte[i : texte.index(fin, i)]


@pytest.fixture
def protocole(db):
    call_command("loaddata", "protocole_pays_voironnais", verbosity=0)
    call_command("loaddata", "referentiel_pays_voironnais", verbosity=0)
    return Protocole.objects.get(slug="pays-voironnais")


def test_the_blocks_and_their_obligations_have_the_counts_of_the_text(protocole):
    blocs = Bloc.objects.filter(engagement__protocole=protocole).order_by("engagement__numero", "ordre")
    trouves = {}
    for bloc in blocs.select_related("engagement", "partie"):
        trouves.setdefault(bloc.engagement.numero, []).append((bloc.partie.code, bloc.obligations.count()))
    assert trouves == BLOCS_ATTENDUS
    assert Obligation.objects.filter(protocole=protocole).count() == 55
    assert blocs.count() == 16


def test_the_engagements_reproduce_the_signed_text_verbatim_and_in_order(protocole):
    """Recompose, depuis la base, tout le texte des engagements et le compare à la source (espaces réduits)."""
    morceaux = []
    engagements = Engagement.objects.filter(protocole=protocole).order_by("numero")
    for engagement in engagements:
        if engagement.titre_du_texte:
            morceaux.append(f"ENGAGEMENT RENFORCÉ N°{engagement.numero} : {engagement.titre}")
        for bloc in engagement.blocs.order_by("ordre"):
            morceaux.append(bloc.intitule)
            for obligation in bloc.obligations.order_by("rang"):
                morceaux.append(f"- {obligation.texte}")
                morceaux.extend(p.texte for p in obligation.paragraphes.order_by("ordre"))
    attendu = entre(source(), "Les partenaires territoriaux s'engagent à :", "Signatures :")
    assert espaces_reduits(" ".join(morceaux)) == espaces_reduits(attendu)


def test_only_engagements_2_to_4_carry_a_title_printed_in_the_text(protocole):
    marques = dict(Engagement.objects.filter(protocole=protocole).values_list("numero", "titre_du_texte"))
    assert marques == {1: False, 2: True, 3: True, 4: True, 5: False}


def test_the_references_say_engagement_party_and_rank(protocole):
    obligation = Obligation.objects.get(protocole=protocole, reference="E2-CAF-4")
    assert obligation.texte.startswith("Rappeler les qualifications et temps de travail")
    assert obligation.texte.endswith("(agrée CAF) ;")
    emploi = Obligation.objects.get(protocole=protocole, reference="E1-PT-1")
    assert [p.texte[:40] for p in emploi.paragraphes.order_by("ordre")] == [
        "Localement, les partenaires de l'emploi ",
        "La Maison de l'Emploi consacrerait égale",
    ]


def test_a_sentence_with_s_engage_a_inside_a_paragraph_stays_a_paragraph(protocole):
    obligation = Obligation.objects.get(protocole=protocole, reference="E1-PT-3")
    assert obligation.paragraphes.filter(texte__contains="le Pays Voironnais s'engage à acheter des locaux").exists()
    assert not Bloc.objects.filter(intitule__contains="acheter des locaux").exists()


def test_the_preamble_holds_context_axes_principles_and_general_commitment_verbatim(protocole):
    morceaux = [protocole.intitule_contrat, protocole.titre]
    for texte in TextePreambule.objects.filter(protocole=protocole).order_by("ordre"):
        puce = texte.nature in (TextePreambule.Nature.AXE, TextePreambule.Nature.PRINCIPE)
        morceaux.append(f"- {texte.texte}" if puce else texte.texte)
    attendu = source()[: source().index("Les partenaires territoriaux s'engagent à :")]
    assert espaces_reduits(" ".join(morceaux)) == espaces_reduits(attendu)
    natures = list(TextePreambule.objects.filter(protocole=protocole).values_list("nature", flat=True))
    assert natures.count("axe") == 3
    assert natures.count("principe") == 3
    assert natures[-1] == "engagement"
    assert protocole.date_signature is None
    assert (protocole.annee_debut, protocole.annee_fin) == (2015, 2022)


def test_the_seventeen_signatures_keep_their_printed_titles_in_order(protocole):
    signatures = Signature.objects.filter(protocole=protocole).order_by("ordre").select_related("signataire")
    assert signatures.count() == 17
    recompose = " ".join(f"{s.titre} {s.signataire.nom}" for s in signatures)
    attendu = source().split("Signatures :", 1)[1].replace("**", "")
    assert recompose == espaces_reduits(attendu)
    assert signatures[6].titre == (
        "La Présidente de la Maison de l'Emploi et de la Formation des Pays Voironnais et Sud Grésivaudan"
    )


def test_monnot_signs_twice_as_one_person_for_two_organisations(protocole):
    monnot = Signataire.objects.get(protocole=protocole, nom="MONNOT Didier")
    assert Signataire.objects.filter(protocole=protocole).count() == 16
    organisations = Representation.objects.filter(signature__signataire=monnot).order_by("signature__ordre")
    assert [r.organisation.slug for r in organisations] == ["absise", "pluralis"]


def test_every_signing_organisation_belongs_to_a_party_and_assumed_memberships_are_marked(protocole):
    signataires = set(Representation.objects.values_list("organisation", flat=True))
    membres = set(Appartenance.objects.filter(partie__protocole=protocole).values_list("organisation", flat=True))
    assert len(signataires) == 17
    assert signataires <= membres
    assert Appartenance.objects.get(partie__code="CAF", organisation__slug="caf-isere").enoncee_par_le_texte
    assert not Appartenance.objects.get(partie__code="PT", organisation__slug="ville-voiron").enoncee_par_le_texte


def test_quartiers_hold_only_verified_facts(protocole):
    quartiers = {q.slug: q for q in Quartier.objects.filter(protocole=protocole)}
    assert list(quartiers) == ["brunetiere", "baltiss", "bourg-vieux", "croix-maurin"]
    brunetiere = quartiers["brunetiere"]
    assert (brunetiere.nom, brunetiere.nature, brunetiere.commune) == ("Brunetière", "qpv", "Voiron")
    assert all(q.code_officiel == "" and q.population is None for q in quartiers.values())
    assert quartiers["croix-maurin"].commune == ""
    assert {q.nature for s, q in quartiers.items() if s != "brunetiere"} == {"veille"}
