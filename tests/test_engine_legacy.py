"""The sample-space engine reproduces the two-stage kernels it replaced, on a panel of designs (rtol 1e-12).

tests/legacy_kernels.py holds those kernels as they were; the public functions now run on the engine.
"""

import numpy as np
import pytest

import legacy_kernels as L
from phase2design import predictive_oc, single_stage_oc, stagewise_inference, two_stage_oc
from phase2design.engine.samplespace import SampleSpace

# Published Simon designs, a few unusual shapes (tiny stage 2, r = r1, r1 = n1 - 1) and large n.
PANEL = [(1, 10, 5, 29), (1, 15, 5, 25), (0, 9, 2, 24), (3, 17, 10, 37), (18, 37, 42, 74), (0, 1, 0, 2),
         (4, 5, 4, 6), (2, 3, 2, 40), (21, 26, 21, 27), (10, 200, 60, 400), (80, 1000, 460, 2000)]
RATES = np.array([0.0, 1e-6, 0.001, 0.05, 0.1, 0.3, 0.5, 0.65, 0.9, 0.999999, 1.0])


def _assert_close(new, old, rtol=1e-12):
    # below the normal range (2.2e-308) doubles hold fewer digits: there only the absolute size counts
    new, old = np.asarray(new, float), np.asarray(old, float)
    np.testing.assert_allclose(new, old, rtol=rtol, atol=1e-300)


@pytest.mark.parametrize("design", PANEL)
def test_two_stage_oc_matches_legacy_kernel(design):
    old = L._twostage_oc(*design, RATES)
    oc = two_stage_oc(*design, RATES)
    _assert_close(oc.reject, old[:, 0])
    _assert_close(oc.pet, old[:, 1])
    _assert_close(oc.continue_fail, old[:, 2])
    _assert_close(oc.en, old[:, 4])


@pytest.mark.parametrize("design", PANEL)
def test_single_stage_oc_matches_legacy_kernel(design):
    r, n = design[2], design[3]
    old = L._single_oc(r, n, RATES)
    oc = single_stage_oc(r, n, RATES)
    _assert_close(oc.reject, old[:, 0])
    _assert_close(oc.continue_fail, old[:, 1])


@pytest.mark.parametrize("design", PANEL[:9])
@pytest.mark.parametrize("prior", [(0.5, 0.5), (3.5, 6.5), (40.0, 60.0)])
def test_predictive_oc_matches_legacy_kernel(design, prior):
    old = L._predictive_twostage(*design, *prior)
    oc = predictive_oc(design, *prior)
    _assert_close([oc.assurance, oc.pet, oc.continue_fail, oc.expected_n], old[[0, 1, 2, 4]], rtol=1e-11)
    r, n = design[2], design[3]
    old1 = L._predictive_single(r, n, *prior)
    oc1 = predictive_oc((r, n), *prior)
    _assert_close([oc1.assurance, oc1.continue_fail], old1, rtol=1e-11)


@pytest.mark.parametrize("design", PANEL[:10])
def test_stagewise_distribution_matches_legacy_kernel(design):
    r1, n1, r, n = design
    space = SampleSpace(design)
    for p in (0.01, 0.2, 0.5, 0.9):
        pmf, ge, le = L._stagewise_dist(r1, n1, n - n1, p)
        prob = space.probabilities(p)
        # the legacy statistic t runs over 0..n; t = x1 (stopped) or x1 + x2; the engine lists the same
        # outcomes in the same order, from t = 0 up
        assert list(space.s) == list(range(n + 1))
        _assert_close(prob, pmf)
        for t in range(n + 1):
            _assert_close(SampleSpace.tail_at_least(prob, t), ge[t])
            _assert_close(SampleSpace.tail_at_most(prob, t), le[t])


@pytest.mark.parametrize("design, x1, x2", [((1, 10, 5, 29), 1, None), ((1, 10, 5, 29), 2, 4),
                                            ((3, 17, 10, 37), 6, 9), ((18, 37, 42, 74), 25, 20)])
def test_stagewise_inference_roots_match_legacy_kernel(design, x1, x2):
    """Limits found on the legacy distribution by the same root finder agree to 1e-12."""
    from phase2design.engine.inference import _root_increasing

    r1, n1, r, n = design
    n2 = n - n1
    t = x1 if x2 is None else x1 + x2
    res = stagewise_inference(r1, n1, n2, x1, x2, p0=0.1, confidence_level=0.9)
    lower = _root_increasing(lambda p: L._stagewise_dist(r1, n1, n2, p)[1][t], 0.05)
    upper = _root_increasing(lambda p: -L._stagewise_dist(r1, n1, n2, p)[2][t], -0.05)
    assert res.ci_lower == pytest.approx(lower, rel=1e-12, abs=1e-15)
    assert res.ci_upper == pytest.approx(upper, rel=1e-12, abs=1e-15)
    assert res.pvalue == pytest.approx(L._stagewise_dist(r1, n1, n2, 0.1)[1][t], rel=1e-12)


@pytest.mark.parametrize("design", PANEL)
def test_reported_designs_oc_matches_legacy_kernel(design):
    """The searches' reported designs take their OC from engine.samplespace.two_stage_summary."""
    from phase2design.engine.samplespace import two_stage_summary

    old = L._twostage_oc(*design, RATES)
    new = two_stage_summary(*design, RATES)
    _assert_close(new[:, 0], old[:, 0])
    _assert_close(new[:, 1], old[:, 1])
    _assert_close(new[:, 2], old[:, 4])
