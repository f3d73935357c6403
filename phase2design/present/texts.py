"""Sentences that the command line and the report both print, written once.

Each function takes a library result object and reads only its attributes,
so this module imports nothing from the rest of the library.
"""

#: The two-stage rule in the notation of Simon (1989).
CONVENTION_2 = ("Convention (Simon 1989): r1/n1, r/n = stop after n1 patients if X1 <= r1; "
                "otherwise declare the drug promising (reject H0) if X1 + X2 > r.")

#: The single-stage rule; A'Hern's tables give the smallest count that rejects, r + 1.
CONVENTION_1 = ("Convention: r/n = declare the drug promising (reject H0) if X > r, i.e. at least r + 1 "
                "of n respond (A'Hern 2001 tabulates r + 1).")


#: The multi-stage rule (cumulative sizes), phase2design's convention in full.
CONVENTION_J = ("Convention: a1/N1, a2/N2, ..., r/N with cumulative sizes = after N_j patients in all stop (not "
                "promising) if at most a_j have responded; a:b/N also stops and declares the drug promising "
                "(rejects H0) if more than b have responded; after the last stage the drug is promising if more "
                "than r of all N respond.")


def multistage_notes(res, loss):
    """The lines under a table of multi-stage designs: each named design's rule, q ranges, the search.

    Parameters
    ----------
    res : MultiStageResult
    loss : str
        How the weighted loss is written (see :func:`simon_notes`).

    Returns
    -------
    list of str
    """
    lines = [f"{d.kind}: {d.label()}: {d.rule()}." for d in res.designs()]
    if res.admissible:
        lines.append(f"alpha and power are exact attained values; PET: probability of stopping before the last "
                     f"stage; q range: weights q for which the design minimises {loss} (Jung et al. 2004).")
    lines.extend(f"Note: {n}." for n in res.notes)
    lines.append(f"Searched n up to {res.n_searched}; stopped by {res.stop_reason}.")
    return lines
#: Interval methods as a reader names them (the option values stay lower case).
METHOD_NAMES = {"clopper-pearson": "Clopper-Pearson", "mid-p": "mid-p", "blaker": "Blaker", "wilson": "Wilson",
                "wilson-cc": "Wilson (continuity-corrected)", "jeffreys": "Jeffreys", "agresti-coull": "Agresti-Coull",
                "wald": "Wald"}


def design_inputs(p0, p1, alpha, beta):
    """``"p0=0.1, p1=0.3, alpha=0.05, beta=0.2"``: the inputs of a design search, exact to 10 digits."""
    return f"p0={p0:.10g}, p1={p1:.10g}, alpha={alpha:.10g}, beta={beta:.10g}"


def simon_notes(res, loss):
    """The lines under a table of Simon designs: the optimal and minimax rules, q ranges, the search.

    Parameters
    ----------
    res : SimonResult
    loss : str
        How the weighted loss is written: ``"q*n + (1-q)*EN0"`` on the
        command line, ``"q n + (1 - q) EN0"`` in the report's prose.

    Returns
    -------
    list of str
    """
    return [f"optimal: {res.optimal.label()}: {res.optimal.rule()}.",
            f"minimax: {res.minimax.label()}: {res.minimax.rule()}.",
            (f"alpha and power are exact attained values; q range: weights q for which the design minimises "
             f"{loss} (Jung et al. 2004)."
             + (" 'q only': the design lies on a straight edge of the (n, EN0) hull and is optimal at that single "
                "weight, jointly with its neighbours (decided in exact arithmetic)."
                if any(getattr(d, "q_single", False) for d in res.admissible) else "")),
            f"Searched n = {res.best_by_n[0].n}..{res.n_searched}; stopped by {res.stop_reason}."]


def stage_data(res):
    """``"x1 = 2 of 10, x2 = 4 of 19"`` (or the stage-1 part only after an early stop)."""
    return f"x1 = {res.x1} of {res.n1}" + ("" if res.x2 is None else f", x2 = {res.x2} of {res.n2}")


def ordering_sentence(res):
    """Which ordering of the two-stage sample space the estimates and limits use."""
    return f"Ordering of the sample space: {res.ordering}; estimates and limits below are exact."


def _p(value):
    """A probability in a sentence, as the tables print it (4 decimals, "<0.0001" below)."""
    from .render import fmt

    return fmt(float(value), 4)


def equals(value, digits=4):
    from .render import equals as eq

    return eq(value, digits)


def analysis_data(res):
    """Which data the analysis of a multi-stage trial uses: "stage 1", "both stages", "stages 1-3"."""
    stage = res.stage
    stages = getattr(res, "design", None)
    total = stages.stages if hasattr(stages, "stages") else 2
    if stage == 1:
        return "stage 1"
    if total == 2:
        return "both stages"
    return f"stages 1-{stage}"


def analysis_verdicts(res):
    """The verdict lines after a multi-stage trial: the design's rule, the exact test at alpha, and why they
    differ when they do.

    Parameters
    ----------
    res : TwoStageAnalysis or DesignAnalysis

    Returns
    -------
    list of str
    """
    data = analysis_data(res)
    promising = res.reject_h0 if hasattr(res, "reject_h0") else res.promising
    out = [f"Design rule ({data}): {res.decision}."]
    if res.p0 is None or res.alpha is None:
        return out
    rel = "<=" if res.test_rejects else ">"
    out.append(f"Exact stage-wise test of H0: p <= {res.p0:.10g} at one-sided alpha = {res.alpha:.10g} ({data}): "
               f"p {equals(float(res.pvalue), 4)} {rel} {res.alpha:.10g}, "
               f"H0 {'rejected' if res.test_rejects else 'not rejected'}.")
    if promising != res.test_rejects:
        adjusted = getattr(res, "adjustment", "none") != "none"
        if adjusted:
            why = ("the stage-2 size differed from the plan, so the rule's cut-off was adjusted to keep the "
                   "conditional type I error, while the p-value treats the actual stage-2 size as if planned")
        elif promising:
            why = (f"the rule's own exact type I error at p0 is {_p(res.design_alpha)}, above alpha = "
                   f"{res.alpha:.10g}, so it declares the drug promising for outcomes a level-{res.alpha:.10g} test "
                   f"does not reject")
        else:
            why = (f"the rule's own exact type I error at p0 is {_p(res.design_alpha)}: it rejects only the outcomes "
                   f"whose p-value is at most that, and this outcome's p-value lies between it and alpha = "
                   f"{res.alpha:.10g}. The decision the protocol specifies is the design rule's")
        out.append(f"Why the design rule and the exact test differ: {why}.")
    return out


def interval_note(res):
    """The sentence on an explicitly given level, or None: which interval matches the test then."""
    if res.alpha is None or res.level_source != "given":
        return None
    match = 100 * (1 - 2 * res.alpha)
    return (f"The {100 * res.confidence_level:.10g}% level was given explicitly and overrides the default: the "
            f"two-sided interval that matches the one-sided alpha = {res.alpha:.10g} test is the {match:.10g}% one, "
            f"whose lower limit is the {100 * (1 - res.alpha):.10g}% one-sided lower bound shown.")


__all__ = ["CONVENTION_1", "CONVENTION_2", "CONVENTION_J", "METHOD_NAMES", "multistage_notes", "analysis_data", "analysis_verdicts", "design_inputs",
           "equals", "interval_note", "ordering_sentence", "simon_notes", "stage_data"]
