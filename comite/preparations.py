"""Les rapports hors de la requête : une vue demande un rendu (`demander`), un worker Celery l'exécute
(`executer`, appelé par `comite.taches.preparer`), la page de la préparation sert ensuite le fichier depuis le
cache partagé. Sans courtier (make run, les tests), la tâche s'exécute dans le processus même, par le même code.

Les règles de la demande (limite par personne, délai d'échec) sont celles de `Preparation`, écrites une fois."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from comite import archives
from comite.models import Preparation, RapportArchive
from comite.rapports import cache
from comite.rapports.production import produire_et_ranger, produire_et_ranger_bilan
from engagements.periode import lire_perimetre
from engagements.tableaux import Perimetre

logger = logging.getLogger(__name__)

INJOIGNABLE = "Le service de préparation des rapports est injoignable pour le moment : réessayez dans un instant."
CACHE_INJOIGNABLE = "Le rapport a été rendu mais n'a pas pu être rangé : le cache partagé est injoignable."
GEL_SIMULTANE = "Une autre version vient d'être gelée au même instant : relisez-la avant de regeler."
ECHEC = "Le rendu du rapport a échoué ; l'erreur est consignée dans le journal du serveur."


def demander(request, sorte, cle="", **parametres):
    """La préparation du fichier demandé par la personne connectée (celle déjà en attente du même fichier, ou une
    nouvelle, lancée). `LimiteAtteinte` si elle a déjà trop de rendus en attente ou en cours."""
    preparation, nouvelle = Preparation.demander(request.protocole, request.user, sorte, cle, **parametres)
    if nouvelle:
        lancer(preparation)
        preparation.refresh_from_db()
    return preparation


def lancer(preparation):
    """Envoie la tâche au courtier : elle expire si aucun worker ne l'a prise dans le délai d'échec (la page dit
    alors l'échec), et un rendu ne peut pas occuper un worker plus longtemps que ce délai."""
    from comite.taches import preparer

    delai = settings.RAPPORTS_DELAI_ECHEC
    try:
        preparer.apply_async((preparation.pk,), expires=delai, time_limit=delai)
    except Exception:  # courtier arrêté : la requête répond quand même, en français
        logger.exception("Préparation %s : tâche non envoyée", preparation.pk)
        preparation.echouer(INJOIGNABLE)


def parametres_rapport(perimetre, au, depuis, annexe=True):
    """Ce qu'une préparation retient d'un rapport de suivi pour le rendre ailleurs."""
    return {**perimetre.parametres, "au": au, "depuis": depuis, "annexe": annexe}


def executer(preparation):
    """Dans le worker : le rendu, puis la préparation marquée prête avec la clé du fichier (ou l'archive d'un gel).
    Une erreur attendue (gel concurrent, cache injoignable) la marque en échec avec un message en français."""
    try:
        if preparation.est_un_gel:
            bilan = preparation.sorte == Preparation.Sorte.GEL_BILAN
            genre = RapportArchive.Genre.BILAN if bilan else RapportArchive.Genre.RAPPORT
            archive = archives.geler(preparation.reunion, preparation.demandeur, motif=preparation.motif, genre=genre)
            preparation.terminer(archive=archive)
            return
        if preparation.sorte == Preparation.Sorte.BILAN:
            cle, _pdf = produire_et_ranger_bilan(preparation.protocole, preparation.au)
            if not cache.present(cle):
                preparation.echouer(CACHE_INJOIGNABLE)
                return
            preparation.terminer(cle=cle)
            return
        if preparation.sorte == Preparation.Sorte.APERCU:
            au, depuis = archives.periode(preparation.reunion)
            perimetre, reunion = Perimetre(preparation.protocole), preparation.reunion
        else:
            perimetre = lire_perimetre(preparation.protocole, preparation.perimetre, preparation.valeur)
            au, depuis, reunion = preparation.au, preparation.depuis, None
        cle, _pdf = produire_et_ranger(perimetre, au, depuis, reunion, annexe=preparation.annexe)
        if not cache.present(cle):
            preparation.echouer(CACHE_INJOIGNABLE)
            return
        preparation.terminer(cle=cle)
    except ValidationError as erreur:
        preparation.echouer(" ".join(erreur.messages))
    except IntegrityError:
        preparation.echouer(GEL_SIMULTANE)
    except Exception:
        preparation.echouer(ECHEC)
        raise
