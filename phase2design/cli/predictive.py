"""``phase2design predictive``: the predictive probability that a trial at x/n ends in success at nmax."""

import click

from ._common import emit, format_option, parse_x_of_n, run


def parse_bayes_prior(text):
    """A prior for the Bayesian commands: 'a,b', 'uniform', 'jeffreys' or a mixture 'w:a,b;w:a,b'."""
    from ._common import fail_bad, parse_prior, parse_rates

    if text is None:
        return None
    if ";" not in text and ":" not in text:
        return parse_prior(text)
    comps = []
    for part in text.split(";"):
        bits = part.split(":")
        if len(bits) != 2:
            fail_bad(f"prior mixture must look like 'w:a,b;w:a,b' (weight:Beta parameters), got {text!r}")
        w = parse_rates("prior weight", bits[0])
        ab = parse_rates("prior", bits[1])
        if len(w) != 1 or len(ab) != 2:
            fail_bad(f"prior mixture must look like 'w:a,b;w:a,b' (weight:Beta parameters), got {text!r}")
        comps.append((w[0], ab[0], ab[1]))
    return comps


prior_option = click.option(
    "--prior", default=None, metavar="PRIOR",
    help="Beta prior 'a,b', 'uniform', 'jeffreys' or a mixture 'w:a,b;w:a,b' (weights normalised); "
         "default Beta(p0, 1 - p0): mean p0, worth one patient.")
equality_option = click.option(
    "--equality", type=click.Choice(["strict", "inclusive"]), default="strict", show_default=True,
    help="strict: a probability must pass a threshold (> theta_T; Lee & Liu 2008, phase1b); inclusive: equal "
         "counts as reaching it (>= theta_T; R ph2bayes).")


@click.command()
@click.argument("observed")
@click.option("--nmax", type=int, required=True, help="Planned maximum number of patients.")
@click.option("--p0", type=float, required=True, help="Success at nmax means P(p > p0 | data) reaches theta_T.")
@click.option("--theta-t", "theta_t", type=float, required=True, help="Posterior threshold of success at nmax.")
@prior_option
@equality_option
@format_option
def predictive(observed, nmax, p0, theta_t, prior, equality, fmt):
    """Predictive probability that a trial at OBSERVED (x/n), continued to --nmax patients, ends in success.

    Success at the end: P(p > p0 | data) > theta_T (strict) or >= theta_T (inclusive).  Exact
    beta-binomial sums (Lee & Liu 2008), no simulation.

    Example: phase2design predictive 3/9 --nmax 25 --p0 0.1 --theta-t 0.9
    """
    from ..bayes import predictive_probability

    x, n = parse_x_of_n("observed result", observed)
    pr = parse_bayes_prior(prior)
    res = run(lambda: predictive_probability(x, n, nmax, p0, theta_t, prior=pr, equality=equality))
    headers = ["y", "total", "prob_y", "posterior_at_end", "success"]
    rows = [[r[h] for h in headers] for r in res.rows()]

    def document():
        from ..present.blocks import Items, Table
        from ..present.render import fmt as f

        default = " (default: mean p0, worth one patient)" if prior is None else ""
        head = Items([
            f"Predictive probability of success after {x} responses in {n} patients, trial continued to {nmax}",
            f"Prior {res.prior_text()}{default}; success at {nmax} patients: {res.criterion()} "
            f"({equality} equality convention: {'equal counts as reaching' if equality == 'inclusive' else 'must pass'}"
            f" the threshold)",
            f"P(p > {p0:.10g} | {x} of {n}) = {f(res.posterior_now, 4)}",
            f"{res.words()[0].upper()}{res.words()[1:]}",
            f"Predictive probability of success PP = {f(res.predictive_probability, 4)} "
            f"({res.predictive_probability:.10g})"])
        table = Table(["more responses", f"total of {nmax}", "P(this many | data)",
                       f"P(p > {p0:.10g} | total)", "success"],
                      [[y, t, f(pr_, 4), f(q, 4), "yes" if s else "no"] for y, t, pr_, q, s in res.future])
        return [head, table]

    emit(fmt, res.to_dict(), headers, rows, document)
