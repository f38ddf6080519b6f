"""Settling a web worker's process after it has loaded."""

import gc
import importlib

from pacesetter.process import freeze_loaded_objects


def test_freeze_loaded_objects_collects_the_garbage_then_freezes_what_is_alive():
    class Cycle:
        pass

    garbage = Cycle()
    garbage.itself = garbage
    del garbage
    try:
        frozen = freeze_loaded_objects()
        assert frozen == gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

    # Unfrozen, everything frozen is visible again: the cycle is not, it was collected first.
    assert not any(isinstance(item, Cycle) for item in gc.get_objects())


def test_the_wsgi_entry_point_settles_its_process():
    module = importlib.import_module("pacesetter.wsgi")
    gc.unfreeze()
    try:
        importlib.reload(module)  # what a web worker does as it starts

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
