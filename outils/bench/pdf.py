"""Les rapports PDF au banc d'essai : le rapport complet d'un protocole (`Perimetre(protocole)`), rendu cache vide puis
servi par le cache, dans un processus neuf lancé pour cette seule mesure (`manage.py bench --etape rapport`).

Le pic de mémoire est celui du processus qui rend : ce processus-ci (`RUSAGE_SELF`, Django compris) quand le rapport
est rendu sur place, son fils (`RUSAGE_CHILDREN`, le plus gros fils terminé) au-delà de `RAPPORTS_SEUIL_PROCESSUS`
actions. La mise en forme du tableau (`verdict`, `tableau`) est pure : la suite la teste sans rien rendre.
"""

import io
import resource
import sys
import time

S_PAR_PAGE_MAX = 0.15
S_PAR_PAGE_BALISE_MAX = 0.17  # le PDF balisé, là où le non balisé tient S_PAR_PAGE_MAX
CACHE_MS_MAX = 50
MEMOIRE_FILS_MAX_MO = 2000  # le grand rapport, dans son processus fils (2 Go)


def _mo(usage):
    """Le pic de mémoire résidente en Mo (ru_maxrss : en Kio sous Linux, en octets sous macOS)."""
    octets = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return octets / 1e6


def _pages(pdf):
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf vient avec les dépendances de test (`make` les installe) ; sinon, la lecture du rendu
        from comite.rapports.rendu import nombre_de_pages

        return nombre_de_pages(pdf)
    return len(PdfReader(io.BytesIO(pdf)).pages)


def mesurer(protocole):
    """Le rapport complet de `protocole` au jour d'aujourd'hui, cache vide : secondes, pages, pic de mémoire du
    processus qui rend, puis la répétition servie par le cache (ms) et, à part, le temps du seul HTML.

    À lancer dans un processus qui n'a rien rendu d'autre ; le cache partagé (celui de la base du banc) est vidé
    d'abord. WeasyPrint est importé avant le
    chronomètre (une fois par worker) ; le fils d'un gros rapport, lui, l'importe à chaque rendu, et c'est compté."""
    from django.core.cache import cache
    from django.utils import timezone

    from comite.rapports import production
    from engagements.periode import depuis_par_defaut
    from engagements.tableaux import Perimetre

    cache.clear()
    perimetre = Perimetre(protocole)
    au = timezone.localdate()
    depuis = depuis_par_defaut(protocole, au)
    soi_avant = _mo(resource.getrusage(resource.RUSAGE_SELF))
    enfants_avant = _mo(resource.getrusage(resource.RUSAGE_CHILDREN))

    debut = time.perf_counter()
    pdf = production.produire(perimetre, au, depuis)
    secondes = time.perf_counter() - debut
    soi, enfants = _mo(resource.getrusage(resource.RUSAGE_SELF)), _mo(resource.getrusage(resource.RUSAGE_CHILDREN))

    debut = time.perf_counter()
    repetition = production.produire(perimetre, au, depuis)
    cache_ms = (time.perf_counter() - debut) * 1000
    if repetition != pdf:
        raise RuntimeError("La répétition n'a pas servi le fichier du cache.")

    debut = time.perf_counter()
    html, contexte = production.rendre_html(perimetre, au, depuis, None, timezone.now())
    html_s = time.perf_counter() - debut

    # Le coût du balisage : le même HTML rendu ici, balisé puis non balisé (le PDF servi est toujours balisé).
    from comite.rapports import rendu

    rendus = {}
    for balise in (True, False):
        debut = time.perf_counter()
        rendu.rendre_pdf(html, *production.ressources(), balise=balise)
        rendus[balise] = time.perf_counter() - debut

    seuil = production.seuil_processus()
    dans_un_fils = contexte["nb_actions"] > seuil
    pages = _pages(pdf)
    return {
        "protocole": protocole.slug,
        "actions": contexte["nb_actions"],
        "seuil": seuil,
        "dans_un_fils": dans_un_fils,
        "pages": pages,
        "octets": len(pdf),
        "secondes": secondes,
        "s_par_page": secondes / pages if pages else None,
        "html_s": html_s,
        "pic_mo": enfants if dans_un_fils else soi,
        "avant_mo": enfants_avant if dans_un_fils else soi_avant,
        "cache_ms": cache_ms,
        "balise_s_par_page": rendus[True] / pages if pages else None,
        "non_balise_s_par_page": rendus[False] / pages if pages else None,
    }


def mediane(essais):
    """L'essai au temps médian (le plus rapide des deux du milieu pour un nombre pair), avec le nombre d'essais et
    tous leurs temps."""
    rangs = sorted(essais, key=lambda e: e["secondes"])
    return {**rangs[(len(rangs) - 1) // 2], "essais": len(essais), "secondes_essais": [e["secondes"] for e in essais]}


# -- le tableau -----------------------------------------------------------------------------------------------------


def verdict(mesure, memoire=False):
    """« ✓ » ou « ✗ » et les cibles manquées ; `memoire` : la cible de mémoire s'applique (le grand rapport, qui doit
    passer par son processus fils)."""
    if mesure.get("erreur"):
        return "✗ error"
    manques = []
    if mesure["s_par_page"] is None or mesure["s_par_page"] > S_PAR_PAGE_MAX:
        manques.append(f"> {S_PAR_PAGE_MAX} s/page")
    balise, nu = mesure.get("balise_s_par_page"), mesure.get("non_balise_s_par_page")
    if balise is not None and nu is not None and nu <= S_PAR_PAGE_MAX and balise > S_PAR_PAGE_BALISE_MAX:
        manques.append(f"tagged > {S_PAR_PAGE_BALISE_MAX} s/page")
    if mesure["cache_ms"] >= CACHE_MS_MAX:
        manques.append(f"cached ≥ {CACHE_MS_MAX} ms")
    if memoire and not mesure["dans_un_fils"]:
        manques.append("not rendered in a child process")
    elif memoire and mesure["pic_mo"] >= MEMOIRE_FILS_MAX_MO:
        manques.append(f"≥ {MEMOIRE_FILS_MAX_MO:,} MB")
    return "✓" if not manques else "✗ " + ", ".join(manques)


def ligne_courte(mesure):
    """Une ligne pour la sortie de la commande, en cours de passage."""
    if mesure.get("erreur"):
        return f"{mesure['libelle']} : erreur ({mesure['erreur']})"
    ou = "processus fils" if mesure["dans_un_fils"] else "ce processus"
    essais = f", médiane de {mesure['essais']}" if mesure.get("essais", 1) > 1 else ""
    return (
        f"{mesure['libelle']} : {mesure['pages']} pages en {mesure['secondes']:.1f} s{essais} "
        f"({mesure['s_par_page']:.3f} s/page, HTML {mesure['html_s']:.1f} s), pic {mesure['pic_mo']:.0f} Mo ({ou}), "
        f"cache {mesure['cache_ms']:.1f} ms"
    )


def tableau(mesures):
    """Le tableau Markdown ; `mesures` = [dict de `mesurer` plus 'libelle' et 'memoire' (la cible de mémoire
    s'applique), ou {'libelle', 'erreur'}]."""
    lignes = [
        "| report | actions | pages | seconds | s/page | of which HTML (s) | rendered in | peak memory (MB) "
        "| cached repeat (ms) | tagged / untagged s/page | target |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for m in mesures:
        if m.get("erreur"):
            lignes.append(f"| {m['libelle']} | | | | | | | | | | ✗ error |")
            continue
        ou = "child process" if m["dans_un_fils"] else f"the process itself ({m['avant_mo']:.0f} MB before)"
        s_par_page = "—" if m["s_par_page"] is None else f"{m['s_par_page']:.3f}"
        secondes = f"{m['secondes']:.1f}"
        if m.get("essais", 1) > 1:
            tous = m["secondes_essais"]
            secondes += f" (median of {m['essais']}: {min(tous):.1f}–{max(tous):.1f})"
        lignes.append(
            f"| {m['libelle']} | {m['actions']:,} | {m['pages']} | {secondes} | {s_par_page} "
            f"| {m['html_s']:.1f} | {ou} | {m['pic_mo']:,.0f} | {m['cache_ms']:.1f} | {_balisage(m)} "
            f"| {verdict(m, m.get('memoire', False))} |"
        )
    return "\n".join(lignes)


def _balisage(mesure):
    balise, nu = mesure.get("balise_s_par_page"), mesure.get("non_balise_s_par_page")
    if balise is None or nu is None:
        return "—"
    return f"{balise:.3f} / {nu:.3f} (+{100 * (balise - nu) / nu:.0f} %)" if nu else f"{balise:.3f} / {nu:.3f}"


def section(rapports_pdf, base):
    """Les lignes de la section « Rapports PDF » du rapport du banc. `rapports_pdf` : {'mesures', 'charge_machine'
    (avant, après)} ; `base` : la base du grand protocole, {'nom', 'construction', 'protocole', 'actions',
    'entrees'}."""
    mesures, (avant, apres) = rapports_pdf["mesures"], rapports_pdf["charge_machine"]
    seuil = next((m["seuil"] for m in mesures if "seuil" in m), None)
    erreurs = [f"- {m['libelle']}: `{m['erreur']}`" for m in mesures if m.get("erreur")]
    return [
        "## Rapports PDF",
        "",
        "The full report of a protocol (`Perimetre(protocole)` as of today, changes since the default date; "
        "*actions*: those it lists) rendered by `comite.rapports.produire` with an empty cache, in a fresh Python "
        "process started for that measurement alone (`manage.py bench --etape rapport`, the cache emptied first), "
        "then asked again and served by the cache (*cached repeat*: cache key queries and file read). *Seconds*: the "
        "first call, WeasyPrint already imported (once per worker); a report above "
        f"{seuil if seuil is not None else 'RAPPORTS_SEUIL_PROCESSUS'} actions is rendered in a child process "
        "started for it, whose start-up and imports are counted. The demo report is measured in several fresh "
        "processes and the median run is shown. *Of which HTML*: the content and the template alone, timed again "
        "after the render; the rest is WeasyPrint's layout and PDF writing. *Peak memory*: the high-water mark of "
        "the resident memory (`ru_maxrss`) of the process that renders, Django included when it is the process "
        "itself.",
        "",
        f"The large protocol lives in `{base['nom']}`, {base['construction']}: the demo data plus one synthetic "
        f"protocol `{base['protocole']}` with **{base['actions']:,} actions and {base['entrees']:,} journal "
        "entries**, built with the generator of the national database.",
        "",
        f"Load average (1 min) before / after these renders: {avant:.2f} / {apres:.2f} (the renders themselves keep "
        "one core busy, and the minute before them includes the load test). WeasyPrint is CPU-bound: from one run "
        "to the next on a shared machine, the seconds vary by about 15 %.",
        "",
        "*Tagged / untagged*: the same HTML rendered again in the measuring process, as the tagged PDF that is "
        "served (headings, tables with headers, charts' alternative text, language) and without tagging, to show "
        "what tagging costs per page.",
        "",
        f"Targets: ≤ {S_PAR_PAGE_MAX} s per page, a cached repeat under {CACHE_MS_MAX} ms, the large report under "
        f"{MEMOIRE_FILS_MAX_MO:,} MB of peak memory in its child process, the tagged render ≤ "
        f"{S_PAR_PAGE_BALISE_MAX} s per page where the untagged one meets {S_PAR_PAGE_MAX} s.",
        "",
        tableau(mesures),
        *(["", "Errors:", "", *erreurs] if erreurs else []),
        "",
    ]
