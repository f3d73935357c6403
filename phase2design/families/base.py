"""What a design family is, and the one registry of families.

A *family* is a way of choosing a design for given ``p0, p1, alpha, beta``:
A'Hern's single-stage design, Simon's optimal and minimax two-stage designs,
and so on.  Every consumer that offers "the designs for these inputs" (the
``grid`` and ``plan`` commands, the report, the plots) loops over
:func:`families` instead of naming a family, so a new family is one module
that subclasses :class:`Family` and one line in :data:`BUILTIN`.

A family answers :meth:`Family.propose` with a list of :class:`Proposal`: a
kind (``"optimal"``, ``"minimax"``, ...) and a design object that carries its
exact operating characteristics at ``p0`` and ``p1`` (attributes
``attained_alpha``, ``power``, ``en0``, ``pet0``, ``en1``, ``pet1``, ``q_low``,
``q_high``, a ``design`` property returning the
:class:`~phase2design.engine.design.Design`, ``label()`` and ``rule()``).
"""

import importlib
from dataclasses import dataclass

__all__ = ["Family", "Proposal", "BUILTIN", "families", "get_family", "family_names", "register", "select_families"]


@dataclass(frozen=True)
class Proposal:
    """One design a family proposes: its kind and the design with its exact OC at p0 and p1."""

    family: str
    kind: str
    result: object

    @property
    def design(self):
        return self.result.design


class Family:
    """Base class of a design family.  Subclasses set the attributes and implement :meth:`search`.

    Attributes
    ----------
    name : str
        Registry key and the CLI's ``--family`` value, e.g. ``"simon"``.
    title : str
        Human name, e.g. ``"Simon two-stage (optimal and minimax)"``.
    kinds : tuple of str
        Kinds :meth:`propose` returns by default, in order.
    method : str
        One sentence for a protocol: how the design is chosen, with the reference.
    default : bool
        Whether consumers (report, plan, grid) use the family when the user names none.  Families whose
        search takes more than milliseconds (three-stage, efficacy stopping, Bayesian) are off by default
        and chosen by name (``--family three-stage``, or ``all``).
    """

    name = ""
    title = ""
    kinds = ()
    method = ""
    default = True

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        """The family's full search result (family-specific type); NoFeasibleDesignError if none."""
        raise NotImplementedError

    def proposals(self, result, *, admissible=False):
        """The designs of ``result`` worth offering, as :class:`Proposal` objects (first the default).

        The default suits every search result with ``optimal`` and ``minimax`` designs (and optionally
        ``others``, each with its ``kind``, and ``admissible``): those in that order, then with
        ``admissible`` every admissible design not already listed.  Families with other results override it.
        """
        named = [("optimal", result.optimal), ("minimax", result.minimax)]
        named += [(d.kind, d) for d in getattr(result, "others", ())]
        out = [Proposal(self.name, kind, d) for kind, d in named]
        if admissible:
            ends = {d.design for _, d in named}
            out.extend(Proposal(self.name, "admissible", d) for d in result.admissible if d.design not in ends)
        return out

    def propose(self, p0, p1, alpha, beta, *, admissible=False, nmax=None, progress=None):
        """Search and return the proposed designs (``admissible``: also every admissible compromise)."""
        result = self.search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
        return self.proposals(result, admissible=admissible)

    def report_blocks(self, result, p0, p1, alpha, beta):
        """The report's "Candidate designs" section for this family (a list of present blocks).

        ``result`` is what :meth:`search` returned, or None when no design was feasible.  The default is
        one table of the proposals with their exact OC; families override it to show more.
        """
        from ..present.blocks import Paragraph, Table
        from ..present.render import fmt

        inputs = f"p0={p0:.10g}, p1={p1:.10g}, alpha={alpha:.10g}, beta={beta:.10g}"
        if result is None:
            return [Paragraph(f"No {self.title} design meets alpha={alpha:.10g} and beta={beta:.10g}.")]
        rows = [[p.kind, p.result.label(), fmt(p.result.en0, 2), fmt(p.result.pet0, 3),
                 fmt(p.result.attained_alpha, 4), fmt(p.result.power, 4), p.result.rule()]
                for p in self.proposals(result)]
        return [Paragraph(f"{self.title} designs for {inputs}: {self.method}."),
                Table(["kind", "design", "EN0", "PET0", "alpha", "power", "rule"], rows,
                      ["l", "l", "r", "r", "r", "r", "l"])]

    def cost(self, p0, p1, alpha, beta):
        """A rough relative cost of :meth:`search`, used to schedule the slow scenarios of a grid first."""
        from ..engine.oc import _approx_single_n

        return _approx_single_n(p0, p1, alpha, beta)

    def __repr__(self):
        return f"<design family {self.name!r}: {self.title}>"


#: The built-in families, in the order consumers show them: name -> "module:class".
BUILTIN = {
    "single": "phase2design.families.single:SingleStageFamily",
    "simon": "phase2design.families.simon:SimonFamily",
    "efficacy": "phase2design.families.efficacy:EfficacyFamily",
    "three-stage": "phase2design.families.threestage:ThreeStageFamily",
    "ensign": "phase2design.families.threestage:EnsignFamily",
    "predictive": "phase2design.families.bayes:PredictiveFamily",
    "posterior": "phase2design.families.bayes:PosteriorFamily",
}

_loaded = {}


def register(name, target):
    """Add a family: ``target`` is a :class:`Family` subclass or ``"module:Class"`` (loaded on first use)."""
    if not isinstance(target, str):
        target = f"{target.__module__}:{target.__qualname__}"
    BUILTIN[name] = target
    _loaded.pop(name, None)


def get_family(name):
    """The registered family called ``name``; ValueError naming the known ones otherwise."""
    if name not in BUILTIN:
        known = ", ".join(repr(k) for k in BUILTIN)
        raise ValueError(f"family must be one of {known}, got {name!r}")
    if name not in _loaded:
        module, cls = BUILTIN[name].split(":")
        _loaded[name] = getattr(importlib.import_module(module), cls)()
    return _loaded[name]


def family_names():
    """Names of the registered families, in order."""
    return tuple(BUILTIN)


def families():
    """Every registered family, in order."""
    return [get_family(name) for name in BUILTIN]


def select_families(names=None):
    """The families a consumer uses: the default ones (``None``), every registered one (``"all"``), or the
    ones named (a comma-separated string or a sequence of names, in the registry's order).

    Raises ValueError naming the known families for an unknown name.
    """
    if names is None:
        return [f for f in families() if f.default]
    if isinstance(names, str):
        if names.strip().lower() == "all":
            return families()
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = list(names)
    if not names:
        raise ValueError(f"families must name at least one of {', '.join(repr(k) for k in BUILTIN)} (or 'all')")
    chosen = [get_family(n) for n in names]
    order = {n: i for i, n in enumerate(BUILTIN)}
    return sorted({f.name: f for f in chosen}.values(), key=lambda f: order[f.name])
