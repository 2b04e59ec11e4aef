"""Self-checks for the exercises. Each returns a ``Verdict`` that shows a clear pass, or a
hint (never the answer), and is true or false, so a solution cell can ``assert`` it."""

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


def _unanswered(answer):
    return answer is None or answer is Ellipsis


def _numeric_gradient(f, x, eps=1e-6):
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


# Notebook 01: perceptron, MLP and backpropagation -------------------------------------------


def check_tanh_output_delta(output_delta):
    """Exercise: the output delta of a tanh output layer with the squared-error cost.

    ``output_delta(Z, Y)`` takes pre-activations ``Z`` and targets ``Y``, both of shape (m, K),
    and returns each example's delta, shape (m, K): the derivative of that example's cost
    1/2 ||tanh(z) - y||^2 with respect to its z. Checked against finite differences.
    """
    hint = (
        "Apply the lecture's output-layer equation delta = -(y - a) * f'(z) with a = f(z) = tanh(z); "
        "what is the derivative of tanh?"
    )
    if _unanswered(output_delta):
        return report(False, "", hint)
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = rng.uniform(-1.0, 1.0, size=(5, 3))
    expected = _numeric_gradient(lambda Z_: 0.5 * np.sum((np.tanh(Z_) - Y) ** 2), Z.copy())
    try:
        got = output_delta(Z.copy(), Y.copy())
    except Exception as err:  # a student's function may fail in any way: say how
        return report(False, "", f"Calling your function raised {type(err).__name__}: {err}. {hint}")
    if _unanswered(got):
        return report(False, "", f"Your function returns {got!r}: make it return the deltas. {hint}")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != Z.shape:
        return report(False, "", f"The delta must have the shape of Z, {Z.shape}, not {got.shape}.")
    passed = np.allclose(got, expected, atol=1e-6)
    return report(passed, "Your delta matches finite differences of the squared-error cost.", hint)


def check_parameter_count(answer, layer_sizes):
    """Exercise: the number of weights and biases of a fully connected net with these layer sizes."""
    hint = (
        "Between a layer of n units and the next of n' units there is a weight matrix W "
        "of shape (n', n) and a bias vector of n' entries; the input layer has no biases."
    )
    if _unanswered(answer):
        return report(False, "", hint)
    expected = sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return report(float(answer) == expected, f"{'-'.join(map(str, layer_sizes))} has {int(answer):,} parameters.", hint)


def check_weight_decay_factor(answer, learning_rate, lam):
    """Exercise: the factor that one gradient step with the ridge penalty multiplies W by
    before subtracting the data term (the lecture's 'weight decay')."""
    hint = "Write W - alpha * (grad_data + lambda * W) and collect the terms in W."
    if _unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), 1.0 - learning_rate * lam, rtol=1e-9, atol=1e-12)
    return report(passed, "Each step shrinks the weights by that factor, then follows the data gradient.", hint)


def check_identical_hidden_units(answer):
    """Exercise: how many different hidden units (distinct rows of W1) remain after training
    a network whose weights all started at zero."""
    hint = (
        "Train it, then count the distinct rows of W1, e.g. len(np.unique(W1.round(10), axis=0)); "
        "ask what makes one hidden unit's gradient differ from another's."
    )
    if _unanswered(answer):
        return report(False, "", hint)
    passed = float(answer) == 1
    return report(passed, "Every hidden unit gets the same gradient, so they stay copies of one another.", hint)


# Notebook 02: initialization, vanishing and exploding gradients, losses, regularizers ---------


def check_glorot_limit(answer, n_in, n_out):
    """Exercise: the r for which U[-r, r] has Glorot's variance 2 / (n_in + n_out)."""
    hint = "the variance of U[-r, r] is r^2 / 3; set it equal to 2 / (n_in + n_out) and solve for r."
    if _unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), np.sqrt(6.0 / (n_in + n_out)), rtol=1e-6)
    return report(passed, f"U[-r, r] with that r has variance 2 / ({n_in} + {n_out}).", hint)


def check_multiclass_hinge(answer, scores, label):
    """Exercise: the K-class hinge loss sum_{j != y} max(0, s_j - s_y + 1) of one example."""
    hint = "for every wrong class j, add how far s_j comes within a margin of 1 of the true score s_y (if at all)."
    if _unanswered(answer):
        return report(False, "", hint)
    scores = np.asarray(scores, dtype=np.float64)
    margins = np.maximum(0.0, scores - scores[label] + 1.0)
    margins[label] = 0.0
    passed = np.isclose(float(answer), margins.sum(), atol=1e-6)
    return report(passed, "only the classes inside the margin contribute.", hint)


def check_inverted_dropout_scale(answer, rate):
    """Exercise: the value, during training, of a kept unit whose activation is 1 under
    inverted dropout with drop probability ``rate``."""
    hint = "the expected output must equal the input: a unit is kept with probability 1 - rate."
    if _unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), 1.0 / (1.0 - rate), rtol=1e-9)
    return report(passed, "scaling the kept units keeps the expected activation unchanged.", hint)


def check_layers_to_explode(answer, factor, threshold):
    """Exercise: the fewest layers after which a gradient multiplied by ``factor`` per layer
    exceeds ``threshold`` times its size."""
    hint = "solve factor^L > threshold for the whole number L: take logarithms."
    if _unanswered(answer):
        return report(False, "", hint)
    expected = int(np.floor(np.log(threshold) / np.log(factor))) + 1
    passed = float(answer) == expected
    return report(passed, f"{factor}^{int(answer)} > {threshold}: growth per layer compounds quickly.", hint)
