from django.apps import AppConfig
from django.db.models.signals import post_save


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = "Engagements et suivi"

    def ready(self):
        from engagements.models import (
            Action,
            Bloc,
            Engagement,
            Entree,
            Indicateur,
            Obligation,
            Paragraphe,
            Repere,
            Valeur,
            Verdict,
        )
        from protocole.models import Quartier
        from protocole.versions import du_protocole, suivre

        # Le texte, le suivi et le journal : chaque écriture monte la version des données (protocole/versions.py).
        for modele in (Engagement, Obligation):
            suivre(modele, du_protocole)
        suivre(Bloc, lambda b: [b.engagement.protocole_id])
        suivre(Paragraphe, lambda p: [p.obligation.protocole_id])
        # Le suivi : ce que ne lit pas ce qui est gardé sur `numero_hors_suivi` (les indicateurs). Une entrée du
        # journal en effet aujourd'hui, ni correction ni caviardage, ne change aucun jour passé : elle laisse
        # `numero_passe`, la clé des tableaux de bord « état au » un jour passé. Les lignes d'action et de verdict ne
        # s'écrivent qu'avec les entrées qui les accompagnent (`Action.creer`, `Action.enregistrer`,
        # `Verdict.donner`) : ce sont elles qui décident.
        suivre(Entree, du_protocole, suivi=True, jour_meme=Entree.du_jour_meme)
        suivre(Verdict, du_protocole, suivi=True, jour_meme=True)
        suivre(Action, du_protocole, "quartiers", "partenaires", suivi=True, jour_meme=True)
        # Les indicateurs : leur définition, leurs repères et leurs valeurs (issue 16).
        suivre(Indicateur, du_protocole, "actions")
        suivre(Valeur, du_protocole)
        suivre(Repere, lambda r: [r.indicateur.protocole_id])

        from engagements.selecteurs import declarer_les_genres

        declarer_les_genres()  # obligations, organisations, référents, actions : /choix/<genre>/

        # Le texte cherchable des actions suit le texte de leur obligation et le nom de leurs quartiers, corrigés
        # dans l'admin (les actions elles-mêmes l'écrivent dans leurs méthodes : engagements/models/recherche.py).
        post_save.connect(_obligation_changee, sender=Obligation, dispatch_uid="recherche:obligation")
        post_save.connect(_quartier_change, sender=Quartier, dispatch_uid="recherche:quartier")


def _obligation_changee(sender, instance, **kwargs):
    from engagements.models.recherche import indexer

    indexer(instance.actions.all())


def _quartier_change(sender, instance, **kwargs):
    from engagements.models.recherche import indexer

    indexer(instance.actions.all())
