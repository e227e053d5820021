"""Les périodes des valeurs d'un indicateur : `AAAA` (annuelle), `AAAA-S1`/`S2` (semestrielle), `AAAA-T1`…`T4`
(trimestrielle). Une règle du modèle, écrite ici une fois : la saisie, l'import, la couche des requêtes (« sans
valeur depuis … », le bilan à l'échéance) lisent une période par `Periode.lire` et la comparent par son rang.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class Frequence(models.TextChoices):
    ANNUELLE = "annuelle", "annuelle"
    SEMESTRIELLE = "semestrielle", "semestrielle"
    TRIMESTRIELLE = "trimestrielle", "trimestrielle"


# Combien de périodes par an, la lettre de leur numéro, et comment on écrit l'exemple dans un message.
PAR_AN = {Frequence.ANNUELLE: 1, Frequence.SEMESTRIELLE: 2, Frequence.TRIMESTRIELLE: 4}
LETTRE = {Frequence.SEMESTRIELLE: "S", Frequence.TRIMESTRIELLE: "T"}
FORME = {
    Frequence.ANNUELLE: "AAAA (par exemple 2021)",
    Frequence.SEMESTRIELLE: "AAAA-S1 ou AAAA-S2 (par exemple 2021-S2)",
    Frequence.TRIMESTRIELLE: "AAAA-T1 à AAAA-T4 (par exemple 2021-T3)",
}
NOMS = {
    Frequence.SEMESTRIELLE: ("1er semestre", "2e semestre"),
    Frequence.TRIMESTRIELLE: ("1er trimestre", "2e trimestre", "3e trimestre", "4e trimestre"),
}
MOTIF = re.compile(r"^\s*(\d{4})\s*(?:-\s*([STst])\s*(\d)\s*)?$")


@dataclass(frozen=True, order=True)
class Periode:
    """Une période d'un indicateur. Ordonnée par son rang (année × périodes par an + numéro − 1) : deux périodes
    d'une même fréquence se comparent, se suivent (`suivante`, `precedente`) et se comptent (`ecart`)."""

    rang: int
    frequence: str

    @classmethod
    def lire(cls, texte, frequence):
        """La période écrite `texte` (« 2021 », « 2021-S2 », « 2021-t3 ») pour un indicateur de cette fréquence ;
        ValidationError en français sinon, avec la forme attendue."""
        frequence = Frequence(frequence)
        trouve = MOTIF.match(str(texte or ""))
        forme = FORME[frequence]
        if not trouve:
            raise ValidationError(f"Période « {texte} » illisible : écrivez {forme}.", code="illisible")
        annee, lettre, numero = int(trouve[1]), (trouve[2] or "").upper(), int(trouve[3] or 1)
        attendue = LETTRE.get(frequence, "")
        if lettre != attendue or not 1 <= numero <= PAR_AN[frequence]:
            raise ValidationError(
                f"La période « {texte} » ne correspond pas à la fréquence {frequence.label} de l'indicateur : "
                f"écrivez {forme}.",
                code="frequence",
            )
        if not 1900 <= annee <= 9998:
            raise ValidationError(f"Année {annee} hors de portée.", code="illisible")
        return cls(annee * PAR_AN[frequence] + numero - 1, frequence.value)

    @classmethod
    def contenant(cls, date, frequence):
        """La période de cette fréquence qui contient le jour `date`."""
        par_an = PAR_AN[Frequence(frequence)]
        return cls(date.year * par_an + (date.month - 1) * par_an // 12, Frequence(frequence).value)

    @classmethod
    def derniere_close(cls, date, frequence):
        """La dernière période entièrement écoulée le jour `date` (finie ce jour-là ou avant)."""
        courante = cls.contenant(date, frequence)
        return courante if courante.fin <= date else courante.precedente

    @property
    def par_an(self):
        return PAR_AN[Frequence(self.frequence)]

    @property
    def annee(self):
        return self.rang // self.par_an

    @property
    def numero(self):
        return self.rang % self.par_an + 1

    @property
    def code(self):
        """Comme on l'écrit dans un fichier d'import et comme elle est enregistrée : « 2021-T3 »."""
        lettre = LETTRE.get(Frequence(self.frequence))
        return f"{self.annee}-{lettre}{self.numero}" if lettre else str(self.annee)

    @property
    def libelle(self):
        """En toutes lettres : « 3e trimestre 2021 », « 2021 »."""
        noms = NOMS.get(Frequence(self.frequence))
        return f"{noms[self.numero - 1]} {self.annee}" if noms else str(self.annee)

    @property
    def debut(self):
        return datetime.date(self.annee, (self.numero - 1) * 12 // self.par_an + 1, 1)

    @property
    def fin(self):
        return self.suivante.debut - datetime.timedelta(days=1)

    @property
    def suivante(self):
        return Periode(self.rang + 1, self.frequence)

    @property
    def precedente(self):
        return Periode(self.rang - 1, self.frequence)

    def ecart(self, autre):
        """Combien de périodes séparent `autre` de celle-ci (positif quand `autre` est plus tard)."""
        return autre.rang - self.rang

    def __str__(self):
        return self.code
