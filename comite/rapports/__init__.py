"""Les rapports PDF du comité de pilotage : l'interface que les autres écrans appellent.

Les imports se font à l'appel : le processus fils qui rend les gros rapports charge `comite.rapports.rendu`
sans Django configuré, donc sans passer par les modèles.
"""


def produire(perimetre, au, depuis, reunion=None, genere_le=None, annexe=True, gel=None):
    """Les octets PDF du rapport de `perimetre` (un `engagements.tableaux.Perimetre`) : l'état au jour `au`, les
    évolutions depuis `depuis`. Avec `reunion`, ses textes de la coordination, ses décisions et le suivi des
    précédentes ; sans, les textes de la prochaine réunion et les décisions de toutes les réunions jusqu'à `au`.
    Sans `annexe`, la couverture et la note seules. `gel` (une `comite.archives.Gel`) marque une version archivée
    sur la couverture et en pied de page. Mis en cache : voir `comite.rapports.cache`."""
    from comite.rapports.production import produire as _produire

    return _produire(perimetre, au, depuis, reunion=reunion, genere_le=genere_le, annexe=annexe, gel=gel)


def nom_de_fichier(perimetre, au, annexe=True):
    """« rapport-copil-pays-voironnais-quartier-brunetiere-2026-11-25.pdf » ; « …-note.pdf » sans l'annexe."""
    from comite.rapports.production import nom_de_fichier as _nom_de_fichier

    return _nom_de_fichier(perimetre, au, annexe=annexe)


def pages_en_cache(perimetre, au, depuis, reunion=None):
    """Le nombre de pages du rapport déjà rendu pour ces données (None s'il n'est pas dans le cache)."""
    from comite.rapports.production import pages_en_cache as _pages_en_cache

    return _pages_en_cache(perimetre, au, depuis, reunion=reunion)


def produire_bilan(protocole, au=None, genere_le=None, gel=None):
    """Les octets PDF du bilan à l'échéance de `protocole` au jour `au` (l'échéance par défaut ; voir
    `engagements.tableaux.bilan`) : la note, puis l'annexe. Mis en cache comme les rapports."""
    from comite.rapports.production import produire_bilan as _produire_bilan

    return _produire_bilan(protocole, au, genere_le=genere_le, gel=gel)


def nom_du_bilan(protocole, au):
    """« bilan-pays-voironnais-2023-12-31.pdf »."""
    from comite.rapports.production import nom_du_bilan as _nom_du_bilan

    return _nom_du_bilan(protocole, au)


def pages_du_bilan_en_cache(protocole, au):
    """Le nombre de pages du bilan déjà rendu pour ces données (None s'il n'est pas dans le cache)."""
    from comite.rapports.production import pages_du_bilan_en_cache as _pages

    return _pages(protocole, au)
