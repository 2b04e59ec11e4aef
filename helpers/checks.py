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


# Notebook 03: autoencoders -------------------------------------------------------------------


def _call_student(function, *args):
    """Call a student's function: ``(result, None)``, or ``(None, what went wrong)``."""
    try:
        result = function(*args)
    except Exception as err:  # a student's function may fail in any way: say how
        return None, f"Calling your function raised {type(err).__name__}: {err}."
    if _unanswered(result):
        return None, f"Your function returns {result!r}: make it return its result."
    return result, None


def check_masking_noise(masking_noise):
    """Exercise: ``masking_noise(x, fraction, rng)`` returns a copy of the images ``x`` (n, d) in
    which every pixel is set to 0, independently, with probability ``fraction``, drawing the
    random numbers from the ``numpy.random.Generator`` ``rng`` (the masking corruption of a
    denoising autoencoder). Checked on images with no zero pixels, so a 0 marks a masked pixel.
    """
    hint = (
        "for every pixel of every image draw one uniform random number from rng, and set the pixel to 0 where "
        "that number falls below fraction; the other pixels keep their value, and x itself stays unchanged."
    )
    if _unanswered(masking_noise):
        return report(False, "", hint)
    x = np.random.default_rng(3).uniform(0.05, 1.0, size=(300, 64))
    for fraction in (0.0, 0.25, 0.6, 1.0):
        before = x.copy()
        got, problem = _call_student(masking_noise, x, fraction, np.random.default_rng(4))
        if problem:
            return report(False, "", f"{problem} {hint}")
        if not np.array_equal(x, before):
            return report(False, "", "your function changes its input x in place: corrupt a copy and return that.")
        got = np.asarray(got, dtype=np.float64)
        if got.shape != x.shape:
            return report(False, "", f"the result must have the shape of x, {x.shape}, not {got.shape}.")
        masked = got == 0
        if not np.allclose(got[~masked], x[~masked]):
            return report(False, "", f"a pixel that is not masked must keep its value exactly; {hint}")
        if 0 < fraction < 1 and np.all(masked == masked[0]):
            return report(False, "", "every image gets the same mask: draw a separate random number per pixel "
                                     "of every image.")
        share = masked.mean()
        if abs(share - fraction) > 0.02:
            return report(False, "", f"with fraction={fraction} about {fraction:.0%} of the pixels should be 0, "
                                     f"yours zeroes {share:.1%}; {hint}")
        if 0 < fraction < 1:
            again, problem = _call_student(masking_noise, x, fraction, np.random.default_rng(5))
            if problem:
                return report(False, "", f"{problem} {hint}")
            if np.array_equal(np.asarray(again) == 0, masked):
                return report(False, "", "another rng gives the same mask: draw the random numbers from the rng "
                                         "you are given.")
    return report(True, "each pixel is masked independently with that probability, and x is left as it was.", hint)


def check_kl_sparsity_penalty(kl_penalty):
    """Exercise: ``kl_penalty(rho, rho_hat)``, the sparsity penalty sum_j KL(rho || rho_hat_j) of
    the UFLDL sparse autoencoder, for a target activation ``rho`` (a number in (0, 1)) and the
    average activations ``rho_hat`` of the hidden units (shape (s,), in (0, 1)): one number.
    """
    hint = (
        "the KL divergence between two Bernoulli distributions has two terms, one for 'on' (probabilities rho "
        "and rho_hat_j) and one for 'off' (1 - rho and 1 - rho_hat_j), each p * log(p / q); sum it over the "
        "hidden units j."
    )
    if _unanswered(kl_penalty):
        return report(False, "", hint)
    rng = np.random.default_rng(5)
    cases = [(0.05, rng.uniform(0.01, 0.6, 25)), (0.1, np.full(10, 0.1)), (0.2, rng.uniform(0.05, 0.95, 7))]
    for rho, rho_hat in cases:
        expected = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
        got, problem = _call_student(kl_penalty, rho, rho_hat.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        got = np.asarray(got, dtype=np.float64)
        if got.size != 1:
            return report(False, "", f"return one number, the sum over the hidden units, not an array of shape "
                                     f"{got.shape}.")
        if not np.isclose(float(got), expected, rtol=1e-6, atol=1e-9):
            return report(False, "", hint)
    return report(True, "zero when every unit's average activation is rho, and growing as it strays.", hint)


def check_box_max_activation(max_input):
    """Exercise: ``max_input(W)`` returns, for every hidden unit i (row i of ``W``, shape
    (s, n)), the input x with every pixel in [-1, 1] that maximizes W_i . x: shape (s, n)."""
    hint = (
        "the box constrains every pixel on its own: for each j, ask which value of x_j in [-1, 1] makes the "
        "term W_ij * x_j as large as possible."
    )
    if _unanswered(max_input):
        return report(False, "", hint)
    W = np.random.default_rng(6).normal(size=(6, 20))
    got, problem = _call_student(max_input, W.copy())
    if problem:
        return report(False, "", f"{problem} {hint}")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != W.shape:
        return report(False, "", f"return one input per hidden unit, shape {W.shape}, not {got.shape}.")
    if np.any(np.abs(got) > 1 + 1e-9):
        return report(False, "", f"every pixel must lie in [-1, 1], yours reach {np.abs(got).max():.3g}; {hint}")
    if np.allclose(got, W / np.linalg.norm(W, axis=1, keepdims=True)):
        return report(False, "", f"these are the answers for the sphere ||x|| <= 1; the box lets every pixel go "
                                 f"further. {hint}")
    passed = np.allclose(np.sum(W * got, axis=1), np.abs(W).sum(axis=1), rtol=1e-9, atol=1e-9)
    return report(passed, "each unit's activation reaches sum_j |W_ij|, the largest the box allows.", hint)


def check_keras_l1_factor(answer, lam, batch_size):
    """Exercise: the factor to pass to ``keras.regularizers.L1`` as ``activity_regularizer`` so
    that training minimizes the mean over a batch of ``batch_size`` examples of
    loss + lam * sum_j |z_j| (Keras 3 adds factor * sum |z| over the whole batch)."""
    hint = (
        "Keras adds factor * (sum of |z| over every unit of every example in the batch) to the batch's mean "
        "loss; write the mean over the batch of lam * sum_j |z_j| and compare the two."
    )
    if _unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), lam / batch_size, rtol=1e-9, atol=0.0)
    return report(passed, "the per-example penalty divided by the batch size.", hint)


# Notebook 04: PCA versus autoencoders ---------------------------------------------------------


def check_discarded_variance(answer, eigenvalues, k):
    """Exercise: PCA's mean squared training error with ``k`` components, given all eigenvalues."""
    hint = "the error is the variance PCA throws away: which eigenvalues belong to the directions it drops?"
    if _unanswered(answer):
        return report(False, "", hint)
    expected = float(np.sum(np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1][k:]))
    passed = np.isclose(float(answer), expected, rtol=1e-9, atol=1e-12)
    return report(passed, "the error is the sum of the discarded eigenvalues.", hint)


def check_principal_angle(answer, u, v):
    """Exercise: the principal angle, in degrees, between the lines spanned by ``u`` and ``v``."""
    hint = "for two lines, cos(theta) = |u . v| / (||u|| ||v||); answer in degrees."
    if _unanswered(answer):
        return report(False, "", hint)
    a = np.asarray(u, dtype=np.float64) / np.linalg.norm(u)
    b = np.asarray(v, dtype=np.float64) / np.linalg.norm(v)
    b = b if a @ b >= 0 else -b  # lines, not directions
    expected = np.degrees(2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b)))  # exact near 0, unlike arccos
    passed = np.isclose(float(answer), expected, atol=1e-6)
    return report(passed, "an angle of 0 would mean the same line; 90, perpendicular lines.", hint)


def check_pca_storage(answer, n_images, n_pixels, k):
    """Exercise: the numbers needed to send ``n_images`` as ``k``-d PCA codes, with the model."""
    hint = "count three things: one code of k numbers per image, the mean image, and the n_pixels x k matrix U."
    if _unanswered(answer):
        return report(False, "", hint)
    expected = n_images * k + n_pixels + n_pixels * k
    passed = float(answer) == expected
    ratio = expected / (n_images * n_pixels)
    return report(passed, f"that is {ratio:.1%} of the raw pixels.", hint)


# Notebook 05: CNN arithmetic, parameter sharing, pooling ---------------------------------------


def check_conv_volume(answer, input_shape, f, s, p, n_filters):
    """Exercise: the output volume ``(height, width, depth)`` of a convolution with ``n_filters``
    filters of size ``f``, stride ``s`` and padding ``p`` on an ``input_shape = (h, w, d)`` volume."""
    hint = "width and height are (w - f + 2p)/s + 1 each; what sets the depth of the output?"
    if _unanswered(answer):
        return report(False, "", hint)
    h, w, _ = input_shape
    expected = ((h - f + 2 * p) // s + 1, (w - f + 2 * p) // s + 1, n_filters)
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return report(False, "", f"answer with three whole numbers (height, width, depth). {hint}")
    if len(got) != 3:
        return report(False, "", f"answer with three numbers (height, width, depth), not {len(got)}. {hint}")
    if got[:2] == expected[:2] and got[2] != expected[2]:
        return report(False, "", "the width and height are right; the depth is not the input's depth.")
    passed = got == expected
    return report(passed, f"{'x'.join(map(str, got))}: one {got[0]}x{got[1]} map per filter.", hint)


def check_shared_and_unshared_parameters(answer, input_shape, f, s, p, n_filters):
    """Exercise: ``(with sharing, without sharing)``, the parameters of that convolution and of a
    locally connected layer with the same output volume (each neuron its own weights and bias)."""
    hint = ("with sharing, each filter has f*f*d weights and one bias; without, every neuron of the output "
            "volume has its own f*f*d weights and bias.")
    if _unanswered(answer):
        return report(False, "", hint)
    h, w, d = input_shape
    h_out, w_out = (h - f + 2 * p) // s + 1, (w - f + 2 * p) // s + 1
    expected = ((f * f * d + 1) * n_filters, h_out * w_out * n_filters * (f * f * d + 1))
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return report(False, "", f"answer with two whole numbers, (with sharing, without sharing). {hint}")
    if len(got) != 2:
        return report(False, "", f"answer with two numbers, (with sharing, without sharing). {hint}")
    if got[0] == expected[0] and got[1] != expected[1]:
        return report(False, "", "the count with sharing is right; now give every output neuron its own filter.")
    if got[1] == expected[1] and got[0] != expected[0]:
        return report(False, "", "the count without sharing is right; with sharing, count one filter per depth "
                                 "slice, bias included.")
    passed = got == expected
    return report(passed, f"sharing saves a factor of {expected[1] // expected[0]:,d} = {h_out}x{w_out} positions.",
                  hint)


def check_receptive_field(answer, n_layers, f):
    """Exercise: the side of the input region that one neuron sees after ``n_layers`` stacked
    ``f`` x ``f`` convolutions with stride 1."""
    hint = "each stride-1 layer widens the region by f - 1 pixels: start from one pixel and add."
    if _unanswered(answer):
        return report(False, "", hint)
    passed = float(answer) == 1 + n_layers * (f - 1)
    return report(passed, f"{n_layers} layers of {f}x{f} see as far as one {int(answer)}x{int(answer)} filter, "
                          f"with fewer parameters and more nonlinearities.", hint)


def check_max_pool(max_pool):
    """Exercise: ``max_pool(x, f, s)`` returns the max pooling of one volume ``x`` (h, w, d) over
    f x f windows with stride ``s``: shape ((h - f)/s + 1, (w - f)/s + 1, d)."""
    hint = ("output pixel (i, j) of depth slice c is the largest value in the window x[i*s : i*s + f, "
            "j*s : j*s + f, c]; pooling works on every depth slice separately.")
    if _unanswered(max_pool):
        return report(False, "", hint)
    from . import cnn

    rng = np.random.default_rng(7)
    for (h, w, d), f, s in (((4, 4, 1), 2, 2), ((7, 7, 3), 3, 2), ((6, 8, 2), 2, 1), ((9, 9, 4), 3, 3)):
        x = rng.normal(size=(h, w, d))
        expected = cnn.pool2d(x[None], f, s, kind="max")[0]
        got, problem = _call_student(max_pool, x.copy(), f, s)
        if problem:
            return report(False, "", f"{problem} {hint}")
        got = np.asarray(got, dtype=np.float64)
        if got.shape != expected.shape:
            return report(False, "", f"for x of shape {x.shape}, f={f}, s={s} the result has shape {expected.shape}, "
                                     f"yours {got.shape}. {hint}")
        if not np.allclose(got, expected):
            return report(False, "", hint)
    return report(True, "each depth slice is pooled on its own, window by window.", hint)


# Notebook 07: variational autoencoders ------------------------------------------------------


def check_gaussian_kl_value(answer, mean, var):
    """Exercise: KL( N(mean, var) || N(0, 1) ) in nats for one dimension."""
    hint = "KL = (var + mean^2 - 1 - ln var) / 2 for one dimension, in nats (natural logarithm)."
    if _unanswered(answer):
        return report(False, "", hint)
    expected = 0.5 * (var + mean**2 - 1.0 - np.log(var))
    passed = np.isclose(float(answer), expected, rtol=1e-6, atol=1e-9)
    return report(passed, f"KL = {expected:.4g} nats; it is 0 only for mean 0 and variance 1, the prior itself.", hint)


def check_bernoulli_nll(answer, x, p):
    """Exercise: -log p(x | z) in nats for binary pixels ``x`` and decoder probabilities ``p``."""
    hint = "each pixel contributes -ln p where it is 1 and -ln(1 - p) where it is 0; add them up."
    if _unanswered(answer):
        return report(False, "", hint)
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    expected = float(-np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)))
    passed = np.isclose(float(answer), expected, rtol=1e-6)
    return report(passed, f"{expected:.4f} nats: the reconstruction term of the ELBO for this image.", hint)


def check_reparameterize(reparameterize):
    """Exercise: a function ``reparameterize(mean, log_var, eps)`` returning z = mean + sigma * eps."""
    hint = "sigma = exp(log_var / 2); z = mean + sigma * eps, elementwise, same shape as mean."
    rng = np.random.default_rng(7)
    mean, log_var, eps = rng.normal(size=(3, 4, 5))
    expected = mean + np.exp(0.5 * log_var) * eps
    got, problem = _call_student(reparameterize, mean, log_var, eps)
    if problem:
        return report(False, "", f"{hint} {problem}")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        return report(False, "", f"{hint} It returned shape {got.shape}, expected {expected.shape}.")
    if np.allclose(got, mean + np.exp(log_var) * eps):
        return report(False, "", "exp(log_var) is the variance; you need the standard deviation, exp(log_var / 2).")
    passed = np.allclose(got, expected, rtol=1e-6, atol=1e-9)
    return report(passed, "the randomness sits in eps alone, so gradients flow to mean and log_var.", hint)


def check_log_mean_exp(log_mean_exp):
    """Exercise: a stable ``log_mean_exp(a)`` = log(mean(exp(a))) over the last axis, for log weights."""
    hint = "subtract the largest entry m first: log mean exp(a) = m + log mean exp(a - m)."
    cases = [
        np.array([0.0, np.log(3.0)]),
        np.array([-1000.0, -1001.0, -1002.0]),
        np.array([[-90.0, -95.0, -100.0, -92.0], [500.0, 501.0, 499.0, 500.5]]),
    ]
    for a in cases:
        m = a.max(axis=-1, keepdims=True)
        expected = (m + np.log(np.mean(np.exp(a - m), axis=-1, keepdims=True)))[..., 0]
        got, problem = _call_student(log_mean_exp, a.copy())
        if problem:
            return report(False, "", f"{hint} {problem}")
        got = np.asarray(got, dtype=np.float64)
        if got.shape != expected.shape or not np.all(np.isfinite(got)):
            return report(False, "", f"{hint} For log weights {a.tolist()} it gave {got.tolist()}.")
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-9):
            wanted = f"expected {expected.tolist()}, got {got.tolist()}"
            return report(False, "", f"{hint} For log weights {a.tolist()} {wanted}.")
    return report(True, "exp(-1000) underflows to 0 in floating point; shifting by the maximum avoids it.", hint)


# Notebook 06: recurrent networks: RNN, LSTM, GRU, minimal gated unit --------------------------

_RECURRENT_BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3, "MGU": 2}


def check_recurrent_parameters(answer, cell, n_inputs, n_units):
    """Exercise: the parameters of a Keras recurrent layer (``cell`` one of RNN, LSTM, GRU with
    ``reset_after=True``, MGU) with ``n_units`` units on ``n_inputs`` inputs per step."""
    if cell not in _RECURRENT_BLOCKS:
        raise ValueError(f"cell must be one of {list(_RECURRENT_BLOCKS)}, got {cell!r}")
    blocks = _RECURRENT_BLOCKS[cell]
    hint = (f"a {cell} has {blocks} block(s) of weights (gates and candidate), each a {n_inputs} x {n_units} "
            f"input matrix, a {n_units} x {n_units} recurrent matrix and {n_units} biases"
            + ("; Keras' GRU (reset_after=True) has a second set of biases." if cell == "GRU" else "."))
    if _unanswered(answer):
        return report(False, "", hint)
    biases = 2 if cell == "GRU" else 1
    expected = blocks * n_units * (n_inputs + n_units + biases)
    if cell == "GRU" and float(answer) == blocks * n_units * (n_inputs + n_units + 1):
        return report(False, "", "that is the GRU with reset_after=False: Keras' default has two biases per gate.")
    passed = float(answer) == expected
    return report(passed, f"{expected:,d} parameters, {blocks} times a plain RNN of the same size.", hint)


def check_forget_fraction(answer, forget, steps):
    """Exercise: the fraction of an LSTM cell state left after ``steps`` steps with a closed input
    gate and a constant forget gate ``forget``."""
    hint = "with i_t = 0 the update is c_t = f * c_{t-1}: apply it once per step."
    if _unanswered(answer):
        return report(False, "", hint)
    expected = float(forget) ** steps
    passed = np.isclose(float(answer), expected, rtol=1e-6, atol=0)
    return report(passed, f"{expected:.3f}: the memory fades like f^t; f = 0.99 would keep {0.99 ** steps:.0%}.", hint)


def check_recurrent_output_shape(answer, input_shape, units, return_sequences, bidirectional):
    """Exercise: the output shape of a Keras recurrent layer with ``units`` units on a batch of
    ``input_shape = (N, T, d)``, with or without ``return_sequences`` and ``Bidirectional``."""
    hint = ("return_sequences keeps one output per step (N, T, ...), otherwise one per sequence (N, ...); "
            "Bidirectional concatenates the forward and backward outputs.")
    if _unanswered(answer):
        return report(False, "", hint)
    n, t, _ = input_shape
    features = units * (2 if bidirectional else 1)
    expected = (n, t, features) if return_sequences else (n, features)
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return report(False, "", f"answer with a tuple of whole numbers, like (16, 28, 28). {hint}")
    passed = got == expected
    return report(passed, f"{expected}: the batch, {'the steps, ' if return_sequences else ''}and "
                          f"{features} features per {'step' if return_sequences else 'sequence'}.", hint)


def check_rnn_step_jacobian(rnn_step_jacobian):
    """Exercise: ``rnn_step_jacobian(h_new, U)`` returns A with A[j, k] = dh_t[k] / dh_{t-1}[j] for
    the vanilla RNN h_t = tanh(x_t W + h_{t-1} U + b), given h_t (shape (n,)) and U (n, n)."""
    hint = ("h_t[k] = tanh(a[k]) with a[k] = ... + sum_j h_{t-1}[j] U[j, k]: the derivative is U[j, k] times "
            "tanh'(a[k]) = 1 - h_t[k]^2; build the whole matrix at once with broadcasting.")
    if _unanswered(rnn_step_jacobian):
        return report(False, "", hint)
    rng = np.random.default_rng(6)
    for n in (3, 5):
        U = rng.normal(size=(n, n))
        h_prev, x_part = rng.normal(size=n), rng.normal(size=n)

        def step(h, U=U, x_part=x_part):
            return np.tanh(x_part + h @ U)

        h_new = step(h_prev)
        expected = np.stack([_numeric_gradient(lambda h, k=k: step(h)[k], h_prev.copy()) for k in range(n)], axis=1)
        got, problem = _call_student(rnn_step_jacobian, h_new.copy(), U.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        got = np.asarray(got, dtype=np.float64)
        if got.shape != (n, n):
            return report(False, "", f"for n = {n} the Jacobian is {n} x {n}, yours has shape {got.shape}. {hint}")
        if np.allclose(got, expected.T, atol=1e-6) and not np.allclose(got, expected, atol=1e-6):
            return report(False, "", "that is the transpose: rows index h_{t-1}[j], columns h_t[k].")
        if not np.allclose(got, expected, atol=1e-6):
            return report(False, "", hint)
    return report(True, "multiplying T - t of these is what makes the RNN's gradient vanish (or explode).", hint)
