from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = "Engagements et suivi"

    def ready(self):
        from engagements.models import Action, Bloc, Engagement, Entree, Obligation, Paragraphe, Verdict
        from protocole.versions import du_protocole, suivre

        # Le texte, le suivi et le journal : chaque écriture monte la version des données (protocole/versions.py).
        for modele in (Engagement, Obligation, Entree, Verdict):
            suivre(modele, du_protocole)
        suivre(Bloc, lambda b: [b.engagement.protocole_id])
        suivre(Paragraphe, lambda p: [p.obligation.protocole_id])
        suivre(Action, du_protocole, "quartiers", "partenaires")
