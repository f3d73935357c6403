"""``phase2design plan``: follow-up designs after a pilot, with their assurance under the pilot's posterior."""

import click

from ._common import (Infeasible, Progress, emit, error_rate_options, family_option, format_option, parse_prior, parse_rates,
                      parse_x_of_n, run)


def _document(plan):
    from ..present import tables as T
    from ..present import texts
    from ..present.blocks import Items

    title = (f"Follow-up designs after a pilot of {plan.pilot_x}/{plan.pilot_n} "
             f"({100 * plan.pilot_x / plan.pilot_n:.1f}%), for p0={plan.p0:.10g}, alpha={plan.alpha:.10g}, "
             f"beta={plan.beta:.10g}")
    posterior = (f"Posterior: {plan.posterior_text()}; P(p > p0 = {plan.p0:.10g} | pilot) = "
                 f"{plan.posterior_prob_above_p0:.3f}.")
    head = Items([title, posterior, f"Candidate p1: {plan.candidate_rule}."])
    pa, pb = plan.posterior
    lo = min(d.assurance for d in plan.designs)
    hi = max(d.assurance for d in plan.designs)
    exactness = (f"EN0, PET0, alpha and power are exact at p0 and p1. Assurance (P(declare the drug promising)), "
                 f"E[N] and P(stop) (early stopping) are exact under the posterior Beta({pa:.10g}, {pb:.10g}), "
                 f"i.e. averaged over the response rates the pilot supports (beta-binomial sums, no simulation).")
    worth = (f"Worth running? The pilot gives P(p > p0) = {plan.posterior_prob_above_p0:.3f}; these designs "
             f"declare the drug promising with probability {lo:.3f} to {hi:.3f}.")
    notes = [exactness, worth] + [f"Warning: {w}." for w in plan.warnings]
    conventions = [texts.CONVENTION_2, texts.CONVENTION_1]
    if any(d.bounds is not None for d in plan.designs):
        conventions.append(texts.CONVENTION_J)
    return [head, T.plan_rates_table(plan), Items(conventions), T.plan_designs_table(plan), Items(notes)]


@click.command()
@click.option("--pilot", required=True, help="Pilot result x/n, e.g. 3/9.")
@click.option("--p0", type=float, required=True, help="Uninteresting response rate (H0) of the follow-up.")
@error_rate_options
@click.option("--p1", "p1", type=str, default=None,
              help="Rates to design for, comma-separated (default: chosen from the pilot as described above).")
@click.option("--prior", default="jeffreys", show_default=True,
              help="Beta prior: 'a,b', 'jeffreys' (0.5,0.5) or 'uniform' (1,1).")
@click.option("--pilot-weight", type=float, default=1.0, show_default=True,
              help="Power prior weight in (0, 1]: each pilot patient counts as this many (discounts the pilot).")
@click.option("--plausibility", type=float, default=0.2, show_default=True,
              help="Warn when P(p >= p1 | pilot) is below this level.")
@click.option("--levels", default="0.8,0.9", show_default=True,
              help="One-sided levels of the Clopper-Pearson lower limits used as default p1 values.")
@click.option("--min-diff", type=float, default=0.05, show_default=True,
              help="A default p1 must be at least p0 + this.")
@family_option
@format_option
def plan(pilot, p0, alpha, beta, p1, prior, pilot_weight, plausibility, levels, min_diff, family, fmt):
    """Follow-up designs after a pilot, with their assurance under the pilot's posterior.

    For each candidate p1: the single-stage (A'Hern), Simon optimal and Simon
    minimax designs with n, EN0, PET0, attained alpha and power, and -- with
    the true rate drawn from the posterior Beta(a + w x, b + w (n - x)) --
    the assurance (probability of declaring the drug promising), expected
    sample size and probability of stopping early, all exact.

    Default p1 values: the pilot estimate x/n and the lower limits of the
    one-sided 80% and 90% exact Clopper-Pearson intervals, rounded to 0.01,
    kept if at least p0 + 0.05 and at most 0.99 (exit 1 if none is left:
    give --p1).

    Example: phase2design plan --pilot 3/9 --p0 0.1 --alpha 0.05 --beta 0.2
    """
    from ..planning import NoCandidateRateError, plan_followup

    x, n = parse_x_of_n("--pilot", pilot)
    p1s = None if p1 is None else parse_rates("p1", p1)
    pri = parse_prior(prior)
    lv = parse_rates("levels", levels)

    note = Progress("searching designs", True)

    def go():
        try:
            return plan_followup((x, n), p0, alpha, beta, p1=p1s, prior=pri, pilot_weight=pilot_weight,
                                 plausibility=plausibility, levels=lv, min_difference=min_diff, progress=note,
                                 families=family)
        except NoCandidateRateError as e:
            raise Infeasible(str(e)) from None

    try:
        res = run(go)
    finally:
        note.done()
    if fmt != "table":
        # the table output states the warnings itself; the data formats keep stdout clean
        for w in res.warnings:
            click.echo(f"Warning: {w}.", err=True)
    rows = res.rows()
    headers = list(rows[0].keys())
    emit(fmt, res.to_dict(), headers, [list(r.values()) for r in rows], lambda: _document(res))
