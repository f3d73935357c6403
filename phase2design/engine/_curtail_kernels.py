"""Kernels of curtailment: backward induction over (patient m, responses s) on a design's rule.

Plain numbers and arrays in and out, no validation; :mod:`phase2design.engine.curtail` builds the inputs.

The design is given patient by patient: ``look_a[m]`` and ``look_b[m]`` (``m = 0..N``, ``N = N_J``) are the
planned bounds after ``m`` patients, stop not promising if ``S_m <= look_a[m]``, stop promising if
``S_m > look_b[m]``; ``look_a[m] = -1, look_b[m] = m`` where the design has no look.  After the last
patient the drug is promising iff ``S_N > r``.  Both kernels sweep ``m = N, N-1, ..., 0`` over one array
of length ``N + 2`` updated in place in increasing ``s``: the new entry ``s`` reads the old entries ``s``
and ``s + 1`` only, and the old entry ``s`` is not read again once the new one is written.
"""

import numpy as np

from ..numerics._jit import kernel


def _states(look_a):
    """Number of (m, s) states of a design of N patients, (N + 1)(N + 2) / 2: the kernels' work."""
    n = float(look_a.shape[0])
    return 0.5 * n * (n + 1.0)


# cost: predicted plain-Python microseconds, about 1.6 us per state on the reference machine
@kernel(cost=lambda look_a, look_b, r: 1.6 * _states(look_a) + 5.0)
def _certain_bounds(look_a, look_b, r):
    """Non-stochastic curtailment: where the design's final decision is already certain.

    With ``can_p(m, s)`` (``can_n(m, s)``): some continuation of a trial at ``(m, s)`` ends promising (not
    promising) under the design's rule, before its look at ``m`` is applied,

    .. math::

        can_p(N, s) = [s > r], \\qquad
        can_p(m, s) = \\begin{cases} 0 & s \\le a_m \\\\ 1 & s > b_m \\\\
                      can_p(m+1, s) \\lor can_p(m+1, s+1) & \\text{otherwise,} \\end{cases}

    and the same for ``can_n`` with the two constants swapped.  Integer logic only.

    Returns
    -------
    (f, e, ok)
        ``f[m]``: the largest ``s <= m`` with ``can_p(m, s)`` false (the decision is certainly not
        promising), ``-1`` if none; ``e[m]``: the smallest ``s`` with ``can_n(m, s)`` false (certainly
        promising), ``m + 1`` if none; ``ok``: 1 if at every ``m`` the first set is exactly
        ``{s <= f[m]}`` and the second ``{s >= e[m]}`` (always, for a valid design: see docs/methods.md).
    """
    N = look_a.shape[0] - 1
    can_p = np.zeros(N + 2, dtype=np.bool_)
    can_n = np.zeros(N + 2, dtype=np.bool_)
    f = np.empty(N + 1, dtype=np.int64)
    e = np.empty(N + 1, dtype=np.int64)
    for s in range(N + 1):
        can_p[s] = s > r
        can_n[s] = s <= r
    f[N] = min(r, N)
    e[N] = r + 1
    ok = 1
    for m in range(N - 1, -1, -1):
        a = look_a[m]
        b = look_b[m]
        for s in range(m + 1):
            if s <= a:
                can_p[s] = False
                can_n[s] = True
            elif s > b:
                can_p[s] = True
                can_n[s] = False
            else:
                can_p[s] = can_p[s] or can_p[s + 1]
                can_n[s] = can_n[s] or can_n[s + 1]
        fm = -1
        while fm + 1 <= m and not can_p[fm + 1]:
            fm += 1
        em = m + 1
        while em - 1 >= 0 and not can_n[em - 1]:
            em -= 1
        # the sets must be intervals: no certain-not-promising total above fm, none certain-promising below em
        for s in range(fm + 1, m + 1):
            if not can_p[s]:
                ok = 0
        for s in range(0, em):
            if not can_n[s]:
                ok = 0
        f[m] = fm
        e[m] = em
    return f, e, ok


@kernel(cost=lambda look_a, look_b, r, p1, theta_f, theta_e, tol: 2.2 * _states(look_a) + 5.0)
def _stochastic_bounds(look_a, look_b, r, p1, theta_f, theta_e, tol):
    """Stochastic curtailment: conditional power under ``p1``, backwards, with the stops it creates.

    .. math::

        CP(N, s) = [s > r], \\qquad
        cp(m, s) = p_1\\, CP(m+1, s+1) + (1 - p_1)\\, CP(m+1, s),

    and ``CP(m, s) = 0`` where the trial stops not promising (``s <= a_m`` at a planned look, or
    ``cp(m, s) < theta_f`` for ``1 <= m < N``), ``1`` where it stops promising (``s > b_m``, or
    ``cp(m, s) > theta_e``), ``cp(m, s)`` otherwise.  ``theta_f = -1`` and ``theta_e = 2`` switch a
    threshold off.

    Returns
    -------
    (f, e, ok, ties, cp0)
        ``f[m]`` the largest ``s`` that stops not promising at ``m`` (``-1`` if none), ``e[m]`` the
        smallest that stops promising (``m + 1`` if none), ``ok`` 1 if the stops are exactly
        ``s <= f[m]`` and ``s >= e[m]``, ``ties`` the number of thresholded ``cp`` within ``tol`` of a
        threshold (then the caller re-decides in exact arithmetic), ``cp0 = CP(0, 0)``.
    """
    N = look_a.shape[0] - 1
    q = 1.0 - p1
    cp = np.zeros(N + 2)
    stop_f = np.zeros(N + 1, dtype=np.bool_)
    stop_e = np.zeros(N + 1, dtype=np.bool_)
    f = np.empty(N + 1, dtype=np.int64)
    e = np.empty(N + 1, dtype=np.int64)
    for s in range(N + 1):
        cp[s] = 1.0 if s > r else 0.0
    f[N] = min(r, N)
    e[N] = r + 1
    ok = 1
    ties = 0
    for m in range(N - 1, -1, -1):
        a = look_a[m]
        b = look_b[m]
        for s in range(m + 1):
            sf = False
            se = False
            if s <= a:
                v = 0.0
                sf = True
            elif s > b:
                v = 1.0
                se = True
            else:
                v = p1 * cp[s + 1] + q * cp[s]
                if m >= 1:
                    if abs(v - theta_f) <= tol or abs(v - theta_e) <= tol:
                        ties += 1
                    if v < theta_f:
                        v = 0.0
                        sf = True
                    elif v > theta_e:
                        v = 1.0
                        se = True
            cp[s] = v
            stop_f[s] = sf
            stop_e[s] = se
        fm = -1
        while fm + 1 <= m and stop_f[fm + 1]:
            fm += 1
        em = m + 1
        while em - 1 >= 0 and stop_e[em - 1]:
            em -= 1
        for s in range(fm + 1, m + 1):
            if stop_f[s]:
                ok = 0
        for s in range(0, em):
            if stop_e[s]:
                ok = 0
        f[m] = fm
        e[m] = em
    return f, e, ok, ties, cp[0]
