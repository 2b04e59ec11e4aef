"""The machinery of the exercises' self-checks, shared by every lecture module.

A check returns a ``Verdict`` that shows a clear pass, or a hint (never the answer), and is true
or false, so a solution cell can ``assert`` it. The checks themselves live in the lecture's own
module (``helpers.mlp``, ``helpers.cnn``, ...)."""

import numpy as np


class Verdict:
    """The outcome of one check: ``bool(verdict)`` says whether it passed; it shows as its message."""

    def __init__(self, passed, message):
        self.passed = bool(passed)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


def report(passed, praise, hint):
    """A passing Verdict with ``praise``, or a failing one with ``hint``."""
    return Verdict(passed, f"Correct: {praise}" if passed else f"Not yet. Hint: {hint}")


def unanswered(answer):
    """True for an answer left as ``None`` or ``...``."""
    return answer is None or answer is Ellipsis


def numeric_gradient(f, x, eps=1e-6):
    """Central differences of a scalar function f at x (float64 array of any shape)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        up = f(x)
        x[index] = old - eps
        down = f(x)
        x[index] = old
        grad[index] = (up - down) / (2 * eps)
    return grad



def call_student(function, *args):
    """Call a student's function: ``(result, None)``, or ``(None, what went wrong)``."""
    try:
        result = function(*args)
    except Exception as err:  # a student's function may fail in any way: say how
        return None, f"Calling your function raised {type(err).__name__}: {err}."
    if unanswered(result):
        return None, f"Your function returns {result!r}: make it return its result."
    return result, None
