"""Decision and exact inference after a trial run to a design with any number of stages.

The design's rule (phase2design's convention): after stage ``j < J`` stop, not
promising, if ``S_j <= a_j``; stop, promising, if ``S_j > b_j``; at the end,
promising if ``S_J > r``.  The inference is computed on the stage-wise
ordering of the design's sample space (:mod:`phase2design.engine.inference`).
For a Simon design whose stage 2 ran with a different size than planned, use
:func:`phase2design.analyze_two_stage`, which adjusts the cut-off by the
conditional error principle.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from ._validation import check_int, check_rate
from .engine.design import Design
from .engine.inference import stagewise_estimates
from .results import _frame, _plain

__all__ = ["DesignAnalysis", "analyze_design"]


@dataclass(frozen=True)
class DesignAnalysis:
    """The analysis of a completed trial: the design's decision and stage-wise inference.

    Attributes
    ----------
    design : Design
    responses : tuple of int
        Responses in each stage that was run (not cumulative).
    stage : int
        The stage after which the trial ended (1-based).
    total : int
        Responses in all, ``S_stage``.
    patients : int
        ``N_stage``.
    stopped_for : str
        ``"futility"`` or ``"efficacy"`` (an early stop), or ``"final"``.
    promising : bool
        The design's decision: True if the drug is declared promising (H0 rejected by the design's rule).
    decision : str
        The decision in words, naming the rule that made it.
    p0 : float or None
    confidence_level : float
    pvalue, pvalue_midp : float or None
        ``P_p0(T >= t)`` on the stage-wise ordering, and the mid-p version.
    ci_lower, ci_upper, ci_midp_lower, ci_midp_upper : float
        Exact and mid-p two-sided limits at ``confidence_level``.
    umvue, median_unbiased, median_unbiased_midp, naive_estimate : float
    ordering : str
    alpha, lower_bound, test_rejects, design_alpha, level_source
        As in :class:`phase2design.twostage_inference.TwoStageAnalysis`: the one-sided level, the exact
        one-sided ``1 - alpha`` lower bound, whether the stage-wise test rejects at ``alpha``, the design's
        own exact type I error at p0, and where ``confidence_level`` came from.
    """

    design: Design
    responses: Tuple[int, ...]
    stage: int
    total: int
    patients: int
    stopped_for: str
    promising: bool
    decision: str
    p0: Optional[float]
    confidence_level: float
    pvalue: Optional[float]
    pvalue_midp: Optional[float]
    ci_lower: float
    ci_upper: float
    ci_midp_lower: float
    ci_midp_upper: float
    umvue: float
    median_unbiased: float
    median_unbiased_midp: float
    naive_estimate: float
    ordering: str = "stage-wise (Jennison & Turnbull 2000, section 8.4)"
    alpha: Optional[float] = None
    lower_bound: Optional[float] = None
    test_rejects: Optional[bool] = None
    design_alpha: Optional[float] = None
    level_source: str = "default"

    def to_dict(self):
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["design"] = self.design.label()
        d["rule"] = self.design.rule()
        return _plain(d)

    def to_frame(self):
        return _frame([self.to_dict()])


def _walk(design, responses):
    """(stage, total, stopped_for) of the data under the design's rule; ValueError if they do not fit it."""
    total = 0
    sizes = design.stage_sizes
    J = design.stages
    if len(responses) > J:
        raise ValueError(f"responses must give at most {J} stages for design {design.label()}, "
                         f"got {len(responses)}")
    for j, x in enumerate(responses):
        x = check_int(f"responses[{j}]", x, minimum=0)
        if x > sizes[j]:
            raise ValueError(f"responses in stage {j + 1} must lie between 0 and its {sizes[j]} patients, got {x}")
        total += x
        last_given = j == len(responses) - 1
        if j == J - 1:
            return j + 1, total, "final"
        if total <= design.futility[j] or (design.efficacy[j] is not None and total > design.efficacy[j]):
            if not last_given:
                raise ValueError(f"the trial stopped after stage {j + 1} ({total} responses in "
                                 f"{design.n[j]}), so no later stage can have data; got {len(responses)} stages")
            return j + 1, total, "futility" if total <= design.futility[j] else "efficacy"
        if last_given:
            raise ValueError(f"the trial continues after stage {j + 1} ({total} of {design.n[j]} responded: "
                             f"more than {design.futility[j]}"
                             + ("" if design.efficacy[j] is None else f" and at most {design.efficacy[j]}")
                             + f"); give the responses of stage {j + 2} too")
    raise ValueError(f"responses must give at least one stage, got {list(responses)!r}")


def analyze_design(design, responses, *, p0=None, confidence_level=None, alpha=None):
    """The design's decision and exact stage-wise inference after the trial.

    Parameters
    ----------
    design : Design or text such as ``"0/6,2/17,5/29"`` or ``"3:6/16,11/41"``
    responses : sequence of int
        Responses in each stage run, stage by stage (not cumulative); the data must end where the
        design's rule stopped the trial.
    p0 : float or None
        Null rate for the p-values.
    confidence_level : float, optional
        Two-sided level of the intervals; default ``1 - 2 alpha`` with ``alpha`` (the interval that
        matches the one-sided level-alpha test), else 0.95.
    alpha : float, optional
        The design's one-sided level: adds the exact stage-wise test and the one-sided ``1 - alpha``
        lower bound.

    Returns
    -------
    DesignAnalysis

    Examples
    --------
    >>> a = analyze_design("0/6,2/17,5/29", [1, 2, 4], p0=0.1)
    >>> a.stopped_for, a.promising, round(a.pvalue, 4)
    ('final', True, 0.0178)
    """
    d = Design.parse(design)
    if isinstance(responses, (str, bytes)) or not hasattr(responses, "__iter__"):
        raise TypeError(f"responses must be a sequence of whole numbers, one per stage run, got {responses!r}")
    responses = tuple(responses)
    stage, total, why = _walk(d, responses)
    if p0 is not None:
        p0 = check_rate("p0", p0)
    from .engine.inference import stagewise_test
    from .engine.oc import design_oc
    from .twostage_inference import check_alpha, level_for_alpha

    alpha = check_alpha(alpha)
    level, source = level_for_alpha(alpha, confidence_level)
    est = stagewise_estimates(d, stage, total, p0, level)
    extra = {"alpha": alpha, "level_source": source}
    if alpha is not None:
        test = stagewise_test(d, stage, total, p0, alpha)
        extra.update(lower_bound=test["lower_bound"], test_rejects=test["rejects"])
    if p0 is not None:
        extra["design_alpha"] = float(design_oc(d, [p0]).reject[0])
    promising = why == "efficacy" or (why == "final" and total > d.r)
    n = d.n[stage - 1]
    if why == "futility":
        words = (f"stopped after stage {stage} for futility: {total} of {n} responded (at most "
                 f"{d.futility[stage - 1]}); not promising by the design's rule")
    elif why == "efficacy":
        words = (f"stopped after stage {stage} for efficacy: {total} of {n} responded (more than "
                 f"{d.efficacy[stage - 1]}); promising (H0 rejected) by the design's rule")
    else:
        words = (f"completed all {d.stages} stages: {total} of {n} responded; "
                 + ("promising (H0 rejected)" if promising else "not promising (H0 not rejected)")
                 + f" by the design's rule (promising if more than {d.r} of {n})")
    est.pop("t")
    return DesignAnalysis(design=d, responses=tuple(int(x) for x in responses), stage=stage, total=total,
                          patients=n, stopped_for=why, promising=promising, decision=words, p0=p0,
                          confidence_level=level, **extra, **est)
