"""Les genres du sélecteur cherchable (protocole/selecteur.py) que connaît le suivi : obligations, organisations,
référents, actions. Chacun dit ce qu'un rôle peut choisir dans le protocole courant et comment il se lit ; déclarés
par `EngagementsConfig.ready`. Ajouter un genre : une fonction de choix, un libellé, un `declarer`."""

from engagements.acces import actions_lisibles, obligations_ouvertes, organisations_du_protocole
from engagements.models.recherche import correspond
from engagements.models.regles import referents_possibles
from protocole.selecteur import Genre, declarer
from signataires.models import Organisation, Utilisateur


def libelle_obligation(obligation):
    """La référence et tout le texte : on choisit une obligation en la lisant, jamais sur un texte coupé."""
    return f"{obligation.reference} — {obligation.texte}"


def libelle_organisation(organisation):
    return f"{organisation.nom} ({organisation.sigle})" if organisation.sigle else organisation.nom


def libelle_personne(utilisateur):
    return utilisateur.get_full_name() or utilisateur.get_username()


def obligations(request):
    """Celles sous lesquelles ce rôle peut créer une action (toutes pour la coordination)."""
    return (
        obligations_ouvertes(request.habilitation)
        .select_related("bloc__engagement")
        .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        .distinct()
    )


def organisations(request):
    return Organisation.objects.order_by("nom")


def referents(request):
    return referents_possibles(request.protocole).order_by("last_name", "first_name")


def organisations_concernees(request):
    """Celles qui ont affaire au protocole : le filtre « organisation » de la liste des actions."""
    return organisations_du_protocole(request.protocole).order_by("nom")


def personnes(request):
    """Celles qui tiennent un rôle dans le protocole : le filtre « référent·e » de la liste des actions."""
    return Utilisateur.objects.filter(habilitations__protocole=request.protocole).order_by("last_name", "first_name")


def actions(request):
    return actions_lisibles(request).filter(archivee=False).order_by("titre", "pk")


def declarer_les_genres():
    declarer("obligations", Genre(choix=obligations, libelle=libelle_obligation))
    declarer("organisations", Genre(choix=organisations, libelle=libelle_organisation))
    declarer("referents", Genre(choix=referents, libelle=libelle_personne))
    declarer("organisations-du-protocole", Genre(choix=organisations_concernees, libelle=libelle_organisation))
    declarer("personnes", Genre(choix=personnes, libelle=libelle_personne))
    declarer(
        "actions",
        Genre(choix=actions, libelle=lambda a: a.titre, chercher=lambda qs, requete: qs.filter(correspond(requete))),
    )
