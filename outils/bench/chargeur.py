"""Écrire beaucoup de lignes vite : `COPY` sur PostgreSQL, `bulk_create` ailleurs (la suite tourne aussi sur SQLite).

Les identifiants sont choisis ici, à la suite du plus grand déjà en base, pour relier les lignes entre elles sans
relire la base ; les séquences sont recalées à la fin (`recaler_sequences`).
"""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

TAILLE_LOT_ORM = 1000


class Table:
    """Les lignes en attente pour la table d'un modèle, chacune un dict {colonne: valeur}. Une colonne absente prend
    le défaut du champ (chaîne vide pour un texte non nul, None pour un champ nul, le défaut déclaré sinon)."""

    def __init__(self, modele):
        self.modele = modele
        champs = modele._meta.concrete_fields
        self.colonnes = [f.column for f in champs]
        self.attributs = {f.column: f.attname for f in champs}
        self.defauts = {f.column: f.get_default() for f in champs}
        self.suivant = (modele.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.lignes = []
        self.ecrites = 0

    def reserver(self):
        """Un identifiant pour une ligne ajoutée plus tard (ses lignes filles le citent avant qu'elle soit écrite)."""
        self.suivant += 1
        return self.suivant - 1

    def ajouter(self, **valeurs):
        """Met une ligne en attente et renvoie son identifiant (réservé ou le suivant ; une clé primaire qui est une
        clé étrangère, comme `TexteRecherche.action`, est toujours donnée)."""
        cle = self.modele._meta.pk.column
        if cle not in valeurs:
            valeurs[cle] = self.reserver()
        self.lignes.append(valeurs)
        return valeurs[cle]

    def vider(self):
        """Écrit les lignes en attente."""
        lignes, self.lignes = self.lignes, []
        if not lignes:
            return
        inconnues = set().union(*lignes) - self.defauts.keys()
        if inconnues:
            raise ValueError(f"{self.modele.__name__} : colonnes inconnues {sorted(inconnues)}")
        if connection.vendor == "postgresql":
            self._copier(lignes)
        else:
            objets = [self.modele(**{self.attributs[c]: v for c, v in ligne.items()}) for ligne in lignes]
            self.modele.objects.bulk_create(objets, batch_size=TAILLE_LOT_ORM)
        self.ecrites += len(lignes)

    def _copier(self, lignes):
        nom = connection.ops.quote_name
        colonnes, defauts = self.colonnes, self.defauts
        requete = f"COPY {nom(self.modele._meta.db_table)} ({', '.join(nom(c) for c in colonnes)}) FROM STDIN"
        with connection.cursor() as curseur, curseur.copy(requete) as copie:
            for ligne in lignes:
                copie.write_row([ligne.get(c, defauts[c]) for c in colonnes])


def recaler_sequences(modeles):
    """Après des identifiants choisis à la main, la prochaine ligne créée par l'application prend le suivant."""
    with connection.cursor() as curseur:
        for requete in connection.ops.sequence_reset_sql(no_style(), modeles):
            curseur.execute(requete)
