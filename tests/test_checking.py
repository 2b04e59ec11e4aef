"""helpers.checking: the verdict every exercise check returns."""

import numpy as np

from helpers import checking

from verdicts import shown


def test_report_makes_a_verdict(capsys):
    passed = checking.report(np.bool_(True), "well done.", "try again.")
    assert isinstance(passed, checking.Verdict) and bool(passed) is True
    assert shown(passed, capsys) == "Correct: well done.\n"
    failed = checking.report(0, "well done.", "try again.")
    assert bool(failed) is False
    assert shown(failed, capsys) == "Not yet. Hint: try again.\n"
