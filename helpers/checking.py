"""The machinery of the exercises' self-checks, shared by every lecture module.

A check returns a ``Verdict`` that shows a clear pass, or a hint (never the answer), and is true
or false, so a solution cell can ``assert`` it. The checks themselves live in the lecture's own
module (``helpers.mlp``, ``helpers.cnn``, ...).

Every check reads a student's answer through the readers here, so that every check accepts the
same things and refuses the rest in the same words:

- ``read_number``: one real number of any numeric type (Python, NumPy of any dtype, a 0-d or
  one-element array, a tensor), or with ``whole=True`` a whole number (a count);
- ``read_numbers``: a fixed number of them, as a tuple, list or array (a shape, a pair);
- ``read_array``: an array of numbers, of a given shape if asked;
- ``call_student``: calls a student's function; raising or returning nothing becomes a hint;
- ``close``: compares with a tolerance that suits float32 as well as float64.

A reader returns ``(value, None)``, or ``(None, problem)`` where ``problem`` says, in a sentence
for the student, what kind of answer is expected and what was given instead. A check never
raises on a student's answer and never shows the expected answer.
"""

import math
import numbers

import numpy as np

RTOL = 1e-5
"""Relative tolerance of ``close``: float32 keeps about 7 significant digits."""

ATOL = 1e-8
"""Absolute tolerance of ``close``, for expected values at or near zero."""


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


def _short(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value):
    """A few words for what a student gave: 'None', 'the string 'abc'', 'a list of 3 items'..."""
    if value is None:
        return "None"
    if value is Ellipsis:
        return "... (Ellipsis, the placeholder)"
    if isinstance(value, (bool, np.bool_)):
        return f"{bool(value)} (a yes/no value)"
    if isinstance(value, str):
        return f"the string {_short(repr(value), 40)}"
    if isinstance(value, bytes):
        return "a bytes object"
    if isinstance(value, dict):
        return f"a dict with {len(value)} key(s)"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} (dtype {value.dtype})"
    if isinstance(value, (numbers.Number, np.generic)):
        return _short(repr(value), 40)
    if callable(value):
        return f"a function ({getattr(value, '__name__', type(value).__name__)})"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"a {type(value).__name__} of shape {tuple(shape) if isinstance(shape, tuple) else shape}"
    return f"a {type(value).__name__}"


def _as_array(value):
    """``np.asarray(value)`` for anything array-like, or None where that makes no sense or fails."""
    if isinstance(value, (str, bytes, dict, set, frozenset)) or unanswered(value) or callable(value):
        return None
    try:
        with np.errstate(all="ignore"):
            array = np.asarray(value)
    except Exception:  # ragged lists, objects that refuse conversion: not an array of numbers
        return None
    return array


def _number_problem(value, what, whole):
    """Why ``value`` (one element, already unwrapped) is not a usable number, or None."""
    kind = "one whole number" if whole else "one number"
    if isinstance(value, (bool, np.bool_)):
        return f"{what} is {kind}, not {bool(value)} (a yes/no value)."
    if isinstance(value, (complex, np.complexfloating)):
        return f"{what} is {kind}, a real one, not the complex number {_short(repr(value), 40)}."
    if not isinstance(value, (numbers.Real, np.integer, np.floating)):
        return f"{what} is {kind}; you gave {describe(value)}."
    if isinstance(value, (int, np.integer)):
        return None
    if math.isnan(value):
        return (f"{what} is {kind}, but yours is nan (not a number): somewhere the computation divides 0 by 0, "
                f"takes the log of a negative number, or subtracts infinities.")
    if math.isinf(value):
        return f"{what} is {kind}, a finite one, but yours is {value}: something in the computation overflows."
    if whole and not float(value).is_integer():
        return f"{what} is {kind} (a count), not {value!r}: do not round a count, count it exactly."
    return None


def read_number(answer, what="The answer", whole=False):
    """One real number from a student's answer: ``(value, None)`` or ``(None, problem)``.

    Accepts Python and NumPy numbers of any dtype, 0-d or one-element arrays and tensors;
    ``whole=True`` asks for a whole number (3.0 is 3; 3.5 is refused) and gives an ``int``,
    exact however large. Refuses None, ``...``, strings, lists, several numbers, nan, inf,
    complex numbers and True/False, each with a sentence saying what is expected.
    """
    kind = "one whole number" if whole else "one number"
    if unanswered(answer):
        return None, f"{what} is {kind}; replace {describe(answer)} with your answer."
    if isinstance(answer, (str, bytes)):
        return None, f"{what} is {kind}, not text: you gave {describe(answer)}; write the number without quotes."
    if isinstance(answer, (list, tuple, dict, set, frozenset)):
        return None, f"{what} is {kind}, not {describe(answer)}."
    if callable(answer) and not hasattr(answer, "__array__"):
        return None, f"{what} is {kind}, not a function: call it and give its result."
    if isinstance(answer, (bool, np.bool_, numbers.Number, np.generic)):
        value = answer
    else:
        array = _as_array(answer)
        if array is None or array.dtype == object:
            return None, f"{what} is {kind}; you gave {describe(answer)}."
        if array.dtype.kind not in "biufc":
            contents = "text (str)" if array.dtype.kind in "US" else f"{array.dtype} values"
            return None, f"{what} is {kind}; you gave an array of {contents}."
        if array.size != 1:
            return None, f"{what} is {kind}, not an array of shape {array.shape}: add it up, or pick the one number."
        value = array.reshape(()).item()
    problem = _number_problem(value, what, whole)
    if problem:
        return None, problem
    if whole:
        return int(value), None  # exact: an integer of any size, or a float holding one
    try:
        return float(value), None
    except OverflowError:
        return None, f"{what} is {kind} of a reasonable size; yours, {_short(str(value), 40)}, is far too large."


def read_numbers(answer, count, what="The answer", whole=False, names=None):
    """``count`` numbers from a student's tuple, list or array (a shape, a pair of counts).

    Returns ``(tuple, None)`` or ``(None, problem)``; ``names`` (a sentence part such as
    "(height, width, depth)") says what each number is.
    """
    kind = "whole numbers" if whole else "numbers"
    spelled = f"{count} {kind}" + (f" {names}" if names else "")
    if unanswered(answer):
        return None, f"{what} is {spelled}; replace {describe(answer)} with your answer."
    if isinstance(answer, (str, bytes, dict, set, frozenset)) or callable(answer):
        return None, f"{what} is {spelled}, in a tuple like {tuple(range(1, count + 1))}; you gave {describe(answer)}."
    try:
        items = list(answer)
    except TypeError:  # one number, or anything else that cannot be iterated
        return None, f"{what} is {spelled}, in a tuple like {tuple(range(1, count + 1))}; you gave {describe(answer)}."
    if len(items) != count:
        return None, f"{what} is {spelled}, not {len(items)}."
    values = []
    for position, item in enumerate(items, start=1):
        value, problem = read_number(item, f"Entry {position} of {what.lower()}", whole=whole)
        if problem:
            return None, problem
        values.append(value)
    return tuple(values), None


def read_array(answer, what="The result", shape=None, finite=True):
    """A float64 array from a student's answer (or a function's result): ``(array, None)`` or
    ``(None, problem)``. Refuses text, ragged lists, non-numbers, complex numbers and, with
    ``finite``, nan and inf; with ``shape``, any other shape (the problem names both shapes)."""
    if unanswered(answer):
        return None, f"{what} is an array of numbers, not {describe(answer)}."
    array = _as_array(answer)
    if array is None or array.dtype.kind not in "biuf":
        if array is not None and array.dtype.kind == "c":
            return None, f"{what} must hold real numbers, not complex ones."
        return None, f"{what} must be an array of numbers; it is {describe(answer)}."
    array = array.astype(np.float64)
    if shape is not None and array.shape != tuple(shape):
        return None, f"{what} must have shape {tuple(shape)}, not {array.shape}."
    if finite and not np.all(np.isfinite(array)):
        return None, (f"{what} holds nan or inf: some step divides by zero, takes the log of 0 or of a negative "
                      f"number, or overflows.")
    return array, None


def close(got, expected, rtol=RTOL, atol=ATOL):
    """Whether ``got`` matches ``expected`` (numbers or arrays) to a float32-friendly tolerance."""
    with np.errstate(all="ignore"):
        got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
        return bool(got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol))


def call_student(function, *args):
    """Call a student's function: ``(result, None)``, or ``(None, what went wrong)``.

    Not a function, raising anything, or returning None or ``...`` are all turned into a sentence.
    """
    if unanswered(function):
        return None, f"Write the function first; this is still {describe(function)}."
    if not callable(function):
        return None, f"Give the function itself (its name, without parentheses), not {describe(function)}."
    try:
        with np.errstate(all="ignore"):
            result = function(*args)
    except (Exception, SystemExit) as err:  # a student's function may fail in any way: say how
        return None, f"Calling your function raised {type(err).__name__}: {_short(err)}."
    if unanswered(result):
        return None, (f"Your function returns {describe(result)}, not a result: replace the ... in its body with "
                      "your code and end it with a return statement.")
    return result, None
