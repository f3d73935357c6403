"""A tiny file system for full-disk tests: a 64 KiB tmpfs mounted by the test itself (root on Linux only)."""

import os
import shutil
import subprocess
import sys
import tempfile

import pytest


@pytest.fixture
def small_fs():
    """A folder on a fresh 64 KiB tmpfs (unmounted afterwards); skips where it cannot be mounted."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full-disk test mounts a small tmpfs, which needs root on Linux")
    folder = tempfile.mkdtemp(prefix="p2d-smallfs-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True,
                       text=True, timeout=20)
    if p.returncode != 0:
        os.rmdir(folder)
        pytest.skip(f"cannot mount a small tmpfs here: {p.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], capture_output=True, timeout=20)
        os.rmdir(folder)


def fill(folder, keep=0):
    """Fill the file system holding ``folder`` until at most ``keep`` bytes are free."""
    with open(os.path.join(folder, "filler"), "wb") as fh:
        try:
            while True:
                st = os.statvfs(folder)
                free = st.f_bavail * st.f_frsize
                if free <= keep:
                    break
                fh.write(b"\0" * min(4096, free - keep))
                fh.flush()
        except OSError:
            pass
