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


__all__ = ["CONVENTION_1", "CONVENTION_2", "CONVENTION_J", "design_inputs", "multistage_notes", "ordering_sentence", "simon_notes", "stage_data"]
