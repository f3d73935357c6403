"""simon --feasible lists simon_feasible_designs() exactly."""

import json

from click.testing import CliRunner

from phase2design import simon_feasible_designs
from phase2design.cli import cli


def test_feasible_json_equals_library():
    res = CliRunner().invoke(cli, ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2",
                                   "--feasible", "--n-range", "25:27", "--n1-range", "9:15", "--format", "json"])
    assert res.exit_code == 0
    want = simon_feasible_designs(0.1, 0.3, 0.05, 0.2, n_range=(25, 27), n1_range=(9, 15))
    assert json.loads(res.stdout) == json.loads(json.dumps(want.to_dict(orient="records")))
    assert len(want) > 0 and set(want["n"]) <= {25, 26, 27}


def test_feasible_needs_range_and_range_needs_feasible():
    base = ["simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "0.05", "--beta", "0.2"]
    for extra, msg in ((["--feasible"], "--n-range"), (["--n-range", "20:30"], "go with --feasible"),
                       (["--feasible", "--n-range", "30-20"], "LOW:HIGH"),
                       (["--feasible", "--n-range", "30:20"], "low <= high")):
        res = CliRunner().invoke(cli, base + extra)
        assert res.exit_code == 2 and msg in res.output, (extra, res.output)
