"""Ctrl-C on the command line: one line on stderr and exit status 130, at any moment, never a crash.

Python turns SIGINT into a ``KeyboardInterrupt`` raised at the next bytecode boundary, which may lie
inside numba's dispatcher or compiler; unwinding from there gave segmentation faults and
``SystemError: CPUDispatcher(...) returned a result with an exception set``.  The CLI therefore
installs :func:`install`'s handler, which runs the registered clean-ups (remove a half-written
temporary file, name the journal a grid can resume from), prints one line and leaves with
``os._exit(130)`` without unwinding anything.

Code that waits for other processes and wants to stop them itself (the grid's process pool and Dask
backends) runs inside :func:`graceful`, where the handler raises ``KeyboardInterrupt`` as usual.
The library never installs the handler: in Python, Ctrl-C stays a ``KeyboardInterrupt``.
"""

import os
import signal
import threading
from contextlib import contextmanager

__all__ = ["cleanup", "graceful", "install"]

_cleanups = []
_graceful = [0]
_lock = threading.Lock()


@contextmanager
def cleanup(fn):
    """Run ``fn()`` if the process is interrupted inside the block; a returned string is printed."""
    with _lock:
        _cleanups.append(fn)
    try:
        yield
    finally:
        with _lock:
            if fn in _cleanups:
                _cleanups.remove(fn)


@contextmanager
def graceful():
    """Inside the block Ctrl-C raises ``KeyboardInterrupt`` (for code that stops its workers itself)."""
    _graceful[0] += 1
    try:
        yield
    finally:
        _graceful[0] -= 1


def _handler(signum, frame):
    if _graceful[0] > 0:
        raise KeyboardInterrupt
    lines = []
    for fn in reversed(list(_cleanups)):
        try:
            text = fn()
        except BaseException:  # noqa: BLE001 - nothing may stop the exit
            continue
        if text:
            lines.append(str(text))
    message = "\n".join(lines) if lines else "Interrupted."
    try:
        os.write(2, (message + "\n").encode())
    except OSError:  # stderr closed: the exit status still says it
        pass
    os._exit(130)


def install():
    """Make Ctrl-C print one line and exit 130 (the CLI's entry point calls this; the main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handler)
