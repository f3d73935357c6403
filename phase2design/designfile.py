"""Design files: the JSON a design search or a report writes, read back to analyse the trial as planned.

``phase2design simon ... --format json > design.json`` writes the whole search result (optimal, minimax,
admissible and best-by-n designs with the inputs p0, p1, alpha and beta); ``phase2design report ... -o
design.json`` writes one design with its inputs.  :func:`read_design_file` reads either (and what ``single``,
``oc`` or ``design`` print with ``--format json``) and returns the one design meant with the inputs it was
planned under, so that ``analyze --design-file`` and ``report --design-file`` use the design that was
planned, with its p0 and its nominal alpha.

Which design a file holding several means
-----------------------------------------
A search result holds several designs.  ``kind`` chooses one: ``"optimal"`` (the default, stated in
:attr:`DesignFile.note` so that the command line can say it), ``"minimax"`` or the kind of any further
named design of the family (``others``).  A file with one design is read as that design; asking it for
another kind is an error.  The design itself is always read by :meth:`Design.parse`, the one parser of
designs.
"""

import json
import sys
from dataclasses import dataclass
from typing import Optional

from ._validation import check_probability, check_rate
from .engine.design import SEARCH_RESULT_KINDS, Design

__all__ = ["DesignFile", "read_design_file", "read_design_files", "design_file_dict", "DEFAULT_KIND"]

#: The design of a search result used when no kind is given.
DEFAULT_KIND = "optimal"


@dataclass(frozen=True)
class DesignFile:
    """The design a design file means, with the inputs it was planned under.

    Attributes
    ----------
    design : Design
    kind : str
        ``"optimal"``, ``"minimax"``, ... as the file names it (``""`` if it names none).
    p0, p1, alpha, beta : float or None
        The planning inputs the file records (None where it records none).
    family : str
        ``"simon"``, ``"single"``, a family's registry name, or ``""``.
    note : str
        How the design was chosen, e.g. "design.json holds a design search result; using its optimal
        design 1/10, 5/29 (choose another with kind / --kind: optimal, minimax)"; ``""`` for a file with
        one design.
    source : str
        The file name (``"-"`` for standard input).
    """

    design: Design
    kind: str
    p0: Optional[float]
    p1: Optional[float]
    alpha: Optional[float]
    beta: Optional[float]
    family: str
    note: str
    source: str

    def to_dict(self):
        return {"design": self.design.to_dict(), "kind": self.kind, "p0": self.p0, "p1": self.p1,
                "alpha": self.alpha, "beta": self.beta, "family": self.family, "note": self.note,
                "source": self.source}


def _load(path):
    if path == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise ValueError(f"design file {path!r} cannot be read: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"design file {path!r} is not JSON ({exc.msg} at line {exc.lineno}); write it with "
                         f"--format json (simon, single, design) or report -o FILE.json") from None
    if not isinstance(data, dict):
        raise ValueError(f"design file {path!r} must hold a JSON object, got a {type(data).__name__}")
    return data


def _named(data):
    """kind -> design dict of a search result, in the order optimal, minimax, then the others."""
    out = {k: data[k] for k in SEARCH_RESULT_KINDS if isinstance(data.get(k), dict)}
    for d in data.get("others") or ():
        if isinstance(d, dict) and d.get("kind") and d["kind"] not in out:
            out[d["kind"]] = d
    return out


def _number(name, value, where):
    if value is None:
        return None
    try:
        return float(check_rate(name, value) if name in ("p0", "p1") else check_probability(name, value))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"design file {where!r}: {exc}") from None


def read_design_file(path, kind=None):
    """Read the design a design file means.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file (``"-"``: standard input).
    kind : str, optional
        For a file holding a search result: which design (default ``"optimal"``, stated in the
        returned ``note``).

    Returns
    -------
    DesignFile

    Raises
    ------
    ValueError
        The file cannot be read, is not a design file, or has no design of the requested kind.

    Examples
    --------
    >>> import json, os, tempfile
    >>> import phase2design as p2
    >>> fd, name = tempfile.mkstemp(suffix=".json"); os.close(fd)
    >>> with open(name, "w") as fh:
    ...     _ = fh.write(json.dumps(p2.simon_design(0.1, 0.3, 0.05, 0.2).to_dict()))
    >>> f = read_design_file(name, kind="minimax")
    >>> f.design.label(), f.alpha
    ('1/15, 5/25', 0.05)
    >>> os.remove(name)
    """
    path = str(path)
    data = _load(path)
    named = _named(data)
    top = data
    if len(named) > 1:
        choice = DEFAULT_KIND if kind is None else str(kind)
        if choice not in named:
            raise ValueError(f"kind must be one of {', '.join(named)} for design file {path!r} (a design search "
                             f"result), got {choice!r}")
        chosen = named[choice]
        d = Design.parse(chosen)
        # a default choice is said out loud; a kind asked for needs no note
        note = "" if kind is not None else (f"{path} holds a design search result; using its {choice} design "
                                            f"{d.label()} (the default; choose another with --kind: "
                                            f"{', '.join(named)})")
        file_kind = chosen.get("kind") or choice
    else:
        chosen = data if not isinstance(data.get("design"), dict) else data["design"]
        try:
            d = Design.parse(data)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"design file {path!r} holds no design: {exc}") from None
        file_kind = chosen.get("kind") if isinstance(chosen.get("kind"), str) else ""
        if kind is not None and str(kind) not in (file_kind or "").split("+"):
            raise ValueError(f"kind {kind!r} was asked for, but design file {path!r} holds one design "
                             f"({d.label()}{', kind ' + repr(file_kind) if file_kind else ''}); drop --kind")
        note = ""
    vals = {}
    for name in ("p0", "p1", "alpha", "beta"):
        value = chosen.get(name, top.get(name))
        vals[name] = _number(name, value, path)
    family = chosen.get("family") or top.get("family") or (
        "single" if d.is_single else ("simon" if d.is_simon and ("r1" in chosen or "optimal" in top) else ""))
    return DesignFile(design=d, kind=file_kind or "", family=str(family), note=note, source=path, **vals)


def read_design_files(path):
    """Every design a design file holds: one :class:`DesignFile` per named kind of a search result
    (optimal, minimax, then the family's further designs), or the one design of any other file."""
    path = str(path)
    named = _named(_load(path))
    if len(named) > 1:
        return [read_design_file(path, kind=k) for k in named]
    return [read_design_file(path)]


def design_file_dict(design, p0, p1, alpha, beta, kind="", family=""):
    """The JSON object of a one-design file (written by ``report -o FILE.json``), read back by
    :func:`read_design_file`: the design as :meth:`Design.to_dict` writes it, with the planning inputs."""
    d = Design.parse(design)
    out = d.to_dict()
    out.update({"kind": kind, "family": family, "p0": p0, "p1": p1, "alpha": alpha, "beta": beta,
                "convention": ("cumulative a_j/N_j: stop (not promising) after stage j if S_j <= a_j; a:b/N also "
                               "stops (promising) if S_j > b; promising at the end if S_J > r")})
    return out
