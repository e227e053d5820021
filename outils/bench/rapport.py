"""Le rapport du banc d'essai (en anglais, comme docs/) : la machine, les bases, les temps de réponse par page et par
échelle, la charge, les rapports PDF (`outils.bench.pdf`). Les cibles manquées sont dites, pas bloquantes ; seules
les erreurs font échouer la commande."""

import os
import platform
from importlib.metadata import version
from pathlib import Path

import django

from outils.bench import file_rapports, pdf
from outils.bench.cibles import PAGES

RATIO_MAX = 1.5
P95_MAX_MS = 300
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


def verdict(page, demo, national, *autres):
    """(ratio p95 national / démo, texte de la cible)."""
    erreurs = sum(len(s.erreurs) for s in (demo, national, *autres))
    ratio = national.p95 / demo.p95 if demo.p95 and national.p95 else None
    if erreurs:
        return ratio, f"✗ {erreurs} error(s)"
    if page == "sante":
        return ratio, "reference"
    manques = []
    if ratio is None or ratio > RATIO_MAX:
        manques.append(f"> {RATIO_MAX}×")
    if national.p95 is None or national.p95 >= P95_MAX_MS:
        manques.append(f"≥ {P95_MAX_MS} ms")
    return ratio, "✓" if not manques else "✗ " + ", ".join(manques)


def tableau(series):
    """Le tableau Markdown ; `series` = {page: {'demo', 'demo_national', 'national': Serie} ou None si absente}."""
    lignes = [
        "| page | demo p50 | demo p95 | demo in national DB p50 | demo in national DB p95 "
        "| national p50 | national p95 | p95 national / demo | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page, libelle in PAGES:
        mesure = series.get(page)
        if mesure is None:
            lignes.append(f"| {libelle} | absent | | | | | | | route not registered yet |")
            continue
        demo, dans_national, national = mesure["demo"], mesure["demo_national"], mesure["national"]
        ratio, cible = verdict(page, demo, national, dans_national)
        ratio = "—" if ratio is None else f"{ratio:.2f}"
        chiffres = " | ".join(_ms(v) for s in (demo, dans_national, national) for v in (s.p50, s.p95))
        lignes.append(f"| {libelle} | {chiffres} | {ratio} | {cible} |")
    return "\n".join(lignes)


def _construction(base):
    jeu = base["donnees"]["jeu"]
    if base["construction_s"] is not None:
        return f"built in this run in {base['construction_s']:.0f} s"
    return f"reused, built on {jeu['construit_le'][:16].replace('T', ' ')} UTC"


def _moyenne(cibles, cle):
    return round(sum(c[cle] for c in cibles) / len(cibles)) if cibles else 0


def rediger(c):
    """Le rapport complet, à partir du contexte `c` que rassemble la commande."""
    m, pg, charge = c["machine"], c["postgresql"], c["charge"]
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
            f"(jit_above_cost {pg.get('jit_above_cost', '?')}); PGOPTIONS {c['pgoptions'] or 'unset'}",
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
            f"{c['requetes']} sequential requests per page and column after a warm-up, the columns alternated request "
            "by request; time seen by the client (connection, request, whole body), logged in as a coordinateur. "
            f"Target: national p95 ≤ {RATIO_MAX}× demo p95 and < {P95_MAX_MS} ms.",
            "",
            tableau(c["series"]),
            "",
            "## Load",
            "",
            f"{charge.connexions} concurrent connections for {charge.duree_s:.0f} s over the national-scale pages "
            f"({', '.join(c['melange'])}), each client sending its next request as soon as it has the answer: "
            f"**{charge.par_seconde:.1f} requests/s, {len(charge.erreurs)} error(s)** ({charge.requetes} requests in "
            f"all, the last ones answered after the window); latency under load p50 {_ms(charge.p50)} ms, p95 "
            f"{_ms(charge.p95)} ms, mostly waiting for one of the {c['workers']} workers.",
            *(["", "Errors (first ones):", "", *[f"- `{e}`" for e in erreurs]] if erreurs else []),
            "",
            *file_rapports.section(c["file_rapports"]),
            *pdf.section(c["rapports_pdf"], _base_du_grand_rapport(c["bases"]["rapport"])),
        ]
    )


def _base_du_grand_rapport(base):
    grand = base["donnees"]["cibles"]["national"][0]
    return {"nom": base["nom"], "construction": _construction(base), **grand}
