"""Result types: frozen dataclasses with ``to_dict()`` and ``to_frame()``.

``to_dict()`` returns plain Python types only (JSON-ready); the CLI's
``--format json`` prints exactly that dictionary.  ``to_frame()`` imports
pandas on demand so that importing phase2design stays fast.

Boundary conventions (Simon 1989) are carried in every dictionary under
``"rule"`` in words:

* single stage ``r/n``: declare the drug promising (reject H0) if more than
  ``r`` of ``n`` patients respond, i.e. at least ``r + 1``.  A'Hern (2001)
  tabulates ``r + 1``.
* two stage ``r1/n1, r/n``: stop after stage 1 if ``X1 <= r1``; otherwise
  treat ``n - n1`` more and reject H0 if ``X1 + X2 > r``.
"""

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Optional, Tuple


def _plain(value):
    """Convert numpy scalars and tuples to JSON-ready Python values."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _frame(rows, columns=None):
    import pandas as pd

    return pd.DataFrame(list(rows), columns=columns)


def _patients(k):
    return "1 patient" if k == 1 else f"{k} patients"


@dataclass(frozen=True)
class SingleStageDesign:
    """An exact single-stage design: reject H0 if more than ``r`` of ``n`` respond.

    Attributes
    ----------
    r, n : int
        Cut-off and sample size (Simon convention; A'Hern's ``r`` is ``r + 1``).
    p0, p1 : float
        Response rates under H0 and H1.
    attained_alpha : float
        ``P(X > r | p0)``, exact.
    power : float
        ``P(X > r | p1)``, exact.
    alpha, beta : float or None
        Nominal constraints the design was searched under (None if given by hand).
    comparison : str
        ``"strict"`` or ``"ahern-rounded"``: how attained values were compared
        with the nominal ones during the search.
    """

    r: int
    n: int
    p0: float
    p1: float
    attained_alpha: float
    power: float
    alpha: Optional[float] = None
    beta: Optional[float] = None
    comparison: str = "strict"

    @property
    def r_min(self):
        """A'Hern's tabulated number: the fewest responses that declare the drug promising."""
        return self.r + 1

    # A single stage never stops early: the attributes every family's design carries.
    en0 = en1 = property(lambda self: float(self.n))
    pet0 = pet1 = property(lambda self: 0.0)
    q_low = q_high = None

    @property
    def design(self):
        """The :class:`~phase2design.engine.design.Design` ``r/n``."""
        from .engine.design import Design

        return Design.single(self.r, self.n)

    def rule(self):
        """The decision rule in words."""
        return (f"treat {_patients(self.n)}; declare the drug promising (reject H0) if "
                f"more than {self.r} respond, i.e. at least {self.r + 1} of {self.n}")

    def label(self):
        return f"{self.r}/{self.n}"

    def to_dict(self):
        d = _plain(asdict(self))
        d["design"] = "single-stage"
        d["r_min"] = self.r + 1
        d["rule"] = self.rule()
        return d

    def to_frame(self):
        return _frame([self.to_dict()])


@dataclass(frozen=True)
class TwoStageDesign:
    """A Simon two-stage design ``r1/n1, r/n`` with its exact operating characteristics.

    Stop after ``n1`` patients if ``X1 <= r1``; otherwise treat ``n2 = n - n1``
    more and declare the drug promising (reject H0) if ``X1 + X2 > r``.

    Attributes
    ----------
    r1, n1, r, n : int
        The boundaries (Simon 1989 convention).
    p0, p1 : float
        Response rates under H0 and H1.
    attained_alpha, power : float
        Exact ``P(reject H0)`` at ``p0`` and at ``p1``.
    en0, pet0 : float
        Expected sample size ``n1 + (1 - PET0) n2`` and probability of early
        termination ``P(X1 <= r1)`` at ``p0``.
    en1, pet1 : float
        The same at ``p1``.
    alpha, beta : float or None
        Nominal constraints the design was searched under.
    kind : str
        ``"optimal"``, ``"minimax"``, ``"admissible"`` or ``""``.
    q_low, q_high : float or None
        For admissible designs (Jung et al. 2004): the range of weights ``q``
        over which the design minimises ``q n + (1 - q) EN0``.  ``q_low ==
        q_high`` for a design on an edge of the lower hull of (n, EN0): it
        minimises the criterion at that single weight only, jointly with the
        designs at both ends of the edge (``to_dict()`` then has
        ``"q_single": true``; see :meth:`q_range_text`).
    """

    r1: int
    n1: int
    r: int
    n: int
    p0: float
    p1: float
    attained_alpha: float
    power: float
    en0: float
    pet0: float
    en1: float
    pet1: float
    alpha: Optional[float] = None
    beta: Optional[float] = None
    kind: str = ""
    q_low: Optional[float] = None
    q_high: Optional[float] = None

    @property
    def n2(self):
        return self.n - self.n1

    @property
    def design(self):
        """The :class:`~phase2design.engine.design.Design` ``r1/n1, r/n``."""
        from .engine.design import Design

        return Design.simon(self.r1, self.n1, self.r, self.n)

    def label(self):
        return f"{self.r1}/{self.n1}, {self.r}/{self.n}"

    @property
    def q_single(self):
        """True when the q range is the single weight ``q_low == q_high`` (None without a q range)."""
        return None if self.q_low is None else self.q_low == self.q_high

    def q_range_text(self, digits=3):
        """The q range for a table: ``"[0.073, 0.333]"``, ``"0.333 only"`` when degenerate, ``""`` without one."""
        if self.q_low is None:
            return ""
        if self.q_single:
            return f"{self.q_low:.{digits}f} only"
        return f"[{self.q_low:.{digits}f}, {self.q_high:.{digits}f}]"

    def rule(self):
        """The decision rule in words."""
        return (f"stop after {_patients(self.n1)} if {self.r1} or fewer respond; otherwise treat "
                f"{self.n2} more and declare the drug promising (reject H0) if more than "
                f"{self.r} of all {self.n} respond, i.e. at least {self.r + 1}")

    def to_dict(self):
        d = _plain(asdict(self))
        d["design"] = "two-stage"
        d["n2"] = self.n2
        d["q_single"] = self.q_single
        d["rule"] = self.rule()
        return d

    def to_frame(self):
        return _frame([self.to_dict()])


_TWO_STAGE_COLUMNS = ["kind", "r1", "n1", "r", "n", "en0", "pet0", "attained_alpha", "power", "en1", "pet1",
                      "q_low", "q_high"]


@dataclass(frozen=True)
class SimonResult:
    """Outcome of a Simon two-stage design search.

    Attributes
    ----------
    p0, p1, alpha, beta : float
        Inputs.
    nmax : int or None
        Upper limit on ``n`` given by the user.
    n_searched : int
        The largest ``n`` examined.  Without ``nmax`` the search stops once no
        design with a larger ``n`` can have an EN0 below the optimal design's
        (see :func:`phase2design.simon_design`).
    optimal, minimax : TwoStageDesign
        Minimum EN0; minimum ``n`` (ties: minimum EN0).
    admissible : tuple of TwoStageDesign
        Every admissible design, from minimax (``q`` up to 1) to optimal
        (``q`` down to 0), each with its exact ``q`` range; a design on an
        edge of the hull has the single weight ``q_low == q_high``.
    best_by_n : tuple of TwoStageDesign
        The minimum-EN0 design for each ``n`` from the minimax ``n`` to
        ``n_searched`` that has a feasible design.
    near_ties : tuple of int
        Values of ``n`` (ascending) at which a deciding comparison came within
        rounding of a tie in double precision and was re-decided in exact
        rational arithmetic, at the rates taken as the decimals given: the
        search at that ``n`` (a type I error or power within a relative 1e-12
        of alpha or 1 - beta, or an EN0 within 1e-12 of the best one at that
        ``n``), the choice of the optimal design (EN0 within 1e-9 of the
        smallest), a design within 1e-9 of the admissible hull, or the stopping
        bound checked after that ``n``.  Every result is the exact one; the
        list says where exact ties (possible for "round" inputs such as
        p0 = 1/2) were met.  Empty in ordinary use.
    """

    p0: float
    p1: float
    alpha: float
    beta: float
    nmax: Optional[int]
    n_searched: int
    stop_reason: str
    optimal: TwoStageDesign
    minimax: TwoStageDesign
    admissible: Tuple[TwoStageDesign, ...]
    best_by_n: Tuple[TwoStageDesign, ...] = field(repr=False)
    near_ties: Tuple[int, ...] = ()

    def tie_note(self):
        """A sentence for the output when near_ties is not empty, else ''."""
        if not self.near_ties:
            return ""
        ns = ", ".join(str(n) for n in self.near_ties[:10]) + (" ..." if len(self.near_ties) > 10 else "")
        return (f"note: at n = {ns} a comparison came within rounding of a tie in double precision; "
                f"it was re-decided in exact rational arithmetic (see docs/methods.md)")

    def to_dict(self):
        return {
            "p0": self.p0, "p1": self.p1, "alpha": self.alpha, "beta": self.beta,
            "nmax": self.nmax, "n_searched": self.n_searched, "stop_reason": self.stop_reason,
            "convention": "r1/n1, r/n: stop after stage 1 if X1 <= r1; reject H0 if X1 + X2 > r",
            "optimal": self.optimal.to_dict(),
            "minimax": self.minimax.to_dict(),
            "admissible": [d.to_dict() for d in self.admissible],
            "best_by_n": [d.to_dict() for d in self.best_by_n],
            "near_ties": list(self.near_ties),
        }

    def to_frame(self):
        """The minimum-EN0 design for each n, with minimax/admissible/optimal marked."""
        marks = {(d.r1, d.n1, d.r, d.n): d for d in self.admissible}
        rows = []
        for d in self.best_by_n:
            m = marks.get((d.r1, d.n1, d.r, d.n))
            src = m if m is not None else d
            rows.append({c: getattr(src, c) for c in _TWO_STAGE_COLUMNS})
        return _frame(rows, _TWO_STAGE_COLUMNS)


@dataclass(frozen=True)
class SingleStageResult:
    """Outcome of an exact single-stage design search (A'Hern 2001).

    ``design`` has the smallest ``n`` (then the smallest ``r``) meeting both
    constraints; ``candidates`` lists it and the next feasible designs by
    ``n`` (feasibility is not monotone in ``n``: a larger ``n`` can fail).
    """

    p0: float
    p1: float
    alpha: float
    beta: float
    comparison: str
    design: SingleStageDesign
    candidates: Tuple[SingleStageDesign, ...]

    def to_dict(self):
        return {
            "p0": self.p0, "p1": self.p1, "alpha": self.alpha, "beta": self.beta,
            "comparison": self.comparison,
            "convention": "r/n: reject H0 if X > r (A'Hern's r is r + 1)",
            "design": self.design.to_dict(),
            "candidates": [d.to_dict() for d in self.candidates],
        }

    def to_frame(self):
        cols = ["r", "n", "r_min", "attained_alpha", "power"]
        return _frame([{c: getattr(d, c) for c in cols} for d in self.candidates], cols)


@dataclass(frozen=True)
class CutoffTable:
    """Every decision rule of a fixed-size single-stage trial.

    Row ``r`` (``r = 0..n``) is the rule "reject H0 if more than r respond";
    ``alpha[i][r]`` is its type I error at ``p0[i]`` and ``power[r]`` its
    power at ``p1`` (``r = n`` never rejects).
    """

    n: int
    p0: Tuple[float, ...]
    p1: Optional[float]
    r: Tuple[int, ...]
    alpha: Tuple[Tuple[float, ...], ...]
    power: Optional[Tuple[float, ...]]

    def rows(self):
        out = []
        for j, r in enumerate(self.r):
            row = {"r": r, "r_min": r + 1,
                   "rule": f"reject H0 if at least {r + 1} of {self.n} respond" if r < self.n
                   else "never reject H0"}
            for i, p0 in enumerate(self.p0):
                row[f"alpha(p0={p0:.10g})"] = self.alpha[i][j]
            if self.power is not None:
                row[f"power(p1={self.p1:.10g})"] = self.power[j]
            out.append(row)
        return out

    def to_dict(self):
        return _plain({"n": self.n, "p0": list(self.p0), "p1": self.p1,
                       "convention": "reject H0 if X > r (at least r + 1 responses)",
                       "rows": self.rows()})

    def to_frame(self):
        return _frame(self.rows())


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Exact operating characteristics of one design over a grid of response rates.

    For a single-stage design ``pet`` is 0 and ``en`` is ``n``.  For a
    two-stage design ``stop_stage1 + continue_fail + continue_success == 1``.
    """

    design: str
    label: str
    p: Tuple[float, ...]
    reject: Tuple[float, ...]
    pet: Tuple[float, ...]
    en: Tuple[float, ...]
    stop_stage1: Tuple[float, ...]
    continue_fail: Tuple[float, ...]
    continue_success: Tuple[float, ...]
    rule: str

    _COLUMNS = ("p", "reject", "pet", "en", "stop_stage1", "continue_fail", "continue_success")

    def rows(self):
        return [{c: getattr(self, c)[i] for c in self._COLUMNS} for i in range(len(self.p))]

    def to_dict(self):
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        return _plain(d)

    def to_frame(self):
        return _frame(self.rows(), list(self._COLUMNS))


@dataclass(frozen=True)
class MultiStageDesign:
    """Any design of the multi-stage model with its exact operating characteristics at p0 and p1.

    The result type of every family beyond single-stage and Simon (three-stage, efficacy stopping,
    curtailed, Bayesian rules).  Boundaries count as :class:`~phase2design.engine.design.Design` says:
    after stage ``j`` stop (not promising) if ``S_j <= a_j``, stop (promising) if ``S_j > b_j``; at the end
    promising if ``S_J > r``.

    Attributes
    ----------
    design : Design
    p0, p1 : float
    attained_alpha, power : float
        Exact ``P(promising)`` at ``p0`` and ``p1``.
    en0, en1 : float
        Expected number of patients at ``p0`` and ``p1``.
    pet0, pet1 : float
        Probability of stopping before the last stage (for futility or efficacy) at ``p0`` and ``p1``.
    stop0, stop1 : tuple of float
        ``P(N = N_j)``, ``j = 1..J``: the distribution of the sample size at ``p0`` and ``p1``.
    futility0, efficacy0, futility1, efficacy1 : tuple of float
        Per stage, the probability of ending there not promising / promising (last stage: ``S_J <= r`` and
        ``S_J > r``) at ``p0`` and ``p1``.
    alpha, beta : float or None
        Nominal constraints of the search (None if given by hand).
    kind : str
        ``"optimal"``, ``"minimax"``, ``"admissible"``, ``"optimal-h1"``, ... or ``""``.
    q_low, q_high : float or None
        Admissible weight range (as for :class:`TwoStageDesign`).
    family : str
        Registry name of the family that proposed it (``""`` when given by hand).
    """

    design: object
    p0: float
    p1: float
    attained_alpha: float
    power: float
    en0: float
    en1: float
    pet0: float
    pet1: float
    stop0: Tuple[float, ...]
    stop1: Tuple[float, ...]
    futility0: Tuple[float, ...]
    efficacy0: Tuple[float, ...]
    futility1: Tuple[float, ...]
    efficacy1: Tuple[float, ...]
    alpha: Optional[float] = None
    beta: Optional[float] = None
    kind: str = ""
    q_low: Optional[float] = None
    q_high: Optional[float] = None
    family: str = ""

    @classmethod
    def evaluate(cls, design, p0, p1, **extra):
        """Exact OC of ``design`` (anything :meth:`Design.parse` reads) at ``p0`` and ``p1`` from the engine."""
        from .engine.samplespace import SampleSpace

        space = SampleSpace(design)
        o0, o1 = space.oc(p0), space.oc(p1)
        J = space.design.stages
        return cls(design=space.design, p0=float(p0), p1=float(p1), attained_alpha=o0["reject"],
                   power=o1["reject"], en0=o0["en"], en1=o1["en"],
                   pet0=min(math.fsum(o0["stop"][:J - 1]), 1.0), pet1=min(math.fsum(o1["stop"][:J - 1]), 1.0),
                   stop0=tuple(o0["stop"]), stop1=tuple(o1["stop"]), futility0=tuple(o0["futility"]),
                   efficacy0=tuple(o0["efficacy"]), futility1=tuple(o1["futility"]),
                   efficacy1=tuple(o1["efficacy"]), **extra)

    @property
    def n(self):
        """Maximum sample size ``N_J``."""
        return self.design.n_max

    @property
    def r(self):
        """Final bound: promising if ``S_J > r``."""
        return self.design.r

    @property
    def stages(self):
        return self.design.stages

    def label(self):
        return self.design.label()

    def rule(self):
        return self.design.rule()

    @property
    def q_single(self):
        return None if self.q_low is None else self.q_low == self.q_high

    def q_range_text(self, digits=3):
        return TwoStageDesign.q_range_text(self, digits)

    def to_dict(self):
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "design"}
        d.update(self.design.to_dict())
        d["n_max"] = self.n
        d["q_single"] = self.q_single
        return _plain(d)

    def to_frame(self):
        return _frame([self.to_dict()])


@dataclass(frozen=True)
class MultiStageResult:
    """Outcome of a design search of a multi-stage family (three-stage, efficacy stopping, Bayesian, ...).

    Attributes
    ----------
    family : str
        Registry name of the family.
    p0, p1, alpha, beta : float
    nmax : int or None
    n_searched : int
        Largest maximum sample size examined.
    stop_reason : str
        Why the search stopped (a proven bound, ``nmax``, the engine's limit).
    optimal, minimax : MultiStageDesign
        Minimum EN0; minimum ``N_J`` (ties: minimum EN0).
    admissible : tuple of MultiStageDesign
        The lower convex hull of (n, EN0) from minimax to optimal, with q ranges.
    best_by_n : tuple of MultiStageDesign
        The minimum-EN0 design for each ``n`` that improves on every smaller ``n``.
    others : tuple of MultiStageDesign
        Further named designs of the family (e.g. optimal and minimax under H1), each with its ``kind``.
    near_ties : tuple of int
        Values of ``n`` where a deciding comparison was re-decided in exact rational arithmetic.
    notes : tuple of str
        Family-specific statements for the output (constraints imposed, tie rule).
    """

    family: str
    p0: float
    p1: float
    alpha: float
    beta: float
    nmax: Optional[int]
    n_searched: int
    stop_reason: str
    optimal: MultiStageDesign
    minimax: MultiStageDesign
    admissible: Tuple[MultiStageDesign, ...] = ()
    best_by_n: Tuple[MultiStageDesign, ...] = field(default=(), repr=False)
    others: Tuple[MultiStageDesign, ...] = ()
    near_ties: Tuple[int, ...] = ()
    notes: Tuple[str, ...] = ()

    def designs(self):
        """Every named design: optimal, minimax, then the others (kind set on each)."""
        return (self.optimal, self.minimax) + tuple(self.others)

    def tie_note(self):
        return SimonResult.tie_note(self)

    def to_dict(self):
        return _plain({
            "family": self.family, "p0": self.p0, "p1": self.p1, "alpha": self.alpha, "beta": self.beta,
            "nmax": self.nmax, "n_searched": self.n_searched, "stop_reason": self.stop_reason,
            "convention": ("cumulative a_j/N_j: stop (not promising) after stage j if S_j <= a_j; a:b/N also "
                           "stops (promising) if S_j > b; promising at the end if S_J > r"),
            "optimal": self.optimal.to_dict(), "minimax": self.minimax.to_dict(),
            "admissible": [d.to_dict() for d in self.admissible],
            "best_by_n": [d.to_dict() for d in self.best_by_n],
            "others": [d.to_dict() for d in self.others],
            "near_ties": list(self.near_ties), "notes": list(self.notes)})

    def to_frame(self):
        cols = ["kind", "label", "n_max", "en0", "pet0", "attained_alpha", "power", "en1", "pet1", "q_low",
                "q_high"]
        rows = []
        for d in self.designs() + tuple(a for a in self.admissible if a.kind == "admissible"):
            row = d.to_dict()
            rows.append({c: row.get(c) for c in cols})
        return _frame(rows, cols)
