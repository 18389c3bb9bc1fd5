"""Atomic file output: a reader never sees a half-written file, a failure leaves none behind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Excel reads a CSV as the system code page unless it starts with a UTF-8 byte-order mark.
CSV_ENCODING = "utf-8-sig"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_stale(path: Path) -> list[Path]:
    """Remove the temporary files a killed run left beside `path` (`.<name>.<pid>.*.tmp` whose
    process is gone on this machine); a live run's file is left alone. Returns what was removed."""
    removed = []
    for tmp in Path(path).parent.glob(f".{Path(path).name}.*.tmp"):
        pid = tmp.name[len(Path(path).name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    return removed


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on error it is removed.
    The temporary name carries this process's id, so the next run writing there sweeps what a
    killed one left (`sweep_stale`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text to `path` atomically, with '\\n' line ends on every platform."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="\n")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp_path)` and move the result to `path` only if it returns normally."""
    with atomic_path(path) as tmp:
        write(tmp)


def read_verified(path: Path, sha256: str, what: str) -> bytes:
    """The bytes of a raw input file, refused unless their sha256 is the one the data was built on."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ValueError(f"{path}: sha256 {digest} is not {what} ({sha256})")
    return data
