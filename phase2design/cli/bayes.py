"""``phase2design bayes``: a Bayesian monitoring rule's cut-offs and exact OC, or the design search."""

import click

from ._common import (Progress, check_plot_path, emit, fail_bad, format_option, parse_rates, parse_x_of_n, run,
                      use_agg)
from .predictive import equality_option, parse_bayes_prior, prior_option

_CONVENTION = ("Convention: at each look, stop (not promising) if the total number of responses S <= the "
               "futility cut-off; stop (promising) if S >= the efficacy cut-off; at the last look promising if "
               "S >= its cut-off. Design notation a:b/N (cumulative N): stop if S <= a, stop promising if S > b.")


def _int_list(name, text):
    from .._validation import is_count

    bits = [b.strip() for b in text.split(",")]
    if not bits or not all(is_count(b) for b in bits):
        fail_bad(f"{name} must be whole numbers separated by commas (cumulative patients), got {text!r}")
    return [int(b) for b in bits]


def _range(name, text, default):
    if text is None:
        return default
    vals = parse_rates(name, text)
    if len(vals) != 2:
        fail_bad(f"{name} must be LOW,HIGH (two probabilities), got {text!r}")
    return tuple(vals)


@click.command()
@click.option("--p0", type=float, required=True, help="Null response rate: success if P(p > p0 | data) "
                                                      "reaches theta_T at the end.")
@click.option("--p1", type=float, default=None, help="Rate worth pursuing: OC at p1; the search's power; the "
                                                     "posterior rule's futility rate.")
@click.option("--nmax", type=int, default=None,
              help="Maximum number of patients (with --search: the largest N_max searched).")
@click.option("--looks", default=None, metavar="N1,N2,...", help="Interim looks (cumulative patients).")
@click.option("--every", type=int, default=None, help="A look every K patients (1: continuous monitoring).")
@click.option("--from", "first", type=int, default=None, help="With --every: the first look (default K).")
@click.option("--monitoring", type=click.Choice(["predictive", "posterior"]), default="predictive",
              show_default=True,
              help="predictive: stop on the predictive probability of success (Lee & Liu 2008); posterior: on "
                   "posterior probabilities (Thall & Simon 1994).")
@click.option("--theta-t", "theta_t", type=float, default=None, help="Success at the end: P(p > p0 | data) "
                                                                     "reaches theta_T.")
@click.option("--theta-l", "theta_l", type=float, default=None,
              help="Futility: stop if PP (posterior: P(p > futility rate | data)) is below theta_L.")
@click.option("--theta-u", "theta_u", type=float, default=None,
              help="Efficacy: stop if PP (posterior: P(p > p0 | data)) is above theta_U (default: no efficacy stop).")
@click.option("--futility-rate", type=float, default=None,
              help="Posterior monitoring: the rate in the futility probability (default p1, else p0).")
@prior_option
@equality_option
@click.option("--p", "rates", default=None, help="More response rates for the OC table, e.g. 0.1,0.3 or 0:1:0.1.")
@click.option("--observed", default=None, metavar="S/N",
              help="The trial ended at the look after N patients with S responses: exact frequentist inference.")
@click.option("--confidence", type=float, default=0.95, show_default=True, help="Two-sided level (--observed).")
@click.option("--search", is_flag=True, help="Search N_max and the thresholds for designs meeting --alpha and "
                                             "--beta exactly (optimal: min EN0; minimax: min N_max).")
@click.option("--alpha", type=float, default=None, help="With --search: largest type I error.")
@click.option("--beta", type=float, default=None, help="With --search: largest type II error.")
@click.option("--power", type=float, default=None, help="With --search: smallest power (instead of --beta).")
@click.option("--nmin", type=int, default=None, help="With --search: the smallest N_max searched.")
@click.option("--efficacy", is_flag=True, help="With --search: also search theta_U (efficacy stopping).")
@click.option("--theta-t-range", default=None, metavar="LOW,HIGH", help="With --search: theta_T allowed "
                                                                        "(default 0.8,0.99).")
@click.option("--theta-l-range", default=None, metavar="LOW,HIGH", help="With --search: theta_L allowed "
                                                                        "(default 0.001,0.2).")
@click.option("--theta-u-range", default=None, metavar="LOW,HIGH", help="With --search --efficacy: theta_U "
                                                                        "allowed (default 0.9,1).")
@click.option("--all", "show_all", is_flag=True, help="With --search: list the best design for every N_max.")
@click.option("--quiet", is_flag=True, help="No progress note on stderr.")
@click.option("--plot-oc", "plot_oc_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the exact OC curves (P(promising), P(stop early), EN) of the rule, or of the optimal and "
                   "minimax designs with --search, to FILE (.png, .svg or .pdf); needs --p1.")
@format_option
def bayes(p0, p1, nmax, looks, every, first, monitoring, theta_t, theta_l, theta_u, futility_rate, prior, equality,
          rates, observed, confidence, search, alpha, beta, power, nmin, efficacy, theta_t_range, theta_l_range,
          theta_u_range, show_all, quiet, plot_oc_path, fmt):
    """Bayesian monitoring rule: cut-offs at every look and exact OC, or the design search.

    Examples: phase2design bayes --p0 0.2 --p1 0.4 --nmax 40 --looks 10,20,30 --theta-t 0.8
    --theta-l 0.1 --theta-u 0.9 --prior 1,1;
    phase2design bayes --p0 0.2 --p1 0.4 --alpha 0.1 --beta 0.1 --every 5 --from 10 --search
    """
    look_list = None if looks is None else _int_list("--looks", looks)
    if look_list is not None and (every is not None or first is not None):
        fail_bad("give --looks or --every (and --from), not both")
    if first is not None and every is None:
        fail_bad("--from goes with --every (a look every K patients from N)")
    pr = parse_bayes_prior(prior)
    if plot_oc_path is not None:
        if p1 is None:
            fail_bad("--plot-oc needs --p1 (the curves are drawn from 0 to about 2 p1 - p0)")
        check_plot_path(plot_oc_path)
    if search:
        for name, value in (("--theta-t", theta_t), ("--theta-l", theta_l), ("--theta-u", theta_u),
                            ("--observed", observed)):
            if value is not None:
                fail_bad(f"{name} does not go with --search (the search chooses the thresholds); drop one of them")
        return _search(p0, p1, alpha, beta, power, nmax, nmin, look_list, every, first, monitoring, futility_rate,
                       pr, equality, efficacy, theta_t_range, theta_l_range, theta_u_range, show_all, quiet, fmt,
                       plot_oc_path)
    for name, value in (("--alpha", alpha), ("--beta", beta), ("--power", power), ("--nmin", nmin),
                        ("--theta-t-range", theta_t_range), ("--theta-l-range", theta_l_range),
                        ("--theta-u-range", theta_u_range)):
        if value is not None:
            fail_bad(f"{name} goes with --search")
    if efficacy or show_all:
        fail_bad("--efficacy and --all go with --search")
    if nmax is None:
        fail_bad("give --nmax (the maximum number of patients), or --search to choose it")
    if theta_t is None:
        fail_bad("give --theta-t (success at the end if P(p > p0 | data) reaches it), or --search to choose it")
    if look_list is None and every is None:
        fail_bad("give the looks: --looks 10,20,30 or --every 5 --from 10 (--every 1: continuous monitoring)")
    return _rule(p0, p1, nmax, look_list, every, first, monitoring, theta_t, theta_l, theta_u, futility_rate, pr,
                 equality, rates, observed, confidence, prior is None, fmt, plot_oc_path)


def _rule(p0, p1, nmax, looks, every, first, monitoring, theta_t, theta_l, theta_u, futility_rate, pr, equality,
          rates, observed, confidence, default_prior, fmt, plot_oc_path):
    from ..bayes import analyze_rule, monitoring_rule

    rule = run(lambda: monitoring_rule(p0, nmax=nmax, looks=looks, every=every, first=first, theta_t=theta_t,
                                       theta_l=theta_l, theta_u=theta_u, prior=pr, monitoring=monitoring,
                                       equality=equality, p1=p1, futility_rate=futility_rate))
    ps = [rule.p0] + ([p1] if p1 is not None else []) + (parse_rates("p", rates) if rates else [])
    oc = run(lambda: rule.oc(ps))
    analysis = None
    if observed is not None:
        s, n = parse_x_of_n("--observed", observed)
        analysis = run(lambda: analyze_rule(rule, s, n, confidence_level=confidence))
    for note in rule.notes:
        click.echo(f"note: {note}", err=True)
    out = {"rule": rule.to_dict(), "oc": oc.to_dict()}
    if analysis is not None:
        out["analysis"] = analysis.to_dict()
    headers = ["n", "futility_stop_if_at_most", "efficacy_stop_if_at_least", "futility_prob", "efficacy_prob",
               "status"]
    rows = [[r[h] for h in headers] for r in rule.rows()]

    def document():
        from ..present.blocks import Items, Paragraph, Table
        from ..present.render import fmt as f

        what = "predictive probability of success PP" if monitoring == "predictive" else "posterior probability"
        title = ("Bayesian predictive-probability monitoring (Lee & Liu 2008)" if monitoring == "predictive"
                 else "Bayesian posterior-probability monitoring (Thall & Simon 1994 type)")
        blocks = [Items([title + (" - prior Beta(p0, 1 - p0) by default: mean p0, worth one patient"
                                  if default_prior else ""),
                         rule.bayes_words(), _CONVENTION])]
        trows = []
        for lk in rule.table:
            last = lk.status == "final"
            trows.append([lk.n, "" if lk.futility < 0 else lk.futility,
                          "" if lk.efficacy is None else lk.efficacy,
                          "" if lk.futility_prob is None else f(lk.futility_prob, 4),
                          "" if lk.efficacy_prob is None else f(lk.efficacy_prob, 4),
                          "final (posterior)" if last else lk.status])
        blocks.append(Table(["after patients", "stop, not promising, if S <=", "stop, promising, if S >=",
                             "prob. at futility cut", "prob. at efficacy cut", "look"], trows,
                            ["r", "r", "r", "r", "r", "l"],
                            caption=f"Cut-offs in responses at every look (probabilities: the {what} at the cut-off; "
                                    f"at the last look P(p > p0 | data))"))
        blocks.append(Items([f"As a design: {rule.design.label()} ({rule.design.family})",
                             f"In words: {rule.design.rule()}"]))
        ocrows = [[f"{p:.10g}", f(oc.reject[i], 4), f(oc.en[i], 2), f(1.0 - oc.stop[i][-1], 4)]
                  for i, p in enumerate(oc.p)]
        blocks.append(Table(["p", "P(promising)", "EN", "P(stop early)"], ocrows,
                            caption="Exact operating characteristics (frequentist, at fixed p)"))
        index = {n: j for j, n in enumerate(rule.design.n)}
        srows = []
        for lk in rule.table:
            j = index.get(lk.n)
            row = [lk.n]
            for i in range(min(len(oc.p), 2)):
                if j is None:
                    row += ["0", "0", "0"]
                else:
                    row += [f(oc.futility[i][j], 4), f(oc.efficacy[i][j], 4), f(oc.stop[i][j], 4)]
            srows.append(row)
        heads = ["after patients"]
        for i in range(min(len(oc.p), 2)):
            heads += [f"not promising (p={oc.p[i]:.10g})", f"promising (p={oc.p[i]:.10g})", f"P(N = n) (p={oc.p[i]:.10g})"]
        blocks.append(Table(heads, srows, caption="Where the trial ends: probability of ending at each look not "
                                                   "promising / promising, and the distribution of the sample size"))
        if analysis is not None:
            a = analysis
            blocks.append(Items([f"Observed: {a.s} responses in {a.n} patients: {a.decision}",
                                 f"Posterior P(p > {rule.p0:.10g} | data) = {f(a.posterior, 4)}",
                                 f"Inference ({a.statement}):",
                                 f"p-value (H0: p <= {rule.p0:.10g}) = {f(a.pvalue, 4)} (mid-p {f(a.pvalue_midp, 4)})",
                                 f"{a.confidence_level * 100:.10g}% interval [{f(a.ci_lower, 4)}, {f(a.ci_upper, 4)}] "
                                 f"(mid-p [{f(a.ci_midp_lower, 4)}, {f(a.ci_midp_upper, 4)}])",
                                 f"estimates: UMVUE {f(a.umvue, 4)}, median-unbiased {f(a.median_unbiased, 4)}, "
                                 f"naive {f(a.naive_estimate, 4)}; ordering {a.ordering}"]))
        if rule.notes:
            blocks.append(Paragraph("Notes: " + " ".join(rule.notes)))
        return blocks

    emit(fmt, out, headers, rows, document)
    if plot_oc_path is not None:
        _plot([rule.design], [f"{monitoring} rule, N_max {rule.nmax}"], p0, p1, plot_oc_path)


def _plot(designs, labels, p0, p1, path):
    use_agg()
    from ..plots import default_oc_grid, plot_oc

    run(lambda: plot_oc(designs, default_oc_grid(p0, p1), p0=p0, p1=p1, labels=labels, path=path))
    click.echo(f"wrote {path}", err=True)


def _search(p0, p1, alpha, beta, power, nmax, nmin, looks, every, first, monitoring, futility_rate, pr, equality,
            efficacy, t_range, l_range, u_range, show_all, quiet, fmt, plot_oc_path):
    from ..families import bayes as FB
    from ..families.bayes import bayes_design

    if p1 is None or alpha is None:
        fail_bad("--search needs --p1 and --alpha (and --beta or --power)")
    if (beta is None) == (power is None):
        fail_bad("give --beta (largest type II error) or --power (1 - beta), one of them")
    if power is not None:
        from decimal import Decimal

        if not 0.0 < power < 1.0:
            fail_bad(f"power must lie strictly between 0 and 1, got {power!r}")
        beta = float(Decimal(1) - Decimal(repr(power)))
    ranges = dict(theta_t_range=_range("--theta-t-range", t_range, FB.DEFAULT_THETA_T),
                  theta_l_range=_range("--theta-l-range", l_range, FB.DEFAULT_THETA_L),
                  theta_u_range=_range("--theta-u-range", u_range, FB.DEFAULT_THETA_U))
    prog = Progress("searching N_max", not quiet)
    try:
        res = run(lambda: bayes_design(p0, p1, alpha, beta, monitoring=monitoring, looks=looks, every=every,
                                       first=first, nmax=nmax, nmin=nmin, prior=pr, efficacy=efficacy,
                                       equality=equality, futility_rate=futility_rate, progress=prog, **ranges))
    finally:
        prog.done()
    if res.near_ties:
        click.echo(res.tie_note(), err=True)
    designs = list(res.admissible)
    if show_all:
        marks = {d.design: d for d in res.admissible}
        designs = [marks.get(d.design, d) for d in res.best_by_n]
    headers = ["kind", "n_max", "label", "theta_t", "theta_l", "theta_u", "en0", "pet0", "attained_alpha", "power",
               "en1", "pet1", "q_low", "q_high"]
    rows = [[d.kind, d.n, d.label(), d.theta_t, d.theta_l, d.theta_u, d.en0, d.pet0, d.attained_alpha, d.power,
             d.en1, d.pet1, d.q_low, d.q_high] for d in designs]

    def document():
        from ..present.blocks import Items, Table
        from ..present.render import fmt as f

        title = (f"Bayesian {monitoring}-probability monitoring designs for p0={res.p0:.10g}, p1={res.p1:.10g}, "
                 f"alpha={res.alpha:.10g}, beta={res.beta:.10g}")
        blocks = [Items([title, _CONVENTION])]
        trows = [[d.kind, d.n, d.label(), d.thresholds_text(), f(d.en0, 2), f(d.pet0, 3), f(d.attained_alpha, 4),
                  f(d.power, 4), f(d.en1, 2), d.q_range_text()] for d in designs]
        blocks.append(Table(["kind", "N_max", "design (cumulative a:b/N)", "thresholds", "EN0", "PET0", "alpha",
                             "power", "EN1", "q range"], trows, ["l", "r", "l", "l", "r", "r", "r", "r", "r", "l"]))
        for d in (res.optimal, res.minimax):
            ranges_text = "; ".join(f"{name} in {text}" for name, text in d.theta_intervals)
            blocks.append(Items([f"{d.kind}: {d.bayes_rule}",
                                 f"  same boundaries for every {ranges_text}"]
                                + ["  " + lk.words() for lk in d.looks_table]))
        blocks.append(Items(list(res.notes) + [res.stop_reason + "."]))
        return blocks

    emit(fmt, res.to_dict(), headers, rows, document)
    if plot_oc_path is not None:
        pair = [res.optimal] + ([res.minimax] if res.minimax.design != res.optimal.design else [])
        _plot(pair, [f"{d.kind}, N_max {d.n}" for d in pair], res.p0, res.p1, plot_oc_path)
