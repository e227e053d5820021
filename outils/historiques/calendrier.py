"""Dater les histoires par rapport au jour du passage : créations entre le 1er mars 2019 et il y a un mois, derniers
changements surtout récents, échéances autour d'aujourd'hui (les actions marquées en retard le sont, celles sans
nouvelles n'ont rien reçu depuis plus de 90 jours). Un tirage à part de celui du plan : la structure ne dépend pas du
jour du passage."""

import datetime

from engagements.models.regles import UN_JOUR
from outils.historiques.plan import DEBUT, DEBUT_REVUES, ECHEANCE, MOTIFS_VERDICT, jour_entre, moment


def placer(rng, histoire, aujourdhui, maintenant):
    """Pose la création, le début, l'échéance initiale, le jour et le moment de chaque événement ; le report
    d'échéance prend sa date (ou disparaît quand l'échéance ne change pas)."""
    n = len(histoire.evenements)
    if histoire.ouverte and histoire.sans_nouvelles:
        dernier = aujourdhui - rng.randint(95, 500) * UN_JOUR
        creation = dernier if n == 0 else jour_entre(rng, DEBUT, dernier - (n + 10) * UN_JOUR)
    elif histoire.ouverte:
        if n == 0:
            creation = dernier = aujourdhui - rng.randint(30, 85) * UN_JOUR
        else:
            dernier = aujourdhui - rng.randint(0, 60) * UN_JOUR
            creation = jour_entre(rng, DEBUT, min(aujourdhui - 30 * UN_JOUR, dernier - (n + 5) * UN_JOUR))
    else:
        creation = jour_entre(rng, DEBUT, aujourdhui - max(30, n + 5) * UN_JOUR)
        dernier = jour_entre(rng, creation + (n + 5) * UN_JOUR, aujourdhui)
    jours = []
    if n:
        jours = sorted(rng.sample(range(creation.toordinal() + 1, dernier.toordinal()), n - 1))
        jours = [datetime.date.fromordinal(j) for j in jours] + [dernier]

    debut = creation + rng.randint(0, 20) * UN_JOUR if histoire.avec_debut else None
    plancher = debut or creation
    if not histoire.avec_echeance:
        echeance = None
    elif histoire.en_retard:
        echeance = max(plancher, aujourdhui - rng.randint(1, 200) * UN_JOUR)
    elif histoire.ouverte:
        echeance = aujourdhui + rng.randint(7, 420) * UN_JOUR
    else:
        echeance = max(plancher, dernier + rng.randint(-90, 180) * UN_JOUR)
    initiale = echeance
    if echeance and any(e.changements.get("echeance") is ECHEANCE for e in histoire.evenements):
        if (echeance - plancher).days > 30:
            initiale = max(plancher, echeance - rng.randint(30, 400) * UN_JOUR)
        else:
            initiale = echeance + rng.randint(30, 200) * UN_JOUR

    histoire.creation, histoire.moment = creation, moment(rng, creation, maintenant)
    histoire.debut, histoire.echeance = debut, initiale
    places = []
    for evenement, jour in zip(histoire.evenements, jours, strict=True):
        evenement.jour, evenement.moment = jour, moment(rng, jour, maintenant)
        if evenement.changements.get("echeance") is ECHEANCE:
            if echeance is None or echeance == initiale:
                continue
            evenement.changements = {**evenement.changements, "echeance": echeance}
        places.append(evenement)
    histoire.evenements = places
    return histoire


def placer_verdicts(rng, verdicts, aujourdhui, maintenant):
    """[(obligation, [(verdict, jour, moment, motif)])] : une première revue entre juin 2020 et 200 jours avant
    aujourd'hui, la seconde au moins 90 jours après."""
    places = []
    for cible, valeurs in verdicts:
        premiere = jour_entre(rng, DEBUT_REVUES, aujourdhui - 200 * UN_JOUR)
        jours = [premiere]
        if len(valeurs) > 1:
            jours.append(jour_entre(rng, premiere + 90 * UN_JOUR, aujourdhui))
        suite = [
            (valeur, jour, moment(rng, jour, maintenant), rng.choice(MOTIFS_VERDICT[valeur]))
            for valeur, jour in zip(valeurs, jours, strict=True)
        ]
        places.append((cible, suite))
    return places
