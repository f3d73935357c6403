"""``phase2design evaluate``: where an observed x/n stands: intervals, distribution, and each verdict asked for."""

import click

from ._common import check_plot_path, emit, flat, format_option, parse_observed, parse_prior, run, use_agg


@click.command()
@click.argument("observed")
@click.option("--threshold", type=float, default=None,
              help="A criterion you set in advance: met if x/n >= threshold (omit: no criterion is judged).")
@click.option("--p0", type=float, default=None,
              help="Uninteresting rate: adds the exact one-sided test of H0: p <= p0.")
@click.option("--p1", type=float, default=None, help="Rate worth pursuing: adds the --design rule's power.")
@click.option("--design", type=str, default=None, help="Design the trial followed: 'r/n' or 'r1/n1,r/n'.")
@click.option("--confidence", "confidence", type=float, multiple=True,
              help="Confidence level (repeatable; default 0.90 and 0.95).")
@click.option("--ci-method", default="clopper-pearson", show_default=True,
              help="clopper-pearson, mid-p, blaker, wilson, wilson-cc, jeffreys, agresti-coull or wald.")
@click.option("--prior", default="jeffreys", show_default=True,
              help="Beta prior for the posterior probability: 'a,b', 'jeffreys' or 'uniform'.")
@click.option("--alpha", type=float, default=0.05, show_default=True,
              help="One-sided level of the exact test against p0.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw the distribution to FILE (.png, .svg or .pdf).")
@click.option("--no-picture", is_flag=True, help="Leave the text picture out of the table output.")
@format_option
def evaluate(observed, threshold, p0, p1, design, confidence, ci_method, prior, alpha, plot_path, no_picture, fmt):
    """Where an observed x/n stands: exact CIs, the distribution, and each verdict asked for.

    Each verdict line names its question (a criterion you gave, the exact test
    of H0 at alpha, the design's rule, a Bayesian statement) and the data it uses.

    Examples: phase2design evaluate 3/9; phase2design evaluate 3/9 --threshold 0.5 --p0 0.1 --design 2/9
    """
    from ..evaluation import evaluate as evaluate_result

    x, n = parse_observed(observed)
    levels = tuple(confidence) if confidence else (0.90, 0.95)
    pri = parse_prior(prior)
    if plot_path is not None:
        check_plot_path(plot_path)
    ev = run(lambda: evaluate_result(x, n, threshold, p0=p0, p1=p1, design=design, confidence_level=levels,
                                     ci_method=ci_method, prior=pri, alpha=alpha))
    if plot_path is not None:
        use_agg()
        from ..plots import plot_evaluation

        run(lambda: plot_evaluation(ev, plot_path))
        click.echo(f"wrote {plot_path}", err=True)
    d = ev.to_dict()
    row = flat(d)

    def document():
        from ..present import tables as T
        from ..present.blocks import Items, Paragraph, Preformatted

        title = f"Evaluation of {x}/{n}" + ("" if threshold is None else f" against a threshold of {threshold:.10g}")
        blocks = [Paragraph(title),
                  Items(ev.summary()), T.interval_table(ev)]
        if not no_picture:
            from ..plots import evaluation_text_plot

            blocks.append(Preformatted(evaluation_text_plot(ev)))
        return blocks

    emit(fmt, d, list(row.keys()), [list(row.values())], document)
