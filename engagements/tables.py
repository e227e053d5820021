"""Le tableau de la liste des actions (django-tables2) : colonnes, rendu et tris."""

import inspect

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from engagements.badges import badge_statut
from engagements.models import Statut

# Les colonnes qu'on peut masquer (le titre et le statut restent), et celles que montre d'abord chaque rôle : sur un
# écran de 1 280 px, un titre ne prend jamais plus de deux lignes (site.css). Le choix de chacun est gardé sur son
# compte (`Utilisateur.colonnes_actions`, posé par la vue `actions_colonnes`).
OPTIONNELLES = {
    "reference": "Référence",
    "engagement": "Engagement",
    "partie": "Partie",
    "pilote": "Pilote",
    "referent": "Référent·e",
    "quartiers": "Quartiers",
    "en_retard": "En retard",
    "avancement": "Avancement",
    "echeance": "Échéance",
    "maj_le": "Dernière mise à jour",
}
# « Dernière mise à jour » porte le drapeau « sans nouvelles » : chaque rôle la voit.
PAR_ROLE = {
    "lecteur": ["reference", "pilote", "quartiers", "en_retard", "avancement", "echeance", "maj_le"],
    "cdm": ["reference", "pilote", "referent", "en_retard", "avancement", "echeance", "maj_le"],
}
PAR_DEFAUT = ["reference", "pilote", "referent", "en_retard", "avancement", "echeance", "maj_le"]  # la coordination


def colonnes_choisies(utilisateur, habilitation):
    """Les colonnes optionnelles à montrer : le choix de la personne, sinon celles de son rôle."""
    choix = utilisateur.colonnes_actions
    if isinstance(choix, list):
        return [nom for nom in OPTIONNELLES if nom in choix]
    return list(PAR_ROLE.get(habilitation.role, PAR_DEFAUT))


# L'ordre de travail des statuts, pour un tri qui a du sens (l'ordre alphabétique des codes n'en a pas).
ORDRE_STATUTS = [Statut.A_VENIR, Statut.EN_COURS, Statut.EN_PAUSE, Statut.BLOQUE, Statut.REALISE, Statut.ABANDONNE]


def _puis_id(colonnes, queryset, descendant):
    """Trie sur `colonnes` puis sur l'identifiant, pour une pagination stable ; les vides toujours à la fin."""
    ordre = [
        (F(c).desc(nulls_last=True) if descendant else F(c).asc(nulls_last=True)) if isinstance(c, str) else c
        for c in colonnes
    ]
    return queryset.order_by(*ordre, "-id" if descendant else "id"), True


class TableActions(tables.Table):
    """Les colonnes de /actions/ ; le statut et les drapeaux se lisent en mots, jamais à la seule couleur."""

    reference = tables.Column("Référence", accessor="obligation__reference", attrs={"td": {"class": "text-nowrap"}})
    # Chaque titre est une ancre (#action-<id>), que vise le lien d'évitement « Aller aux actions en retard ».
    titre = tables.Column(
        "Titre",
        linkify=("action", {"pk": tables.A("pk")}),
        attrs={"a": {"id": lambda record: f"action-{record.pk}"}, "td": {"class": "colonne-titre"}},
    )
    engagement = tables.Column("Engagement", accessor="obligation__bloc__engagement__numero")
    partie = tables.Column("Partie", accessor="obligation__bloc__partie__nom_court")
    pilote = tables.Column("Pilote")
    referent = tables.Column("Référent·e", accessor="referent")
    quartiers = tables.Column("Quartiers", accessor="tout_le_territoire", orderable=False)
    statut = tables.Column("Statut")
    en_retard = tables.Column("En retard", accessor="est_en_retard", empty_values=())
    avancement = tables.Column("Avancement", attrs={"td": {"class": "text-nowrap"}})
    echeance = tables.Column("Échéance", attrs={"td": {"class": "text-nowrap"}})
    maj_le = tables.Column("Dernière mise à jour", accessor="nouvelles_au")

    class Meta:
        template_name = "engagements/_table_actions.html"
        empty_text = "Aucune action ne correspond à ces critères."
        attrs = {"class": "table table-sm small align-middle table-actions"}
        default = "—"

    def lignes_html(self):
        """Les lignes de la page, écrites en Python : le gabarit de django-tables2, et même ses lignes liées
        (`BoundRow.items`), coûtent par case (des centaines par page). Même balisage que le sien : classe odd/even
        des lignes, attributs des cases, valeur rendue par `render_<colonne>` (« — » quand elle est vide), le titre
        lié à la page de l'action avec son ancre ; échappée sauf si elle est déjà du HTML sûr."""
        lignes = [ligne.record for ligne in self.page.object_list] if self.page else list(self.data)
        if not lignes:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
        colonnes = []
        for colonne in self.columns:
            rendu = getattr(self, f"render_{colonne.name}", None)
            arguments = set(inspect.signature(rendu).parameters) if rendu else set()
            vides = colonne.column.empty_values
            colonnes.append((colonne.name, colonne.accessor, rendu, arguments, vides, colonne.attrs["td"].as_html()))
        html = []
        for rang, record in enumerate(lignes):
            cases = []
            for nom, accesseur, rendu, arguments, vides, attributs in colonnes:
                valeur = accesseur.resolve(record, quiet=True)
                if valeur in vides:
                    contenu = self.default
                elif rendu is None:
                    contenu = valeur
                else:
                    contenu = rendu(
                        **{"value": valeur, "record": record} if "record" in arguments else {"value": valeur}
                    )
                if nom == "titre":
                    contenu = format_html(
                        '<a id="action-{}" href="{}">{}</a>', record.pk, reverse("action", args=[record.pk]), contenu
                    )
                cases.append(format_html("<td {}>{}</td>", attributs, contenu))
            html.append(format_html('<tr class="{}">{}</tr>', "even" if rang % 2 else "odd", mark_safe("".join(cases))))
        return mark_safe("\n".join(html))

    def montrer(self, colonnes):
        """Masque les colonnes optionnelles absentes de `colonnes`."""
        for nom in OPTIONNELLES:
            if nom not in colonnes:
                self.columns.hide(nom)

    # -- rendu ------------------------------------------------------------------------------------------------------

    def render_reference(self, value, record):
        return format_html(
            '<a class="reference-obligation" href="{}"><span class="visually-hidden">Obligation </span>'
            "<code>{}</code></a>",
            reverse("obligation", args=[record.obligation_id]),
            value,
        )

    def render_titre(self, value, record):
        titre = format_html('<span class="titre-deux-lignes" title="{}">{}</span>', value, value)
        if record.archivee:
            return format_html('{} <span class="badge drapeau drapeau-archivee">Archivée</span>', titre)
        return titre

    def render_engagement(self, value):
        return f"N°{value}"

    def render_pilote(self, value, record):
        """Le sigle quand il y en a un (le nom complet est dans les exports), puis les partenaires."""
        partenaires = [str(p) for p in record.partenaires.all()]
        if not partenaires:
            return str(value)
        return format_html(
            '{}<br><span class="small text-body-secondary">avec {}</span>', value, ", ".join(partenaires)
        )

    def render_quartiers(self, value, record):
        if record.tout_le_territoire:
            return mark_safe('<span class="badge territoire">Tout le territoire</span>')
        noms = [q.nom for q in record.quartiers.all()]
        if not noms:
            return "—"
        return format_html_join(", ", "{}", ((nom,) for nom in noms))

    def render_statut(self, value, record):
        return badge_statut(record.statut, record.get_statut_display())

    def render_en_retard(self, value):
        if value:
            return mark_safe(
                '<span class="badge drapeau drapeau-retard" title="Échéance dépassée, ni réalisée ni abandonnée">'
                "⚠ En retard</span>"
            )
        return mark_safe('<span class="text-body-secondary">non</span>')

    def render_avancement(self, value):
        return format_html(
            '<div class="d-flex align-items-center gap-2">'
            '<progress class="avancement avancement-court flex-shrink-0" aria-hidden="true" value="{}" max="100">'
            "</progress>{} %</div>",
            value,
            value,
        )

    def render_echeance(self, value):
        return f"{value:%d/%m/%Y}"

    def render_maj_le(self, value, record):
        jour = f"{timezone.localtime(value):%d/%m/%Y}"
        if record.est_sans_nouvelles:
            return format_html(
                '{} <span class="badge drapeau drapeau-sans-maj" title="Rien d\'enregistré depuis plus de 90 jours">'
                "⏸ Sans nouvelles</span>",
                jour,
            )
        return jour

    # -- tris : toujours complétés par l'identifiant, pour que les pages ne se chevauchent pas ---------------------

    def order_reference(self, queryset, descendant):
        colonnes = ("obligation__bloc__engagement__numero", "obligation__bloc__ordre", "obligation__rang")
        return _puis_id(colonnes, queryset, descendant)

    def order_titre(self, queryset, descendant):
        return _puis_id(("titre",), queryset, descendant)

    def order_engagement(self, queryset, descendant):
        return _puis_id(("obligation__bloc__engagement__numero", "echeance"), queryset, descendant)

    def order_partie(self, queryset, descendant):
        return _puis_id(("obligation__bloc__partie__ordre", "echeance"), queryset, descendant)

    def order_pilote(self, queryset, descendant):
        return _puis_id(("pilote__nom", "echeance"), queryset, descendant)

    def order_referent(self, queryset, descendant):
        return _puis_id(("referent__last_name", "referent__first_name", "echeance"), queryset, descendant)

    def order_statut(self, queryset, descendant):
        rang = Case(*(When(statut=s, then=Value(i)) for i, s in enumerate(ORDRE_STATUTS)), output_field=IntegerField())
        return _puis_id((rang.desc() if descendant else rang.asc(), "echeance"), queryset, descendant)

    def order_en_retard(self, queryset, descendant):
        return _puis_id(("est_en_retard", "echeance"), queryset, descendant)

    def order_avancement(self, queryset, descendant):
        return _puis_id(("avancement", "echeance"), queryset, descendant)

    def order_echeance(self, queryset, descendant):
        return _puis_id(("echeance",), queryset, descendant)

    def order_maj_le(self, queryset, descendant):
        return _puis_id(("nouvelles_au",), queryset, descendant)
