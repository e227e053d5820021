"""Les indicateurs de démonstration, tous fictifs (leur nom commence par « [Démo] », comme les actions) : cinq
indicateurs d'obligations du texte signé, leurs valeurs de départ et cibles, et des valeurs par période depuis 2019,
saisies par les comptes de démonstration peu après la fin de chaque période, avec quelques corrections.

Les chiffres sont tirés au sort (graine fixe) autour d'une tendance écrite ici ; ils ne décrivent aucun quartier réel.
Ils sont écrits par `Valeur.enregistrer`, comme l'interface les écrirait, antidatés.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from engagements.models import Frequence, Indicateur, Obligation, Periode, Repere, Sens, Unite, Valeur
from outils.demo.suivi import PREFIXE
from protocole.models import Quartier
from signataires.models import Organisation

PREMIERE_ANNEE = 2019
JOURS_APRES_LA_PERIODE = 20
SOURCE_FICTIVE = " (chiffres fictifs de démonstration)"

# (référence, nom, obligation, unité, sens, fréquence, fournisseur, saisi par, source,
#  {quartier ou None: (départ, cible, première valeur, pas par période, dernière période saisie ou None)})
INDICATEURS = [
    (
        "DEMO-01",
        "Habitants des QPV accompagnés vers l'emploi par les centres sociaux",
        "E1-CAF-1",
        Unite.PERSONNES,
        Sens.HAUSSE,
        Frequence.TRIMESTRIELLE,
        "caf-isere",
        "demo-caf",
        "Bilans d'activité des centres sociaux agréés",
        {"brunetiere": (18, 40, 20, 0.8, None), None: (45, 90, 48, 1.4, None)},
    ),
    (
        "DEMO-02",
        "Contrats d'apprentissage signés par des habitants des QPV",
        "E1-PT-2",
        Unite.NOMBRE,
        Sens.HAUSSE,
        Frequence.ANNUELLE,
        "pays-voironnais",
        "demo-coordination",
        "Chambres consulaires, extraction annuelle",
        {"brunetiere": (6, 12, 7, 1.2, None), None: (14, 24, 15, 1.6, None)},
    ),
    (
        "DEMO-03",
        "Enfants suivis par le Programme de Réussite Éducative",
        "E2-ETAT-1",
        Unite.PERSONNES,
        Sens.HAUSSE,
        Frequence.SEMESTRIELLE,
        "ville-voiron",
        "demo-coordination",
        "Tableau de bord du PRE de Voiron",
        {"brunetiere": (60, 80, 62, -0.6, None), "baltiss": (None, 25, 18, 0.5, None)},
    ),
    (
        "DEMO-04",
        "Participants au dispositif sport sur ordonnance",
        "E4-PT-2",
        Unite.PERSONNES,
        Sens.HAUSSE,
        Frequence.TRIMESTRIELLE,
        "ars-ara",
        "demo-ars",
        "Bilan du dispositif sport-santé",
        {"brunetiere": (5, 20, 6, 0.7, None), None: (25, 60, 26, 1.5, None)},
    ),
    (
        "DEMO-05",
        "Droits à l'assurance maladie ouverts après un bilan de santé",
        "E4-ARS-1",
        Unite.POURCENTAGE,
        Sens.HAUSSE,
        Frequence.SEMESTRIELLE,
        "ars-ara",
        "demo-ars",
        "Médiation en santé, suivi des bilans",
        {"brunetiere": (35, 60, 36, 1.8, "2025-S1")},
    ),
]


def creer_indicateurs(protocole, comptes):
    """Crée les indicateurs de démonstration et leurs valeurs (la première fois seulement). Renvoie leur nombre de
    valeurs écrites."""
    if Indicateur.objects.filter(protocole=protocole, nom__startswith=PREFIXE).exists():
        return 0
    rng = random.Random(16)
    maintenant = timezone.now()
    aujourdhui = timezone.localdate()
    obligations = {o.reference: o for o in Obligation.objects.filter(protocole=protocole)}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    quartiers = {q.slug: q for q in Quartier.objects.filter(protocole=protocole)}
    ecrites = 0
    for reference, nom, obligation, unite, sens, frequence, fournisseur, saisi_par, source, lieux in INDICATEURS:
        indicateur = Indicateur.objects.create(
            protocole=protocole,
            obligation=obligations[obligation],
            reference=reference,
            nom=PREFIXE + nom,
            definition=f"Indicateur fictif de démonstration : {nom[0].lower()}{nom[1:]}, compté sur la période.",
            unite=unite,
            sens=sens,
            source=source + SOURCE_FICTIVE,
            fournisseur=organisations[fournisseur],
            frequence=frequence,
            cree_le=maintenant - datetime.timedelta(days=365 * 7),
        )
        indicateur.actions.set(obligations[obligation].actions.filter(archivee=False)[:2])
        auteur = comptes[saisi_par]
        for slug, (depart, cible, premiere, pas, fin) in lieux.items():
            quartier = quartiers[slug] if slug else None
            Repere.objects.create(
                indicateur=indicateur,
                quartier=quartier,
                base_valeur=depart,
                base_date=datetime.date(PREMIERE_ANNEE - 1, 12, 31) if depart is not None else None,
                cible_valeur=cible,
                cible_date=datetime.date(protocole.annee_fin, 12, 31),
            )
            periode = Periode.contenant(datetime.date(PREMIERE_ANNEE, 1, 1), frequence)
            derniere = Periode.lire(fin, frequence) if fin else Periode.derniere_close(aujourdhui, frequence)
            niveau = premiere
            while periode <= derniere:
                niveau = max(0, niveau + pas + rng.uniform(-abs(pas) * 1.5, abs(pas) * 1.5))
                valeur = Decimal(str(round(niveau, 1 if unite == Unite.POURCENTAGE else 0)))
                quand = timezone.make_aware(
                    datetime.datetime.combine(
                        periode.fin + datetime.timedelta(days=JOURS_APRES_LA_PERIODE), datetime.time(10)
                    )
                )
                quand = min(quand, maintenant)
                Valeur.enregistrer(
                    indicateur,
                    quartier=quartier,
                    periode=periode,
                    valeur=valeur,
                    auteur=auteur,
                    source=source,
                    maintenant=quand,
                )
                ecrites += 1
                if rng.random() < 0.06 and quand + datetime.timedelta(days=30) < maintenant:
                    # Une correction, un mois après : la valeur était mal recopiée.
                    Valeur.enregistrer(
                        indicateur,
                        quartier=quartier,
                        periode=periode,
                        valeur=valeur + (1 if unite != Unite.POURCENTAGE else Decimal("0.5")),
                        auteur=auteur,
                        source=source,
                        commentaire="Correction fictive : chiffre mal recopié dans la première saisie.",
                        maintenant=quand + datetime.timedelta(days=30),
                    )
                    ecrites += 1
                periode = periode.suivante
    return ecrites
