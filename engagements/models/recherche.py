"""Le texte cherchable de chaque action : une table à part, sans accents ni majuscules (`protocole.recherche`).

Une ligne par action : son titre, sa description, la référence et le texte de son obligation, ses quartiers (ou
« tout le territoire ») et les commentaires de son journal, normalisés. Le journal n'est jamais réécrit pour
chercher : c'est cette table qui suit ses changements. `indexer` la refait pour des actions données ; l'appellent
`Action.creer`, `Action.enregistrer` (corrections et commentaires compris), `Entree.caviarder` (le texte retiré
n'est plus trouvé), et les signaux d'`engagements.apps` quand le texte d'une obligation ou le nom d'un quartier
change (dans l'admin). `manage.py indexer_recherche` la refait en entier.

Ce module ne dépend que de `regles` : `journal` et `actions` l'appellent tous deux. Il trouve les modèles qu'il lit
dans le registre des applications, celui d'une migration compris (la migration qui remplit la table l'appelle).
"""

from django.apps import apps as registre_courant
from django.db import models

from engagements.models.regles import Champ
from protocole.recherche import mots, normaliser


class TexteRecherche(models.Model):
    """Le texte normalisé où l'on cherche une action : la recherche de la liste et de l'en-tête le lit."""

    action = models.OneToOneField(
        "engagements.Action", on_delete=models.CASCADE, primary_key=True, related_name="recherche"
    )
    texte = models.TextField("texte cherchable")

    class Meta:
        verbose_name = "texte de recherche"
        verbose_name_plural = "textes de recherche"

    def __str__(self):
        return self.texte[:60]


TERRITOIRE = "tout le territoire"


def composer(titre, description, reference, obligation, quartiers, commentaires):
    """Le texte cherchable d'une action, à partir de ses parties : une ligne par partie, chacune normalisée ; les
    commentaires distincts, dans l'ordre du journal. L'écriture par lots du banc d'essai l'appelle aussi."""
    distincts = list(dict.fromkeys(c for c in commentaires if c))
    parties = [titre, description, reference, obligation, ", ".join(sorted(quartiers)), *distincts]
    return "\n".join(normaliser(p) for p in parties)


def textes(action_ids, registre=registre_courant):
    """{action: texte cherchable} pour ces actions, en trois requêtes quel qu'en soit le nombre."""
    Action = registre.get_model("engagements", "Action")
    Entree = registre.get_model("engagements", "Entree")
    actions = Action.objects.filter(pk__in=action_ids).values_list(
        "pk", "titre", "description", "obligation__reference", "obligation__texte", "tout_le_territoire"
    )
    quartiers = {}
    liens = Action.quartiers.through.objects.filter(action__in=action_ids)
    for action, nom in liens.values_list("action", "quartier__nom"):
        quartiers.setdefault(action, []).append(nom)
    commentaires = {}
    entrees = Entree.objects.filter(action__in=action_ids).exclude(commentaire="").exclude(champ=Champ.CAVIARDAGE)
    for action, commentaire in entrees.order_by("pk").values_list("action", "commentaire"):
        commentaires.setdefault(action, []).append(commentaire)
    return {
        pk: composer(
            titre,
            description,
            reference,
            obligation,
            [TERRITOIRE] if territoire else quartiers.get(pk, []),
            commentaires.get(pk, []),
        )
        for pk, titre, description, reference, obligation, territoire in actions
    }


LOT = 500  # actions par passage : SQLite borne le nombre de paramètres d'une requête


def indexer(action_ids, registre=registre_courant):
    """Refait le texte cherchable de ces actions (identifiants ou requête), dans la transaction de l'appelant :
    quatre requêtes par lot de `LOT` actions. Renvoie le nombre d'actions indexées."""
    if isinstance(action_ids, models.QuerySet):
        action_ids = action_ids.order_by().values_list("pk", flat=True)
    action_ids = list(action_ids)
    modele = registre.get_model("engagements", "TexteRecherche")
    for debut in range(0, len(action_ids), LOT):
        lot = action_ids[debut : debut + LOT]
        nouveaux = textes(lot, registre)
        modele.objects.filter(action__in=lot).delete()
        modele.objects.bulk_create([modele(action_id=pk, texte=texte) for pk, texte in nouveaux.items()])
    return len(action_ids)


def correspond(requete, chemin="recherche__texte"):
    """La condition « chaque mot de `requete` se trouve dans le texte cherchable », pour un filtre sur des actions
    (`chemin` y mène) : `contains` sur des textes déjà normalisés des deux côtés."""
    condition = models.Q()
    for mot in mots(requete):
        condition &= models.Q(**{f"{chemin}__contains": mot})
    return condition
