from django.apps import AppConfig


class ProtocoleConfig(AppConfig):
    name = "protocole"
    verbose_name = "Protocole"
