"""Settling a web worker's process after it has loaded."""

import gc
import importlib

from pacesetter.process import GC_THRESHOLDS, settle_after_loading


def test_settle_after_loading_collects_the_garbage_then_freezes_what_is_alive():
    class Cycle:
        pass

    garbage = Cycle()
    garbage.itself = garbage
    del garbage
    thresholds = gc.get_threshold()
    try:
        frozen = settle_after_loading()
        # Frozen objects can still be freed, so the count may since have fallen a little.
        assert frozen > 0
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)

    # Unfrozen, everything frozen is visible again: the cycle is not, it was collected first.
    assert not any(isinstance(item, Cycle) for item in gc.get_objects())


def test_the_wsgi_entry_point_settles_its_process():
    module = importlib.import_module("pacesetter.wsgi")
    gc.unfreeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        importlib.reload(module)  # what a web worker does as it starts

        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
