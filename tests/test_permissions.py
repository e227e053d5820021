"""La matrice des permissions : chaque URL du projet, chaque persona, la réponse attendue.

Un test échoue si une URL du projet n'a pas sa ligne ici : une nouvelle page ne peut pas arriver sans contrôle.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comite.models import Decision, Preparation, RapportArchive, Reunion
from comite.rapports import cache
from engagements.models import Statut
from tests.factories import (
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    QuartierFactory,
    RepresentationFactory,
)
from tests.factories_suivi import ROLES, ActionFactory, IndicateurFactory, habilitation

PERSONAS = ["anonyme", "autre_protocole", "lecteur", "cdm_autre", "cdm_pilote", "coordinateur", "administrateur"]
CONNEXION = "connexion"  # redirection vers la page de connexion

TOUS = dict.fromkeys(PERSONAS, 200)


def sauf(base, **ecarts):
    return base | ecarts


MEMBRES = sauf(TOUS, anonyme=CONNEXION)
LECTURE_ACTION = sauf(MEMBRES, autre_protocole=404)
ECRITURE_ACTION = {
    "anonyme": CONNEXION,
    "autre_protocole": 404,
    "lecteur": 403,
    "cdm_autre": 403,
    "cdm_pilote": 302,
    "coordinateur": 302,
    "administrateur": 302,
}
COORDINATION = sauf(MEMBRES, lecteur=403, cdm_autre=403, cdm_pilote=403)


def aujourd_hui():
    return timezone.localdate().isoformat()


def maj(ctx):
    action = ctx["action"]
    return {
        "statut": Statut.EN_COURS,
        "avancement": 55,
        "commentaire": "",
        "date_effet": aujourd_hui(),
        "version": action.version,
    }


def comite(ctx):
    """La réunion du contexte avec une décision, une version gelée et une organisation signataire (qui n'est celle
    d'aucun persona : le visa lui-même est essayé dans tests/comite/test_comite.py)."""
    if "reunion" not in ctx:
        protocole = ctx["obligation"].protocole
        reunion = Reunion.objects.create(protocole=protocole, date=timezone.localdate(), titre="Comité de printemps")
        RepresentationFactory(signature__protocole=protocole)
        ctx["reunion"] = reunion
        ctx["decision"] = Decision.objects.create(reunion=reunion, texte="Relancer les bailleurs")
        ctx["archive"] = RapportArchive.objects.create(
            reunion=reunion,
            version=1,
            contenu=b"%PDF-1.7 rapport",
            au=reunion.date,
            depuis=reunion.date,
            gele_par=ctx["comptes"]["coordinateur"].utilisateur,
        )
    return ctx


def preparations(ctx):
    """Une préparation prête (son fichier dans le cache) et un gel en échec, demandés par la coordination."""
    if "prete" not in ctx:
        reunion = comite(ctx)["reunion"]
        coordination = ctx["comptes"]["coordinateur"].utilisateur
        commun = {"protocole": reunion.protocole, "demandeur": coordination, "version_donnees": 0}
        ctx["prete"] = Preparation.objects.create(
            sorte=Preparation.Sorte.APERCU, reunion=reunion, etat=Preparation.Etat.PRETE, cle="matrice", **commun
        )
        cache.ecrire("matrice", b"%PDF-1.7 apercu")
        ctx["echec"] = Preparation.objects.create(
            sorte=Preparation.Sorte.GEL, reunion=reunion, etat=Preparation.Etat.ECHEC, motif="Relance", **commun
        )
    return ctx


def reunion_args(ctx):
    return [comite(ctx)["reunion"].pk]


# nom de l'URL → (arguments, {méthode: (réponses par persona, données POST)}, méthode refusée)
MATRICE = {
    "accueil": (None, {"GET": TOUS}, "POST"),
    "quartiers": (None, {"GET": TOUS}, "POST"),
    "sante": (None, {"GET": TOUS}, "POST"),
    "accessibilite": (None, {"GET": TOUS}, "POST"),
    # Le sélecteur cherchable : les choix du protocole courant (celui de l'autre coordinateur pour lui).
    "selecteur": (lambda c: ["obligations"], {"GET": MEMBRES}, "POST"),
    "signataires": (None, {"GET": TOUS}, "POST"),
    "engagement": (lambda c: [c["obligation"].bloc.engagement.numero], {"GET": TOUS}, "POST"),
    "obligation": (lambda c: [c["obligation"].pk], {"GET": sauf(TOUS, autre_protocole=404)}, "POST"),
    "choisir_protocole": (None, {"POST": dict.fromkeys(PERSONAS, 302)}, "GET"),
    "verdict": (
        lambda c: [c["obligation"].pk],
        {"POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "GET",
    ),
    "actions": (None, {"GET": MEMBRES}, "POST"),
    "mes_actions": (None, {"GET": MEMBRES}, "POST"),
    # Le choix des colonnes de la liste : chacun le sien, gardé sur son compte.
    "actions_colonnes": (None, {"POST": sauf(dict.fromkeys(PERSONAS, 302), anonyme=CONNEXION)}, "GET"),
    "action_creer": (None, {"GET": sauf(MEMBRES, lecteur=403)}, "PUT"),
    "action": (lambda c: [c["action"].pk], {"GET": LECTURE_ACTION, "POST": ECRITURE_ACTION}, "PUT"),
    "action_modifier": (
        lambda c: [c["action"].pk],
        {"GET": sauf(ECRITURE_ACTION, cdm_pilote=200, coordinateur=200, administrateur=200)},
        "PUT",
    ),
    "action_archiver": (lambda c: [c["action"].pk], {"POST": ECRITURE_ACTION}, "GET"),
    # Les indicateurs : tout membre lit ; l'organisation qui fournit (ici celle du chargé de mission pilote) et la
    # coordination saisissent les valeurs ; la coordination définit les indicateurs et leurs départs et cibles.
    "indicateurs": (None, {"GET": MEMBRES}, "POST"),
    # Le bilan à l'échéance : tout membre du protocole.
    "bilan": (None, {"GET": MEMBRES}, "POST"),
    "indicateur": (lambda c: [c["indicateur"].pk], {"GET": LECTURE_ACTION}, "POST"),
    "indicateur_creer": (None, {"GET": COORDINATION}, "PUT"),
    "indicateur_modifier": (lambda c: [c["indicateur"].pk], {"GET": sauf(COORDINATION, autre_protocole=404)}, "PUT"),
    "indicateur_valeur": (lambda c: [c["indicateur"].pk], {"POST": ECRITURE_ACTION}, "GET"),
    "indicateur_reperes": (
        lambda c: [c["indicateur"].pk],
        {"POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "GET",
    ),
    # Sur une action qui n'est pas archivée : la coordination est renvoyée à la fiche, rien ne change (le
    # désarchivage lui-même est essayé dans tests/engagements/test_archivage.py).
    "action_desarchiver": (
        lambda c: [c["action"].pk],
        {"POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "GET",
    ),
    "connexion": (None, {"GET": TOUS}, "PUT"),
    "deconnexion": (None, {"POST": dict.fromkeys(PERSONAS, 302)}, "GET"),
    "password_reset": (None, {"GET": TOUS}, "PUT"),
    "password_reset_done": (None, {"GET": TOUS}, "PUT"),
    "password_reset_confirm": (lambda c: ["MQ", "jeton-invalide"], {"GET": TOUS}, "PUT"),
    "password_reset_complete": (None, {"GET": TOUS}, "PUT"),
    "password_change": (None, {"GET": sauf(TOUS, anonyme=CONNEXION)}, "PUT"),
    "password_change_done": (None, {"GET": sauf(TOUS, anonyme=CONNEXION)}, "PUT"),
    "invitation": (None, {"GET": COORDINATION}, "PUT"),
    "invitation_accepter": (lambda c: [c["uid"], c["jeton"]], {"GET": dict.fromkeys(PERSONAS, 302)}, "PUT"),
    # Lever le blocage d'un compte de ce protocole : le coordinateur d'un autre protocole ne le trouve pas (404).
    "blocages": (
        None,
        {"GET": COORDINATION, "POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "PUT",
    ),
    "compte": (None, {"GET": MEMBRES, "POST": sauf(dict.fromkeys(PERSONAS, 302), anonyme=CONNEXION)}, "PUT"),
    "rappels_comptes": (
        None,
        {"GET": COORDINATION, "POST": sauf(COORDINATION, autre_protocole=302, coordinateur=302, administrateur=302)},
        "PUT",
    ),
    # Importer des valeurs d'indicateurs : la coordination et les chargé·es de mission (chaque ligne est ensuite jugée
    # selon l'organisation qui fournit l'indicateur : tests/engagements/test_import_valeurs.py) ; le POST d'un
    # fichier montre l'aperçu, rien n'est écrit.
    "indicateurs_importer": (
        None,
        {"GET": sauf(MEMBRES, lecteur=403), "POST": sauf(MEMBRES, lecteur=403)},
        "PUT",
    ),
    "indicateurs_modele": (lambda c: ["csv"], {"GET": sauf(MEMBRES, lecteur=403)}, "POST"),
    "vue_ensemble": (None, {"GET": MEMBRES}, "POST"),
    "quartier": (lambda c: [c["action"].protocole.quartiers.get().slug], {"GET": LECTURE_ACTION}, "POST"),
    # Le pilote de l'action n'est lié au protocole que par elle : ailleurs, sa vue partenaire n'existe pas.
    "organisation": (lambda c: [c["action"].pilote.slug], {"GET": LECTURE_ACTION}, "POST"),
    "reunions": (None, {"GET": MEMBRES}, "POST"),
    "reunion_creer": (
        None,
        {"GET": COORDINATION, "POST": sauf(COORDINATION, autre_protocole=302, coordinateur=302, administrateur=302)},
        "PUT",
    ),
    "reunion": (reunion_args, {"GET": sauf(MEMBRES, autre_protocole=404)}, "POST"),
    "reunion_modifier": (
        reunion_args,
        {
            "GET": sauf(COORDINATION, autre_protocole=404),
            "POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302),
        },
        "PUT",
    ),
    "decision_creer": (
        reunion_args,
        {
            "GET": sauf(COORDINATION, autre_protocole=404),
            "POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302),
        },
        "PUT",
    ),
    "decision_modifier": (
        lambda c: [comite(c)["decision"].pk],
        {
            "GET": sauf(COORDINATION, autre_protocole=404),
            "POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302),
        },
        "PUT",
    ),
    "reunion_apercu": (reunion_args, {"GET": sauf(MEMBRES, autre_protocole=404)}, "POST"),
    "reunion_geler": (
        reunion_args,
        {
            "GET": sauf(COORDINATION, autre_protocole=404),
            "POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302),
        },
        "PUT",
    ),
    "reunion_textes": (
        reunion_args,
        {"POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "GET",
    ),
    "visa": (
        reunion_args,
        {"POST": sauf(dict.fromkeys(PERSONAS, 403), anonyme=CONNEXION, autre_protocole=404)},
        "GET",
    ),
    "archive": (lambda c: [comite(c)["archive"].pk], {"GET": sauf(MEMBRES, autre_protocole=404)}, "POST"),
    # Sans paramètre, le rapport de tout le protocole courant : celui de l'autre protocole pour son coordinateur (un
    # quartier d'ici demandé par lui répond 404 : tests/comite/test_rapports.py).
    "rapports": (None, {"GET": MEMBRES}, "POST"),
    "rapport": (None, {"GET": MEMBRES}, "POST"),
    # Tout membre suit les préparations de son protocole ; réessayer un gel est à la coordination (302 : vers la
    # nouvelle préparation).
    "preparation": (lambda c: [preparations(c)["prete"].pk], {"GET": sauf(MEMBRES, autre_protocole=404)}, "POST"),
    "preparation_fichier": (
        lambda c: [preparations(c)["prete"].pk],
        {"GET": sauf(MEMBRES, autre_protocole=404)},
        "POST",
    ),
    "preparation_reessayer": (
        lambda c: [preparations(c)["echec"].pk],
        {"POST": sauf(COORDINATION, autre_protocole=404, coordinateur=302, administrateur=302)},
        "GET",
    ),
}

DONNEES = {
    ("verdict", "POST"): lambda c: {"valeur": "tenu", "commentaire": "Revue annuelle", "date_effet": aujourd_hui()},
    ("action", "POST"): maj,
    ("action_archiver", "POST"): lambda c: {
        "commentaire": "Doublon",
        "date_effet": aujourd_hui(),
        "version": c["action"].version,
    },
    ("action_desarchiver", "POST"): lambda c: {
        "commentaire": "Archivée par erreur",
        "date_effet": aujourd_hui(),
        "version": c["action"].version,
    },
    ("choisir_protocole", "POST"): lambda c: {"protocole": c["obligation"].protocole.slug},
    ("indicateur_valeur", "POST"): lambda c: {
        "lieu": "territoire",
        "periode": str(timezone.localdate().year - 1),
        "valeur": "12,5",
    },
    ("indicateur_reperes", "POST"): lambda c: {
        "lieu": "territoire",
        "base_valeur": "10",
        "base_date": f"{timezone.localdate().year - 2}-12-31",
        "cible_valeur": "20",
        "cible_date": f"{timezone.localdate().year + 1}-12-31",
    },
    ("reunion_creer", "POST"): lambda c: {"date": aujourd_hui(), "titre": "Comité d'automne"},
    ("reunion_modifier", "POST"): lambda c: {"date": aujourd_hui(), "titre": "Comité d'automne", "participants": ""},
    ("decision_creer", "POST"): lambda c: {"texte": "Réunir les bailleurs", "suivi": "a_faire"},
    ("decision_modifier", "POST"): lambda c: {"texte": "Réunir les bailleurs", "suivi": "en_cours"},
    ("reunion_geler", "POST"): lambda c: {"motif": "Corrige les participants", "confirme": "on"},
    ("reunion_textes", "POST"): lambda c: {"faits_marquants": "Ouverture du centre social.", "points_attention": ""},
    ("visa", "POST"): lambda c: {"archive": comite(c)["archive"].pk, "lu": "on"},
    ("blocages", "POST"): lambda c: {"identifiant": c["comptes"]["lecteur"].utilisateur.username},
    ("compte", "POST"): lambda c: {"rappel_hebdomadaire": "on"},
    ("indicateurs_importer", "POST"): lambda c: {
        "fichier": SimpleUploadedFile(
            "valeurs.csv", "Indicateur;Quartier;Période;Valeur\nIND-01;Tout le territoire;2021;12,5\n".encode()
        )
    },
    ("rappels_comptes", "POST"): lambda c: {"recoit": [str(c["comptes"]["lecteur"].pk)]},
}


def noms_des_urls(motifs=None):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace != "admin":
                yield from noms_des_urls(motif.url_patterns)
        else:
            yield motif.name


def test_every_url_of_the_project_has_a_line_in_the_permission_matrix():
    assert set(noms_des_urls()) == set(MATRICE)


@pytest.fixture
def contexte(db):
    return construire_contexte()


def construire_contexte():
    """Le petit jeu de données de la matrice, avec les comptes de chaque persona ; les parcours d'accessibilité
    (tests/navigateur/test_accessibilite.py) visitent les mêmes URL avec les mêmes identifiants."""
    obligation = ObligationFactory()
    protocole = obligation.protocole
    QuartierFactory(protocole=protocole)
    pilote = OrganisationFactory()
    action = ActionFactory(obligation=obligation, pilote=pilote)
    indicateur = IndicateurFactory(obligation=obligation, fournisseur=pilote)
    autre_obligation = ObligationFactory()
    EngagementFactory(protocole=autre_obligation.protocole, numero=obligation.bloc.engagement.numero)
    invite = habilitation(protocole, ROLES.LECTEUR).utilisateur
    return {
        "obligation": obligation,
        "action": action,
        "indicateur": indicateur,
        "uid": urlsafe_base64_encode(force_bytes(invite.pk)),
        "jeton": default_token_generator.make_token(invite),
        "comptes": {
            "autre_protocole": habilitation(autre_obligation.protocole, ROLES.COORDINATEUR),
            "lecteur": habilitation(protocole, ROLES.LECTEUR),
            "cdm_autre": habilitation(protocole, ROLES.CHARGE_DE_MISSION),
            "cdm_pilote": habilitation(protocole, ROLES.CHARGE_DE_MISSION, pilote),
            "coordinateur": habilitation(protocole, ROLES.COORDINATEUR),
            "administrateur": habilitation(protocole, ROLES.ADMINISTRATEUR, is_staff=True, is_superuser=True),
        },
    }


def _cas():
    for nom, (_args, methodes, _refusee) in MATRICE.items():
        for methode, reponses in methodes.items():
            for persona, attendu in reponses.items():
                yield pytest.param(nom, methode, persona, attendu, id=f"{nom}-{methode}-{persona}")


def _url(nom, ctx):
    args = MATRICE[nom][0]
    return reverse(nom, args=args(ctx) if args else None)


def _connecter(client, ctx, persona):
    if persona != "anonyme":
        client.force_login(ctx["comptes"][persona].utilisateur)


@pytest.mark.parametrize(("nom", "methode", "persona", "attendu"), list(_cas()))
def test_permission_matrix(client, contexte, nom, methode, persona, attendu):
    _connecter(client, contexte, persona)
    url = _url(nom, contexte)
    if methode == "GET":
        reponse = client.get(url)
    else:
        donnees = DONNEES.get((nom, methode), lambda c: {})(contexte)
        reponse = client.post(url, donnees)
    if attendu == CONNEXION:
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("connexion") + "?next=")
    else:
        assert reponse.status_code == attendu, reponse.content[:2000]


@pytest.mark.parametrize("nom", list(MATRICE))
def test_wrong_http_methods_are_refused(client, contexte, nom):
    _connecter(client, contexte, "coordinateur")
    methode = MATRICE[nom][2]
    reponse = getattr(client, methode.lower())(_url(nom, contexte))
    assert reponse.status_code == 405


@pytest.mark.parametrize(("persona", "attendu"), [("anonyme", 302), ("coordinateur", 302), ("administrateur", 200)])
def test_the_admin_is_for_staff_only(client, contexte, persona, attendu):
    _connecter(client, contexte, persona)
    assert client.get(reverse("admin:index")).status_code == attendu


def test_a_user_of_another_protocol_sees_nothing_of_this_one(client, contexte):
    _connecter(client, contexte, "autre_protocole")
    action = contexte["action"]
    assert action.titre.encode() not in client.get(reverse("actions")).content
    assert action.titre.encode() not in client.get(reverse("mes_actions")).content


# Les réponses qu'une personne connectée lit en plus des pages : exports de la liste des actions.
EXPORTS = [
    ("actions", "?export=csv"),
    ("actions", "?export=xlsx"),
    ("indicateurs", "?export=csv"),
    ("indicateurs", "?export=xlsx"),
    ("bilan", "?export=csv"),
]


def test_every_page_export_and_pdf_read_by_a_member_is_private_and_not_stored(client, contexte):
    """`Cache-Control: private, no-store` sur tout ce que lit un membre : ni un proxy d'administration ni le disque
    d'un poste partagé n'en gardent copie (protocole/securite.py). Chaque URL de la matrice y passe."""
    _connecter(client, contexte, "coordinateur")
    lues = []
    cibles = [(nom, "") for nom, (_a, methodes, _r) in MATRICE.items() if "GET" in methodes] + EXPORTS
    for nom, parametres in cibles:
        reponse = client.get(_url(nom, contexte) + parametres)
        if reponse.status_code == 200:
            lues.append((nom, parametres, reponse["Content-Type"].split(";")[0]))
            assert reponse["Cache-Control"] == "private, no-store", (nom, parametres)
    types = {type_ for _n, _p, type_ in lues}
    assert {"text/html", "text/csv", "application/pdf"} <= types, lues
    assert len(lues) >= 25


# Un rôle testé dans un gabarit : `{% if habilitation.role == … %}`, `.coordonne`, `user.is_staff`… (`role_neutre`,
# le nom du rôle affiché, n'en est pas un).
ROLE_DANS_UN_GABARIT = re.compile(r"\{%\s*(?:if|elif)\b[^%]*?\.(?:role|coordonne|is_staff|is_superuser)\b")


def test_templates_read_named_flags_never_a_role():
    """Les questions de droits vivent dans l'`acces.py` de chaque application ; les gabarits lisent leurs réponses
    (`peut_modifier`, `peut_donner_verdict`, `peut_gerer_rappels`…), jamais un rôle."""
    dossier = settings.BASE_DIR / "templates"
    fautes = [
        f"{chemin.relative_to(dossier)}: {trouve.group(0)}"
        for chemin in sorted(dossier.rglob("*.html")) + sorted(dossier.rglob("*.txt"))
        for trouve in ROLE_DANS_UN_GABARIT.finditer(chemin.read_text(encoding="utf-8"))
    ]
    assert fautes == []
