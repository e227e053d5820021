"""HTML → PDF avec WeasyPrint, sans réseau ni fichier hors des dossiers permis ; dans ce processus ou dans un fils.

Ce module n'importe pas Django : un processus fils (démarré par « spawn ») le charge sans réglages ni base de
données. Tout ce qu'il lui faut arrive en arguments : le HTML déjà rendu, la feuille de style, la police et les
dossiers que le rendu a le droit de lire.
"""

import gc
import mimetypes
import multiprocessing
import re
import threading
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class RessourceRefusee(ValueError):
    """Le rendu a demandé une ressource hors des dossiers permis : WeasyPrint la traite comme introuvable."""


class FetcherRestreint(URLFetcher):
    """N'ouvre que les URL `data:` et les `file:` dont le chemin réel est dans un des dossiers permis.

    Tout le reste (http, https, ftp, `file:` ailleurs, liens symboliques qui sortent) lève `RessourceRefusee` :
    WeasyPrint journalise la ressource comme manquante et poursuit le rendu sans elle.
    """

    def __init__(self, dossiers):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=1)
        self.dossiers = tuple(Path(dossier).resolve() for dossier in dossiers)

    def fetch(self, url, headers=None):
        schema = url.partition(":")[0].lower()
        if schema == "data":
            return super().fetch(url, headers)
        if schema == "file":
            chemin = self._chemin_permis(url)
            if chemin is not None:
                type_mime = mimetypes.guess_type(chemin.name)[0] or "application/octet-stream"
                return URLFetcherResponse(chemin.as_uri(), chemin.read_bytes(), {"Content-Type": type_mime})
        raise RessourceRefusee(f"Ressource refusée par le rendu des rapports : {url[:200]}")

    def _chemin_permis(self, url):
        morceaux = urlsplit(url)
        if morceaux.netloc not in ("", "localhost"):
            return None
        chemin = Path(url2pathname(morceaux.path)).resolve()
        if chemin.is_file() and any(chemin.is_relative_to(dossier) for dossier in self.dossiers):
            return chemin
        return None


class Moteur:
    """La feuille de style analysée une seule fois, avec sa configuration de polices, réutilisée à chaque rendu."""

    def __init__(self, feuille, police, dossiers):
        self.fetcher = FetcherRestreint(dossiers)
        self.polices = FontConfiguration()
        self.base_url = Path(feuille).resolve().parent.as_uri() + "/"
        # La police est déclarée ici plutôt que dans la feuille : son chemin dépend de l'installation. Sans
        # `font-weight` (WeasyPrint 70 refuse l'intervalle « 200 900 »), le fichier variable sert toutes les graisses.
        police_css = f'@font-face {{ font-family: "Source Sans 3"; src: url("{Path(police).resolve().as_uri()}"); }}\n'
        texte = police_css + Path(feuille).read_text(encoding="utf-8")
        self.css = CSS(string=texte, base_url=self.base_url, url_fetcher=self.fetcher, font_config=self.polices)

    def rendre(self, html, balise=True):
        """Le PDF balisé (titres, tableaux et leurs en-têtes, texte alternatif des graphiques, langue du document :
        les organismes publics publient des documents accessibles), qui s'ouvre sur ses signets. `balise=False`
        ne sert qu'au banc d'essai, pour mesurer le coût du balisage."""
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return document.write_pdf(
            stylesheets=[self.css], font_config=self.polices, pdf_tags=balise, finisher=_ouvrir_sur_les_signets
        )


def _ouvrir_sur_les_signets(_document, pdf):
    """Le lecteur de PDF ouvre le panneau des signets : le sommaire du rapport est toujours à portée."""
    pdf.catalog["PageMode"] = "/UseOutlines"


_moteurs = {}
_verrou = threading.Lock()
# WeasyPrint crée des centaines de milliers d'objets par rendu : aux seuils par défaut (700, 10, 10), le ramasse-miettes
# cyclique les parcourt sans cesse, pour 20 à 25 % du temps du rendu (`make bench`, docs/benchmarks.md). Relevés le
# temps d'un rendu seulement, ils lui rendent ce temps sans changer le pic de mémoire mesuré ; les seuils d'avant
# sont rétablis ensuite.
SEUILS_RAMASSE_MIETTES = (50_000, 20, 100)


def rendre_pdf(html, feuille, police, dossiers, balise=True):
    """Les octets PDF de `html`. Les rendus de ce processus passent l'un après l'autre : la configuration de polices
    et la feuille analysée sont partagées, et Pango n'est pas fait pour être appelé de plusieurs fils à la fois."""
    # La date de la feuille dans la clé : modifiée pendant le développement, elle est relue sans redémarrer.
    cle = (str(feuille), Path(feuille).stat().st_mtime, str(police), tuple(str(d) for d in dossiers))
    with _verrou:
        moteur = _moteurs.get(cle)
        if moteur is None:
            moteur = _moteurs[cle] = Moteur(feuille, police, dossiers)
        seuils = gc.get_threshold()
        gc.set_threshold(*SEUILS_RAMASSE_MIETTES)
        try:
            return moteur.rendre(html, balise)
        finally:
            gc.set_threshold(*seuils)


def rendre_pdf_dans_un_fils(html, feuille, police, dossiers):
    """Comme `rendre_pdf`, dans un processus fils neuf qui se termine ensuite : la mémoire d'un gros rapport
    (plusieurs centaines de Mo) retourne au système au lieu de rester dans le processus du serveur."""
    contexte = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=contexte) as executeur:
        return executeur.submit(
            _rendre_puis_geler, html, str(feuille), str(police), [str(d) for d in dossiers]
        ).result()


def _rendre_puis_geler(html, feuille, police, dossiers):
    """Dans le fils : le rendu, puis les objets du document (plus d'un million, en cycles) sortis de la portée du
    ramasse-miettes. Le fils se termine aussitôt après et le système reprend sa mémoire d'un coup ; sans cela, la
    collecte finale de Python les parcourait avant la sortie, que le serveur attend (2 s pour 2 000 actions)."""
    pdf = rendre_pdf(html, feuille, police, dossiers)
    gc.freeze()
    return pdf


_FLUX = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ARBRE_DES_PAGES = re.compile(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*/Count\s+(\d+)")


def nombre_de_pages(pdf):
    """Le nombre de pages d'un PDF écrit par WeasyPrint (ses objets sont dans des flux compressés), sans dépendre
    d'une bibliothèque de lecture de PDF ; None si on ne le trouve pas."""
    if trouve := _ARBRE_DES_PAGES.search(pdf):
        return int(trouve.group(1))
    for flux in _FLUX.finditer(pdf):
        try:
            texte = zlib.decompress(flux.group(1))
        except zlib.error:
            continue
        if trouve := _ARBRE_DES_PAGES.search(texte):
            return int(trouve.group(1))
    return None
