"""Settling a long-lived process once it has loaded, so garbage collection stays short."""

import gc


def freeze_loaded_objects() -> int:
    """Collect garbage once, then freeze every object still alive; return how many.

    A web worker keeps what it loaded (Django, the portal's modules, templates, the URL
    conf) for its whole life, yet each full garbage collection walks all of it: in the
    benchmark that pause put about 100 ms on one request in twenty. Frozen objects are no
    longer walked; they are still freed when nothing refers to them.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
