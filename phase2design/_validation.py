"""Argument checks for the public entry points.

Every check raises ``ValueError`` (wrong value) or ``TypeError`` (wrong kind)
with a one-line message that names the argument, the rule and the value, so
the CLI can print it as it is.
"""

import math
import numbers
from fractions import Fraction

#: Largest total sample size the engine accepts.  Tables are triangular in n
#: (memory ~ 16 n^2 bytes), and phase II trials are far below this.
N_LIMIT = 5000


def _is_bool(value):
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def check_rate(name, value, *, closed=False):
    """A response rate: a real number in (0, 1), or [0, 1] with ``closed``."""
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must be a number between 0 and 1, got nan")
    # 10 or 90 is almost always a percentage: say what was probably meant
    hint = f" (a percentage? write {value / 100:.10g} for {value:.10g}%)" if 2.0 <= value <= 100.0 else ""
    if closed:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {value!r}{hint}")
    elif not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}{hint}")
    return value


def check_probability(name, value):
    """An error rate or confidence level: a real number in (0, 1)."""
    return check_rate(name, value)


def check_int(name, value, *, minimum=0, maximum=None):
    """A whole number in [minimum, maximum]; floats such as 9.0 are accepted."""
    if _is_bool(value):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif isinstance(value, numbers.Real):
        if math.isnan(value) or math.isinf(value) or value != int(value):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        out = int(value)
    else:
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {out}")
    return out


#: Response rates a design search accepts.  Closer to 0 or 1, EN0 and the error rates differ between
#: designs by less than double precision resolves (EN0 = n1 + 1e-300 (n - n1) rounds to n1).
DESIGN_RATE_RANGE = (1e-6, 1 - 1e-6)


def check_rates_ordered(p0, p1):
    """p0 and p1 in [1e-6, 1 - 1e-6] with p0 < p1 (the drug is promising at p1)."""
    p0 = check_rate("p0", p0)
    p1 = check_rate("p1", p1)
    lo, hi = DESIGN_RATE_RANGE
    for name, value in (("p0", p0), ("p1", p1)):
        if not lo <= value <= hi:
            raise ValueError(f"{name} must lie in [{lo:g}, {hi:g}] for a design, got {value!r}")
    if not p0 < p1:
        raise ValueError(f"p0 must be smaller than p1, got p0={p0!r} and p1={p1!r}")
    return p0, p1


def check_choice(name, value, choices):
    """One of a fixed set of strings."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_single_stage(r, n):
    """A single-stage design: n >= 1 patients, reject H0 if X > r, 0 <= r < n."""
    n = check_int("n", n, minimum=1, maximum=N_LIMIT)
    r = check_int("r", r, minimum=0)
    if r >= n:
        raise ValueError(f"r must be smaller than n (reject H0 if more than r of n respond), got r={r}, n={n}")
    return r, n


def check_two_stage(r1, n1, r, n):
    """A Simon design r1/n1, r/n: 0 <= r1 < n1 < n and r1 <= r < n."""
    n = check_int("n", n, minimum=2, maximum=N_LIMIT)
    n1 = check_int("n1", n1, minimum=1)
    r1 = check_int("r1", r1, minimum=0)
    r = check_int("r", r, minimum=0)
    if n1 >= n:
        raise ValueError(f"n1 must be smaller than n (stage 2 needs at least one patient), got n1={n1}, n={n}")
    if r1 >= n1:
        raise ValueError(f"r1 must be smaller than n1 (else the trial always stops), got r1={r1}, n1={n1}")
    if r >= n:
        raise ValueError(f"r must be smaller than n (reject H0 if more than r of n respond), got r={r}, n={n}")
    if r < r1:
        raise ValueError(f"r must be at least r1, got r1={r1}, r={r}")
    return r1, n1, r, n


#: Range accepted for Beta parameters: below 1e-6 the beta-binomial sums underflow and a + b above 1e12
#: overflows the log-beta terms' precision; neither is a prior anyone holds.
BETA_PARAM_RANGE = (1e-6, 1e12)

#: Named Beta priors: Jeffreys Beta(1/2, 1/2) and uniform Beta(1, 1).
PRIORS = {"jeffreys": (0.5, 0.5), "uniform": (1.0, 1.0)}


def check_prior(prior):
    """A Beta prior: 'jeffreys', 'uniform' or a pair (a, b) of positive finite numbers."""
    if isinstance(prior, str):
        if prior not in PRIORS:
            raise ValueError(f"prior must be 'jeffreys', 'uniform' or a pair (a, b), got {prior!r}")
        return PRIORS[prior]
    try:
        a, b = prior
    except (TypeError, ValueError):
        raise TypeError(f"prior must be 'jeffreys', 'uniform' or a pair (a, b) of positive numbers, "
                        f"got {prior!r}") from None
    return check_beta_parameter("prior", a, prior), check_beta_parameter("prior", b, prior)


def check_beta_parameter(name, value, shown=None):
    """One Beta parameter, a real number in BETA_PARAM_RANGE; ``shown`` is the pair to quote for a prior."""
    lo, hi = BETA_PARAM_RANGE
    what = "a pair (a, b) of numbers" if shown is not None else "a number"
    rule = f"{name} must be {what} in [{lo:g}, {hi:g}] (Beta parameters)"
    shown = value if shown is None else shown
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{rule}, got {shown!r}")
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{rule}, got {shown!r}")
    return float(value)


def is_count(text):
    """True for a plain ASCII whole number such as '9' (str.isdigit also takes '³', which int() refuses)."""
    return bool(text) and text.isascii() and text.isdigit()


def exact_decimal(value):
    """A rate as the exact fraction of the decimal it was given as (0.1 -> 1/10, 0.5 -> 1/2)."""
    return Fraction(repr(float(value)))
