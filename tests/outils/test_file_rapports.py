"""Le verdict et la section du banc « /sante/ pendant que des rapports attendent » (outils/bench/file_rapports.py) ;
la mesure elle-même tourne dans `make bench` (SCALE=smoke en CI)."""

from outils.bench import file_rapports
from outils.bench.mesure import Serie


def resultat(sans=10.0, avec=15.0, statut=302, ms=50.0, en_attente=6, pretes=6):
    return {
        "sans": Serie(durees=[sans] * 100),
        "avec": Serie(durees=[avec] * 100),
        "demandes": [{"statut": statut, "page": "/rapports/preparations/1/", "ms": ms}] * 6,
        "en_attente_apres_la_serie": en_attente,
        "pretes": pretes,
        "rendus_s": 24.0,
    }


def test_the_target_is_met_when_the_p95_ratio_is_at_most_two_and_every_request_is_answered_at_once():
    assert file_rapports.manques(resultat()) == []
    texte = "\n".join(file_rapports.section(resultat()))
    assert "| `/sante/` with 6 renders queued | 15.0 | 15.0 | 1.50 |" in texte
    assert "✓ target met" in texte


def test_a_slow_health_check_misses_the_target_shown_in_the_report_without_stopping_the_bench():
    # Comme les rapports des pages : une cible de temps manquée se lit dans le rapport, elle n'est pas une erreur.
    assert file_rapports.manques(resultat(avec=21.0)) == ["p95 under renders 21.0 ms > 2.0× 10.0 ms"]
    assert file_rapports.erreurs(resultat(avec=21.0)) == []
    assert "✗ p95 under renders 21.0 ms > 2.0× 10.0 ms" in "\n".join(file_rapports.section(resultat(avec=21.0)))


def test_a_waiting_report_request_or_a_series_without_renders_is_an_error_that_stops_the_bench():
    assert file_rapports.erreurs(resultat(statut=200, ms=12000.0)) == [
        "6 report request(s) not answered at once with a redirect"
    ]
    assert file_rapports.erreurs(resultat(en_attente=0)) == [
        "no render was still queued when the series ended: it measured nothing"
    ]
    assert "✗" in "\n".join(file_rapports.section(resultat(pretes=5)))
