"""Tenir la version des données de chaque protocole (`VersionDonnees`) : chaque app déclare ici, dans son `ready()`,
les modèles dont une écriture change ce qu'une page ou un rapport montre, et comment trouver leurs protocoles.

Par les signaux de Django (post_save, post_delete, m2m_changed), la version monte dans la transaction de l'écriture,
quel que soit le chemin : vues, admin, commandes. Les écritures en masse (`bulk_create`, `update`, SQL brut) ne
déclenchent pas de signal : leur auteur appelle `VersionDonnees.monter` lui-même (l'outil de démonstration, le
caviardage d'un commentaire).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from protocole.models import VersionDonnees


def suivre(modele, protocoles, *relations, ignorer=frozenset(), suivi=False, jour_meme=False):
    """Monte la version des `protocoles(instance)` (des identifiants ; None : tous) à chaque enregistrement ou
    suppression d'une instance de `modele`, et à chaque changement de ses relations plusieurs-à-plusieurs nommées
    dans `relations`. Un enregistrement limité (`update_fields`) aux champs de `ignorer` ne compte pas : la date de
    dernière connexion d'un compte ne change rien de ce qui est montré. `suivi` : un modèle du suivi (journal, actions,
    verdicts), dont les écritures laissent `VersionDonnees.numero_hors_suivi` où il est ; `jour_meme` (une fonction
    de l'instance, ou une valeur) : cette écriture du suivi ne change que l'état d'aujourd'hui, elle laisse aussi
    `numero_passe`. Les changements de relations plusieurs-à-plusieurs montent toujours `numero_passe`."""

    def ecrit(sender, instance, raw=False, update_fields=None, **kwargs):
        if update_fields and set(update_fields) <= ignorer:
            return
        # `raw` : chargement d'une fixture (le texte signé, les données de référence), dont les liens ne se suivent
        # pas encore sûrement : tous les protocoles montent.
        if raw:
            VersionDonnees.monter(None)
            return
        # Une suppression n'est jamais « du jour même ».
        du_jour = kwargs["signal"] is post_save and (jour_meme(instance) if callable(jour_meme) else jour_meme)
        VersionDonnees.monter(protocoles(instance), suivi=suivi, jour_meme=du_jour)
        if du_jour:
            # « Aujourd'hui » au moment de l'écriture ; validée après minuit, l'entrée est d'un jour passé et un
            # tableau de bord d'hier lu entre les deux serait gardé sans elle : tous les compteurs montent alors.
            transaction.on_commit(_si_minuit_passe(timezone.localdate(), protocoles(instance)))

    def lien_change(sender, instance, action, reverse, **kwargs):
        # Changé depuis l'autre côté (`organisation.actions_partenaires.add`) : tous les protocoles montent.
        if action in ("post_add", "post_remove", "post_clear"):
            VersionDonnees.monter(None if reverse else protocoles(instance), suivi=suivi and not reverse)

    uid = f"version_donnees:{modele._meta.label}"
    post_save.connect(ecrit, sender=modele, weak=False, dispatch_uid=uid)
    post_delete.connect(ecrit, sender=modele, weak=False, dispatch_uid=uid)
    for nom in relations:
        traversant = getattr(modele, nom).through
        m2m_changed.connect(lien_change, sender=traversant, weak=False, dispatch_uid=f"{uid}:{nom}")


def _si_minuit_passe(jour, protocoles):
    """À la validation d'une écriture « du jour même » faite le `jour` : si minuit est passé entre les deux, elle
    change un jour passé, tous les compteurs des `protocoles` montent."""

    def verifier():
        if timezone.localdate() != jour:
            VersionDonnees.monter(protocoles)

    return verifier


def du_protocole(instance):
    """Pour un modèle qui porte `protocole`."""
    return [instance.protocole_id]
