"""Le point d'entrée WSGI (protocole/wsgi.py) : le ramasse-miettes ne parcourt pas ce qui vit autant que le
processus, et ne garde rien d'abandonné."""

import gc
import importlib
import sys
import weakref

import pytest
from django.core.signals import request_started


@pytest.fixture
def wsgi():
    seuils = gc.get_threshold()
    gc.unfreeze()
    sys.modules.pop("protocole.wsgi", None)
    try:
        yield importlib.import_module("protocole.wsgi")
    finally:
        request_started.disconnect(dispatch_uid="protocole.wsgi.geler_apres")
        gc.unfreeze()
        gc.set_threshold(*seuils)


class Noeud:
    pass


def cycle_abandonne():
    """Une référence faible vers un cycle que plus rien ne tient : seul le ramasse-miettes le libère."""
    noeud = Noeud()
    noeud.moi = noeud
    return weakref.ref(noeud)


def test_the_loaded_application_is_out_of_the_garbage_collectors_sight(wsgi):
    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == wsgi.SEUIL_JEUNES
    # Appelé au début de chaque requête (déconnecté ici, le test suivant l'appelle lui-même).
    assert request_started.disconnect(dispatch_uid="protocole.wsgi.geler_apres")


def test_what_the_first_requests_load_is_frozen_when_the_next_one_starts_and_nothing_abandoned_is_kept(wsgi):
    for numero in range(1, 13):
        avant = gc.get_freeze_count()
        abandonne = cycle_abandonne()
        wsgi.geler_apres()  # la requête `numero` commence
        if numero - 1 in wsgi.GELS:
            assert gc.get_freeze_count() > avant
            assert abandonne() is None  # libéré avant le gel, pas gelé avec le reste
        else:
            assert gc.get_freeze_count() <= avant  # rien de gelé (un objet gelé peut encore être libéré)
        # La requête `numero` charge quelque chose qui vit autant que le processus.
        wsgi.charge_de_test = [*getattr(wsgi, "charge_de_test", []), [numero]]
