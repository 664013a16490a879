"""segopt.analyze on the fixtures of test-data/ equals what make_fixtures.py's independent exact
reference expects (cases.json) and what ``./segopt analyze --json`` prints, field for field."""
import json

import numpy as np
import pytest

import segopt
from conftest import TEST_DATA, assert_matches_json, cli_analyze

CASES = json.loads((TEST_DATA / "cases.json").read_text())["cases"]
# The cases whose files NumPy reads: the others test the CLI's own file readers.
READABLE = [c for c in CASES if not c["name"].startswith(("invalid_truncated", "invalid_garbage"))]


def run(case):
    """segopt's call for a case's CLI arguments."""
    args = list(case["args"])
    options = {}
    while args and args[0].startswith("--"):
        options[args[0][2:]] = int(args[1])
        del args[:2]
    arrays = [np.load(TEST_DATA / f) for f in args]
    if len(arrays) > 1:
        return segopt.analyze_masks(arrays, volume=options.get("volume"))
    return segopt.analyze(arrays[0], votes=options.get("votes"), volume=options.get("volume"))


@pytest.mark.parametrize("case", [c for c in READABLE if c["exit"] == 0], ids=lambda c: c["name"])
def test_equals_reference_and_cli(case):
    analysis = run(case)
    assert_matches_json(analysis, case["expected"], complete=False)
    code, printed, stderr = cli_analyze(*case["args"])
    assert code == 0, stderr
    assert_matches_json(analysis, printed)


@pytest.mark.parametrize("case", [c for c in READABLE if c["exit"] != 0], ids=lambda c: c["name"])
def test_invalid_input_raises_the_engines_message(case):
    """The CLI prints ``FILE: message``; segopt raises ValueError with the message (the first bad
    voxel and its value; for rater masks the mask's number instead of its file)."""
    expected = case["stderr"].split(": ", 1)[1]
    with pytest.raises(ValueError) as raised:
        run(case)
    message = str(raised.value)
    assert "\n" not in message
    assert expected in message or expected.replace("shape", "has shape") in message, message
