"""Du périmètre au PDF : le cache d'abord ; sinon le contenu, le gabarit, puis le rendu ici ou dans un fils."""

import logging
import re
import time
from pathlib import Path

import fontpkg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from comite.rapports import bilan, cache, contenu, rendu
from engagements.tableaux.bilan import jour_du_bilan

logger = logging.getLogger(__name__)

FEUILLE = "rapports/rapport.css"
POLICE = "Source Sans 3"
# Au-delà de ce nombre d'actions, le rendu se fait dans un processus fils (réglage RAPPORTS_SEUIL_PROCESSUS).
SEUIL_PROCESSUS = 300
ENTRE_BALISES = re.compile(r">\s*\n\s*<")


def seuil_processus():
    return getattr(settings, "RAPPORTS_SEUIL_PROCESSUS", SEUIL_PROCESSUS)


def ressources():
    """(feuille de style, police, dossiers que le rendu peut lire) : le dossier de la feuille et celui de la police,
    rien d'autre — ni le reste des fichiers statiques, ni le réseau."""
    trouvee = finders.find(FEUILLE)
    if not trouvee:
        raise ImproperlyConfigured(f"Feuille de style des rapports introuvable : {FEUILLE}")
    feuille = Path(trouvee).resolve()
    police = fontpkg.path(POLICE, weight=400).resolve()
    return feuille, police, [feuille.parent, police.parent]


def produire(perimetre, au, depuis, reunion=None, genere_le=None, annexe=True, gel=None):
    return produire_et_ranger(perimetre, au, depuis, reunion, genere_le, annexe, gel)[1]


def cle(perimetre, au, depuis, reunion=None, genere_le=None, annexe=True, gel=None):
    """La clé du rapport dans le cache : celle que `produire_et_ranger` écrit, que la vue lit avant de demander un
    rendu."""
    textes = contenu.reunion_des_textes(perimetre.protocole, reunion)
    return cache.cle(perimetre, au, depuis, reunion, genere_le, annexe=annexe, gel=gel, textes=textes)


def produire_et_ranger(perimetre, au, depuis, reunion=None, genere_le=None, annexe=True, gel=None):
    """(clé, octets PDF) : la clé sous laquelle le rapport est rangé dans le cache, pour qu'un autre processus l'y
    reprenne (un worker rend, un serveur web sert)."""
    cle_du_rapport = cle(perimetre, au, depuis, reunion, genere_le, annexe, gel)
    pdf = cache.lire(cle_du_rapport)
    if pdf is not None:
        logger.info("Rapport %s au %s : servi par le cache", perimetre.libelle, au)
        return cle_du_rapport, pdf
    debut = time.perf_counter()
    html, contexte = rendre_html(perimetre, au, depuis, reunion, genere_le or timezone.now(), annexe, gel)
    libelle = f"{perimetre.libelle} au {au}"
    pdf = _rendre_et_ranger(cle_du_rapport, html, contexte["nb_actions"], "Rapport", libelle, debut)
    return cle_du_rapport, pdf


def _rendre_et_ranger(cle_du_fichier, html, nb_actions, sorte, libelle, debut):
    """Le PDF de `html`, rendu ici ou, au-delà de `seuil_processus()` actions, dans un processus fils, puis rangé
    dans le cache partagé sous `cle_du_fichier` (sans cache, il reste juste : il sera seulement rendu de nouveau)."""
    dans_un_fils = nb_actions > seuil_processus()
    rendre = rendu.rendre_pdf_dans_un_fils if dans_un_fils else rendu.rendre_pdf
    pdf = rendre(html, *ressources())
    try:
        cache.ecrire(cle_du_fichier, pdf)
    except Exception:
        logger.warning("%s non mis en cache", sorte, exc_info=True)
    logger.info(
        "%s %s : %d actions, %s pages, %.2f s%s",
        sorte,
        libelle,
        nb_actions,
        rendu.nombre_de_pages(pdf),
        time.perf_counter() - debut,
        " (processus fils)" if dans_un_fils else "",
    )
    return pdf


def produire_bilan(protocole, au=None, genere_le=None, gel=None):
    return produire_et_ranger_bilan(protocole, au, genere_le, gel)[1]


def cle_du_bilan(protocole, au, genere_le=None, gel=None):
    """La clé du bilan dans le cache, au jour du bilan résolu (`au`, ou l'échéance)."""
    return cache.cle_du_bilan(protocole, jour_du_bilan(protocole, au), genere_le=genere_le, gel=gel)


def produire_et_ranger_bilan(protocole, au=None, genere_le=None, gel=None):
    """(clé, octets PDF) du bilan à l'échéance, par le même chemin que les rapports : le cache, sinon le contenu
    (`comite.rapports.bilan`), le gabarit `rapports/bilan.html`, le rendu balisé ici ou dans un fils."""
    cle_du_fichier = cle_du_bilan(protocole, au, genere_le, gel)
    pdf = cache.lire(cle_du_fichier)
    if pdf is not None:
        logger.info("Bilan %s au %s : servi par le cache", protocole.slug, au)
        return cle_du_fichier, pdf
    debut = time.perf_counter()
    contexte = bilan.construire(protocole, au)
    contexte.update(genere_le=genere_le or timezone.now(), gel=gel, texte_alternatif_complet=True)
    with translation.override("fr"):
        html = ENTRE_BALISES.sub("><", render_to_string("rapports/bilan.html", contexte))
    libelle = f"{protocole.slug} au {contexte['au']}"
    pdf = _rendre_et_ranger(cle_du_fichier, html, contexte["nb_actions"], "Bilan", libelle, debut)
    return cle_du_fichier, pdf


def pages_du_bilan_en_cache(protocole, au):
    pdf = cache.lire(cle_du_bilan(protocole, au))
    return rendu.nombre_de_pages(pdf) if pdf is not None else None


def nom_du_bilan(protocole, au):
    return f"{slugify('-'.join(['bilan', protocole.slug]))}-{au.isoformat()}.pdf"


def pages_en_cache(perimetre, au, depuis, reunion=None):
    pdf = cache.lire(cle(perimetre, au, depuis, reunion))
    return rendu.nombre_de_pages(pdf) if pdf is not None else None


def rendre_html(perimetre, au, depuis, reunion, genere_le, annexe=True, gel=None):
    """Le HTML du rapport et son contexte, en français quelle que soit la langue de la requête."""
    contexte = contenu.construire(perimetre, au, depuis, reunion, annexe=annexe)
    # Le PDF balisé donne aux graphiques le texte de leur <title> : il y porte aussi leur description.
    contexte.update(genere_le=genere_le, gel=gel, texte_alternatif_complet=True)
    with translation.override("fr"):
        html = render_to_string("rapports/rapport.html", contexte)
    # L'indentation du gabarit entre deux balises ne s'imprime pas mais WeasyPrint la traite quand même (~10 % du
    # rendu) ; les espaces voulues entre deux éléments restent, elles tiennent sur une ligne.
    return ENTRE_BALISES.sub("><", html), contexte


def nom_de_fichier(perimetre, au, annexe=True):
    morceaux = ["rapport-copil", perimetre.protocole.slug]
    if perimetre.quartier is not None:
        morceaux += ["quartier", perimetre.quartier.slug]
    elif perimetre.organisation is not None:
        morceaux += ["organisation", perimetre.organisation.slug]
    elif perimetre.engagement is not None:
        morceaux += ["engagement", str(perimetre.engagement)]
    return f"{slugify('-'.join(morceaux))}-{au.isoformat()}{'' if annexe else '-note'}.pdf"
