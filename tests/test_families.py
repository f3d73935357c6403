"""The design-family registry: every consumer sees the same families, and a new one plugs in."""

import pytest

from phase2design.engine.design import Design
from phase2design.families.base import (BUILTIN, Family, Proposal, families, family_names, get_family, register,
                                        select_families)


def test_builtin_families_in_order():
    assert family_names()[:3] == ("single", "simon", "three-stage")
    assert [f.name for f in families()] == list(family_names())
    # consumers use the quick classical families unless the user names others
    assert [f.name for f in select_families()] == ["single", "simon"]
    assert [f.name for f in select_families("all")] == list(family_names())
    assert [f.name for f in select_families("three-stage, single")] == ["single", "three-stage"]
    with pytest.raises(ValueError, match="family must be one of"):
        select_families("simon,fleming")


def test_proposals_carry_designs_and_their_oc():
    props = get_family("simon").propose(0.1, 0.3, 0.05, 0.2)
    assert [p.kind for p in props] == ["optimal", "minimax"]
    assert props[0].design == Design.parse("1/10,5/29") and props[1].design == Design.parse("1/15,5/25")
    assert props[0].result.en0 == pytest.approx(15.0, abs=0.05)
    single = get_family("single").propose(0.1, 0.3, 0.05, 0.2)
    assert [p.kind for p in single] == ["single-stage"]
    assert single[0].result.en0 == single[0].result.n and single[0].result.pet0 == 0.0


def test_admissible_proposals_between_minimax_and_optimal():
    props = get_family("simon").propose(0.2, 0.4, 0.1, 0.1, admissible=True)
    kinds = [p.kind for p in props]
    assert kinds[:2] == ["optimal", "minimax"] and set(kinds[2:]) <= {"admissible"}
    assert len({p.design for p in props}) == len(props)


def test_unknown_family_is_a_one_line_error():
    with pytest.raises(ValueError, match="family must be one of 'single', 'simon', .*got 'fleming'"):
        get_family("fleming")


class _FixedFamily(Family):
    """A toy family for the plug-in test: always proposes the single-stage design 2/10."""

    name = "fixed"
    title = "fixed 2/10"
    kinds = ("fixed",)

    def search(self, p0, p1, alpha, beta, *, nmax=None, progress=None):
        from phase2design import single_stage_design_oc

        return single_stage_design_oc(2, 10, p0, p1)

    def proposals(self, result, *, admissible=False):
        return [Proposal(self.name, "fixed", result)]


def test_a_new_family_reaches_plan_through_the_registry():
    from phase2design import plan_followup

    register("fixed", _FixedFamily)
    try:
        plan = plan_followup((3, 9), 0.1, 0.05, 0.2, p1=[0.3])
        assert "fixed" in [d.kind for d in plan.designs]
    finally:
        del BUILTIN["fixed"]
