"""engine.exact (rational OC used to re-decide near ties) against the independent path-walking oracle."""

from fractions import Fraction

import pytest

from phase2design.engine.design import Design
from phase2design.engine.exact import exact_oc, exact_rate

import multistage_oracle as O

DESIGNS = ["5/20", "1/10,5/29", "0/6,2/17,5/29", "3:6/16,11/41", "-:4/8,1:6/14,7/22", "0/5,-:3/9,2:5/13,6/18"]


@pytest.mark.parametrize("text", DESIGNS)
@pytest.mark.parametrize("p", ["0.1", "0.35", Fraction(1, 3)])
def test_exact_oc_equals_oracle(text, p):
    d = Design.parse(text)
    tup = (list(d.n), list(d.futility), list(d.efficacy))
    want = O.oc(tup, O.probabilities(tup, exact_rate(p)))
    got = exact_oc(d, p)
    assert got["reject"] == want["reject"]
    assert got["en"] == want["en"]
    assert got["stop"] == want["stop"]
    assert got["futility"] == want["futility"] and got["efficacy"] == want["efficacy"]


def test_exact_rate_reads_decimals_as_given():
    assert exact_rate(0.1) == Fraction(1, 10)
    assert exact_rate("0.25") == Fraction(1, 4)
    assert exact_rate(Fraction(2, 7)) == Fraction(2, 7)
