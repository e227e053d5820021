"""Le rapport du banc d'essai (en anglais, comme docs/) : la machine, les bases, les temps de réponse par page et par
échelle, la charge, les rapports PDF (`outils.bench.pdf`). Les cibles manquées sont dites, pas bloquantes ; seules
les erreurs font échouer la commande."""

import os
import platform
from importlib.metadata import version
from pathlib import Path

import django

from outils.bench import file_rapports, mesure, pdf
from outils.bench.cibles import PAGES

# Les cibles (issue 19), en rapports mesurés dans le même passage : la vitesse de la machine s'annule.
RATIO_CHAUD = 2.0  # p95 d'une page sans changement depuis la requête précédente / p95 de la vue triviale
RATIO_FROID = 6.0  # p95 d'une page juste après un changement / p95 de la vue triviale
RATIO_FROID_PASSE = 8.0  # le tableau de bord d'un quartier « au » une date passée
RATIO_DEMO_NATIONAL = 1.2  # le protocole de démonstration dans la base nationale / dans sa base seule
PART_CHARGE = 0.25  # sous charge : requêtes par seconde des pages / celles de la vue triviale
# Les pages que visent ces cibles (les tableaux de bord et la liste des actions) ; les autres sont mesurées pour
# information.
PAGES_CIBLES = ("quartier", "quartier_au", "vue_ensemble", "organisation", "actions")
CHARGE_NOTABLE = 1.0  # charge moyenne sur une minute au-delà de laquelle d'autres travaux faussent les chiffres


def machine():
    cpu = _champ("/proc/cpuinfo", "model name", separateur=":") or platform.processor() or "unknown"
    memoire = _champ("/proc/meminfo", "MemTotal", separateur=":")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": f"{int(memoire.split()[0]) / 1024**2:.1f} GiB" if memoire else "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
    }


def _champ(chemin, nom, separateur):
    try:
        lignes = Path(chemin).read_text().splitlines()
    except OSError:
        return None
    return next((ligne.split(separateur, 1)[1].strip() for ligne in lignes if ligne.startswith(nom)), None)


def _ms(valeur):
    return "—" if valeur is None else f"{valeur:.0f}"


def _ratio(a, b):
    return a / b if a and b else None


def _x(valeur):
    return "—" if valeur is None else f"{valeur:.2f}×"


def ratios(series, page):
    """Les rapports d'une page : national chaud et froid / vue triviale (mesurée de même), démo dans la base
    nationale / démo seule (chaud et froid)."""
    mesure, sante = series[page], series["sante"]
    return {
        "chaud": _ratio(mesure["chaud"]["national"].p95, sante["chaud"]["national"].p95),
        "froid": _ratio(mesure["froid"]["national"].p95, sante["froid"]["national"].p95),
        "demo_chaud": _ratio(mesure["chaud"]["demo_national"].p95, mesure["chaud"]["demo"].p95),
        "demo_froid": _ratio(mesure["froid"]["demo_national"].p95, mesure["froid"]["demo"].p95),
    }


def verdict(page, series):
    """Le texte de la cible d'une page : ✓, ou ce qui manque."""
    mesure = series[page]
    erreurs = sum(len(s.erreurs) for m in mesure.values() for s in m.values())
    if erreurs:
        return f"✗ {erreurs} error(s)"
    if page == "sante":
        return "reference"
    if page == "quartier_au_antidate":
        # Le calcul de la page « au » quand l'état montré change : pour information, la cible est lue sur la ligne
        # « au » (une entrée du journal comme les autres avant chaque requête froide, qui ne change pas un jour passé).
        froid = ratios(series, page)["froid"]
        comparaison = "≤" if froid is not None and froid <= RATIO_FROID_PASSE else ">"
        return f"for information: cold {comparaison} {RATIO_FROID_PASSE:g}× when the day shown changed"
    if page not in PAGES_CIBLES:
        return "measured, no target in issue 19"
    r, manques = ratios(series, page), []
    froid_max = RATIO_FROID_PASSE if page == "quartier_au" else RATIO_FROID
    if r["chaud"] is None or r["chaud"] > RATIO_CHAUD:
        manques.append(f"warm > {RATIO_CHAUD:g}×")
    if r["froid"] is None or r["froid"] > froid_max:
        manques.append(f"cold > {froid_max:g}×")
    for cle in ("demo_chaud", "demo_froid"):
        if r[cle] is None or r[cle] > RATIO_DEMO_NATIONAL:
            manques.append(f"demo in national {'warm' if cle == 'demo_chaud' else 'cold'} > {RATIO_DEMO_NATIONAL}×")
    return "✓" if not manques else "✗ " + ", ".join(manques)


def _cellule(serie):
    return f"{_ms(serie.p50)} / {_ms(serie.p95)}"


def tableau(series):
    """Les temps (p50 / p95, ms) chauds et froids de chaque page à chaque échelle ; `series` = {page: {'chaud',
    'froid': {'demo', 'demo_national', 'national': Serie}} ou None si absente}."""
    lignes = [
        "| page | warm: demo | warm: demo in national DB | warm: national | cold: demo | cold: demo in national DB "
        "| cold: national |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page, libelle in PAGES:
        mesure = series.get(page)
        if mesure is None:
            lignes.append(f"| {libelle} | absent | | | | | |")
            continue
        cellules = [_cellule(mesure[m][e]) for m in ("chaud", "froid") for e in ("demo", "demo_national", "national")]
        lignes.append(f"| {libelle} | {' | '.join(cellules)} |")
    return "\n".join(lignes)


def tableau_ratios(series):
    lignes = [
        "| page | national warm p95 / `/sante/` warm p95 | national cold p95 / `/sante/` cold p95 "
        "| demo in national DB / demo alone, warm p95 | same, cold p95 | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for page, libelle in PAGES:
        if series.get(page) is None:
            continue
        if page == "sante":
            r = {"chaud": 1.0, "froid": 1.0, **{k: v for k, v in ratios(series, page).items() if k.startswith("demo")}}
        else:
            r = ratios(series, page)
        cellules = " | ".join(_x(r[c]) for c in ("chaud", "froid", "demo_chaud", "demo_froid"))
        lignes.append(f"| {libelle} | {cellules} | {verdict(page, series)} |")
    return "\n".join(lignes)


def charge(c):
    """La section de la charge : la vue triviale seule, les pages chaudes, les pages avec une donnée changée par
    seconde ; la cible : aucune erreur et au moins PART_CHARGE des requêtes par seconde de la vue triviale."""
    charges, reference = c["charge"], c["charge"]["sante"].par_seconde
    lignes = [
        "| load | requests/s | share of `/sante/` | errors | latency p50 / p95 (ms) | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    libelles = {
        "sante": "`/sante/` alone (reference)",
        "chaud": "the pages, warm",
        "change": "the pages, one journal entry recorded per second",
    }
    for nom, libelle in libelles.items():
        x = charges[nom]
        part = x.par_seconde / reference if reference else None
        if nom == "sante":
            cible = "reference" if not x.erreurs else f"✗ {len(x.erreurs)} error(s)"
        else:
            ok = not x.erreurs and part is not None and part >= PART_CHARGE
            cible = "✓" if ok else f"✗ {'errors' if x.erreurs else f'< {PART_CHARGE:g}'}"
        lignes.append(
            f"| {libelle} | {x.par_seconde:.1f} | {_x(part)} | {len(x.erreurs)} | {_ms(x.p50)} / {_ms(x.p95)} "
            f"| {cible} |"
        )
    x = charges["chaud"]
    return [
        f"{x.connexions} concurrent connections for {x.duree_s:.0f} s each time, over the national-scale pages "
        f"({', '.join(c['melange'])}) of the sampled protocols in turn, each client sending its next request as soon "
        f"as it has the answer; then the same while a separate thread records one journal entry per second in one of "
        f"those protocols (through `Action.enregistrer`, as a user would); and `/sante/` alone under the same load. "
        f"Target: 0 errors and at least {PART_CHARGE:g}× the requests per second of `/sante/`.",
        "",
        *lignes,
    ]


def _construction(base):
    jeu = base["donnees"]["jeu"]
    if base["construction_s"] is not None:
        return f"built in this run in {base['construction_s']:.0f} s"
    return f"reused, built on {jeu['construit_le'][:16].replace('T', ' ')} UTC"


def _moyenne(cibles, cle):
    return round(sum(c[cle] for c in cibles) / len(cibles)) if cibles else 0


def rediger(c):
    """Le rapport complet, à partir du contexte `c` que rassemble la commande."""
    m, pg = c["machine"], c["postgresql"]
    demo, national = c["bases"]["demo"], c["bases"]["national"]
    jeu_demo, jeu = demo["donnees"]["jeu"], national["donnees"]["jeu"]
    protocole_demo = demo["donnees"]["cibles"]["demo"][0]
    nationaux = national["donnees"]["cibles"]["national"]
    avant, apres = c["charge_machine"]
    occupee = (
        " — other work was running on the machine, which slows every figure; the three columns are interleaved "
        "request by request, so the ratios suffer less than the absolute times"
        if max(avant, apres) > CHARGE_NOTABLE
        else ""
    )
    erreurs = sorted(set(c["erreurs"]))[:10]
    return "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `make bench` (`python manage.py bench`): do not edit by hand, run it again. "
            "`make bench SCALE=smoke` (in `.ci/run`) checks that the benchmark itself still works and writes "
            "nothing here.",
            "",
            f"Run on {c['date']}, scale `{c['echelle']}`.",
            "",
            "## Machine",
            "",
            f"- CPU: {m['cpu']}, {m['cores']} cores; RAM: {m['ram']}; {m['os']}",
            f"- PostgreSQL {pg['server_version']}, local socket: shared_buffers {pg['shared_buffers']}, work_mem "
            f"{pg['work_mem']}, effective_cache_size {pg['effective_cache_size']}, jit {pg.get('jit', '?')} "
            f"(jit_above_cost {pg.get('jit_above_cost', '?')}), join_collapse_limit "
            f"{pg.get('join_collapse_limit', '?')}, random_page_cost {pg.get('random_page_cost', '?')} (these three "
            f"set by the project's settings); PGOPTIONS {c['pgoptions'] or 'unset'}",
            f"- Python {m['python']}, Django {m['django']}, psycopg {m['psycopg']}, gunicorn {m['gunicorn']}: "
            f"{c['workers']} sync workers per database, DEBUG=false, CONN_MAX_AGE={c['conn_max_age']}; the project's "
            "settings, except static files collected without compression (`outils/bench/reglages.py`)",
            f"- The client runs on the same machine and shares its cores. Load average (1 min) before / after the "
            f"measurements: {avant:.2f} / {apres:.2f}{occupee}.",
            "",
            "## Databases",
            "",
            f"- `{demo['nom']}`, {_construction(demo)}: what `make run` gives, the real protocol "
            f"`{protocole_demo['protocole']}` with the `manage.py demo` data ({jeu_demo['actions']:,} actions, "
            f"{jeu_demo['entrees']:,} journal entries, {protocole_demo['quartiers']} quartiers).",
            f"- `{national['nom']}`, {_construction(national)} (synthetic load and VACUUM ANALYZE: "
            f"{jeu['duree_s']:.0f} s): the same plus the synthetic protocols, **{jeu['protocoles']:,} protocols, "
            f"{jeu['actions']:,} actions, {jeu['entrees']:,} journal entries**, loaded with `COPY`.",
            "",
            "Columns: *demo* = the demo protocol in the first database; *demo in national DB* = the same protocol in "
            "the second (the effect of the database's size alone); *national* = "
            f"{len(nationaux)} synthetic protocols of the second database taken in turn "
            f"({', '.join('`' + n['protocole'] + '`' for n in nationaux)}; on average {_moyenne(nationaux, 'actions')}"
            f" actions, {_moyenne(nationaux, 'entrees'):,} entries and {_moyenne(nationaux, 'quartiers')} quartiers "
            "each, the text structure cloned from the real one).",
            "",
            "## Response times (ms)",
            "",
            f"{c['requetes']} sequential requests per page, column and state after a warm-up (each protocol of a "
            f"column asked {mesure.TOURS_D_ECHAUFFEMENT} times: the first request a gunicorn worker serves for a "
            "protocol builds and compiles the queries of its figures, once a day, `protocole/compilees.py`; that is "
            "the worker starting, not the recomputation measured), the columns alternated "
            "request by request; time seen by the client (connection, request, whole body), logged in as a "
            "coordinateur. *Warm*: nothing changed since the previous request of the page. *Cold*: before each "
            "request, one journal entry is recorded in the measured protocol (`Action.enregistrer` in a process of "
            "the benchmark's own, `outils/bench/ecrivain.py`), outside the timed window: the data version moved, "
            "everything that reads the tracking (journal, actions, verdicts) is computed again; only what reads none "
            "of it, the indicator tables of the quartier and partner dashboards, stays in the cache "
            "(`protocole/cache_pages.py`). The entry takes effect today: it cannot change the state of a past day, so "
            "the quartier dashboard `?au=` one year ago, kept on the past days' counter "
            "(`VersionDonnees.numero_passe`, which antidated entries, corrections and every other write move), is "
            "served from the cache in both columns; the row *after an antidated entry* measures its recomputation: "
            "before each of its cold requests the entry recorded takes effect on the day shown. The cache is a "
            "`redis-server` of the benchmark's own, as in production (`REDIS_URL`). `/sante/` is measured both ways "
            "too. Cells: p50 / p95.",
            "",
            tableau(c["series"]),
            "",
            "## Ratios and targets",
            "",
            f"Targets (issue 19): every page p95 ≤ {RATIO_CHAUD:g}× `/sante/` warm, ≤ {RATIO_FROID:g}× cold "
            f"(the quartier dashboard one year ago ≤ {RATIO_FROID_PASSE:g}×), on the national scale; the demo "
            f"protocol in the national database ≤ {RATIO_DEMO_NATIONAL}× the same protocol in its own database. "
            "Ratios from one run: the machine's speed cancels out.",
            "",
            tableau_ratios(c["series"]),
            "",
            "## Load",
            "",
            *charge(c),
            *(["", "Errors (first ones):", "", *[f"- `{e}`" for e in erreurs]] if erreurs else []),
            "",
            *file_rapports.section(c["file_rapports"]),
            *pdf.section(c["rapports_pdf"], _base_du_grand_rapport(c["bases"]["rapport"])),
        ]
    )


def _base_du_grand_rapport(base):
    grand = base["donnees"]["cibles"]["national"][0]
    return {"nom": base["nom"], "construction": _construction(base), **grand}
