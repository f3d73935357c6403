"""One design model for single-arm trials with any number of stages.

A design with ``J >= 1`` stages is given by cumulative sample sizes
``N_1 < N_2 < ... < N_J``, futility bounds ``a_j`` and efficacy bounds ``b_j``.
With ``S_j`` the cumulative number of responses among the first ``N_j``
patients, after stage ``j < J`` the trial

* stops, the drug **not promising**, if ``S_j <= a_j`` (futility);
* stops, the drug **promising** (H0 rejected), if ``S_j > b_j`` (efficacy);
* otherwise continues: it continues exactly while ``a_j < S_j <= b_j``.

At the last stage ``a_J = b_J = r``: the drug is promising if ``S_J > r``.
Simon's (1989) ``r1/n1, r/n`` is ``J = 2`` with ``a_1 = r1`` and no efficacy
stop, and the single-stage ``r/n`` is ``J = 1``.

Notation (parsed by :meth:`Design.parse`, written by :meth:`Design.label`)
--------------------------------------------------------------------------
Stages are separated by commas, each with its **cumulative** size:

* ``a/N``: futility bound only (stop if ``S <= a``), e.g. ``1/10,5/29``;
* ``a:b/N``: futility bound ``a`` and efficacy bound ``b`` (continue while
  ``a < S <= b``; stop for efficacy if ``S > b``), e.g. ``3:6/16,11/41``;
* ``-:b/N``: efficacy bound only (no futility stop at that look);
* the last stage is always ``r/N``: promising if ``S_J > r``.

The colon and the dash need no quoting in a shell.  JSON:
``{"n": [16, 41], "futility": [3, 11], "efficacy": [6, null]}`` (``null`` or
a missing ``efficacy`` list: no efficacy stop; a futility bound of ``-1``
means no futility stop), as written by :meth:`Design.to_dict`.

Tools count differently: A'Hern (2001) prints ``r + 1``; PhIIdesign and
Fleming (1982) write the efficacy bound as ``b + 1`` with "stop if
``S >= b + 1``"; R mtdesign's ``rSuccess`` is ``b`` with "stop if ``S > b``".
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from .._validation import N_LIMIT, check_int, check_single_stage, check_two_stage, is_count

__all__ = ["Design", "SEARCH_RESULT_KINDS"]

#: The keys under which a design search result (``SimonResult.to_dict()``, ``MultiStageResult.to_dict()``)
#: holds its named designs.
SEARCH_RESULT_KINDS = ("optimal", "minimax")


def _patients(k):
    return "1 patient" if k == 1 else f"{k} patients"


def _bad(design, why):
    return ValueError(f"design must look like 'r/n', 'r1/n1,r/n' or 'a1/N1,...,r/N' with cumulative sizes "
                      f"(efficacy bound as 'a:b/N'); {why}, got {design!r}")


@dataclass(frozen=True)
class Design:
    """A J-stage design: cumulative sizes, futility and efficacy bounds.

    Attributes
    ----------
    n : tuple of int
        Cumulative sample sizes ``N_1 < ... < N_J``.
    futility : tuple of int
        ``a_1 .. a_J``: stop (not promising) after stage ``j`` if ``S_j <= a_j``;
        ``-1`` means no futility stop at that look.  ``a_J = r``.
    efficacy : tuple of int or None
        ``b_1 .. b_{J-1}``, then ``None`` for the last stage: stop (promising)
        after stage ``j`` if ``S_j > b_j``; ``None`` means no efficacy stop.

    Use :meth:`parse`, :meth:`single` or :meth:`simon` to build one: they
    validate.  ``Design`` objects are hashable and compare by value.
    """

    n: Tuple[int, ...]
    futility: Tuple[int, ...]
    efficacy: Tuple[Optional[int], ...]

    def __post_init__(self):
        n, a, b = self.n, self.futility, self.efficacy
        if not (isinstance(n, tuple) and isinstance(a, tuple) and isinstance(b, tuple)):
            raise TypeError("Design fields must be tuples; use Design.parse, Design.single or Design.simon")
        J = len(n)
        if J < 1 or len(a) != J or len(b) != J:
            raise ValueError(f"a design needs one size, futility and efficacy bound per stage, got n={n}, "
                             f"futility={a}, efficacy={b}")
        # whole numbers such as 10.0 or numpy integers are stored as int, so that labels and JSON are clean
        prev = 0
        sizes = []
        for j in range(J):
            prev = check_int(f"N{j + 1}" if J > 1 else "n", n[j], minimum=prev + 1, maximum=N_LIMIT)
            sizes.append(prev)
        r = check_int("r", a[-1], minimum=0)
        if r >= sizes[-1]:
            raise ValueError(f"r must be smaller than n (promising if more than r of n respond), got r={r}, "
                             f"n={sizes[-1]}")
        if b[-1] is not None:
            raise ValueError(f"the last stage has no separate efficacy bound (promising if S > r), got {b[-1]}")
        fut, eff = [], []
        for j in range(J - 1):
            aj = check_int(f"a{j + 1}", a[j], minimum=-1)
            bj = None
            if b[j] is not None:
                bj = check_int(f"b{j + 1}", b[j], minimum=0)
                if bj >= sizes[j]:
                    raise ValueError(f"efficacy bound b{j + 1} must be below N{j + 1}={sizes[j]} (S > b must be "
                                     f"possible); write no efficacy bound instead, got b{j + 1}={bj}")
                if bj <= aj:
                    raise ValueError(f"b{j + 1} must exceed a{j + 1} (the trial continues while a < S <= b), "
                                     f"got a{j + 1}={aj}, b{j + 1}={bj}")
            elif aj >= sizes[j]:
                raise ValueError(f"a{j + 1} must be smaller than N{j + 1}={sizes[j]} (else the trial always "
                                 f"stops), got a{j + 1}={aj}")
            fut.append(aj)
            eff.append(bj)
        fut.append(r)
        eff.append(None)
        lo, hi = 0, sizes[0]
        for j in range(J - 1):
            # the totals that can reach look j+1 are lo..hi: some must stop there, and some must go on
            top = sizes[j] if eff[j] is None else eff[j]
            c_lo, c_hi = max(lo, fut[j] + 1), min(hi, top)
            if c_lo > c_hi:
                raise ValueError(f"stage {j + 2} can never be reached: after stage {j + 1} the total lies between "
                                 f"{lo} and {hi}, and every such total stops (a{j + 1}={fut[j]}, "
                                 f"b{j + 1}={eff[j]})")
            if c_lo == lo and c_hi == hi:
                raise ValueError(f"the look after stage {j + 1} can never stop: every total that reaches it "
                                 f"({lo} to {hi}) continues (a{j + 1}={fut[j]}, b{j + 1}={eff[j]}); drop the look "
                                 f"or give it a bound that can be crossed")
            lo, hi = c_lo, c_hi + sizes[j + 1] - sizes[j]
        if J > 1 and r < lo - 1:
            raise ValueError(f"r must be at least {lo - 1}: every total that reaches the last stage is at least "
                             f"{lo}, so with r={r} reaching it would always mean promising")
        object.__setattr__(self, "n", tuple(sizes))
        object.__setattr__(self, "futility", tuple(fut))
        object.__setattr__(self, "efficacy", tuple(eff))

    # -- constructors --------------------------------------------------------------------------------

    @classmethod
    def single(cls, r, n):
        """The single-stage design ``r/n``: promising if more than ``r`` of ``n`` respond."""
        r, n = check_single_stage(r, n)
        return cls((n,), (r,), (None,))

    @classmethod
    def simon(cls, r1, n1, r, n):
        """Simon's ``r1/n1, r/n``: stop if ``X1 <= r1``; promising if ``X1 + X2 > r``."""
        r1, n1, r, n = check_two_stage(r1, n1, r, n)
        return cls((n1, n), (r1, r), (None, None))

    @classmethod
    def parse(cls, design):
        """A ``Design`` from text, JSON text, a dict, a tuple or an object with the bounds.

        Accepts ``"r/n"``, ``"r1/n1,r/n"``, ``"a1/N1,a2/N2,r/N"``, ``"a:b/N,..."``
        (see the module docstring), a JSON object or dict as written by
        :meth:`to_dict`, a tuple ``(r, n)`` or ``(r1, n1, r, n)``, a ``Design``,
        a result object whose attribute ``design`` is a ``Design`` (e.g. a
        curtailed design: its curtailed trial), or a result object with
        attributes ``r, n`` (and ``r1, n1``).
        """
        if isinstance(design, Design):
            return design
        # a result object holding a Design (a curtailed design, a multi-stage family's design)
        if isinstance(getattr(design, "design", None), Design):
            return design.design
        if isinstance(design, str) and design.strip().startswith("{"):
            import json  # only here: the CLI's start-up does not pay for it

            try:
                design = json.loads(design)
            except json.JSONDecodeError as exc:
                raise ValueError(f"design JSON could not be read ({exc.msg} at character {exc.pos}), "
                                 f"got {design!r}") from None
        if isinstance(design, dict):
            return cls._from_mapping(design)
        # a result object that carries its Design (MultiStageDesign and the families' designs): that one,
        # never a single or two-stage reading of its r and n
        if isinstance(getattr(design, "design", None), Design):
            return design.design
        if hasattr(design, "r") and hasattr(design, "n") and not isinstance(design, (str, tuple, list)):
            if getattr(design, "r1", None) is not None and getattr(design, "n1", None) is not None:
                return cls.simon(design.r1, design.n1, design.r, design.n)
            return cls.single(design.r, design.n)
        if isinstance(design, str):
            return cls._from_text(design)
        if isinstance(design, (tuple, list)) and len(design) in (2, 4):
            return cls.single(*design) if len(design) == 2 else cls.simon(*design)
        raise TypeError(f"design must be text such as '1/10,5/29', a dict, a Design or a tuple of 2 or 4 whole "
                        f"numbers, got {design!r}")

    @classmethod
    def _from_text(cls, design):
        text = "".join(design.split())  # spaces, tabs and newlines alike
        if not text:
            raise _bad(design, "it is empty")
        ns, fut, eff = [], [], []
        for part in text.split(","):
            bits = part.split("/")
            if len(bits) != 2 or not is_count(bits[1]):
                raise _bad(design, f"stage {part!r} is not bound/size")
            bound, size = bits
            if ":" in bound:
                lo, hi = bound.split(":", 1)
                if not (lo == "-" or is_count(lo)) or not is_count(hi):
                    raise _bad(design, f"stage {part!r} is not a:b/N with whole numbers")
                fut.append(-1 if lo == "-" else int(lo))
                eff.append(int(hi))
            else:
                if not is_count(bound):
                    raise _bad(design, f"stage {part!r} is not a/N with whole numbers")
                fut.append(int(bound))
                eff.append(None)
            ns.append(int(size))
        if eff[-1] is not None:
            raise _bad(design, "the last stage is r/N (promising if S > r), without an efficacy bound")
        for j in range(1, len(ns)):
            if ns[j] <= ns[j - 1]:
                raise _bad(design, f"sizes must be cumulative and increasing (N{j}={ns[j - 1]}, N{j + 1}={ns[j]})")
        if len(ns) == 1:
            return cls.single(fut[0], ns[0])
        if len(ns) == 2 and eff[0] is None:
            return cls.simon(fut[0], ns[0], fut[1], ns[1])
        return cls(tuple(ns), tuple(fut), tuple(eff))

    @classmethod
    def _from_mapping(cls, d):
        if "n" in d and "futility" in d:
            n, fut, eff = d["n"], d["futility"], d.get("efficacy")
            for key, value in (("n", n), ("futility", fut)):
                if not isinstance(value, (list, tuple)):
                    raise ValueError(f"design '{key}' must be a list with one whole number per stage, got {value!r}")
            if eff is None:
                eff = [None] * len(n)
            elif not isinstance(eff, (list, tuple)):
                raise ValueError(f"design 'efficacy' must be a list (null for no efficacy stop at a look) or null, "
                                 f"got {eff!r}")
            return cls(tuple(n), tuple(fut), tuple(eff))
        if "r" in d and "n" in d:
            if d.get("r1") is not None and d.get("n1") is not None:
                return cls.simon(d["r1"], d["n1"], d["r"], d["n"])
            return cls.single(d["r"], d["n"])
        # a search result (simon/design --format json) holds several designs: which one is meant is the
        # caller's choice (phase2design.designfile.read_design_file, the CLI's --kind), never a silent default
        named = [k for k in SEARCH_RESULT_KINDS if isinstance(d.get(k), dict)]
        if len(named) > 1:
            raise ValueError(f"design JSON is a design search result holding several designs ({', '.join(named)}); "
                             f"give one of them (e.g. its '{named[0]}' entry), or read the file with --design-file "
                             f"FILE --kind {'|'.join(named)} (analyze, report), got keys {sorted(d)}")
        # result objects written by --format json: their label is the design in this notation
        if isinstance(d.get("label"), str):
            return cls.parse(d["label"])
        if isinstance(d.get("design"), dict):
            return cls.parse(d["design"])
        raise ValueError(f"design object needs 'n' and 'futility' (or 'r' and 'n', or a 'label'), "
                         f"got keys {sorted(d)}")

    # -- properties ----------------------------------------------------------------------------------

    @property
    def stages(self):
        """Number of stages ``J``."""
        return len(self.n)

    @property
    def r(self):
        """Final bound: promising if ``S_J > r``."""
        return self.futility[-1]

    @property
    def n_max(self):
        """Largest sample size ``N_J``."""
        return self.n[-1]

    @property
    def stage_sizes(self):
        """Patients in each stage, ``N_j - N_{j-1}``."""
        return tuple(b - a for a, b in zip((0,) + self.n[:-1], self.n))

    @property
    def has_efficacy(self):
        return any(b is not None for b in self.efficacy)

    @property
    def is_single(self):
        return self.stages == 1

    @property
    def is_simon(self):
        return self.stages == 2 and not self.has_efficacy

    @property
    def family(self):
        """``"single-stage"``, ``"two-stage"`` (Simon form) or ``"J-stage"``."""
        if self.is_single:
            return "single-stage"
        if self.is_simon:
            return "two-stage"
        return f"{self.stages}-stage"

    def upper(self, j):
        """Efficacy bound at stage ``j`` (0-based) as a number: ``N_j`` when there is none."""
        if j == self.stages - 1:
            return self.r
        b = self.efficacy[j]
        return self.n[j] if b is None else b

    def continuation(self, j):
        """(lo, hi): the trial goes on after stage ``j`` (0-based) iff ``lo <= S_j <= hi``."""
        return max(self.futility[j] + 1, 0), min(self.upper(j), self.n[j])

    def reachable(self):
        """``((lo_1, hi_1), ..., (lo_J, hi_J))``: the totals ``S_j`` with which look ``j`` can be reached."""
        out = [(0, self.n[0])]
        for j in range(self.stages - 1):
            lo, hi = out[-1]
            c_lo, c_hi = self.continuation(j)
            m = self.n[j + 1] - self.n[j]
            out.append((max(lo, c_lo), min(hi, c_hi) + m))
        return tuple(out)

    def as_simon(self):
        """``(r1, n1, r, n)`` of a two-stage design without an efficacy stop; ValueError otherwise."""
        if not self.is_simon:
            raise ValueError(f"design must be a two-stage design r1/n1,r/n without efficacy stop, "
                             f"got {self.label()!r}")
        return self.futility[0], self.n[0], self.r, self.n[1]

    def simple_form(self, where):
        """``("single", (r, n))`` or ``("two", (r1, n1, r, n))``, for code that knows one or two stages.

        Raises ValueError naming ``where`` for a design with more stages or an efficacy stop.
        """
        if self.is_single:
            return "single", (self.r, self.n[0])
        if self.is_simon:
            return "two", self.as_simon()
        raise ValueError(f"design must be a single-stage 'r/n' or two-stage 'r1/n1,r/n' design without "
                         f"efficacy stop for {where}, got {self.label()!r}")

    # -- words ---------------------------------------------------------------------------------------

    def label(self):
        """Compact notation, e.g. ``'1/10, 5/29'`` or ``'3:6/16, 11/41'``."""
        parts = []
        for j in range(self.stages):
            a, b = self.futility[j], self.efficacy[j]
            if b is None:
                parts.append(f"{a}/{self.n[j]}")
            else:
                parts.append(f"{'-' if a < 0 else a}:{b}/{self.n[j]}")
        return ", ".join(parts)

    def rule(self):
        """The decision rule in words (phase2design's convention, stated in full)."""
        if self.is_single:
            return (f"treat {_patients(self.n[0])}; declare the drug promising (reject H0) if "
                    f"more than {self.r} respond, i.e. at least {self.r + 1} of {self.n[0]}")
        if self.is_simon:
            r1, n1, r, n = self.as_simon()
            return (f"stop after {_patients(n1)} if {r1} or fewer respond; otherwise treat "
                    f"{n - n1} more and declare the drug promising (reject H0) if more than "
                    f"{r} of all {n} respond, i.e. at least {r + 1}")
        clauses = []
        for j in range(self.stages - 1):
            a, b = self.futility[j], self.efficacy[j]
            where = f"after {_patients(self.n[j])}" + (" in all" if j else "")
            bits = []
            if a == 0:
                bits.append("stop (not promising) if none has responded")
            elif a > 0:
                bits.append(f"stop (not promising) if {a} or fewer have responded")
            if b is not None:
                bits.append(f"stop and declare the drug promising (reject H0) if more than {b} have "
                            f"responded, i.e. at least {b + 1}")
            clauses.append(f"{where}: " + ("; ".join(bits) if bits else "continue"))
        clauses.append(f"after {_patients(self.n_max)} in all: declare the drug promising (reject H0) if more "
                       f"than {self.r} of all {self.n_max} respond, i.e. at least {self.r + 1}")
        return "; otherwise ".join(clauses)

    def to_dict(self):
        """Plain JSON-ready form, read back by :meth:`parse`."""
        return {"design": self.family, "label": self.label(), "n": list(self.n),
                "futility": list(self.futility), "efficacy": list(self.efficacy), "rule": self.rule()}

    def __str__(self):
        return self.label()
