from django.apps import AppConfig


class ComiteConfig(AppConfig):
    name = "comite"
    verbose_name = "Comité de pilotage"

    def ready(self):
        from comite.models import Decision, RapportArchive, Reunion, Visa
        from protocole.versions import du_protocole, suivre

        # Chaque changement du comité monte la version des données (protocole/versions.py).
        suivre(Reunion, du_protocole)
        suivre(Decision, lambda d: [d.reunion.protocole_id], "obligations", "actions")
        suivre(RapportArchive, lambda a: [a.reunion.protocole_id])
        suivre(Visa, lambda v: [v.archive.reunion.protocole_id])
