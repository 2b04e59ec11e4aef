"""helpers.checking: the verdict every exercise check returns, the readers of a student's answer, and
every ``check_*`` of every lecture module called with the answers students actually type.

The checks are discovered: every ``check_*`` function of every ``helpers`` module (a new lecture's
module is included as soon as it exists). Each is called with a set of bad answers generated from
its signature (the first parameter is the answer; the others take the values the notebooks pass,
read from the notebooks' own calls) and must return a failing ``Verdict`` with a hint, never
raise, and never show the expected answer where the notebooks' solutions give it."""

import ast
import importlib
import inspect
import json
import math
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import checking

from verdicts import shown

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
PROPERTY = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def test_report_makes_a_verdict(capsys):
    passed = checking.report(np.bool_(True), "well done.", "try again.")
    assert isinstance(passed, checking.Verdict) and bool(passed) is True
    assert shown(passed, capsys) == "Correct: well done.\n"
    failed = checking.report(0, "well done.", "try again.")
    assert bool(failed) is False
    assert shown(failed, capsys) == "Not yet. Hint: try again.\n"


# The readers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, 3.0, np.int8(3), np.uint16(3), np.int64(3), np.float16(3), np.float32(3),
                                   np.float64(3), np.longdouble(3), np.array(3), np.array([3.0]), np.array([[3]]),
                                   np.array(3, dtype=np.float32)])
def test_read_number_takes_any_numeric_type(value):
    assert checking.read_number(value) == (3.0, None)
    assert checking.read_number(value, whole=True) == (3, None)


def test_read_number_takes_a_tensor():
    import tensorflow as tf

    assert checking.read_number(tf.constant(2.5)) == (2.5, None)
    assert checking.read_numbers(tf.TensorShape([16, 28, 64]), 3, whole=True) == ((16, 28, 64), None)


def test_read_number_keeps_big_whole_numbers_exact():
    assert checking.read_number(10**30 + 1, whole=True) == (10**30 + 1, None)
    value, problem = checking.read_number(10**400)
    assert value is None and "too large" in problem


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (None, "replace None"),
        (..., "replace ... (Ellipsis"),
        ("3", "without quotes"),
        ("abc", "not text"),
        ([3], "not a list of 1 item"),
        ((3, 4), "not a tuple of 2 item"),
        ({"a": 3}, "not a dict"),
        (np.zeros((2, 2)), "shape (2, 2)"),
        (np.array([]), "shape (0,)"),
        (float("nan"), "nan"),
        (np.float32("nan"), "nan"),
        (float("inf"), "inf"),
        (-np.inf, "-inf"),
        (1 + 2j, "complex"),
        (np.complex64(1), "complex"),
        (True, "True (a yes/no value)"),
        (np.bool_(False), "False"),
        (np.array(["a"]), "str"),
        (np.array([object()]), "you gave"),
        (len, "not a function"),
        (object(), "you gave a object"),
    ],
)
def test_read_number_says_what_kind_of_answer_is_expected(answer, says):
    value, problem = checking.read_number(answer, "The count")
    assert value is None
    assert problem.startswith("The count is one number") and says in problem


@pytest.mark.parametrize("answer", [2.5, np.float32(2.5), 1e-3, 2.0000001])
def test_read_number_whole_refuses_fractions(answer):
    value, problem = checking.read_number(answer, "The count", whole=True)
    assert value is None and "whole number" in problem and repr(answer) in problem


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ((22.7, 22.7, 10.7), "not 22.7"),
        ((1, 2), "not 2"),
        ([1, 2, 3, 4], "not 4"),
        ("abc", "the string"),
        (5, "you gave 5"),
        ((math.inf, math.inf, math.inf), "inf"),
        ((1, None, 3), "Entry 2"),
        ((1, 2, "3"), "Entry 3"),
        (None, "replace None"),
    ],
)
def test_read_numbers_says_what_is_wrong(answer, says):
    value, problem = checking.read_numbers(answer, 3, "The volume", whole=True, names="(height, width, depth)")
    assert value is None and says in problem


def test_read_numbers_takes_lists_tuples_arrays():
    for answer in ((22, 22, 10), [22.0, 22, np.int64(10)], np.array([22, 22, 10]), np.array([22.0, 22.0, 10.0])):
        assert checking.read_numbers(answer, 3, whole=True) == ((22, 22, 10), None)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ([[1, 2], [3]], "must be an array of numbers"),
        ("abc", "must be an array of numbers"),
        ({"a": 1}, "must be an array of numbers"),
        (np.array([1 + 1j]), "complex"),
        (np.full((2, 2), np.nan), "nan or inf"),
        (np.zeros(3), "shape (2, 2)"),
        (None, "not None"),
    ],
)
def test_read_array_refuses_junk(answer, says):
    value, problem = checking.read_array(answer, "The result", shape=(2, 2))
    assert value is None and says in problem


def test_read_array_gives_float64():
    array, problem = checking.read_array([[1, 2], [3, 4]], shape=(2, 2))
    assert problem is None and array.dtype == np.float64


def test_close_suits_float32():
    assert checking.close(np.float32(0.9995), 1 - 0.5 * 1e-3)
    assert checking.close(np.float32(1 / 3), 1 / 3)
    assert not checking.close(0.999, 0.9995)
    assert not checking.close(np.zeros(2), np.zeros(3))


def test_call_student_turns_every_failure_into_a_sentence():
    assert checking.call_student(lambda x: x + 1, 1) == (2, None)
    for function, says in [(None, "Write the function"), (..., "Write the function"), (3, "the function itself"),
                           ("f", "the function itself"), (lambda x: 1 / 0, "ZeroDivisionError"),
                           (lambda: 1, "TypeError"), (lambda x: None, "returns None"),
                           (lambda x: ..., "returns ... (Ellipsis"), (lambda x: exit(), "SystemExit")]:
        result, problem = checking.call_student(function, 1)
        assert result is None and says in problem


# Every check of every lecture module, with the answers students type ------------------------


def lecture_modules():
    return [importlib.import_module(f"helpers.{info.name}") for info in pkgutil.iter_modules(helpers.__path__)]


def all_checks():
    return {f"{module.__name__.split('.')[-1]}.{name}": function
            for module in lecture_modules()
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("check_") and function.__module__ == module.__name__}


def _code_cells(path):
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            yield "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def notebook_calls():
    """{check name: [(kwargs, first argument's source)]} from the notebooks' own calls of the checks."""
    calls = {}
    for path in NOTEBOOKS:
        for source in _code_cells(path):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        node.func.attr.startswith("check_") and isinstance(node.func.value, ast.Name):
                    name = f"{node.func.value.id}.{node.func.attr}"
                    try:
                        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
                        extra = [ast.literal_eval(arg) for arg in node.args[1:]]
                    except ValueError:
                        continue
                    first = ast.unparse(node.args[0]) if node.args else None
                    calls.setdefault(name, []).append((kwargs, extra, first))
    return calls


CHECKS = all_checks()
CALLS = notebook_calls()


def example_arguments(name, function):
    """The other arguments of a check, as a notebook passes them."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    needed = [p.name for p in parameters if p.default is inspect.Parameter.empty]
    for kwargs, extra, _ in CALLS.get(name, []):
        bound = dict(zip([p.name for p in parameters], extra)) | kwargs
        if all(n in bound for n in needed):
            return bound
    assert not needed, f"no notebook calls {name} with literal values for {needed}"
    return {}


def expected_answers(name, kwargs=None):
    """The answers the notebooks' solutions give (where a solution is a plain expression), for the
    arguments ``kwargs`` (default: those of ``example_arguments``)."""
    kwargs = example_arguments(name, CHECKS[name]) if kwargs is None else kwargs
    parameters = list(inspect.signature(CHECKS[name]).parameters)[1:]
    namespace = {"np": np, "math": math, **{m.__name__.split(".")[-1]: m for m in lecture_modules()}}
    answers = []
    for call_kwargs, extra, first in CALLS.get(name, []):
        if first is None or dict(zip(parameters, extra)) | call_kwargs != kwargs:
            continue
        try:
            value = eval(first, namespace)  # noqa: S307  (the notebooks' own solution expressions)
        except Exception:  # a student's variable, or a solution that needs the notebook's functions
            continue
        if not callable(value):
            answers.append(value)
    return answers


def solved_examples(name):
    """Every (arguments, answer) pair the notebooks' solutions give."""
    parameters = list(inspect.signature(CHECKS[name]).parameters)[1:]
    pairs = []
    for call_kwargs, extra, _ in CALLS.get(name, []):
        kwargs = dict(zip(parameters, extra)) | call_kwargs
        pairs += [(kwargs, answer) for answer in expected_answers(name, kwargs) if (kwargs, answer) not in pairs]
    return pairs


def spellings(value):
    """Ways an expected answer could be written into a hint."""
    if isinstance(value, (tuple, list)):
        return {str(tuple(value)), "x".join(map(str, value))}
    value = float(value)
    forms = {f"{value:.4g}", f"{value:.3f}", f"{value:,.0f}", str(value)}
    if value.is_integer():
        forms |= {str(int(value)), f"{int(value):,}"}
    return {form for form in forms if len(form.strip("-0.,")) >= 3}  # short numbers occur in any sentence


class Opaque:
    """Something that is neither a number nor an array."""


def _raises(*args):
    raise RuntimeError("my function broke")


def _exits(*args):
    raise SystemExit(1)


def _generator(*args):
    yield 1


BAD_VALUES = {
    "None": None, "Ellipsis": ..., "string": "abc", "empty string": "", "number string": "100",
    "list": [1, 2], "nested list": [[1]], "ragged list": [[1, 2], [3]], "dict": {}, "set": {1, 2},
    "2-d array": np.zeros((2, 2)), "empty array": np.array([]), "string array": np.array(["a", "b"]),
    "object array": np.array([Opaque()]), "nan": math.nan, "float32 nan": np.float32("nan"), "inf": math.inf,
    "-inf": -math.inf, "complex": 1 + 2j, "complex array": np.array([1j]), "True": True, "False": False,
    "numpy bool": np.bool_(True), "huge int": 10**400, "huge float": 1e308, "negative": -1, "zero": 0,
    "large": 123456789, "fraction": 0.123, "int tuple": (1, 2), "long tuple": (1, 2, 3, 4, 5),
    "infinite tuple": (math.inf, math.inf, math.inf), "nan tuple": (math.nan, math.nan, math.nan),
    "fractional tuple": (22.7, 22.7, 10.7), "string tuple": ("a", "b", "c"), "None tuple": (None, None),
    "opaque object": Opaque(), "bytes": b"1", "type": int,
}

BAD_FUNCTIONS = {
    "raises": _raises, "exits": _exits, "no arguments": lambda: 1, "returns None": lambda *a: None,
    "returns Ellipsis": lambda *a: ..., "returns a string": lambda *a: "abc", "returns a dict": lambda *a: {},
    "returns a ragged list": lambda *a: [[1, 2], [3]], "returns nan": lambda *a: math.nan,
    "returns inf": lambda *a: math.inf, "returns complex": lambda *a: 1j,
    "returns an empty array": lambda *a: np.array([]),
    "returns its first argument": lambda *a: a[0], "returns True": lambda *a: True,
    "returns a generator": _generator, "returns an object": lambda *a: Opaque(),
    "returns a string array": lambda *a: np.full((3, 3), "x"),
    "returns a nan array": lambda *a: np.full((4, 5), np.nan),
    "returns a complex array": lambda *a: np.ones((4, 5)) * 1j, "returns zeros": lambda *a: np.zeros((2, 3)),
}

BAD_ANSWERS = {**BAD_VALUES, **BAD_FUNCTIONS}
CASES = [(check, bad) for check in sorted(CHECKS) for bad in BAD_ANSWERS]


def test_every_lecture_module_is_found():
    found = {name.split(".")[0] for name in CHECKS}
    assert {"mlp", "training", "autoencoders", "pca", "cnn", "rnn", "variational"} <= found


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_notebook_solutions_pass(name):
    """A check passes the notebooks' own solutions (where they are plain expressions)."""
    for kwargs, answer in solved_examples(name):
        assert CHECKS[name](answer, **kwargs), (name, answer)


@pytest.mark.parametrize(("name", "bad"), CASES, ids=[f"{check}-{bad}" for check, bad in CASES])
def test_a_check_answers_any_bad_answer_with_a_hint(name, bad, capsys):
    function = CHECKS[name]
    kwargs = example_arguments(name, function)
    verdict = function(BAD_ANSWERS[bad], **kwargs)
    assert isinstance(verdict, checking.Verdict), f"{name} returned {verdict!r}"
    assert bool(verdict) is False
    message = repr(verdict)
    assert message.startswith("Not yet. Hint: ") and len(message) > len("Not yet. Hint: ") + 20
    assert "Traceback" not in message
    assert capsys.readouterr().out == ""  # a check prints nothing itself
    for answer in expected_answers(name):
        for form in spellings(answer):
            assert form not in message, f"{name} shows the expected answer {form!r}: {message}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_blank_answer_gets_a_hint_without_the_answer(name):
    kwargs = example_arguments(name, CHECKS[name])
    for blank in (None, ...):
        message = repr(CHECKS[name](blank, **kwargs))
        assert message.startswith("Not yet. Hint: ")
        for answer in expected_answers(name):
            assert not spellings(answer) & set(message.replace(",", " ").replace(")", " ").split())


# Properties: any number, any text, any tuple gets a verdict --------------------------------


NUMBER_CHECKS = sorted(name for name, function in CHECKS.items()
                       if next(iter(inspect.signature(function).parameters)) == "answer")

anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(),
    st.text(max_size=5), st.lists(st.floats(), max_size=4), st.tuples(st.integers(), st.floats(), st.integers()),
    st.integers(min_value=-(2**70), max_value=2**70).map(np.float32), st.floats(width=16).map(np.float16),
)


@pytest.mark.parametrize("name", NUMBER_CHECKS)
@PROPERTY
@given(answer=anything)
def test_a_number_check_never_raises(name, answer):
    verdict = CHECKS[name](answer, **example_arguments(name, CHECKS[name]))
    assert isinstance(verdict, checking.Verdict)
    assert repr(verdict).startswith("Correct: " if verdict else "Not yet. Hint: ")


@pytest.mark.parametrize("name", [n for n in NUMBER_CHECKS if solved_examples(n)])
def test_a_number_check_takes_its_answer_in_float32_and_as_an_array(name):
    for kwargs, answer in solved_examples(name):
        if isinstance(answer, tuple):
            assert CHECKS[name](np.array(answer, dtype=np.float32), **kwargs)
            assert CHECKS[name](list(answer), **kwargs)
        else:
            assert CHECKS[name](np.float32(answer), **kwargs), (name, answer)
            assert CHECKS[name](np.array([answer]), **kwargs)
            assert CHECKS[name](np.array(answer), **kwargs)
