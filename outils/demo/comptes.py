"""Les comptes de démonstration : un par rôle (mot de passe « demo »), d'autres référents fictifs sans mot de passe
utilisable, et le groupe « Coordination » qui tient les données de référence dans l'administration."""

import unicodedata

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import CommandError

from signataires.models import Habilitation, Organisation, Utilisateur

MOT_DE_PASSE = "demo"
DOMAINE = "exemple.invalid"
GROUPE_COORDINATION = "Coordination"
DROITS = ("view", "add", "change", "delete")

Role = Habilitation.Role

# (identifiant, prénom, nom, rôle, organisation, attributs du compte) : les comptes qu'on peut ouvrir avec « demo ».
COMPTES = [
    (
        "demo-admin",
        "Sophie",
        "Lambert",
        Role.ADMINISTRATEUR,
        "pays-voironnais",
        {"is_staff": True, "is_superuser": True},
    ),
    ("demo-coordination", "Marc", "Chevalier", Role.COORDINATEUR, "pays-voironnais", {"is_staff": True}),
    ("demo-caf", "Élodie", "Garnier", Role.CHARGE_DE_MISSION, "caf-isere", {}),
    ("demo-ars", "Thomas", "Mercier", Role.CHARGE_DE_MISSION, "ars-ara", {}),
    ("demo-lecteur", "Isabelle", "Roussel", Role.LECTEUR, "etat-isere", {}),
]
# D'autres référents fictifs (chargés de mission), sans mot de passe utilisable : des noms variés sur les actions.
REFERENTS = [
    ("demo-ref-pays-voironnais", "Laura", "Bonnet", "pays-voironnais"),
    ("demo-ref-ville-voiron", "Julie", "Fabre", "ville-voiron"),
    ("demo-ref-ville-voiron-2", "Karim", "Haddad", "ville-voiron"),
    ("demo-ref-ville-voreppe", "Anne", "Perrin", "ville-voreppe"),
    ("demo-ref-maison-emploi", "Lucas", "Giraud", "maison-emploi"),
    ("demo-ref-opac38", "Céline", "Morel", "opac38"),
    ("demo-ref-cias", "Nicolas", "Blanc", "cias-pays-voironnais"),
    ("demo-ref-pole-emploi", "Sarah", "Collet", "pole-emploi-voiron"),
    ("demo-ref-rectorat", "Pierre", "Vidal", "rectorat-grenoble"),
]

# La coordination tient les données de référence dans l'administration et y lit le texte signé.
PERMISSIONS_GERER = [
    ("signataires", "organisation"),
    ("signataires", "appartenance"),
    ("signataires", "representation"),
    ("protocole", "quartier"),
    ("engagements", "indicateur"),
    ("engagements", "repere"),
    ("protocole", "protocole"),  # l'échéance effective seulement (le reste est en lecture seule)
]
PERMISSIONS_LIRE = [
    ("protocole", "textepreambule"),
    ("signataires", "partie"),
    ("signataires", "signataire"),
    ("signataires", "signature"),
    ("engagements", "engagement"),
    ("engagements", "bloc"),
    ("engagements", "obligation"),
    ("engagements", "paragraphe"),
    ("comite", "envoirappel"),
    ("engagements", "valeur"),
]


def courriel(prenom, nom):
    texte = unicodedata.normalize("NFKD", f"{prenom}.{nom}".lower()).encode("ascii", "ignore").decode()
    return f"{texte}@{DOMAINE}"


def creer_comptes(protocole, erreurs):
    """Crée ce qui manque des comptes, de leurs habilitations et du groupe Coordination ; ne touche pas au reste.
    Renvoie {identifiant: utilisateur}. `erreurs` reçoit l'avertissement des permissions introuvables."""
    organisations = {o.slug: o for o in Organisation.objects.all()}
    manquantes = {c[4] for c in COMPTES} | {r[3] for r in REFERENTS}
    manquantes -= set(organisations)
    if manquantes:
        raise CommandError(f"Organisations absentes du référentiel : {', '.join(sorted(manquantes))}.")
    comptes = {}
    hache = make_password(MOT_DE_PASSE)  # un seul hachage (lent à dessein) pour les cinq comptes
    lignes = [(u, p, n, role, org, attrs, True) for u, p, n, role, org, attrs in COMPTES]
    lignes += [(u, p, n, Role.CHARGE_DE_MISSION, org, {}, False) for u, p, n, org in REFERENTS]
    for username, prenom, nom, role, slug, attributs, connexion in lignes:
        utilisateur = Utilisateur.objects.filter(username=username).first()
        if utilisateur is None:
            utilisateur = Utilisateur(
                username=username, first_name=prenom, last_name=nom, email=courriel(prenom, nom), **attributs
            )
            utilisateur.password = hache if connexion else make_password(None)
            utilisateur.save()
        Habilitation.objects.get_or_create(
            utilisateur=utilisateur,
            protocole=protocole,
            defaults={"role": role, "organisation": organisations[slug]},
        )
        comptes[username] = utilisateur
    groupe, _ = Group.objects.get_or_create(name=GROUPE_COORDINATION)
    groupe.permissions.add(*permissions_coordination(erreurs))
    comptes["demo-coordination"].groups.add(groupe)
    return comptes


def permissions_coordination(erreurs):
    voulues = [(app, f"{verbe}_{modele}") for app, modele in PERMISSIONS_GERER for verbe in DROITS]
    voulues += [(app, f"view_{modele}") for app, modele in PERMISSIONS_LIRE]
    trouvees = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(codename__in=[c for _a, c in voulues]).select_related("content_type")
    }
    absentes = [f"{app}.{code}" for app, code in voulues if (app, code) not in trouvees]
    if absentes:
        erreurs.write(f"Permissions introuvables (migrate les crée) : {', '.join(absentes)}.")
    return [trouvees[v] for v in voulues if v in trouvees]


def ecrire_comptes(sortie, style):
    sortie.write(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE}) :")
    largeur = max(len(c[0]) for c in COMPTES)
    for username, _prenom, _nom, role, slug, _attributs in COMPTES:
        organisation = Organisation.objects.filter(slug=slug).first() or slug
        sortie.write(f"  {username:<{largeur}}  {Role(role).label:<17}  {organisation}")
    sortie.write(
        style.WARNING(
            "Toutes ces données sont fictives (actions « [Démo] … », personnes, dates, verdicts) : "
            "elles ne décrivent pas l'exécution réelle du protocole."
        )
    )
