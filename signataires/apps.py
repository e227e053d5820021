from django.apps import AppConfig


class SignatairesConfig(AppConfig):
    name = "signataires"
    verbose_name = "Signataires et organisations"
