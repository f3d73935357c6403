"""One source, two ways to run it: the ``kernel`` decorator for the numerical kernels.

Every kernel is a plain Python function on numbers and arrays.  ``@kernel``
wraps it in a :class:`Kernel` that runs either

* the plain-Python version (no numba import at all), while the work the
  process has asked for is small, or
* a numba-compiled version (``nopython``, no fastmath, so the double-double
  arithmetic is not reassociated), once the predicted work would take longer
  in Python than importing numba and loading the compiled code.

A kernel states its cost as a function of its arguments, in microseconds of
plain-Python run time on the reference machine (``cost=lambda n, p: 2.0 * n``).
The costs of all calls are added up per process; once the total would pass
:data:`PYTHON_BUDGET_US`, numba is imported and every later call runs compiled.
Because the total counts repeated calls too, a loop of many small calls
switches as well as one large call does.

Each path gets its own copy of every function, whose globals are rebound to
the same path's callees: compiled code calls compiled callees, Python code
calls Python callees, and only the call from outside pays for the dispatch.
The Python copies also see ``math.lgamma`` as the C library's ``lgamma``
(the one numba links to; CPython has its own, which differs in the last bits),
so both paths give the same result to the last bit.

Environment
-----------
``PHASE2DESIGN_JIT``
    ``auto`` (default), ``1`` (always compiled) or ``0`` (never compiled).
``PHASE2DESIGN_CACHE_DIR``
    Folder for numba's cache; default ``$XDG_CACHE_HOME/phase2design`` or
    ``~/.cache/phase2design``.  The compiled code goes in a subfolder keyed by
    the package version, the numba version and a hash of the kernel sources,
    so editing any kernel file (even a callee in another file, which numba's
    own cache check misses) can never load stale code, and nothing is ever
    written next to the sources.  Without a writable folder the kernels are
    compiled uncached, with a one-line note on stderr.
``PHASE2DESIGN_COMPILE_NOTE``
    Before a real compile (a cache miss, several seconds) one line goes to
    stderr when stderr is a terminal; ``1`` always prints it, ``0`` never.
"""

import os
import sys
import types

import numpy as np

#: Per-process total of predicted plain-Python run time (microseconds) above which the kernels
#: run compiled.  Importing numba and loading the cached kernels takes about 0.45 s on the
#: reference machine, so past ~0.3 s of Python work the compiled path is cheaper from then on,
#: and a process never spends more than this on Python kernels before it switches.
PYTHON_BUDGET_US = 300_000.0

#: Kernel modules (relative to the package), hashed into the cache key.  ``tests/test_jit.py``
#: checks that every module using ``@kernel`` is listed.
KERNEL_FILES = (
    "numerics/_jit.py",
    "numerics/_binomial.py",
    "numerics/_betabinomial.py",
    "families/_search_kernels.py",
    "families/_threestage_kernels.py",
    "engine/_kernels.py",
)

_MODES = ("auto", "0", "1")


def _mode_from_env():
    mode = os.environ.get("PHASE2DESIGN_JIT", "auto").strip().lower() or "auto"
    if mode not in _MODES:
        # a typo must not stop a run; say so once and use the default
        print(f"phase2design: ignoring PHASE2DESIGN_JIT={mode!r} (use auto, 0 or 1)", file=sys.stderr)
        mode = "auto"
    return mode


_mode = _mode_from_env()
_spent_us = 0.0          # predicted Python work so far in this process (auto mode)
_compiled = False        # True once auto mode has switched to the compiled kernels
_numba = None            # the numba module, once imported
_cache_dir = None        # folder of this process's compiled kernels, or "" when uncached
_dispatchers = set()     # ids of our numba dispatchers (to recognise their compile events)
_noted_compile = False
_registry = []           # every Kernel, in definition order
_use_jit = False         # calls go straight to the compiled kernels (mode 1 with numba, or switched)


def _update_use_jit():
    global _use_jit
    _use_jit = _numba is not None and (_mode == "1" or (_mode == "auto" and _compiled))


def set_mode(mode):
    """Choose how kernels run from now on in this process.

    Parameters
    ----------
    mode : {"auto", "0", "1"}
        ``"auto"``: plain Python until the predicted work passes the budget;
        ``"1"``: always compiled; ``"0"``: never compiled.

    Returns
    -------
    str
        The previous mode.
    """
    global _mode
    mode = str(mode).lower()
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
    old, _mode = _mode, mode
    _update_use_jit()
    return old


def get_mode():
    """The current mode: ``"auto"``, ``"0"`` or ``"1"``."""
    return _mode


def compiled_active():
    """Whether calls in auto mode now go to the compiled kernels."""
    return _compiled


def reset_budget():
    """Forget the Python work counted so far (auto mode starts again in plain Python)."""
    global _spent_us, _compiled
    _spent_us = 0.0
    _compiled = False
    _update_use_jit()


# ---------------------------------------------------------------------------
# The decorator
# ---------------------------------------------------------------------------

def kernel(fn=None, *, cost=None):
    """Make ``fn`` a kernel that runs as plain Python or compiled by numba.

    Parameters
    ----------
    fn : function
        The kernel, written in the subset of Python that numba compiles.
    cost : callable, optional
        Called with the kernel's arguments; returns the predicted plain-Python
        run time in microseconds.  Kernels only called by other kernels need
        none (they then count 1 microsecond when called from outside).

    Returns
    -------
    Kernel

    Examples
    --------
    >>> @kernel(cost=lambda n: 0.1 * n)
    ... def _total(n):
    ...     s = 0
    ...     for k in range(n):
    ...         s += k
    ...     return s
    >>> _total(10)
    45
    """
    if fn is None:
        return lambda f: Kernel(f, cost)
    return Kernel(fn, cost)


class Kernel:
    """A kernel with a plain-Python and a compiled version of the same source.

    Calling it picks the version (see the module docstring).  ``.py`` and
    ``.jit`` are the two versions themselves; ``.jit`` imports numba and
    compiles (or loads from the cache) on first call.
    """

    def __init__(self, fn, cost):
        self.fn = fn
        self.cost = cost
        self._py = None
        self._jit = None
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__module__ = fn.__module__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn
        _registry.append(self)

    def __repr__(self):
        return f"<kernel {self.__module__}.{self.__qualname__}>"

    @property
    def py(self):
        """The plain-Python version, calling plain-Python callees."""
        if self._py is None:
            self._py = _copy(self.fn, _python_globals(self.fn.__globals__))
        return self._py

    @property
    def jit(self):
        """The numba dispatcher, calling compiled callees (imports numba on first use)."""
        if self._jit is None:
            _load_numba()
            self._jit = _new_dispatcher(self.fn, _compiled_globals(self.fn.__globals__))
        return self._jit

    def __call__(self, *args):
        if _use_jit:
            # the common case once compiled: one global test, no property lookup
            return (self._jit if self._jit is not None else self.jit)(*args)
        return self._dispatch(args)

    def _dispatch(self, args):
        global _spent_us, _compiled
        if _mode == "auto":
            _spent_us += self.cost(*args) if self.cost is not None else 1.0
            if _spent_us <= PYTHON_BUDGET_US:
                return _plain(self.py(*args))
            if _load_numba() is not None:
                _compiled = True
                _update_use_jit()
                return self.jit(*args)
        elif _mode == "1" and _load_numba() is not None:
            _update_use_jit()
            return self.jit(*args)
        return _plain(self.py(*args))


def _plain(value):
    """numba returns Python scalars; make the Python path do the same (np.int64 is no int)."""
    if isinstance(value, tuple):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in value)
    return value.item() if isinstance(value, np.generic) else value


def _copy(fn, globs):
    """The same code object with other globals (closures and defaults kept)."""
    new = types.FunctionType(fn.__code__, globs, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__qualname__ = fn.__qualname__
    new.__doc__ = fn.__doc__
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__module__ = fn.__module__
    return new


# Rebound globals, one dict per kernel module and path, shared by that module's kernels.
_PY_GLOBALS = {}
_JIT_GLOBALS = {}


def _rebind(module_globals, store, pick):
    key = id(module_globals)
    globs = store.get(key)
    if globs is None:
        globs = dict(module_globals)
        # stored before it is filled: same-module kernels then share this dict
        store[key] = globs
        for name, value in module_globals.items():
            if isinstance(value, Kernel):
                globs[name] = pick(value)
    return globs


def _python_globals(module_globals):
    globs = _rebind(module_globals, _PY_GLOBALS, lambda k: k.py)
    import math

    if globs.get("math") is math:
        globs["math"] = _libm_math()
    return globs


def _compiled_globals(module_globals):
    return _rebind(module_globals, _JIT_GLOBALS, lambda k: k.jit)


_LIBM_MATH = None


def _libm_math():
    """``math`` with ``lgamma`` taken from the C library, the one compiled code calls.

    CPython computes ``lgamma`` itself; glibc's differs by up to a few ulp
    (e.g. at 3.0), which would make the two paths disagree in the last bits.
    """
    global _LIBM_MATH
    if _LIBM_MATH is None:
        import math

        ns = types.SimpleNamespace(**{k: getattr(math, k) for k in dir(math) if not k.startswith("__")})
        lgamma = _c_lgamma()
        if lgamma is not None:
            ns.lgamma = lgamma
        _LIBM_MATH = ns
    return _LIBM_MATH


def _c_lgamma():
    try:
        import ctypes
    except ImportError:
        return None
    # The running process already has the C math library loaded (CDLL(None)); ctypes.util, the
    # fallback, costs 5 ms of imports.
    for name in (None, "libm.so.6", "MATHLIB"):
        try:
            if name == "MATHLIB":
                import ctypes.util

                name = ctypes.util.find_library("m")
            fn = ctypes.CDLL(name).lgamma
        except (OSError, AttributeError, TypeError, ImportError):
            continue
        fn.restype = ctypes.c_double
        fn.argtypes = [ctypes.c_double]
        return fn
    return None


# ---------------------------------------------------------------------------
# numba and its cache
# ---------------------------------------------------------------------------

def _note(msg):
    print(f"phase2design: {msg}", file=sys.stderr, flush=True)


def _load_numba():
    """Import numba once and choose the cache folder; None when numba cannot be imported."""
    global _numba, _cache_dir
    if _numba is not None:
        return _numba
    try:
        import numba
        from numba.core import event
    except Exception as e:  # noqa: BLE001 - a broken numba must not stop a run: the Python path gives the same numbers
        global _mode
        _note(f"numba unavailable ({type(e).__name__}: {e}); running the kernels in plain Python")
        _mode = "0"
        _update_use_jit()
        return None
    _cache_dir = _choose_cache_dir(numba.__version__)
    event.register("numba:compile", _compile_note(event.Listener)())
    _register_numba_type(numba)
    _numba = numba
    return numba


def _register_numba_type(numba):
    """Let other numba code call a Kernel (e.g. ``S._stage_sums`` in a benchmark): it types as
    its compiled dispatcher."""
    from numba.core import types
    from numba.extending import typeof_impl

    @typeof_impl.register(Kernel)
    def _typeof_kernel(val, c):
        return types.Dispatcher(val.jit)


def cache_dir():
    """The folder of the compiled kernels ("" when compiled uncached, None before numba is loaded)."""
    return _cache_dir


def _cache_roots():
    env = os.environ.get("PHASE2DESIGN_CACHE_DIR")
    if env:
        return [env]
    base = os.environ.get("XDG_CACHE_HOME")
    if not base and os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
    if not base:
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return [os.path.join(base, "phase2design")]


def source_hash():
    """SHA-256 (16 hex digits) of every kernel module's source, in :data:`KERNEL_FILES` order."""
    import hashlib

    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = hashlib.sha256()
    for rel in KERNEL_FILES:
        h.update(rel.encode() + b"\0")
        with open(os.path.join(pkg, rel), "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _choose_cache_dir(numba_version):
    import tempfile

    from .. import __version__

    key = f"numba-{numba_version}-phase2design-{__version__}-{source_hash()}"
    tried = []
    for root in _cache_roots():
        path = os.path.join(root, key)
        try:
            os.makedirs(path, exist_ok=True)
            tempfile.TemporaryFile(dir=path).close()
            return path
        except OSError:
            tried.append(root)
    # Never fall back to numba's own choice (next to the sources, or site-packages): that is
    # what left cache files that shadowed an editable install.
    _note(f"no writable cache folder ({', '.join(tried)}); kernels are compiled on every run "
          f"(set PHASE2DESIGN_CACHE_DIR to a writable folder to cache them)")
    return ""


def _new_dispatcher(fn, globs):
    from numba.core import caching, config

    disp = _numba.njit(cache=False)(_copy(fn, globs))
    if _cache_dir:
        old = config.CACHE_DIR
        config.CACHE_DIR = _cache_dir
        try:
            disp.enable_caching()
        finally:
            config.CACHE_DIR = old
        path = getattr(disp._cache, "_cache_path", "")
        if not os.path.abspath(path).startswith(os.path.abspath(_cache_dir)):
            disp._cache = caching.NullCache()
    _dispatchers.add(id(disp))
    return disp


def _want_compile_note():
    """The note is for someone waiting at a terminal; scripts and test runs that capture stderr
    (and compare it line by line) do not get it, unless PHASE2DESIGN_COMPILE_NOTE=1."""
    flag = os.environ.get("PHASE2DESIGN_COMPILE_NOTE", "").strip()
    if flag in ("0", "1"):
        return flag == "1"
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _compile_note(base):
    class _CompileNote(base):
        """One stderr line before the first real compile (a cache miss) of one of our kernels."""

        def on_start(self, event):
            global _noted_compile
            disp = event.data.get("dispatcher") if isinstance(event.data, dict) else None
            if _noted_compile or id(disp) not in _dispatchers:
                return
            _noted_compile = True
            if not _want_compile_note():
                return
            when = "first run only" if _cache_dir else "every run, no cache folder"
            _note(f"compiling numerical kernels ({when}, ~5 s)...")

        def on_end(self, event):
            pass

    return _CompileNote
