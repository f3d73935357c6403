"""A protocol-ready report of a phase II design: one self-contained HTML or Markdown file, or Word or LaTeX.

``make_report(0.1, 0.3, 0.05, 0.2)`` runs the Simon search and the exact
single-stage search for the inputs, picks the requested design and writes:
the inputs, the chosen design in words and symbols with its exact attained
error rates, a statistical-considerations paragraph for the protocol
(:func:`protocol_paragraph`), the candidate designs, the operating
characteristics, the figures (embedded as base64 PNG data URIs: no external
file, stylesheet, script, font or network access) and, given observed data,
the analysis of :func:`phase2design.evaluate` or
:func:`phase2design.analyze_two_stage`.

Conventions (Simon 1989): a two-stage design ``r1/n1, r/n`` stops after
``n1`` patients if ``X1 <= r1`` and declares the drug promising (rejects H0)
if ``X1 + X2 > r``; a single-stage design ``r/n`` rejects H0 if ``X > r``
(A'Hern 2001 tabulates ``r + 1``).

The design, OC, interval and estimate tables are the ones the command line
prints (built once in :mod:`phase2design.present.tables`; EN 2 decimals, PET
3 in the design table and 4 in the OC table, error rates 4), so every number
that ``phase2design simon``, ``single``, ``oc``, ``evaluate`` and ``analyze``
print for the same inputs appears in the report.  The document is a list of
:mod:`phase2design.present.blocks` rendered to HTML or Markdown, or by
:mod:`phase2design.present.docx` and :mod:`phase2design.present.latex` to
Word and LaTeX (:func:`write_report` writes any of them, a .tex with its
figures as PNG files beside it, or the design file as JSON).  The report
holds no date, so the same inputs always give the same file.

The statistical considerations (:func:`protocol_sections`) add to the
paragraph what a review board asks for: the endpoint and evaluable
population as placeholders, accrual at the interim, the rules for a stage of
another size (:mod:`phase2design.overrun` and the conditional-error rule of
:func:`phase2design.analyze_two_stage`), the analysis plan, the rationale for
p0 and p1 with the pilot's posterior and the design's assurance
(:func:`pilot_rationale`), and the software version.
"""

import io
import re
from dataclasses import dataclass, replace
from typing import Optional

from . import __version__
from ._validation import check_choice, check_int, check_probability, check_rate, is_count
from .engine.design import Design
from .present import tables, texts
from .present.blocks import Figure, Heading, Items, Paragraph, Preformatted, Table
from .present.render import fmt as cell
from .present.render import render_html, render_markdown

DESIGN_CHOICES = ("optimal", "minimax", "single")
FORMATS = ("html", "md", "docx", "tex")

_REFERENCES = {
    "chen1997": "Chen TT (1997). Optimal three-stage designs for phase II cancer clinical trials. Statistics in "
                "Medicine 16:2701-2711.",
    "ensign1994": "Ensign LG, Gehan EA, Kamen DS, Thall PF (1994). An optimal three-stage design for phase II "
                  "clinical trials. Statistics in Medicine 13:1727-1736.",
    "mander2010": "Mander AP, Thompson SG (2010). Two-stage designs optimal under the alternative hypothesis for "
                  "phase II cancer clinical trials. Contemporary Clinical Trials 31:572-578.",
    "jt2000": "Jennison C, Turnbull BW (2000). Group Sequential Methods with Applications to Clinical Trials. "
              "Chapman & Hall/CRC.",
    "simon": "Simon R (1989). Optimal two-stage designs for phase II clinical trials. "
             "Controlled Clinical Trials 10:1-10.",
    "ahern": "A'Hern RP (2001). Sample size tables for exact single-stage phase II designs. "
             "Statistics in Medicine 20:859-866.",
    "jung2004": "Jung SH, Lee T, Kim K, George SL (2004). Admissible two-stage designs for phase II cancer "
                "clinical trials. Statistics in Medicine 23:561-569.",
    "jck2001": "Jung SH, Carey M, Kim KM (2001). Graphical search for two-stage designs for phase II "
               "clinical trials. Controlled Clinical Trials 22:367-372.",
    "cp": "Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case "
          "of the binomial. Biometrika 26:404-413.",
    "koyama": "Koyama T, Chen H (2008). Proper inference from Simon's two-stage designs. "
              "Statistics in Medicine 27:3145-3154.",
    "jungkim": "Jung SH, Kim KM (2004). On the estimation of the binomial probability in multistage "
               "clinical trials. Statistics in Medicine 23:881-896.",
}


# ---------------------------------------------------------------------------
# Number formatting
# ---------------------------------------------------------------------------

def _pct(p):
    return f"{100 * p:.10g}%"


def _exact(value):
    """An exact double shown to 10 significant digits (enough to tell any two designs apart)."""
    return f"{value:.10g}"


def _count_phrase(k, total, first=False):
    who = f"the first {total} patients" if first else f"the {total} patients"
    if k == 0:
        return f"none of {who} responds"
    return f"{k} or fewer of {who} respond"


# ---------------------------------------------------------------------------
# The protocol paragraph
# ---------------------------------------------------------------------------

def _nominal_sentence(d, alpha, beta):
    a = (f"The exact one-sided type I error (the probability of declaring the drug promising when "
         f"p = {d.p0:.10g}) is {d.attained_alpha:.4f}")
    if alpha is not None:
        a += f" (nominal: at most {alpha:.10g}{'' if d.attained_alpha <= alpha else '; exceeded'})"
    b = f"the exact power at p = {d.p1:.10g} is {d.power:.4f}"
    if beta is not None:
        b += f" (nominal: at least {1.0 - beta:.10g}{'' if d.power >= 1.0 - beta else '; not reached'})"
    text = f"{a}, and {b}."
    if alpha is not None and beta is not None and not (d.attained_alpha <= alpha and d.power >= 1.0 - beta):
        text += (f" The design therefore does not meet the constraints type I error <= {alpha:.10g} and "
                 f"power >= {1.0 - beta:.10g}.")
    return text


def _level_clause(alpha):
    return "" if alpha is None else f", at the one-sided significance level alpha = {alpha:.10g}"


def _constraints(alpha, beta):
    return f"type I error at most {alpha:.10g} and power at least {1.0 - beta:.10g}"


def _two_stage_paragraph(d, kind, alpha, beta):
    opening = {
        "optimal": "A Simon two-stage optimal design (Simon 1989)",
        "minimax": "A Simon two-stage minimax design (Simon 1989)",
        "minimax+optimal": "A Simon two-stage design that is both optimal and minimax (Simon 1989)",
        "admissible": "A Simon two-stage admissible design (Simon 1989; Jung et al. 2004)",
    }.get(kind, "A two-stage design of the Simon (1989) type, specified by the investigators,")
    s = [f"{opening} will be used to test the null hypothesis that the true response rate p is at most "
         f"{_pct(d.p0)} (H0: p <= {d.p0:.10g}) against the alternative that it is at least {_pct(d.p1)} "
         f"(H1: p >= {d.p1:.10g}){_level_clause(alpha)}.",
         f"In the first stage, {d.n1} patients will be enrolled. If {_count_phrase(d.r1, d.n1, first=True)}, "
         f"the trial stops and the drug is declared not promising.",
         f"Otherwise, {d.n2} additional patients will be enrolled, for a total of {d.n}. If "
         f"{_count_phrase(d.r, d.n)}, the drug is declared not promising; if {d.r + 1} or more respond, "
         f"the drug is declared promising and H0 is rejected.",
         f"In the notation r1/n1, r/n of Simon (1989) the design is {d.r1}/{d.n1}, {d.r}/{d.n}: stop after "
         f"stage 1 if X1 <= r1 and reject H0 if X1 + X2 > r, where X1 and X2 are the numbers of responses in "
         f"the first and second stage.",
         _nominal_sentence(d, alpha, beta),
         f"If the true response rate is {_pct(d.p0)}, the probability of early termination (PET0) is "
         f"{d.pet0:.2f} and the expected sample size (EN0) is {d.en0:.1f}; if it is {_pct(d.p1)}, they are "
         f"{d.pet1:.2f} and {d.en1:.1f}."]
    if alpha is not None and beta is not None:
        among = f"Among all two-stage designs with {_constraints(alpha, beta)}, this design"
        if kind == "optimal":
            s.append(f"{among} minimises the expected sample size under H0 (EN0).")
        elif kind == "minimax":
            s.append(f"{among} has the smallest maximum sample size ({d.n}) and, among those, the smallest "
                     f"EN0.")
        elif kind == "minimax+optimal":
            s.append(f"{among} both minimises EN0 and has the smallest maximum sample size ({d.n}).")
        elif kind == "admissible":
            weights = (f"for the single weight q = {d.q_low:.3f}, jointly with its neighbours on the convex hull"
                       if getattr(d, "q_single", False) else f"for weights q from {d.q_low:.3f} to {d.q_high:.3f}")
            s.append(f"{among} minimises the weighted loss q n + (1 - q) EN0 {weights} (Jung et al. 2004), a "
                     f"compromise between the minimax design (q = 1, smallest n) and the optimal design (q = 0, "
                     f"smallest EN0).")
    if kind not in ("optimal", "minimax", "minimax+optimal", "admissible"):
        s.append("Its operating characteristics were computed exactly from the binomial distribution.")
    else:
        s.append("All error rates are exact binomial probabilities, compared with the nominal values "
                 "without rounding.")
    return " ".join(s)


def _single_stage_paragraph(d, kind, alpha, beta):
    opening = ("A single-stage design with an exact binomial test (A'Hern 2001)" if kind == "ahern" else
               "A single-stage design with an exact binomial test, specified by the investigators,")
    s = [f"{opening} will be used to test the null hypothesis that the true response rate p is at most "
         f"{_pct(d.p0)} (H0: p <= {d.p0:.10g}) against the alternative that it is at least {_pct(d.p1)} "
         f"(H1: p >= {d.p1:.10g}){_level_clause(alpha)}.",
         f"A total of {d.n} patients will be enrolled, with no interim analysis. If {d.r + 1} or more of the "
         f"{d.n} patients respond, the drug is declared promising and H0 is rejected; "
         f"{'if none responds' if d.r == 0 else f'if {d.r} or fewer respond'}, it is declared not promising.",
         f"In the notation r/n the design is {d.r}/{d.n}: reject H0 if X > r, where X is the number of "
         f"responses (A'Hern 2001 tabulates r + 1 = {d.r + 1}).",
         _nominal_sentence(d, alpha, beta)]
    if kind == "ahern" and alpha is not None and beta is not None:
        s.append(f"This is the smallest sample size, with the smallest cut-off for that size, that meets "
                 f"{_constraints(alpha, beta)}; the error rates are exact binomial probabilities compared "
                 f"with the nominal values without rounding.")
    else:
        s.append("Its operating characteristics were computed exactly from the binomial distribution.")
    return " ".join(s)


#: How the protocol text opens for each family's named designs (family, kind) -> words; fallbacks below.
_MULTI_OPENINGS = {
    ("three-stage", "optimal"): "A three-stage optimal design (Chen 1997)",
    ("three-stage", "minimax"): "A three-stage minimax design (Chen 1997)",
    ("three-stage", "minimax+optimal"): "A three-stage design that is both optimal and minimax (Chen 1997)",
    ("three-stage", "admissible"): "A three-stage admissible design (Chen 1997; Jung et al. 2004)",
    ("ensign", "optimal"): "A three-stage optimal design of the Ensign et al. (1994) type",
    ("ensign", "minimax"): "A three-stage minimax design of the Ensign et al. (1994) type",
    ("efficacy", "optimal"): "A two-stage design with early stopping for efficacy (Mander and Thompson 2010), "
                             "optimal under H0,",
    ("efficacy", "minimax"): "A two-stage design with early stopping for efficacy (Mander and Thompson 2010), "
                             "minimax,",
    ("efficacy", "optimal-h1"): "A two-stage design with early stopping for efficacy (Mander and Thompson 2010), "
                                "optimal under H1,",
    ("efficacy", "minimax-h1"): "A two-stage design with early stopping for efficacy (Mander and Thompson 2010), "
                                "minimax under H1,",
}

_MULTI_WHY = {
    "optimal": "minimises the expected sample size under H0 (EN0)",
    "minimax": "has the smallest maximum sample size and, among those, the smallest EN0",
    "minimax+optimal": "both minimises EN0 and has the smallest maximum sample size",
    "optimal-h1": "minimises the expected sample size under H1 (EN1)",
    "minimax-h1": "has the smallest maximum sample size and, among those, the smallest EN1",
}


def _look_sentence(d, j):
    """What happens at look j (0-based, not the last) of a multi-stage design, in words."""
    N, a, b = d.n[j], d.futility[j], d.efficacy[j]
    where = (f"In the first stage, {N} patients will be enrolled. " if j == 0 else
             f"Otherwise, {N - d.n[j - 1]} more patients will be enrolled, {N} in all. ")
    bits = []
    if a >= 0:
        bits.append(f"if {_count_phrase(a, N, first=(j == 0))}, the trial stops and the drug is declared not "
                    f"promising")
    if b is not None:
        bits.append(f"if {b + 1} or more {'of them' if j == 0 else 'of all of them'} have responded, the trial stops "
                    f"and the drug is declared promising (H0 rejected)")
    return where + ("; ".join(bits)[0].upper() + "; ".join(bits)[1:] + "." if bits else "")


def _multistage_paragraph(d, kind, alpha, beta):
    design = d.design
    J = design.stages
    fam = getattr(d, "family", "")
    opening = _MULTI_OPENINGS.get((fam, kind), f"A {J}-stage design specified by the investigators,"
                                  if not kind else f"A {J}-stage {kind} design")
    s = [f"{opening} will be used to test the null hypothesis that the true response rate p is at most "
         f"{_pct(d.p0)} (H0: p <= {d.p0:.10g}) against the alternative that it is at least {_pct(d.p1)} "
         f"(H1: p >= {d.p1:.10g}){_level_clause(alpha)}."]
    s += [_look_sentence(design, j) for j in range(J - 1)]
    s.append(f"Otherwise, {design.stage_sizes[-1]} more patients will be enrolled, for a total of {design.n_max}. If "
             f"{_count_phrase(design.r, design.n_max)}, the drug is declared not promising; if {design.r + 1} or "
             f"more respond, the drug is declared promising and H0 is rejected.")
    s.append(f"In the cumulative notation a1/N1, ..., r/N the design is {design.label()}: after N_j patients in all "
             f"the trial stops if at most a_j have responded"
             + ("; a:b/N also stops, promising, if more than b have responded" if design.has_efficacy else "")
             + "; at the end the drug is promising if more than r respond.")
    s.append(_nominal_sentence(d, alpha, beta))
    stops = " and ".join(f"after stage {j + 1} with probability {v:.2f}" for j, v in enumerate(d.stop0[:-1]))
    s.append(f"If the true response rate is {_pct(d.p0)}, the trial stops {stops}"
             + (f" (before the last stage with probability {d.pet0:.2f})" if J > 2 else "")
             + f" and the expected sample size (EN0) is {d.en0:.1f}; if it is {_pct(d.p1)}, the probability of "
             f"stopping before the last stage is {d.pet1:.2f} and the expected sample size (EN1) {d.en1:.1f}.")
    why = _MULTI_WHY.get(kind)
    if alpha is not None and beta is not None and why is not None:
        s.append(f"Among all designs of this kind with {_constraints(alpha, beta)}, this design {why}.")
    elif kind == "admissible" and d.q_low is not None:
        s.append(f"It minimises the weighted loss q n + (1 - q) EN0 for weights q from {d.q_low:.3f} to "
                 f"{d.q_high:.3f} (Jung et al. 2004).")
    s.append("All error rates are exact binomial probabilities (sums over the trial's sample space), compared "
             "with the nominal values without rounding.")
    return " ".join(s)


def protocol_paragraph(design, *, kind=None, alpha=None, beta=None):
    """A statistical-considerations paragraph for a protocol, written from the design's own fields.

    Every number is formatted from ``design``: the boundaries, the exact
    attained type I error and power (4 decimals), and for a two-stage design
    PET and EN under p0 and p1 (2 and 1 decimals).  The rule is stated in
    words and in the notation of Simon (1989): ``r1/n1, r/n`` stops after
    stage 1 if ``X1 <= r1`` and rejects H0 if ``X1 + X2 > r``; a single-stage
    ``r/n`` rejects H0 if ``X > r`` (A'Hern 2001 tabulates ``r + 1``).

    Parameters
    ----------
    design : TwoStageDesign or SingleStageDesign
        From :func:`phase2design.simon_design`, :func:`phase2design.two_stage_design`,
        :func:`phase2design.single_stage_design` or
        :func:`phase2design.single_stage_design_oc` (these carry p0 and p1).
    kind : str, optional
        Two-stage: ``"optimal"``, ``"minimax"``, ``"minimax+optimal"``,
        ``"admissible"`` or ``""`` (specified by the investigators); default
        ``design.kind``.  Single stage: ``"ahern"`` (the smallest design
        meeting the constraints) or ``""`` (default).
    alpha, beta : float, optional
        Nominal constraints (default ``design.alpha`` and ``design.beta``);
        without them the paragraph states the attained values only.

    Returns
    -------
    str

    Examples
    --------
    >>> import phase2design as p2
    >>> text = protocol_paragraph(p2.simon_design(0.1, 0.3, 0.05, 0.2).optimal)
    >>> "If 1 or fewer of the first 10 patients respond, the trial stops" in text
    True
    """
    from .results import MultiStageDesign, SingleStageDesign, TwoStageDesign

    if not isinstance(design, (TwoStageDesign, SingleStageDesign, MultiStageDesign)):
        raise TypeError(f"design must be a TwoStageDesign, SingleStageDesign or MultiStageDesign (with p0 and "
                        f"p1), got {type(design).__name__}")
    alpha = design.alpha if alpha is None else check_probability("alpha", alpha)
    beta = design.beta if beta is None else check_probability("beta", beta)
    if isinstance(design, MultiStageDesign):
        return _multistage_paragraph(design, design.kind if kind is None else kind, alpha, beta)
    if isinstance(design, TwoStageDesign):
        kind = design.kind if kind is None else kind
        check_choice("kind", kind, ("optimal", "minimax", "minimax+optimal", "admissible", ""))
        if kind == "admissible" and design.q_low is None:
            raise ValueError("kind 'admissible' needs the design's q range (q_low, q_high), got None")
        return _two_stage_paragraph(design, kind, alpha, beta)
    kind = "" if kind is None else kind
    check_choice("kind", kind, ("ahern", ""))
    return _single_stage_paragraph(design, kind, alpha, beta)


# ---------------------------------------------------------------------------
# The statistical-considerations section: the paragraph and what a review board asks for besides
# ---------------------------------------------------------------------------

#: Placeholders the investigators fill in; square brackets and capitals so that none is overlooked.
ENDPOINT_PLACEHOLDER = ("[ENDPOINT: e.g. objective response (complete or partial response) by RECIST 1.1 within "
                        "8 weeks of the start of treatment]")
POPULATION_PLACEHOLDER = ("[EVALUABLE POPULATION: e.g. all eligible patients who start the study treatment; "
                          "patients without a response assessment count as non-responders]")
P0_PLACEHOLDER = ("[RATIONALE FOR p0: e.g. the response rate of the standard treatment in this population, "
                  "with references]")
P1_PLACEHOLDER = "[RATIONALE FOR p1: e.g. the smallest response rate that would justify a phase III trial]"
ACCRUAL_CHOICES = ("pause", "continue")


@dataclass(frozen=True)
class PilotRationale:
    """What earlier data (a pilot ``x/n``) say about p1 and about the chosen design.

    Built by :func:`pilot_rationale` from :func:`phase2design.plan_followup` (the candidate p1 values the
    pilot supports and the posterior) and :func:`phase2design.predictive_oc` (the chosen design averaged
    over the posterior).

    Attributes
    ----------
    x, n : int
        The pilot.
    prior_text : str
        The posterior and how it was formed, e.g. "Beta(3.5, 6.5) = Jeffreys Beta(0.5, 0.5) prior + pilot 3/9".
    prob_above_p0, prob_at_least_p1 : float
        ``P(p > p0 | pilot)`` and ``P(p >= p1 | pilot)``.
    candidate_rule : str or None
        How ``phase2design plan`` chooses default p1 values (None if the pilot supports none above p0).
    candidates : tuple of CandidateRate
        Those values, used or not.
    assurance, expected_n, pet : float
        Exact under the posterior: probability that the chosen design declares the drug promising, its
        expected sample size and its probability of stopping before the last stage.
    warnings : tuple of str
    """

    x: int
    n: int
    prior_text: str
    posterior: tuple
    prob_above_p0: float
    prob_at_least_p1: float
    candidate_rule: Optional[str]
    candidates: tuple
    assurance: float
    expected_n: float
    pet: float
    warnings: tuple


def pilot_rationale(pilot, design, p0, p1, alpha, beta, prior="jeffreys", progress=None):
    """The :class:`PilotRationale` of ``design`` (p0, p1, alpha, beta as planned) after the pilot ``x/n``.

    ``progress`` is called with the sample size the follow-up searches of ``plan_followup`` have reached.
    """
    from .planning import NoCandidateRateError, plan_followup, predictive_oc

    given = plan_followup(pilot, p0, alpha, beta, p1=[p1], prior=prior, progress=progress)
    try:
        default = plan_followup(pilot, p0, alpha, beta, prior=prior, progress=progress)
    except NoCandidateRateError:
        default = None
    pa, pb = given.posterior
    oc = predictive_oc(Design.parse(design), pa, pb)
    return PilotRationale(x=given.pilot_x, n=given.pilot_n, prior_text=given.posterior_text(),
                          posterior=(pa, pb), prob_above_p0=given.posterior_prob_above_p0,
                          prob_at_least_p1=given.candidates[0].posterior_prob_at_least,
                          candidate_rule=None if default is None else default.candidate_rule,
                          candidates=() if default is None else default.candidates, assurance=oc.assurance,
                          expected_n=oc.expected_n, pet=oc.pet, warnings=given.warnings)


def _interim_text(d, accrual):
    if accrual is None:
        return (f"The interim analysis takes place once the first {d.n1} patients are evaluable for response. "
                f"[ACCRUAL AT THE INTERIM: state whether accrual is suspended after the first {d.n1} patients until "
                f"their responses are known, or continues meanwhile; if it continues, the patients evaluable at the "
                f"interim make up stage 1 as described below.]")
    if accrual == "pause":
        return (f"The interim analysis takes place once the first {d.n1} patients are evaluable for response. "
                f"Accrual is suspended once {d.n1} patients are enrolled, until their responses are known; stage 2 "
                f"opens only if {d.r1 + 1} or more of them respond.")
    return (f"The interim analysis takes place once the first {d.n1} patients are evaluable for response. "
            f"Accrual continues meanwhile; the patients evaluable when the interim decision is made form stage 1, "
            f"and if they are more than {d.n1} the bounds are re-derived as described below.")


def _running_text(d, two, alpha):
    level = (f"alpha = {alpha:.10g}" if alpha is not None else
             f"the planned exact type I error {d.attained_alpha:.4f}")
    if not two:
        return (f"If the number of evaluable patients m differs from {d.n}, H0 is rejected if more than r_m of the m "
                f"patients respond, r_m being the smallest cut-off whose exact type I error P(X > r_m | p = "
                f"{d.p0:.10g}) is at most {level} (phase2design single --n m --p0 {d.p0:.10g} lists every cut-off "
                f"of an m-patient trial with its exact type I error).")
    return (f"If stage 1 has m1 evaluable patients instead of {d.n1} (for example because accrual continued during "
            f"the interim), the bounds are re-derived from the sizes alone before the stage-1 responses are used, "
            f"keeping the total of {d.n}: the stage-1 bound r1* is the one whose probability of stopping under H0 is "
            f"closest to the planned PET0 = {d.pet0:.4f}, and the final bound r* is the smallest whose exact type I "
            f"error is at most {level} (phase2design analyze --n1 m1). If stage 2 has m2 evaluable patients instead "
            f"of {d.n2}, the final bound is adjusted by the conditional-error principle: given x1 stage-1 responses, "
            f"the drug is declared promising if the m2 stage-2 patients have more than c responses, c being the "
            f"smallest count with P(X2* > c) <= P(X2 > r - x1) under p = {d.p0:.10g}, where X2* and X2 have "
            f"binomial distributions with m2 and {d.n2} patients (phase2design analyze --n2 m2). Both rules keep "
            f"the exact type I error of the trial at most {level}; the rule re-derived for each stage-1 size near "
            f"{d.n1} is tabulated below.")


def analysis_level(alpha):
    """Two-sided level 1 - 2 alpha of the interval that matches the one-sided test at alpha (0.95 without)."""
    return 0.95 if alpha is None else 1.0 - 2.0 * alpha


def _analysis_text(d, two, alpha):
    level = analysis_level(alpha)
    lvl = f"{100 * level:.10g}%"
    match = ("" if alpha is None else
             f" (level 1 - 2 alpha, so that its lower limit is the one-sided {100 * (1 - alpha):.10g}% lower "
             f"confidence bound that matches the one-sided test at alpha = {alpha:.10g})")
    if two:
        return (f"The response rate will be estimated by the uniformly minimum variance unbiased estimator (UMVUE; "
                f"Jung and Kim 2004), which, unlike the proportion of responders, is unbiased after a two-stage "
                f"design; the median-unbiased estimate will also be reported. The exact two-sided {lvl} "
                f"confidence interval{match} and the exact one-sided p-value against p0 = {d.p0:.10g} are computed "
                f"on the stage-wise ordering of the two-stage sample space (Koyama and Chen 2008); the p-value is "
                f"at most the attained type I error {d.attained_alpha:.4f} exactly when the design declares the "
                f"drug promising. They are computed with phase2design analyze --design "
                f"{d.r1}/{d.n1},{d.r}/{d.n} --x1 x1 --x2 x2 --p0 {d.p0:.10g} "
                + (f"--alpha {alpha:.10g}." if alpha is not None else f"--confidence {level:.10g}."))
    return (f"The response rate will be estimated by the proportion of responders x/{d.n}, with the exact "
            f"(Clopper-Pearson 1934) two-sided {lvl} confidence interval{match} and the exact one-sided binomial "
            f"p-value P(X >= x | p = {d.p0:.10g}); the p-value is at most the attained type I error "
            f"{d.attained_alpha:.4f} exactly when the drug is declared promising.")


def _pilot_text(d, pilot):
    if pilot is None:
        return f"{P0_PLACEHOLDER} {P1_PLACEHOLDER}"
    s = [f"{P0_PLACEHOLDER} The alternative p1 = {d.p1:.10g} is weighed against earlier data: {pilot.x} of "
         f"{pilot.n} patients responded in a pilot ({100 * pilot.x / pilot.n:.1f}%). With the posterior "
         f"{pilot.prior_text}, P(p > p0 = {d.p0:.10g} | pilot) = {pilot.prob_above_p0:.3f} and "
         f"P(p >= p1 = {d.p1:.10g} | pilot) = {pilot.prob_at_least_p1:.3f}."]
    used = [c for c in pilot.candidates if c.used]
    if used:
        values = ", ".join(f"{c.p1:.10g} ({c.source})" for c in used)
        s.append(f"The response rates the pilot supports as p1 ({pilot.candidate_rule}) are {values}.")
    s.append(f"If the true rate is drawn from this posterior, the design declares the drug promising with "
             f"probability {pilot.assurance:.4f} (assurance; O'Hagan et al. 2005), treats {pilot.expected_n:.2f} "
             f"patients on average and stops early with probability {pilot.pet:.4f} (exact beta-binomial sums).")
    s += [f"Warning: {w}." for w in pilot.warnings]
    return " ".join(s)


def protocol_sections(design, *, kind=None, alpha=None, beta=None, accrual=None, pilot=None):
    """The statistical-considerations section of a protocol: (title, text) pairs, every number from the objects.

    1. *Design and decision rule*: :func:`protocol_paragraph` (hypotheses with the one-sided alpha, the
       rule in words and in symbols, the exact attained error rates, PET and EN, why this design).
    2. *Endpoint and evaluable population*: explicit placeholders in square brackets.
    3. *Interim analysis and accrual* (two-stage): whether accrual pauses (``accrual``: ``"pause"``,
       ``"continue"``, or None for a placeholder).
    4. *Fewer or more evaluable patients than planned*: the re-derived bounds of
       :func:`phase2design.overrun.stage1_redesign` for stage 1 and the conditional-error rule of
       :func:`phase2design.analyze_two_stage` for stage 2 (single stage: the exact cut-off for the size
       reached).
    5. *Analysis plan*: the estimator, the exact interval at level ``1 - 2 alpha`` and the p-value.
    6. *Rationale for p0 and p1*: placeholders, and with ``pilot`` (a :class:`PilotRationale`) the
       posterior, the rates the pilot supports and the assurance of the design.
    7. *Software*: phase2design and its version.

    Parameters are those of :func:`protocol_paragraph`, with ``accrual`` and ``pilot``.

    Returns
    -------
    list of (str, str)
    """
    from .results import MultiStageDesign, TwoStageDesign

    first = protocol_paragraph(design, kind=kind, alpha=alpha, beta=beta)
    alpha = design.alpha if alpha is None else alpha
    if accrual is not None:
        check_choice("accrual", accrual, ACCRUAL_CHOICES)
    if isinstance(design, MultiStageDesign):
        return _multistage_sections(design, first, alpha, accrual, pilot)
    two = isinstance(design, TwoStageDesign)
    d = design
    unit = "first " if two else ""
    out = [("Design and decision rule", first),
           ("Endpoint and evaluable population",
            f"The primary endpoint is response, {ENDPOINT_PLACEHOLDER}, assessed for each patient as a yes/no "
            f"outcome. The response rate p is the proportion of responders among {POPULATION_PLACEHOLDER}; the "
            f"{unit}{d.n1 if two else d.n} patients of {'stage 1' if two else 'the trial'} and all counts in the "
            f"decision rule refer to that population.")]
    if two:
        out.append(("Interim analysis and accrual", _interim_text(d, accrual)))
    out += [("Fewer or more evaluable patients than planned", _running_text(d, two, alpha)),
            ("Analysis plan", _analysis_text(d, two, alpha)),
            ("Rationale for p0 and p1", _pilot_text(d, pilot)),
            ("Software", f"Designs, operating characteristics and the analysis are computed with phase2design "
                         f"{__version__} (Python), from exact binomial probabilities without simulation or "
                         f"normal approximation.")]
    return out


def _multistage_sections(d, first, alpha, accrual, pilot):
    """protocol_sections for a design of any number of stages (see :func:`protocol_sections`)."""
    design = d.design
    looks = ", ".join(str(N) for N in design.n[:-1])
    level = (f"alpha = {alpha:.10g}" if alpha is not None else
             f"the planned exact type I error {d.attained_alpha:.4f}")
    lvl = f"{100 * analysis_level(alpha):.10g}%"
    if accrual is None:
        interim = (f"Interim analyses take place once the first {looks} patients are evaluable for response. "
                   f"[ACCRUAL AT THE INTERIMS: state whether accrual is suspended at each interim until the "
                   f"responses are known, or continues meanwhile.]")
    elif accrual == "pause":
        interim = (f"Interim analyses take place once the first {looks} patients are evaluable for response; "
                   f"accrual is suspended at each until the responses are known, and resumes only if the trial "
                   f"goes on.")
    else:
        interim = (f"Interim analyses take place once the first {looks} patients are evaluable for response; "
                   f"accrual continues meanwhile, and patients enrolled beyond a look count for the next stage.")
    running = (f"If a stage has more or fewer evaluable patients than planned, the remaining bounds are re-derived "
               f"before the responses of the stages concerned are used, so that the exact type I error of the "
               f"trial as run stays at most {level} (phase2design oc --design with the sizes reached gives the "
               f"exact type I error of any candidate rule). [RULE FOR OVER- OR UNDER-RUNNING: state it here; "
               f"phase2design re-derives it automatically for Simon two-stage designs only.]")
    analysis = (f"The response rate will be estimated by the uniformly minimum variance unbiased estimator "
                f"(UMVUE; Jung and Kim 2004) and the median-unbiased estimate; the exact two-sided {lvl} confidence "
                f"interval and the exact one-sided p-value against p0 = {d.p0:.10g} are computed on the stage-wise "
                f"ordering of the sample space (Jennison and Turnbull 2000, section 8.4), in which an earlier stop "
                f"for efficacy ranks above every later outcome. They are computed with phase2design analyze "
                f"--design {design.label().replace(' ', '')} --responses x1,x2,... --p0 {d.p0:.10g}"
                + (f" --alpha {alpha:.10g}." if alpha is not None else "."))
    return [("Design and decision rule", first),
            ("Endpoint and evaluable population",
             f"The primary endpoint is response, {ENDPOINT_PLACEHOLDER}, assessed for each patient as a yes/no "
             f"outcome. The response rate p is the proportion of responders among {POPULATION_PLACEHOLDER}; the "
             f"first {design.n[0]} patients of stage 1 and all counts in the decision rule refer to that "
             f"population."),
            ("Interim analyses and accrual", interim),
            ("Fewer or more evaluable patients than planned", running),
            ("Analysis plan", analysis),
            ("Rationale for p0 and p1", _pilot_text(d, pilot)),
            ("Software", f"Designs, operating characteristics and the analysis are computed with phase2design "
                         f"{__version__} (Python), from exact binomial probabilities without simulation or "
                         f"normal approximation.")]


def stage1_size_table(design, alpha=None, sizes=None):
    """The rule re-derived for stage-1 sizes near the planned ``n1`` (a table for the protocol).

    Each row is :func:`phase2design.overrun.stage1_redesign` for one actual stage-1 size ``m1`` (total kept):
    r1*, r*, the probability of stopping under H0, the exact type I error and the power.
    """
    from .overrun import stage1_redesign
    from .present.blocks import Table
    from .present.render import fmt

    d = design
    if sizes is None:
        sizes = [m for m in range(d.n1 - 2, d.n1 + 4) if 1 <= m < d.n and m != d.n1]
    rows = [[str(d.n1) + " (planned)", f"{d.r1}/{d.n1}, {d.r}/{d.n}", fmt(d.pet0, 4), fmt(d.attained_alpha, 4),
             fmt(d.power, 4)]]
    for m in sizes:
        s = stage1_redesign(d.design, m, p0=d.p0, p1=d.p1, alpha=alpha)
        rows.append([str(m), s.design.label(), fmt(s.pet0, 4), fmt(s.attained_alpha, 4), fmt(s.power, 4)])
    level = f"alpha = {alpha:.10g}" if alpha is not None else f"the planned {d.attained_alpha:.4f}"
    return Table(["stage-1 size m1", "rule r1*/m1, r*/n", "PET0", "type I error", "power"], rows,
                 ["l", "l", "r", "r", "r"],
                 caption=(f"If stage 1 has m1 evaluable patients instead of {d.n1}: the re-derived rule (total {d.n} "
                          f"kept; r1* with PET0 closest to {d.pet0:.4f}, r* the smallest bound with exact type I "
                          f"error at most {level}; exact at p0 = {d.p0:.10g} and p1 = {d.p1:.10g})."))


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

def _parse_observed(observed):
    if isinstance(observed, str):
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", observed)
        if not m:
            raise ValueError(f"observed must look like x/n with whole numbers (e.g. 3/9), got {observed!r}")
        return int(m.group(1)), int(m.group(2))
    try:
        x, n = observed
    except (TypeError, ValueError):
        raise TypeError(f"observed must be 'x/n' or a pair (x, n), got {observed!r}") from None
    return check_int("observed x", x), check_int("observed n", n, minimum=1)


def _parse_stages(stages):
    """Stage-wise responses as a tuple: ``(x1, x2)`` with ``x2`` None after an early stop for two stages;
    any number of stages for a multi-stage design (``"1,2,3"``)."""
    if isinstance(stages, str):
        parts = stages.replace(" ", "").split(",")
        if not parts or not all(is_count(p) for p in parts):
            raise ValueError(f"observed_stages must look like 'x1' (stopped) or 'x1,x2' (or 'x1,x2,x3' for a "
                             f"three-stage design) with whole numbers, got {stages!r}")
        vals = [int(p) for p in parts]
    elif isinstance(stages, (tuple, list)):
        vals = list(stages)
    else:
        vals = [stages]
    if not vals:
        raise ValueError(f"observed_stages needs the responses of at least one stage, got {stages!r}")
    if len(vals) == 1:
        vals.append(None)
    return tuple(vals)


def _two_stage_cmd(d):
    return f"{d.r1}/{d.n1},{d.r}/{d.n}"


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

def _parse_design_arg(design):
    """("keyword", name) for 'optimal', 'minimax' or 'single', else ("single"|"two", values) of the design."""
    if isinstance(design, str) and design.strip() in DESIGN_CHOICES:
        return "keyword", design.strip()
    try:
        d = Design.parse(design)
        if not (d.is_single or d.is_simon):
            return "multi", d
        return d.simple_form("report")
    except ValueError as exc:
        if isinstance(design, str) and "look like" in str(exc):
            raise ValueError(f"design must be 'optimal', 'minimax', 'single', 'r/n' or 'r1/n1,r/n', "
                             f"got {design!r}") from None
        raise


def _select(design, simon, single, p0, p1, alpha, beta, chosen=None):
    """(design object, kind) for the request; kind as protocol_paragraph takes it.

    ``chosen`` is the search result of the family the keywords refer to when it is not Simon's (a
    MultiStageResult): "optimal" and "minimax" are then its designs.
    """
    from .engine.oc import single_stage_design_oc, two_stage_design
    from .results import MultiStageDesign

    if chosen is not None and isinstance(design, str) and design.strip() in ("optimal", "minimax"):
        d = chosen.optimal if design.strip() == "optimal" else chosen.minimax
        return d, d.kind
    if isinstance(design, str) and design.strip() in DESIGN_CHOICES:
        choice = design.strip()
        if choice == "optimal":
            return simon.optimal, simon.optimal.kind
        if choice == "minimax":
            return simon.minimax, simon.minimax.kind
        if single is None:
            raise ValueError(f"design 'single' needs a feasible single-stage design, and none meets "
                             f"alpha={alpha:.10g}, beta={beta:.10g} in the range searched")
        return single.design, "ahern"
    kind, values = _parse_design_arg(design)
    if kind == "multi":
        named = [] if chosen is None else list(chosen.designs()) + list(chosen.admissible)
        for d in named:
            if d.design == values:
                return d, d.kind
        return MultiStageDesign.evaluate(values, p0, p1, alpha=alpha, beta=beta), ""
    if kind == "two":
        for d in simon.admissible:
            if (d.r1, d.n1, d.r, d.n) == values:
                return d, d.kind
        d = two_stage_design(*values, p0, p1, alpha=alpha, beta=beta)
        return d, ""
    if single is not None and (single.design.r, single.design.n) == values:
        return single.design, "ahern"
    d = single_stage_design_oc(*values, p0, p1)
    return replace(d, alpha=alpha, beta=beta), ""


def _kind_words(d, kind):
    if hasattr(d, "stages"):
        fam = {"three-stage": "three-stage", "ensign": "Ensign three-stage", "efficacy":
               "two-stage efficacy-stopping (Mander and Thompson)"}.get(getattr(d, "family", ""), "")
        if fam and kind:
            return f"{fam} {kind} design"
        return f"user-specified {d.stages}-stage design"
    if hasattr(d, "r1"):
        return {"optimal": "Simon two-stage optimal design", "minimax": "Simon two-stage minimax design",
                "minimax+optimal": "Simon two-stage optimal and minimax design",
                "admissible": "Simon two-stage admissible design"}.get(kind, "user-specified two-stage design")
    return "A'Hern single-stage design" if kind == "ahern" else "user-specified single-stage design"


def _oc_table_grid(p0, p1):
    upper = min(0.95, p1 + (p1 - p0))
    grid = {round(0.05 * k, 12) for k in range(1, 20) if 0.05 * k <= upper + 1e-9}
    return sorted(grid | {p0, p1})


def make_report(p0, p1, alpha, beta, design="optimal", *, observed=None, observed_stages=None,
                threshold=None, confidence_level=None, nmax=None, fmt="html", figures=True, command=None,
                progress=None, pilot=None, accrual=None, figure_name=None, family=None):
    """A self-contained report of a phase II design for a protocol (HTML or Markdown).

    Parameters
    ----------
    p0, p1 : float
        Response rates under H0 (not worth pursuing) and H1 (worth pursuing).
    alpha, beta : float
        Largest type I and type II error rates, compared exactly.
    design : str, tuple or design object
        ``"optimal"`` (default) or ``"minimax"`` Simon design, ``"single"``
        (the exact A'Hern single-stage design), or a given design ``"r1/n1,r/n"``
        or ``"r/n"`` (or tuple, or a result object).  A given two-stage design
        that is admissible for these inputs is named as such.
    observed : str or (int, int), optional
        Observed total ``"x/n"``: adds :func:`phase2design.evaluate` against
        ``threshold`` and p0 with the design's decision (``n`` must be the
        design's ``n``, or ``n1`` for a two-stage design).
    observed_stages : (int,) or (int, int) or str, optional
        Stage-wise data ``(x1,)`` after an early stop or ``(x1, x2)`` (or
        ``"x1,x2"``) for a two-stage design: adds
        :func:`phase2design.analyze_two_stage` (stage-wise ordering).
    threshold : float, optional
        A success criterion the user gave for ``observed`` (met if x/n >= threshold); without it no
        criterion is judged (p1 is the design's alternative, not a criterion).
    confidence_level : float, optional
        Two-sided level of the stage-wise interval (default ``1 - 2 alpha``, the interval that matches
        the one-sided level-alpha test; its lower limit is the one-sided ``1 - alpha`` bound, also
        shown); ``observed`` uses evaluate's default 90% and 95% Clopper-Pearson intervals.
    nmax : int, optional
        Largest n for both searches.
    fmt : {"html", "md", "docx", "tex"}
        Output format: HTML or Markdown text, the bytes of a Word file (needs python-docx), or LaTeX
        source (its figures are separate PNG files: give ``figure_name`` or ``figures=False``, or use
        :func:`write_report`, which writes them).
    figures : bool
        Embed the figures (base64 PNG data URIs).  Drawing them takes most of
        the time.
    command : str, optional
        The command line that produced the report, printed in its footer
        (default: the equivalent ``phase2design report`` call).
    pilot : str or (int, int), optional
        Earlier data ``"x/n"`` (a pilot) behind the choice of p1: the statistical considerations then give
        the pilot's posterior, ``P(p >= p1 | pilot)``, the p1 values ``phase2design plan`` would offer and
        the design's assurance (:func:`pilot_rationale`).
    accrual : {"pause", "continue"}, optional
        Whether accrual pauses at the interim of a two-stage design (default: a placeholder to fill in).
    figure_name : callable, optional
        For ``fmt="tex"``: ``figure_name(k)`` names the PNG file of the ``k``-th figure.
    family : str, optional
        A family of the registry (``"three-stage"``, ``"ensign"``, ``"efficacy"``, ...) whose optimal or
        minimax design ``design="optimal"``/``"minimax"`` means, and whose candidates the report adds to
        the single-stage and Simon ones; a given multi-stage design ``"0/6,2/17,5/29"`` is reported with or
        without it.

    Returns
    -------
    str or bytes
        The whole document (bytes for ``"docx"``).

    Raises
    ------
    NoFeasibleDesignError
        When no Simon design meets the constraints (see
        :func:`phase2design.simon_design`).
    """
    title, doc = _report_document(p0, p1, alpha, beta, design, observed=observed, observed_stages=observed_stages,
                                  threshold=threshold, confidence_level=confidence_level, nmax=nmax, fmt=fmt,
                                  figures=figures, command=command, progress=progress, pilot=pilot,
                                  accrual=accrual, figure_name=figure_name, family=family)
    return render(fmt, title, doc, figure_name)


def _report_document(p0, p1, alpha, beta, design="optimal", *, observed=None, observed_stages=None,
                     threshold=None, confidence_level=None, nmax=None, fmt="html", figures=True, command=None,
                     progress=None, pilot=None, accrual=None, figure_name=None, family=None):
    """(title, blocks) of the report; see :func:`make_report`."""
    from .engine.oc import NoFeasibleDesignError, single_stage_oc, two_stage_oc
    from .families.base import get_family, select_families

    fmt = check_choice("fmt", fmt, FORMATS)
    if fmt == "tex" and figures and figure_name is None:
        raise ValueError("fmt 'tex' keeps the figures in separate PNG files: give figure_name, figures=False, or "
                         "use write_report(path, ...), which writes them beside the .tex")
    if accrual is not None:
        check_choice("accrual", accrual, ACCRUAL_CHOICES)
    pilot_xn = None if pilot is None else _parse_observed(pilot)
    if observed is not None and observed_stages is not None:
        raise ValueError("give observed (a total x/n) or observed_stages (x1, x2), not both")
    obs = None if observed is None else _parse_observed(observed)
    stages = None if observed_stages is None else _parse_stages(observed_stages)
    level = None if confidence_level is None else check_probability("confidence_level", confidence_level)
    _parse_design_arg(design)  # a malformed design fails before the search
    # Simon's search validates the inputs and must succeed (the figures show its design space); every
    # other registered family may find nothing
    simon = get_family("simon").search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
    p0, p1, alpha, beta = simon.p0, simon.p1, simon.alpha, simon.beta
    # a criterion is judged only when the user gives one: p1 is the design's alternative, not a criterion
    threshold = None if threshold is None else check_rate("threshold", threshold)
    searched = {"simon": simon}
    extra = None if family in (None, "simon", "single") else get_family(family)
    shown = select_families() + ([] if extra is None else [extra])
    for fam in shown:
        if fam.name not in searched:
            try:
                searched[fam.name] = fam.search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
            except NoFeasibleDesignError:
                if fam is extra and isinstance(design, str) and design.strip() in ("optimal", "minimax"):
                    raise
                searched[fam.name] = None
    single = searched.get("single")
    chosen_result = None if extra is None else searched.get(extra.name)
    d, kind = _select(design, simon, single, p0, p1, alpha, beta, chosen=chosen_result)
    two = hasattr(d, "r1")
    multi = hasattr(d, "stages")
    if stages is not None and two and len(stages) > 2:
        raise ValueError(f"observed_stages of a two-stage design is (x1,) or (x1, x2), got {len(stages)} values")
    if stages is not None and not two and not multi:
        raise ValueError(f"observed_stages needs a two-stage design, got the single-stage design {d.label()}; "
                         f"give observed as x/n")
    label = d.label()
    what = _kind_words(d, kind)
    title = f"Phase II design report: {what} {label}"
    doc = []
    add = doc.append
    if command is None:
        spec = design if isinstance(design, str) and design.strip() in DESIGN_CHOICES else (
            _two_stage_cmd(d) if two else label.replace(" ", ""))
        command = (f"phase2design report --p0 {p0:.10g} --p1 {p1:.10g} --alpha {alpha:.10g} --beta {beta:.10g} "
                   f"--design {spec}" + (f" --nmax {nmax}" if nmax is not None else "")
                   + (f" --observed {obs[0]}/{obs[1]}" if obs else "")
                   + (" --observed-stages " + ",".join(str(v) for v in stages if v is not None)
                      if stages else "")
                   + (f" --criterion {threshold:.10g}" if obs and threshold is not None else "")
                   + (f" --confidence {level:.10g}" if stages and level is not None else "")
                   + (f" --pilot {pilot_xn[0]}/{pilot_xn[1]}" if pilot_xn else "")
                   + (f" --accrual {accrual}" if accrual else "")
                   + (f" --family {family}" if extra is not None else ""))
    add(Paragraph(f"Single-arm phase II trial with a binary endpoint (response yes/no). Generated by phase2design "
                  f"{__version__}; every probability is an exact binomial computation."
                  + (" Figures are embedded in this file as base64 PNG data URIs, so it needs no other file or "
                     "network access (some Markdown viewers do not display data URIs; the HTML report shows the "
                     "same figures)." if fmt == "md" and figures else "")))

    # --- inputs ---------------------------------------------------------------------------------------
    add(Heading("Inputs"))
    requested = design if isinstance(design, str) else label
    rows = [["p0 (response rate not worth pursuing, H0: p <= p0)", f"{p0:.10g}"],
            ["p1 (response rate worth pursuing, H1: p >= p1)", f"{p1:.10g}"],
            ["alpha (largest one-sided type I error)", f"{alpha:.10g}"],
            ["beta (largest type II error; power at least 1 - beta)", f"{beta:.10g} (power >= {1.0 - beta:.10g})"],
            ["design requested", str(requested)]]
    if nmax is not None:
        rows.append(["nmax (largest n searched)", str(nmax)])
    if obs is not None:
        rows.append(["observed", f"{obs[0]}/{obs[1]}" + ("" if threshold is None else
                                                         f" (criterion x/n >= {threshold:.10g})")])
    if stages is not None:
        rows.append(["observed by stage", ", ".join(f"x{j + 1} = {v}" for j, v in enumerate(stages)
                                                    if v is not None)])
    add(Table(["input", "value"], rows, ["l", "l"]))
    add(Paragraph("Attained error rates are compared with alpha and 1 - beta exactly, without any tolerance or "
                  "rounding."))

    # --- chosen design ----------------------------------------------------------------------------------
    add(Heading(f"Chosen design: {what} {label}"))
    add(Paragraph(f"In words: {d.rule()}."))
    if two:
        add(Paragraph(f"In symbols (Simon 1989): r1/n1, r/n = {label}, i.e. r1 = {d.r1}, n1 = {d.n1}, r = {d.r}, "
                      f"n = {d.n}, n2 = n - n1 = {d.n2}. Stop after stage 1 if X1 <= r1; otherwise declare the drug "
                      f"promising (reject H0) if X1 + X2 > r."))
        add(Preformatted("alpha = P(X1 > r1, X1 + X2 > r | p0)\n"
                         "      = sum_{x1 = r1+1}^{n1} b(x1; n1, p0) P(X2 > r - x1; n2, p0)\n"
                         "power = the same sum at p1\n"
                         "PET0  = P(X1 <= r1 | p0),    EN0 = n1 + (1 - PET0) n2    (likewise PET1, EN1 at p1)\n"
                         "b(x; m, p) = C(m, x) p^x (1 - p)^(m - x)"))
    elif multi:
        add(Paragraph(f"In symbols (cumulative sizes): {label}, i.e. N = {', '.join(map(str, d.design.n))}, "
                      f"futility bounds a = {', '.join(map(str, d.design.futility[:-1]))}"
                      + (f", efficacy bounds b = {', '.join('-' if b is None else str(b) for b in d.design.efficacy[:-1])}"
                         if d.design.has_efficacy else "")
                      + f", r = {d.design.r}. {texts.CONVENTION_J}"))
        add(Preformatted("R_1(s) = b(s; N1, p);   R_j(s) = sum over totals k that continue after look j-1 of "
                         "R_(j-1)(k) b(s - k; N_j - N_(j-1), p)\n"
                         "alpha = sum over looks of P(stop promising there | p0), power the same at p1\n"
                         "EN = N1 + sum_(j >= 2) (N_j - N_(j-1)) P(look j is reached)\n"
                         "b(x; m, p) = C(m, x) p^x (1 - p)^(m - x)"))
    else:
        add(Paragraph(f"In symbols: r/n = {label}, i.e. r = {d.r}, n = {d.n}. Declare the drug promising (reject H0) "
                      f"if X > r, i.e. X >= r + 1 = {d.r + 1} (A'Hern 2001 tabulates r + 1)."))
        add(Preformatted("alpha = P(X > r | p0) = sum_{x = r+1}^{n} b(x; n, p0)\n"
                         "power = P(X > r | p1)\n"
                         "b(x; n, p) = C(n, x) p^x (1 - p)^(n - x)"))
    meets_a, meets_b = d.attained_alpha <= alpha, d.power >= 1.0 - beta
    rows = [["type I error (attained alpha)", cell(d.attained_alpha, 4), _exact(d.attained_alpha),
             f"<= {alpha:.10g}: {'yes' if meets_a else 'NO'}"],
            ["power", cell(d.power, 4), _exact(d.power), f">= {1.0 - beta:.10g}: {'yes' if meets_b else 'NO'}"]]
    if two or multi:
        rows += [["EN0 (expected sample size at p0)", cell(d.en0, 2), _exact(d.en0), ""],
                 ["PET0 (probability of early termination at p0)", cell(d.pet0, 3), _exact(d.pet0), ""],
                 ["EN1 (expected sample size at p1)", cell(d.en1, 2), _exact(d.en1), ""],
                 ["PET1 (probability of early termination at p1)", cell(d.pet1, 3), _exact(d.pet1), ""]]
        if multi:
            for j, v in enumerate(d.stop0):
                rows.append([f"P(N = {d.design.n[j]}) at p0 (the trial ends after stage {j + 1})", cell(v, 4),
                             _exact(v), ""])
        if d.q_low is not None:
            rows.append(["q range (admissible: minimises q n + (1 - q) EN0)",
                         d.q_range_text(), f"{_exact(d.q_low)} only" if d.q_single else
                         f"[{_exact(d.q_low)}, {_exact(d.q_high)}]", ""])
    if not (meets_a and meets_b):
        add(Paragraph(f"Warning: this design does not meet the constraints type I error <= {alpha:.10g} and power >= "
                      f"{1.0 - beta:.10g} (attained {d.attained_alpha:.4f} and {d.power:.4f}).", cls="warning"))
    add(Heading("Exact attained error rates and sample sizes", 3))
    add(Table(["quantity", "value", "exact (10 significant digits)", "nominal"], rows, ["l", "r", "r", "l"]))

    # --- protocol paragraph ---------------------------------------------------------------------------
    add(Heading("Statistical considerations (for the protocol)"))
    add(Paragraph("Text for the statistical section of the protocol, every number taken from the design and "
                  "its exact operating characteristics; fill in the parts in [SQUARE BRACKETS]."))
    rationale = None if pilot_xn is None else pilot_rationale(pilot_xn, d.design, p0, p1, alpha, beta,
                                                              progress=progress)
    for heading, text in protocol_sections(d, kind=kind, alpha=alpha, beta=beta, accrual=accrual,
                                           pilot=rationale):
        add(Heading(heading, 3))
        add(Paragraph(text, cls="protocol"))
    if two:
        add(stage1_size_table(d, alpha))

    # --- candidates -----------------------------------------------------------------------------------
    # every registered family's candidates, the chosen design's family first
    add(Heading("Candidate designs"))
    chosen = (extra.name if extra is not None and multi else "simon") if (two or multi) else "single"
    for fam in sorted(shown, key=lambda f: f.name != chosen):
        for block in fam.report_blocks(searched.get(fam.name), p0, p1, alpha, beta):
            add(block)

    # --- operating characteristics --------------------------------------------------------------------
    grid = _oc_table_grid(p0, p1)
    add(Heading(f"Operating characteristics of {label}"))
    if multi:
        from .engine.oc import design_oc

        add(Paragraph(f"Exact probabilities at true response rates p (p0 = {p0:.10g} and p1 = {p1:.10g} "
                      f"included). Rule: {d.rule()}."))
        add(tables.design_oc_table(design_oc(d.design, grid)))
    else:
        oc = two_stage_oc(d.r1, d.n1, d.r, d.n, grid) if two else single_stage_oc(d.r, d.n, grid)
        add(Paragraph(f"Exact probabilities at true response rates p (p0 = {p0:.10g} and p1 = {p1:.10g} included). "
                      f"Rule: {oc.rule}."))
        add(tables.oc_table(oc))

    # --- figures --------------------------------------------------------------------------------------
    if figures:
        from .plots import default_oc_grid, oc_comparison_designs, plot_design_space, plot_oc

        space = chosen_result if (multi and chosen_result is not None) else simon
        compare, labels = oc_comparison_designs(space, None if single is None else single.design, chosen=d)
        add(Heading("Figures"))
        fig = plot_oc(compare, default_oc_grid(p0, p1), p0=p0, p1=p1, labels=labels)
        add(Figure(_png(fig), f"Operating characteristics of {label} and alternatives",
                   f"Figure 1. Probability of declaring the drug promising, probability of early termination and "
                   f"expected sample size against the true response rate, for the chosen design {label} and "
                   f"the optimal, minimax, admissible (q = 0.5) and single-stage designs for the same inputs "
                   f"(thin grey vertical lines: p0 = {p0:.10g}, p1 = {p1:.10g})."))
        fig = plot_design_space(space)
        add(Figure(_png(fig), "Design space: EN0 against n",
                   "Figure 2. Expected sample size under p0 (EN0) of the best design at each maximum sample "
                   "size n, with the admissible designs on the lower convex hull (Jung, Carey and Kim 2001) "
                   "and the weights q for which each minimises q n + (1 - q) EN0 (lower panel)."))

    # --- observed data --------------------------------------------------------------------------------
    if obs is not None or stages is not None:
        _observed_sections(doc, d, two, obs, stages, p0, alpha, threshold, level, figures, multi)

    # --- methods and references -----------------------------------------------------------------------
    add(Heading("Conventions and references"))
    add(Items(["Single stage r/n: declare the drug promising (reject H0) if more than r of n respond, i.e. at "
               "least r + 1 (A'Hern 2001 tabulates r + 1).",
               "Two stage r1/n1, r/n (Simon 1989): stop after n1 patients if X1 <= r1; otherwise treat n - n1 "
               "more and declare the drug promising if X1 + X2 > r.",
               "Optimal: minimum EN0; minimax: minimum n, ties by EN0; admissible: minimises q n + (1 - q) EN0 "
               "for some q in [0, 1] (Jung et al. 2004)."] + ([texts.CONVENTION_J] if multi else [])))
    add(Paragraph(f"Reproduce this report: {command}"))
    add(Heading("References", 3))
    refs = ["simon", "ahern", "jung2004"] + (["jck2001"] if figures else [])
    if multi:
        refs += {"three-stage": ["chen1997"], "ensign": ["chen1997", "ensign1994"],
                 "efficacy": ["mander2010"]}.get(getattr(d, "family", ""), []) + ["jt2000"]
    if obs is not None:
        refs.append("cp")
    if stages is not None:
        refs += ["jungkim"] if multi else ["koyama", "jungkim"]
    add(Items([_REFERENCES[k] for k in refs]))
    return title, doc


def render(fmt, title, doc, figure_name=None):
    """The report's blocks in format ``fmt``: one renderer per format over the same blocks."""
    if fmt == "html":
        return render_html(title, doc)
    if fmt == "md":
        return render_markdown(title, doc)
    if fmt == "docx":
        from .present.docx import render_docx

        return render_docx(title, doc)
    from .present.latex import render_latex

    return render_latex(title, doc, figure_name)


def _observed_sections(doc, d, two, obs, stages, p0, alpha, threshold, level, figures, multi=False):
    from .evaluation import evaluate
    from .twostage_inference import analyze_two_stage

    add = doc.append
    add(Heading("Analysis of the observed data"))
    spec = _two_stage_cmd(d) if two else d.label().replace(" ", "")
    if multi and stages is not None:
        from .analysis import analyze_design

        responses = [v for v in stages if v is not None]
        res = analyze_design(d.design, responses, p0=p0, confidence_level=level, alpha=alpha)
        cmd = (f"phase2design analyze --design {spec} --responses {','.join(map(str, responses))} --p0 {p0:.10g} "
               f"--alpha {alpha:.10g}" + ("" if level is None else f" --confidence {level:.10g}"))
        add(Paragraph(f"Analysis of the {d.design.stages}-stage design {d.label()} with responses "
                      f"{', '.join(map(str, responses))} in the stages run. Each line names the question it answers "
                      f"and the data it uses. Same numbers as: {cmd}"))
        add(Items(texts.analysis_verdicts(res)))
        add(Paragraph(texts.ordering_sentence(res)))
        add(tables.estimates_table(res, f"{d.design.stages}-stage"))
        note = texts.interval_note(res)
        if note:
            add(Paragraph(note))
        return
    if obs is not None:
        x, n = obs
        on_design = n in ((d.n1, d.n) if two else tuple(d.design.n) if multi else (d.n,))
        ev = evaluate(x, n, threshold, p0=p0, p1=d.p1, design=spec if on_design and not multi else None,
                      alpha=alpha)
        crit = "" if threshold is None else f" --threshold {threshold:.10g}"
        if on_design and multi:
            data = f"{n} patients pooled, ignoring the {d.design.stages}-stage design"
            same = f"phase2design evaluate {x}/{n}{crit} --p0 {p0:.10g} --alpha {alpha:.10g}"
            intro = (f"Observed {x}/{n}, a look of {d.label()}; for the exact analysis by the design give the "
                     f"responses of each stage (--observed-stages).")
        elif on_design:
            data = None
            same = (f"phase2design evaluate {x}/{n}{crit} --p0 {p0:.10g} --p1 {d.p1:.10g} --design {spec} "
                    f"--alpha {alpha:.10g}")
            intro = f"Observed {x}/{n}, a stage of {d.label()}."
        else:
            # e.g. the pilot that motivates the planned trial: its n is not a stage of this design
            data = f"earlier data, {n} patients, not a stage of this design"
            same = f"phase2design evaluate {x}/{n}{crit} --p0 {p0:.10g} --alpha {alpha:.10g}"
            intro = (f"Observed {x}/{n}: {n} patients is not a stage of {d.label()}, so these data are read as "
                     f"earlier data (such as a pilot), not by the design's rule.")
        add(Paragraph(f"{intro} Each line below names the question it answers and the data it uses"
                      + ("" if threshold is not None else "; no criterion was given (p1 is the design's "
                         "alternative, not a success criterion)") + f". Same numbers as: {same}"))
        add(Items(ev.summary(data, None if threshold is None else f"--criterion {threshold:.10g}")))
        add(tables.interval_table(ev))
        if (two or multi) and n == d.n:
            add(Paragraph("The intervals and the single-stage test treat all patients as one sample. The exact "
                          "analysis after a two-stage design uses the stage-wise ordering (Koyama and Chen 2008): "
                          "give the stage data (--observed-stages x1,x2) for it."))
        if figures:
            from .plots import plot_evaluation

            rates = ([] if threshold is None else [f"the criterion {threshold:.10g}"]) + [f"p0 = {p0:.10g}"]
            add(Figure(_png(plot_evaluation(ev)), f"Distribution of responses out of {n}",
                       f"Figure 3. Distribution of the number of responses out of {n} if the true rate is "
                       f"{' and if it is '.join(rates)}; observed {x}, boundaries marked."))
    else:
        x1, x2 = stages
        res = analyze_two_stage(d, x1, x2, p0=p0, confidence_level=level, alpha=alpha)
        cmd = (f"phase2design analyze --design {spec} --x1 {x1}" + ("" if x2 is None else f" --x2 {x2}")
               + f" --p0 {p0:.10g} --alpha {alpha:.10g}"
               + ("" if level is None else f" --confidence {level:.10g}"))
        add(Paragraph(f"Analysis of Simon design {res.label()} with {texts.stage_data(res)}. Each line names the "
                      f"question it answers and the data it uses. Same numbers as: {cmd}"))
        add(Items(texts.analysis_verdicts(res)))
        add(Paragraph(texts.ordering_sentence(res)))
        add(tables.estimates_table(res))
        note = texts.interval_note(res)
        if note:
            add(Paragraph(note))


def report_format(path):
    """The report format for an output file name: html (.html/.htm), md, docx, tex, or json (the design file)."""
    ext = str(path).lower().rsplit(".", 1)[-1] if "." in str(path) else ""
    fmt = {"html": "html", "htm": "html", "md": "md", "docx": "docx", "tex": "tex", "json": "json"}.get(ext)
    if fmt is None:
        raise ValueError(f"report file must end in .html, .htm, .md, .docx, .tex or .json, got {str(path)!r}")
    return fmt


def figure_file_name(path, k):
    """The PNG beside a .tex report that holds its ``k``-th figure: ``protocol.tex`` -> ``protocol-figure-1.png``."""
    import os

    stem = os.path.splitext(os.path.basename(str(path)))[0]
    return f"{stem}-figure-{k}.png"


def report_design_file(p0, p1, alpha, beta, design="optimal", *, nmax=None, progress=None, family=None):
    """The design file (a JSON-ready dict) of the design a report with these inputs describes.

    It holds the chosen design (as :meth:`Design.to_dict` writes it), its kind and the inputs p0, p1, alpha
    and beta; ``analyze --design-file`` and ``report --design-file`` read it back
    (:func:`phase2design.designfile.read_design_file`).
    """
    from .designfile import design_file_dict
    from .families.base import get_family

    _parse_design_arg(design)
    simon = get_family("simon").search(p0, p1, alpha, beta, nmax=nmax, progress=progress)
    single = None
    if isinstance(design, str) and design.strip() == "single":
        from .engine.oc import NoFeasibleDesignError

        try:
            single = get_family("single").search(simon.p0, simon.p1, simon.alpha, simon.beta, nmax=nmax)
        except NoFeasibleDesignError:
            single = None
    chosen = None
    if family not in (None, "simon", "single"):
        chosen = get_family(family).search(simon.p0, simon.p1, simon.alpha, simon.beta, nmax=nmax, progress=progress)
    d, kind = _select(design, simon, single, simon.p0, simon.p1, simon.alpha, simon.beta, chosen=chosen)
    if chosen is not None and hasattr(d, "stages") and kind:
        family = chosen.family
    else:
        family = "simon" if hasattr(d, "r1") and kind else ("single" if kind == "ahern" else "")
    return design_file_dict(d.design, simon.p0, simon.p1, simon.alpha, simon.beta, kind=kind, family=family)


def write_report(path, p0, p1, alpha, beta, design="optimal", **kwargs):
    """Write a report to ``path`` in the format its suffix names; returns the files written.

    ``.html``/``.htm``, ``.md``, ``.docx`` (needs python-docx) and ``.tex`` (the figures as PNG files beside
    it, named by :func:`figure_file_name`) hold the same blocks; ``.json`` is the design file of
    :func:`report_design_file`.  Every file is written whole or not at all (a temporary file renamed over
    the target).  Keyword arguments are those of :func:`make_report`.

    Returns
    -------
    list of str
        The files written, the report first.
    """
    import os

    from ._files import write_bytes_atomic, write_text_atomic

    fmt = report_format(path)
    if fmt == "json":
        from .present.render import to_json

        keep = {k: kwargs[k] for k in ("nmax", "progress", "family") if k in kwargs}
        write_text_atomic(path, to_json(report_design_file(p0, p1, alpha, beta, design, **keep)) + "\n")
        return [str(path)]
    figure_name = (lambda k: figure_file_name(path, k)) if fmt == "tex" else None
    title, doc = _report_document(p0, p1, alpha, beta, design, fmt=fmt, figure_name=figure_name, **kwargs)
    out = render(fmt, title, doc, figure_name)
    written = []
    if fmt == "tex":
        # the PNGs first: the .tex appears only once the files it includes are there
        from .present.blocks import Figure

        folder = os.path.dirname(os.path.abspath(str(path)))
        for k, b in enumerate((b for b in doc if isinstance(b, Figure)), start=1):
            target = os.path.join(folder, figure_name(k))
            write_bytes_atomic(target, b.png)
            written.append(target)
    if isinstance(out, bytes):
        write_bytes_atomic(path, out)
    else:
        write_text_atomic(path, out)
    return [str(path)] + written


__all__ = ["make_report", "protocol_paragraph", "protocol_sections", "pilot_rationale", "report_format",
           "write_report", "report_design_file", "figure_file_name", "stage1_size_table", "PilotRationale"]
