"""What a student sees of a check's verdict, for the tests of every lecture module."""


def shown(verdict, capsys):
    """What a student sees: the verdict printed (or left as a cell's last expression)."""
    print(verdict)
    out = capsys.readouterr().out
    assert out == f"{verdict!r}\n"
    return out


def assert_passed(verdict, capsys):
    assert bool(verdict) is True
    out = shown(verdict, capsys)
    assert out.startswith("Correct")
    return out


def assert_hint(verdict, capsys):
    assert bool(verdict) is False
    out = shown(verdict, capsys)
    assert out.startswith("Not yet. Hint:")
    return out
