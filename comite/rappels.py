"""Les récapitulatifs par courriel (`manage.py envoyer_rappels`, chaque jour par cron) : à chaque personne, ses actions
en retard et sans nouvelles (les règles de `engagements.tableaux`) et les décisions du comité qui lui reviennent.

Qui reçoit quoi, écrit ici une seule fois :
- une action en retard ou sans nouvelles va à son référent ; sans référent, à chaque chargé·e de mission de son
  organisation pilote ;
- une décision du comité, ni faite ni abandonnée, dont l'échéance est dépassée ou dans les 30 jours, va à sa personne
  responsable et à chaque membre du protocole de son organisation responsable ;
- le récapitulatif hebdomadaire part le jour `RAPPELS_JOUR` à qui ne l'a pas arrêté
  (`Utilisateur.rappel_hebdomadaire`) ; `RAPPELS_AVANT_COMITE` jours avant une réunion du comité, le même part à tous
  ceux qu'il concerne, quel que soit le jour, sauf si la coordination l'a arrêté pour eux
  (`Habilitation.rappel_avant_comite`) ;
- un récapitulatif vide ne part pas ; une personne reçoit au plus un courriel par jour et par protocole (`EnvoiRappel`).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comite.models import Decision, EnvoiRappel, Reunion
from engagements.models import Action
from engagements.tableaux import avec_drapeaux
from signataires.models import Habilitation

HORIZON_DECISIONS = datetime.timedelta(days=30)


@dataclass
class Recapitulatif:
    habilitation: Habilitation
    en_retard: list = field(default_factory=list)
    sans_nouvelles: list = field(default_factory=list)
    decisions: list = field(default_factory=list)

    @property
    def vide(self):
        return not (self.en_retard or self.sans_nouvelles or self.decisions)

    @property
    def destinataire(self):
        return self.habilitation.utilisateur

    def resume(self):
        return (
            f"{len(self.en_retard)} action(s) en retard : {', '.join(str(a.pk) for a in self.en_retard) or '—'} ; "
            f"{len(self.sans_nouvelles)} sans nouvelles : {', '.join(str(a.pk) for a in self.sans_nouvelles) or '—'} ; "
            f"{len(self.decisions)} décision(s) : {', '.join(str(d.pk) for d in self.decisions) or '—'}"
        )


def reunion_dans(protocole, jour):
    """La réunion du comité qui se tient `RAPPELS_AVANT_COMITE` jours après `jour`, ou None."""
    date = jour + datetime.timedelta(days=settings.RAPPELS_AVANT_COMITE)
    return Reunion.objects.filter(protocole=protocole, date=date).order_by("id").first()


def recapitulatifs(protocole, jour):
    """{utilisateur: Recapitulatif} de tous ceux qu'un récapitulatif concerne le jour `jour`, vides exclus."""
    habilitations = {
        h.utilisateur_id: h
        for h in Habilitation.objects.filter(protocole=protocole).select_related("utilisateur", "organisation")
    }
    chargees = {}
    for h in habilitations.values():
        if h.role == Habilitation.Role.CHARGE_DE_MISSION:
            chargees.setdefault(h.organisation_id, []).append(h.utilisateur_id)
    par_personne = {}

    def pour(utilisateur_id):
        habilitation = habilitations.get(utilisateur_id)
        if habilitation is None or not habilitation.utilisateur.is_active or not habilitation.utilisateur.email:
            return None
        return par_personne.setdefault(utilisateur_id, Recapitulatif(habilitation))

    signalees = avec_drapeaux(Action.objects.filter(protocole=protocole), au=jour).filter(
        Q(est_en_retard=True) | Q(est_sans_nouvelles=True)
    )
    for action in signalees.select_related("obligation").order_by("echeance", "titre", "pk"):
        destinataires = [action.referent_au] if action.referent_au else chargees.get(action.pilote_au, [])
        for utilisateur_id in destinataires:
            if (recap := pour(utilisateur_id)) is not None:
                (recap.en_retard if action.est_en_retard else recap.sans_nouvelles).append(action)

    decisions = (
        Decision.objects.filter(reunion__protocole=protocole, echeance__lte=jour + HORIZON_DECISIONS)
        .exclude(suivi__in=[Decision.Suivi.FAITE, Decision.Suivi.ABANDONNEE])
        .select_related("reunion", "responsable", "responsable_personne")
        .order_by("echeance", "pk")
    )
    for decision in decisions:
        decision.en_retard = decision.en_retard_au(jour)
        destinataires = {decision.responsable_personne_id} - {None}
        destinataires |= {u for u, h in habilitations.items() if h.organisation_id == decision.responsable_id}
        for utilisateur_id in sorted(destinataires):
            if (recap := pour(utilisateur_id)) is not None:
                recap.decisions.append(decision)
    return {u: r for u, r in par_personne.items() if not r.vide}


def lien(nom, *args):
    """Une adresse absolue, bâtie sur `SITE_URL`."""
    return settings.SITE_URL + reverse(nom, args=args)


def courriel(recap, protocole, jour, reunion=None):
    utilisateur = recap.destinataire
    for action in recap.en_retard + recap.sans_nouvelles:
        action.lien = lien("action", action.pk)
    for decision in recap.decisions:
        decision.lien = lien("reunion", decision.reunion_id)
    contexte = {
        "recap": recap,
        "utilisateur": utilisateur,
        "habilitation": recap.habilitation,
        "protocole": protocole,
        "jour": jour,
        "reunion": reunion,
        "lien_mes_actions": lien("mes_actions"),
        "lien_compte": lien("compte"),
        "lien_reunion": lien("reunion", reunion.pk) if reunion else None,
    }
    if reunion:
        sujet = f"Le comité de pilotage se réunit le {reunion.date:%d/%m/%Y} : ce qui vous concerne"
    else:
        sujet = f"Votre récapitulatif du suivi du protocole — {protocole.territoire}"
    message = EmailMultiAlternatives(
        subject=sujet,
        body=render_to_string("comite/rappels/recapitulatif.txt", contexte),
        to=[utilisateur.email],
    )
    message.attach_alternative(render_to_string("comite/rappels/recapitulatif.html", contexte), "text/html")
    return message


def envoyer(protocole, jour=None, simuler=False):
    """Envoie les récapitulatifs de `protocole` dus le jour `jour` (aujourd'hui) ; renvoie [(EnvoiRappel, recap)].
    Rien pour qui a déjà reçu son courriel ce jour-là, rien quand ce n'est ni le jour de la semaine ni
    l'avant-comité."""
    jour = jour or timezone.localdate()
    reunion = reunion_dans(protocole, jour)
    hebdomadaire = jour.weekday() == settings.RAPPELS_JOUR
    if reunion is None and not hebdomadaire:
        return []
    deja = set(EnvoiRappel.objects.filter(protocole=protocole, jour=jour).values_list("destinataire_id", flat=True))
    envois = []
    for utilisateur_id, recap in recapitulatifs(protocole, jour).items():
        if utilisateur_id in deja:
            continue
        if reunion is not None and recap.habilitation.rappel_avant_comite:
            sorte, pour_reunion = EnvoiRappel.Sorte.AVANT_COMITE, reunion
        elif hebdomadaire and recap.destinataire.rappel_hebdomadaire:
            sorte, pour_reunion = EnvoiRappel.Sorte.HEBDOMADAIRE, None
        else:
            continue
        envoi = EnvoiRappel(
            protocole=protocole,
            destinataire=recap.destinataire,
            jour=jour,
            sorte=sorte,
            reunion=pour_reunion,
            adresse=recap.destinataire.email,
            resume=recap.resume(),
        )
        if simuler:
            envois.append((envoi, recap))
            continue
        try:
            with transaction.atomic():
                envoi.save()  # d'abord la trace : deux passages simultanés n'envoient pas deux fois
                courriel(recap, protocole, jour, pour_reunion).send()
        except IntegrityError:
            continue
        envois.append((envoi, recap))
    return envois
