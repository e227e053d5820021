"""Le point d'entrée WSGI (protocole/wsgi.py)."""

import gc
import importlib
import sys


def test_the_wsgi_entry_point_puts_the_loaded_application_out_of_the_garbage_collectors_sight():
    gc.unfreeze()
    sys.modules.pop("protocole.wsgi", None)
    try:
        wsgi = importlib.import_module("protocole.wsgi")
        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
