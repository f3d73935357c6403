"""Writing output files whole or not at all.

Every file phase2design writes (grid tables, figures, reports) goes through
:func:`atomic_write`: the content is written to a temporary file in the
target's own folder, flushed and synced, and only then renamed over the
target (``os.replace``, atomic on POSIX).  A failure at any point -- a full
disk, Ctrl-C, an exception while drawing -- leaves the previous file as it
was and no temporary file behind.

One behaviour for every output:

* a symbolic link is written *through*: the link is resolved and its target
  is replaced atomically (the temporary file sits beside the target, so the
  rename stays on one file system), and the link stays a link;
* ``/dev/stdout``, ``/dev/fd/N`` and ``/proc/PID/fd/N`` (links to an open
  descriptor) are refused: use ``"-"``;
* an existing target that is not a regular file (a directory, a character
  device such as ``/dev/stdout`` or a terminal, a FIFO, a socket) is refused
  with a one-line :class:`OutputPathError` -- renaming over it would replace
  a system file (``/dev/stdout`` is a link to the terminal) with a regular
  one;
* ``"-"`` means standard output (text or binary), written directly.

Errors name the file: :class:`OutputPathError` (a ``ValueError``) for a
target that cannot be used, :class:`OutputWriteError` (an ``OSError``, with
``errno``, ``strerror`` and ``filename`` set) when writing fails.
"""

import contextlib
import errno as _errno
import os
import re
import secrets
import stat
import sys

from . import _interrupt

__all__ = ["atomic_write", "write_text_atomic", "write_bytes_atomic", "check_output_path", "remove_stale_temps",
           "OutputPathError", "OutputWriteError", "STDOUT"]

#: The path that means standard output.
STDOUT = "-"

# Temporary names: "." + target name (shortened so that the whole stays under NAME_MAX = 255) + ".tmp"
# + 8 hex digits.  remove_stale_temps() recognises exactly this pattern.
_TMP_TAG = ".tmp"
_TMP_HEX = 8
_NAME_KEEP = 200


class OutputPathError(ValueError):
    """An output path that cannot be written: a directory, a device, a FIFO, or in a missing folder."""


class OutputWriteError(OSError):
    """Writing an output file failed (e.g. the disk is full); the previous file is unchanged.

    ``filename`` is the path as the caller gave it, so the message names the
    file the user typed.
    """

    def __str__(self):
        return f"cannot write {self.filename}: {self.strerror}"


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device (e.g. a terminal or /dev/stdout)"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_output_path(path):
    """The file that writing ``path`` would replace (symbolic links resolved), or ``"-"``.

    Call it before a long computation so that a bad output path fails at
    once; :func:`atomic_write` checks again when it writes.

    Parameters
    ----------
    path : str or os.PathLike
        The output path, or ``"-"`` for standard output.

    Returns
    -------
    str
        The real path of the target (its folder exists), or ``"-"``.

    Raises
    ------
    OutputPathError
        If the target exists and is not a regular file, the path ends in a
        separator, or its folder does not exist.
    """
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if path == STDOUT:
        return STDOUT
    if not path or path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        raise OutputPathError(f"cannot write {path!r}: it names a directory, not a file")
    if _via_descriptor(path):
        raise OutputPathError(f"cannot write {path}: it is a link to an open file descriptor (like /dev/stdout); "
                              f"use '-' for standard output")
    # realpath resolves a chain of links (and links among the parent folders); a dangling link resolves to
    # the file it points at, which is then created -- as open() would do.
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputWriteError(e.errno, e.strerror, path) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputPathError(f"cannot write {path}: it is {_kind(st.st_mode)}; name a regular file "
                              f"(or '-' for standard output)")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputPathError(f"cannot write {path}: folder {os.path.dirname(os.path.abspath(path))} does not exist")
    return target


_FD_LINK = re.compile(r"^/(proc/[^/]+|dev)/fd(/|$)")


def _via_descriptor(path):
    """True if ``path`` or a link on its way is /dev/stdout, /dev/fd/N or /proc/PID/fd/N.

    Those "magic" links name an open descriptor (a terminal, a pipe, or the file the shell redirected
    stdout to); replacing what they resolve to would swap a file under the shell's feet.
    """
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if _FD_LINK.match(p):
            return True
        try:
            link = os.readlink(p)
        except OSError:  # not a link (or not there): the folders' links cannot be descriptor links
            return False
        p = os.path.normpath(os.path.join(os.path.dirname(p), link))
    return False


def _temp_prefix(target):
    return "." + os.path.basename(target)[:_NAME_KEEP] + _TMP_TAG


def _open_temp(target):
    """Create a new temporary file beside ``target``; returns (fd, tmp_path)."""
    folder = os.path.dirname(target)
    prefix = _temp_prefix(target)
    while True:
        tmp = os.path.join(folder, prefix + secrets.token_hex(_TMP_HEX // 2))
        try:
            # 0o666 with O_CREAT applies the umask, as a plain open() of a new file would
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:  # pragma: no cover - 2**32 names
            continue


def _keep_owner_and_mode(fd, target):
    """Give the new file the old one's permissions (and owner, where allowed): replacing is writing."""
    try:
        st = os.stat(target)
    except OSError:
        return
    try:
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
    except OSError:  # pragma: no cover - file systems without modes
        pass
    if hasattr(os, "fchown"):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except OSError:  # only root may give a file away; others keep their own ownership
            pass


def _sync_folder(folder):
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(dfd)
    except OSError:  # pragma: no cover - some file systems cannot sync a directory
        pass
    finally:
        os.close(dfd)


@contextlib.contextmanager
def _stdout(mode):
    """Standard output as it is (its encoding and newline handling belong to the terminal or pipe)."""
    out = sys.stdout
    if "b" in mode:
        stream = getattr(out, "buffer", None)
        if stream is None:
            raise OutputPathError("cannot write binary output to standard output here (it has no byte buffer)")
        yield stream
        stream.flush()
    else:
        yield out
        out.flush()


@contextlib.contextmanager
def atomic_write(path, mode="w", *, encoding="utf-8", newline=None):
    """Open ``path`` for writing so that it is replaced whole, or not at all.

    Parameters
    ----------
    path : str or os.PathLike
        The output file, or ``"-"`` for standard output (written directly:
        nothing to replace).
    mode : {"w", "wb"}
        Text or binary.
    encoding : str, default "utf-8"
        Text mode only.
    newline : str, optional
        Text mode only, as for :func:`open` (``""`` writes ``"\\n"`` as is).

    Yields
    ------
    file object
        Write the content to it; the target is replaced when the ``with``
        block ends without an exception.

    Raises
    ------
    OutputPathError
        If the target is not a regular file (see :func:`check_output_path`).
    OutputWriteError
        If writing, syncing or renaming fails; the message names ``path``.
        Any other exception from the block propagates unchanged.  In every
        failure the previous file is untouched and the temporary file removed.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with atomic_write(os.path.join(folder, "a.txt")) as fh:
    ...     _ = fh.write("complete\\n")
    >>> open(os.path.join(folder, "a.txt")).read()
    'complete\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    shown = os.fsdecode(os.fspath(path))
    target = check_output_path(shown)
    if target == STDOUT:
        with _stdout(mode) as fh:
            yield fh
        return
    try:
        fd, tmp = _open_temp(target)
    except OSError as e:
        raise OutputWriteError(e.errno, e.strerror, shown) from None
    # Ctrl-C on the command line ends the process at once (phase2design._interrupt): drop the temp file
    with _interrupt.cleanup(lambda: _discard(tmp)):
        try:
            try:
                _keep_owner_and_mode(fd, target)
                fh = os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": encoding, "newline": newline}))
            except BaseException:
                os.close(fd)
                raise
            with fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as e:
            _discard(tmp)
            if isinstance(e, OutputWriteError):
                raise
            raise OutputWriteError(e.errno if e.errno is not None else _errno.EIO, e.strerror or str(e), shown) \
                from None
        except BaseException:
            _discard(tmp)
            raise
    _sync_folder(os.path.dirname(target))


def _discard(tmp):
    try:
        os.remove(tmp)
    except FileNotFoundError:
        pass
    except OSError:  # pragma: no cover - nothing more can be done; the target is untouched anyway
        pass


def write_text_atomic(path, text, *, encoding="utf-8", newline=None):
    """Replace ``path`` with ``text`` atomically (``"-"``: print it); see :func:`atomic_write`."""
    with atomic_write(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)


def write_bytes_atomic(path, data):
    """Replace ``path`` with ``data`` atomically (``"-"``: write to stdout); see :func:`atomic_write`."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def remove_stale_temps(path):
    """Remove temporary files a killed writer of ``path`` left behind (``.NAME.tmpXXXXXXXX``).

    Only safe while the caller knows no other process is writing ``path``
    (the grid runner holds the journal lock when it calls this).
    """
    if os.fspath(path) == STDOUT:
        return
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    prefix = _temp_prefix(target)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    hexdigits = set("0123456789abcdef")
    for name in names:
        rest = name[len(prefix):]
        # the old grid runner named its temporaries .NAME.tmpPID: digits only, also removed
        if name.startswith(prefix) and rest and rest.isascii() and (set(rest) <= hexdigits):
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                pass
