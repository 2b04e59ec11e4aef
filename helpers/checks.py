"""Self-checks for the exercises: each prints a clear pass, or a hint (never the answer),
and returns True or False, so a solution cell can ``assert`` it."""

import numpy as np


def report(passed, praise, hint):
    """Print the verdict of one check and return it."""
    print(f"Correct: {praise}" if passed else f"Not yet. Hint: {hint}")
    return bool(passed)


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


def check_softmax_output_delta(output_delta):
    """Exercise: the output delta of a softmax layer with cross-entropy cost.

    ``output_delta(z, y)`` takes pre-activations ``z`` and one-hot targets ``y``, both of shape
    (m, K), and returns the delta of each example, shape (m, K): the derivative of that
    example's cost  -sum_k y_k log softmax(z)_k  with respect to its z. Checked against finite
    differences on random inputs.
    """
    hint = (
        "write a = softmax(z) and differentiate -sum_k y_k log a_k with respect to z_j; "
        "d a_k / d z_j = a_k (1[k = j] - a_j), and the y_k of one example sum to 1."
    )
    if _unanswered(output_delta):
        return report(False, "", hint)
    rng = np.random.default_rng(1)
    z = rng.normal(size=(5, 4))
    y = np.eye(4)[rng.integers(4, size=5)]

    def total_cost(z_):
        shifted = z_ - z_.max(axis=1, keepdims=True)
        log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -(y * log_a).sum()

    expected = _numeric_gradient(total_cost, z.copy())
    try:
        got = np.asarray(output_delta(z.copy(), y.copy()), dtype=np.float64)
    except Exception as err:  # a student's function may fail in any way; say how
        return report(False, "", f"calling your function raised {type(err).__name__}: {err}. {hint}")
    if got.shape != z.shape:
        return report(False, "", f"the delta must have the shape of z, {z.shape}, not {got.shape}.")
    passed = np.allclose(got, expected, atol=1e-6)
    return report(passed, "the delta matches finite differences of the cross-entropy cost.", hint)


def check_parameter_count(answer, layer_sizes):
    """Exercise: the number of weights and biases of a fully connected net with these layer sizes."""
    hint = (
        "between a layer of n units and the next of n' units there is a weight matrix W "
        "of shape (n', n) and a bias vector of n' entries; the input layer has no biases."
    )
    if _unanswered(answer):
        return report(False, "", hint)
    expected = sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return report(int(answer) == expected, f"{'-'.join(map(str, layer_sizes))} has {int(answer):,} parameters.", hint)


def check_weight_decay_factor(answer, learning_rate, lam):
    """Exercise: the factor that one gradient step with the ridge penalty multiplies W by
    before subtracting the data term (the lecture's 'weight decay')."""
    hint = "write W - alpha * (grad_data + lambda * W) and collect the terms in W."
    if _unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), 1.0 - learning_rate * lam, rtol=1e-9, atol=1e-12)
    return report(passed, "each step shrinks the weights by that factor, then follows the data gradient.", hint)


def check_identical_hidden_units(answer):
    """Exercise: how many different hidden units (distinct rows of W1) remain after training
    a network whose weights all started at zero."""
    hint = (
        "train it, then count the distinct rows of W1, e.g. len(np.unique(W1.round(10), axis=0)); "
        "ask what makes one hidden unit's gradient differ from another's."
    )
    if _unanswered(answer):
        return report(False, "", hint)
    passed = int(answer) == 1
    return report(passed, "every hidden unit gets the same gradient, so they stay copies of one another.", hint)
