"""The process's one Kiwi instance: built once (about a second and 280 MB), shared by every stage.

This module imports nothing heavy, so `collab score` can start building Kiwi on a thread before it
imports scikit-learn and loads the models; both then proceed on the machine's two cores.
"""

from __future__ import annotations

import threading

_build_lock = threading.Lock()
_kiwi = None


def get_kiwi():
    """The process-wide Kiwi instance. A caller arriving while another thread builds it waits for
    that instance instead of building another."""
    global _kiwi
    if _kiwi is None:
        with _build_lock:
            if _kiwi is None:
                # Imported on first use: reading a file or printing help needs no Kiwi.
                from kiwipiepy import Kiwi

                # Construction overlaps with work on the main thread; Kiwi's first analysis (which
                # loads most of its model, about 1.6 s) holds the GIL, so it is left to first use.
                _kiwi = Kiwi()
    return _kiwi


def build_in_background() -> threading.Thread:
    """Start building the Kiwi instance on a daemon thread; the first `get_kiwi()` waits for it."""
    thread = threading.Thread(target=get_kiwi, name="kiwi-build", daemon=True)
    thread.start()
    return thread
