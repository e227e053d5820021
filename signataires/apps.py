from django.apps import AppConfig


class SignatairesConfig(AppConfig):
    name = "signataires"
    verbose_name = "Signataires et organisations"

    def ready(self):
        from protocole.versions import du_protocole, suivre
        from signataires.models import (
            Appartenance,
            Habilitation,
            Organisation,
            Partie,
            Representation,
            Signataire,
            Signature,
            Utilisateur,
        )

        # Les données de référence montrées par les pages et les rapports (voir protocole/versions.py).
        suivre(Organisation, lambda _o: None)
        for modele in (Partie, Signataire, Signature, Habilitation):
            suivre(modele, du_protocole)
        suivre(Appartenance, lambda a: [a.partie.protocole_id])
        suivre(Representation, lambda r: [r.signature.protocole_id])
        suivre(
            Utilisateur,
            lambda u: list(u.habilitations.values_list("protocole_id", flat=True)),
            ignorer={"last_login", "password", "colonnes_actions"},
        )
