from django.apps import AppConfig


class ProtocoleConfig(AppConfig):
    name = "protocole"
    verbose_name = "Protocole"

    def ready(self):
        from protocole.models import Decision, Protocole, Quartier, RapportArchive, Reunion, TextePreambule, Visa
        from protocole.versions import du_protocole, suivre

        # Ce qui change ce que montrent les pages et les rapports monte la version des données (protocole/versions.py).
        suivre(Protocole, lambda p: [p.pk])
        suivre(TextePreambule, du_protocole)
        suivre(Quartier, du_protocole)
        suivre(Reunion, du_protocole)
        suivre(Decision, lambda d: [d.reunion.protocole_id], "obligations", "actions")
        suivre(RapportArchive, lambda a: [a.reunion.protocole_id])
        suivre(Visa, lambda v: [v.archive.reunion.protocole_id])
