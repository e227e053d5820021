"""Le point d'entrée WSGI (protocole/wsgi.py) : le ramasse-miettes ne parcourt pas ce qui vit autant que le
processus."""

import gc
import importlib
import sys

import pytest
from django.core.signals import request_finished


@pytest.fixture
def wsgi():
    seuils = gc.get_threshold()
    gc.unfreeze()
    sys.modules.pop("protocole.wsgi", None)
    try:
        yield importlib.import_module("protocole.wsgi")
    finally:
        request_finished.disconnect(dispatch_uid="protocole.wsgi.geler_apres")
        gc.unfreeze()
        gc.set_threshold(*seuils)


def test_the_loaded_application_is_out_of_the_garbage_collectors_sight(wsgi):
    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == wsgi.SEUIL_JEUNES


def test_what_the_first_requests_load_is_frozen_after_them(wsgi):
    for numero in range(1, 12):
        avant = gc.get_freeze_count()
        charge = [[numero]]  # un objet que le ramasse-miettes suit, créé pendant la requête
        request_finished.send(sender=None)
        if numero in wsgi.GELS:
            assert gc.get_freeze_count() > avant
        else:
            assert gc.get_freeze_count() == avant
        del charge
