from django.apps import AppConfig


class ProtocoleConfig(AppConfig):
    name = "protocole"
    verbose_name = "Protocole"

    def ready(self):
        from protocole.models import Protocole, Quartier, TextePreambule
        from protocole.versions import du_protocole, suivre

        # Ce qui change ce que montrent les pages et les rapports monte la version des données (protocole/versions.py).
        suivre(Protocole, lambda p: [p.pk])
        suivre(TextePreambule, du_protocole)
        suivre(Quartier, du_protocole)
