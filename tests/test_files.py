"""Atomic output files: complete or untouched, links written through, special files refused, '-' is stdout."""

import os
import stat

import pytest

from phase2design._files import (OutputPathError, OutputWriteError, atomic_write, check_output_path,
                                 remove_stale_temps, write_bytes_atomic, write_text_atomic)
from smallfs import fill, small_fs  # noqa: F401  (fixture)


def _names(folder):
    return sorted(os.listdir(folder))


def test_write_and_replace(tmp_path):
    f = tmp_path / "a.csv"
    write_text_atomic(f, "one\n")
    assert f.read_text() == "one\n"
    write_bytes_atomic(f, b"two\n")
    assert f.read_bytes() == b"two\n"
    with atomic_write(f, newline="") as fh:
        fh.write("x\r\ny\n")
    assert f.read_bytes() == b"x\r\ny\n"
    assert _names(tmp_path) == ["a.csv"]


def test_failure_keeps_the_old_file_and_no_temp(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(f) as fh:
            fh.write("partial")
            raise RuntimeError("drawing failed")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(f, "wb") as fh:
            fh.write(b"partial")
            raise KeyboardInterrupt
    assert f.read_text() == "old\n"
    assert _names(tmp_path) == ["a.csv"]


def test_mode_of_an_existing_file_is_kept(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("old")
    os.chmod(f, 0o640)
    write_text_atomic(f, "new")
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o640 and f.read_text() == "new"


def test_symlink_is_written_through(tmp_path):
    real = tmp_path / "sub" / "real.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert _names(tmp_path) == ["link.csv", "sub"] and _names(real.parent) == ["real.csv"]
    # a dangling link: its target is created, as open() would do, and the link stays
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "sub" / "new.csv")
    write_text_atomic(dangling, "made\n")
    assert dangling.is_symlink() and (tmp_path / "sub" / "new.csv").read_text() == "made\n"


@pytest.mark.parametrize("make,kind", [
    (lambda d: "/dev/null", "character device"),
    (lambda d: "/dev/stdout", "open file descriptor"),
    (lambda d: "/proc/self/fd/1", "open file descriptor"),
    (lambda d: (os.mkfifo(d / "fifo"), str(d / "fifo"))[1], "FIFO"),
    (lambda d: str(d), "directory"),
    (lambda d: str(d) + os.sep, "directory"),
    (lambda d: str(d / "missing" / "a.csv"), "does not exist"),
])
def test_special_targets_are_refused(tmp_path, make, kind):
    path = make(tmp_path)
    before = os.lstat(path) if os.path.lexists(path) else None
    with pytest.raises(OutputPathError) as info:
        write_text_atomic(path, "x")
    msg = str(info.value)
    assert kind in msg and "\n" not in msg and path.rstrip(os.sep) in msg
    assert isinstance(info.value, ValueError)
    if before is not None:  # nothing replaced: /dev/stdout stays a link, /dev/null a device
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    with pytest.raises(OutputPathError):
        check_output_path(path)


def test_dash_is_stdout(capfd):
    write_text_atomic("-", "text out\n")
    write_bytes_atomic("-", b"bytes out\n")
    out, _ = capfd.readouterr()
    assert out == "text out\nbytes out\n"
    assert check_output_path("-") == "-"


def test_stale_temps_are_removed(tmp_path):
    f = tmp_path / "g.csv"
    for name in (".g.csv.tmp12345", ".g.csv.tmp0a1b2c3d", ".g.csv.tmpnotmine", "g.csv.journal"):
        (tmp_path / name).write_text("x")
    remove_stale_temps(f)
    assert _names(tmp_path) == [".g.csv.tmpnotmine", "g.csv.journal"]


def test_full_disk_leaves_the_old_file_and_names_it(small_fs):
    f = os.path.join(small_fs, "out.csv")
    with open(f, "w") as fh:
        fh.write("old\n")
    fill(small_fs)
    with pytest.raises(OutputWriteError) as info:
        write_text_atomic(f, "y" * 200_000)
    e = info.value
    assert isinstance(e, OSError) and e.filename == f and e.strerror
    assert str(e).startswith(f"cannot write {f}:") and "\n" not in str(e)
    assert open(f).read() == "old\n"
    assert sorted(os.listdir(small_fs)) == ["filler", "out.csv"]
