"""Le sélecteur cherchable : un choix parmi beaucoup (obligations, organisations, référents, actions…) qu'on filtre
en tapant, sans accents ni majuscules, et qui marche sans JavaScript.

Sans JavaScript, c'est un champ de recherche, un bouton « Chercher » qui renvoie le formulaire (le mélange
`Cherchable` le réaffiche, saisie gardée, sans rien valider ni enregistrer) et la liste des choix, boutons radio ou
cases à cocher. Avec htmx, la liste se refait pendant la frappe par `GET /choix/<genre>/` (`options`), qui lit les
choix du même genre dans le protocole courant, et les choix cochés restent cochés.

Un genre est déclaré par l'application qui connaît ses objets (`declarer`, depuis son `ready()`), une petite
fonction chacun : ce module, au rez-de-chaussée, n'importe aucun étage au-dessus. Voir docs/architecture.md.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from protocole.acces import membre_requis
from protocole.formulaires import ChoixMultiples
from protocole.recherche import mots, normaliser

CHERCHER = "_chercher"  # le bouton « Chercher » (sans JavaScript) ; sa valeur est le nom du champ
SUFFIXE = "__cherche"  # le champ de recherche d'un sélecteur : `<nom du champ>__cherche`
LIMITE = 30  # choix montrés au plus, en plus des choix cochés
SEUIL = 20  # jusqu'à 20 choix, une simple liste déroulante (ou des cases) suffit : pas de recherche
NOM = re.compile(r"^[A-Za-z_][\w-]{0,79}$")


@dataclass(frozen=True)
class Genre:
    """Ce que le sélecteur sait d'un genre d'objets.

    `choix(request)` : les objets proposés, déjà limités au protocole courant et à ce que le rôle peut choisir ;
    `libelle(objet)` : ce qu'on lit et ce où l'on cherche (pour une obligation : sa référence et tout son texte) ;
    `permis(habilitation)` : qui peut interroger `/choix/<genre>/` ; `chercher(objets, requete)`, facultatif : une
    recherche dans la base, pour un genre trop nombreux pour être filtré en Python (les actions)."""

    choix: object
    libelle: object = str
    permis: object = bool
    chercher: object = None


GENRES = {}


def declarer(nom, genre):
    """Déclare un genre d'objets (`Genre`) sous `nom`, celui de son URL `/choix/<nom>/`."""
    GENRES[nom] = genre


def filtrer(options, requete, choisis, limite=LIMITE):
    """(montrées, cachées) : les options [(valeur, libellé)] dont le libellé contient chaque mot de `requete`
    (accents et majuscules ignorés), les cochées d'abord et toujours, `limite` autres au plus ; cachées : combien
    d'options correspondantes ne sont pas montrées."""
    cherches = mots(requete)
    cochees = [o for o in options if o[0] in choisis]
    autres = [o for o in options if o[0] not in choisis and all(m in normaliser(o[1]) for m in cherches)]
    return cochees + autres[:limite], max(0, len(autres) - limite)


class Selecteur(forms.Widget):
    """Le widget : champ de recherche, bouton « Chercher », liste de boutons radio (`multiple=False`) ou de cases
    (`multiple=True`). Les choix viennent du champ (`ChoixCherchable`, `ChoixCherchables`)."""

    template_name = "includes/_selecteur.html"

    def __init__(self, genre, multiple=False, attrs=None):
        super().__init__(attrs)
        self.genre, self.multiple = genre, multiple
        self.choices = []
        self.requete = ""  # posée par `Cherchable` depuis l'envoi

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, choix):
        # Le champ les pose (et les repose quand son queryset change) ; elles sont lues une fois par rendu.
        self._choices, self._toutes = choix, None

    def toutes(self):
        """[(valeur, libellé)] de tous les choix, le vide compris : une requête, gardée pour le rendu."""
        if self._toutes is None:
            self._toutes = [(str(valeur), str(libelle)) for valeur, libelle in self._choices]
        return self._toutes

    @property
    def liste_courte(self):
        """Pas plus de `SEUIL` choix : une liste déroulante (ou des cases), sans recherche."""
        return sum(1 for valeur, _libelle in self.toutes() if valeur != "") <= SEUIL

    @property
    def allow_multiple_selected(self):
        return self.multiple

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # rien de coché s'envoie comme rien : c'est un choix

    def format_value(self, value):
        if value is None or value == "":
            return []
        valeurs = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in valeurs if v not in (None, "")]

    def get_context(self, name, value, attrs):
        contexte = super().get_context(name, value, attrs)
        choisis = set(self.format_value(value))
        options = [(valeur, libelle) for valeur, libelle in self.toutes() if valeur != ""]
        # Le choix vide d'un champ facultatif (« Toutes les organisations » d'un filtre), s'il en a un.
        vide = next((libelle for valeur, libelle in self.toutes() if valeur == ""), VIDE)
        court = self.liste_courte
        montrees, cachees = filtrer(options, "" if court else self.requete, choisis, limite=SEUIL if court else LIMITE)
        requis = self.is_required
        parametres = {"nom": name, "multiple": int(self.multiple), "requis": int(requis), "vide": vide}
        contexte["widget"].update(
            options_contexte(name, self.multiple, montrees, cachees, choisis, requis, vide)
            | {
                "requete": self.requete,
                "url": f"{reverse('selecteur', args=[self.genre])}?{urlencode(parametres)}",
                "nom_recherche": f"{name}{SUFFIXE}",
                "chercher": CHERCHER,
                "court": court,
                "decrit": contexte["widget"]["attrs"].get("aria-describedby", ""),
                "invalide": contexte["widget"]["attrs"].get("aria-invalid"),
            }
        )
        return contexte

    def render(self, name, value, attrs=None, renderer=None):
        # Le gabarit est dans templates/ du projet, que le moteur des formulaires de Django ne lit pas.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def id_for_label(self, id_):
        return f"{id_}{SUFFIXE}" if id_ and not self.liste_courte else id_


VIDE = "Aucun choix"


def options_contexte(nom, multiple, montrees, cachees, choisis, requis, vide):
    """Ce qu'affiche la liste des choix (includes/_selecteur_options.html), depuis le widget ou depuis `options`."""
    return {
        "nom": nom,
        "multiple": multiple,
        "requis": requis,
        "vide": vide,
        "options": [
            {"valeur": v, "libelle": libelle, "coche": v in choisis, "id": f"id_{nom}-{v}"} for v, libelle in montrees
        ],
        "cachees": cachees,
        "id_options": f"id_{nom}-options",
    }


class _Genre:
    """Ce que partagent les deux champs : le widget du genre, les libellés du genre."""

    def __init__(self, *args, genre, **kwargs):
        self.genre = genre
        kwargs.setdefault("widget", Selecteur(genre, multiple=self.multiple))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return GENRES[self.genre].libelle(obj)


class ChoixCherchable(_Genre, forms.ModelChoiceField):
    """Un objet parmi beaucoup : `ChoixCherchable(queryset, genre="obligations")`."""

    multiple = False


class ChoixCherchables(_Genre, ChoixMultiples):
    """Plusieurs objets parmi beaucoup : `ChoixCherchables(queryset, genre="organisations")`."""

    multiple = True


class Cherchable:
    """À mêler (en premier) à un formulaire qui porte des sélecteurs : un envoi par un bouton « Chercher » réaffiche
    le formulaire, saisie gardée et choix filtrés, sans rien valider ni enregistrer (`is_valid()` est faux)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            if isinstance(champ.widget, Selecteur) and self.is_bound:
                champ.widget.requete = str(self.data.get(f"{self.add_prefix(nom)}{SUFFIXE}", ""))[:200]

    @property
    def recherche(self):
        return self.is_bound and CHERCHER in self.data

    def full_clean(self):
        if self.recherche:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self):
        return not self.recherche and super().is_valid()


@membre_requis
@require_safe
def options(request, genre):
    """La liste des choix d'un sélecteur filtrée par `q`, pour htmx : `nom` (le champ), `multiple` (0 ou 1), et
    les valeurs cochées sous `nom`, qui restent cochées."""
    declare = GENRES.get(genre)
    if declare is None:
        raise Http404("Ce genre de choix n'existe pas.")
    if not declare.permis(request.habilitation):
        raise PermissionDenied("Votre rôle ne permet pas ce choix.")
    nom = request.GET.get("nom", "choix")
    if not NOM.match(nom):
        return HttpResponseBadRequest("Nom de champ invalide.")
    requete = request.GET.get(f"{nom}{SUFFIXE}", request.GET.get("q", ""))[:200]
    choisis = {v for v in request.GET.getlist(nom) if v.isascii() and v.isdigit()}
    objets = declare.choix(request)
    if declare.chercher is not None:
        cochees = list(objets.filter(pk__in=choisis))
        objets = [*cochees, *[o for o in declare.chercher(objets, requete)[: LIMITE + 1] if o not in cochees]]
    options = [(str(o.pk), declare.libelle(o)) for o in objets]
    montrees, cachees = filtrer(options, "" if declare.chercher else requete, choisis)
    multiple, requis = request.GET.get("multiple") == "1", request.GET.get("requis") == "1"
    vide = request.GET.get("vide", VIDE)[:80]
    contexte = options_contexte(nom, multiple, montrees, cachees, choisis, requis, vide)
    return render(request, "includes/_selecteur_options.html", contexte)
