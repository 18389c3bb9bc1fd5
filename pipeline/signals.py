"""SIGTERM handled as Ctrl-C, but never in the middle of a write to the MLflow store.

A `kill` (or a stopped service) should end a `collab` command as Ctrl-C does: temporary files
removed, a retraining's version marked failed, its MLflow run ended as FAILED. Raising
KeyboardInterrupt at an arbitrary point can land inside SQLAlchemy's handling of a store
transaction, leaving this process's own connection holding SQLite's write lock, so that ending the
run then fails with "database is locked". So while the main thread is inside the store's code the
interruption is deferred: the signal is sent again a moment later, and raised once outside.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

# Code during which an interruption waits: the database layer and MLflow's stores.
_DEFER_IN = (f"{os.sep}sqlalchemy{os.sep}", f"{os.sep}mlflow{os.sep}store{os.sep}")
_RETRY_SECONDS = 0.2


def _in_store(frame) -> bool:
    while frame is not None:
        if any(part in frame.f_code.co_filename for part in _DEFER_IN):
            return True
        frame = frame.f_back
    return False


def _interrupt(signum: int, frame) -> None:
    if _in_store(frame):
        threading.Timer(_RETRY_SECONDS, os.kill, (os.getpid(), signum)).start()
        return
    raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt (outside any store write). Only the main
    thread can set a signal handler; elsewhere the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
