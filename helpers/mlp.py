"""Lecture 01, the perceptron and the MLP: the playground widget and the exercise checks."""

import threading
import time
from concurrent.futures import Future

import numpy as np
from matplotlib.figure import Figure

from . import plots
from .checking import call_student, close, numeric_gradient, read_array, read_number, report, unanswered
from .live import FigureView, LiveFigure, choice_slider


class PlaygroundView(FigureView):
    """Train ``train(X, y, hidden_units, learning_rate, lam, epochs) -> (predict, losses)`` and
    show the decision regions next to the loss curve. One figure serves every setting: a new one
    recolours the regions and redraws the curve. Calling the view with the four settings returns
    ``(figure, text)``.

    ``options`` (control name -> the values its slider offers) turns on training ahead: from the
    first move of a control on (so a notebook run that nobody watches trains nothing extra), while
    one setting is on screen a background thread trains every setting one slider move away,
    nearest first, and a move after a pause is answered from memory instead of by a new training.
    Only training runs in that thread, and only once a picture is on screen (``answered``); the
    figure is drawn where the widget asks for it.
    """

    RESOLUTION = 120
    """Grid points per side at which the regions are coloured."""

    def __init__(self, train, X, y, options=None):
        super().__init__()
        self.train, self.X, self.y = train, np.asarray(X, dtype=np.float64), np.asarray(y)
        self.grid, _ = plots.region_grid(self.X, self.RESOLUTION)
        self.options = {name: list(values) for name, values in (options or {}).items()}
        self._trained = {}  # setting -> Future of the trained result
        self._ahead = []  # settings the background thread trains next, nearest first
        self._wake = threading.Condition()
        self._thread = None
        self._answers = 0

    def build(self, **values):
        fig = Figure(figsize=(9, 4))
        left, right = fig.subplots(1, 2)
        # Placeholders, replaced by every setting: no regions yet, a two-point curve, the longest title.
        plots.decision_regions(lambda points: np.zeros(len(points), dtype=int), self.X, self.y,
                               resolution=self.RESOLUTION, ax=left, title="100 hidden units")
        plots.learning_curves({"training cost J": [1.0, 0.1]}, xlabel="epoch", ax=right, logy=True, title="cost")
        fig.tight_layout()
        return fig, {"image": left.images[0], "title": left.title, "curve": right.lines[0]}

    def show(self, fig, artists, **values):
        result = self.result(**values)
        artists["image"].set_data(result["regions"])
        artists["title"].set_text(f"{values['hidden_units']} hidden units")
        curve = artists["curve"]
        curve.set_data(np.arange(1, len(result["losses"]) + 1), result["losses"])
        curve.axes.relim()
        curve.axes.autoscale_view()
        return (f"training accuracy <b>{result['accuracy']:.1%}</b>, final cost {result['losses'][-1]:.4f}, "
                f"trained in {result['seconds']:.2f} s")

    def answered(self, **values):
        self._answers += 1
        if self._answers > 1:  # the first answer is the widget's first picture; then someone moved a control
            self.train_ahead(values)

    def result(self, **values):
        """One setting's training: a dict of ``regions`` (RESOLUTION x RESOLUTION classes), ``losses``,
        ``accuracy`` and ``seconds``. Trained here unless the background thread has it or is on it."""
        key = _setting_key(values)
        with self._wake:
            future = self._trained.get(key)
            mine = future is None
            if mine:
                future = self._trained[key] = Future()
        if mine:
            self._run(future, values)
        return future.result()

    def _run(self, future, values):
        future.set_running_or_notify_cancel()
        try:
            start = time.perf_counter()
            predict, losses = self.train(self.X, self.y, **values)
            seconds = time.perf_counter() - start
            regions = np.asarray(predict(self.grid)).astype(np.int16).reshape(self.RESOLUTION, self.RESOLUTION)
            future.set_result({"regions": regions, "losses": np.asarray(losses, dtype=np.float64),
                               "accuracy": float(np.mean(predict(self.X) == self.y)), "seconds": seconds})
        except Exception as error:  # raised again where the setting is shown
            future.set_exception(error)

    def neighbours(self, values):
        """The settings one slider move away from ``values``, nearest first."""
        found = []
        for distance in range(1, max((len(v) for v in self.options.values()), default=0)):
            for name, choices in self.options.items():
                here = choices.index(values[name]) if values[name] in choices else None
                for index in ((here - distance, here + distance) if here is not None else ()):
                    if 0 <= index < len(choices):
                        found.append({**values, name: choices[index]})
        return found

    def train_ahead(self, values):
        """Replace the background thread's list with the neighbours of ``values`` (no-op without options)."""
        if not self.options:
            return
        with self._wake:
            self._ahead = [v for v in self.neighbours(values) if _setting_key(v) not in self._trained]
            if self._thread is None:
                self._thread = threading.Thread(target=self._train_in_background, daemon=True)
                self._thread.start()
            self._wake.notify_all()

    def settle(self, timeout=60.0):
        """Wait until the background thread has trained everything it was asked to (for tests and
        benchmarks that play a lecturer who pauses). True if it finished within ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        with self._wake:
            while self._ahead or any(f.running() for f in self._trained.values()):
                if not self._wake.wait(max(0.0, deadline - time.perf_counter())):
                    return False
        return True

    def _train_in_background(self):
        while True:
            with self._wake:
                while not self._ahead:
                    self._wake.wait()
                values = self._ahead.pop(0)
                key = _setting_key(values)
                future = None if key in self._trained else Future()  # None: shown (so trained) meanwhile
                if future is not None:
                    self._trained[key] = future
            if future is not None:
                self._run(future, values)
            with self._wake:
                self._wake.notify_all()  # a settle() may be waiting for the list to empty


def _setting_key(values):
    """A dict of control values as a hashable key, whatever the order of its names."""
    return tuple(sorted(values.items()))


def playground_view(train, X, y, hidden_units, learning_rate, lam, epochs):
    """``PlaygroundView(train, X, y)`` for one setting: ``(figure, text)``."""
    return PlaygroundView(train, X, y)(hidden_units=hidden_units, learning_rate=learning_rate, lam=lam, epochs=epochs)


def playground(train, X, y):
    """Sliders for hidden units, learning rate, lambda and epochs over a ``PlaygroundView`` that
    trains the settings one move away while the current one is on screen."""
    if not callable(train):
        raise ValueError("train must be a function train(X, y, hidden_units, learning_rate, lam, epochs).")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X and y must hold the same number of examples, at least one: got {len(X)} and {len(y)}.")
    controls = {
        "hidden_units": choice_slider("hidden units", [1, 2, 3, 5, 10, 20, 50, 100], 50),
        "learning_rate": choice_slider("learning rate α", [0.01, 0.03, 0.1, 0.3, 1.0], 1.0),
        "lam": choice_slider("λ (ridge)", [0.0, 1e-4, 1e-3, 1e-2, 1e-1], 1e-3),
        "epochs": choice_slider("epochs", [10, 30, 100, 300, 1000, 3000], 300),
    }
    options = {name: list(control.options) for name, control in controls.items()}
    return LiveFigure(PlaygroundView(train, X, y, options), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_tanh_output_delta(output_delta):
    """Exercise: the output delta of a tanh output layer with the squared-error cost.

    ``output_delta(Z, Y)`` takes pre-activations ``Z`` and targets ``Y``, both of shape (m, K),
    and returns each example's delta, shape (m, K): the derivative of that example's cost
    1/2 ||tanh(z) - y||^2 with respect to its z. Checked against finite differences.
    """
    hint = (
        "the delta is the derivative of each example's cost with respect to its pre-activations z, not its "
        "output a = tanh(z): apply the lecture's output-layer equation with tanh as the activation, and ask "
        "which factor the derivative of tanh contributes."
    )
    if unanswered(output_delta):
        return report(False, "", hint)
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = rng.uniform(-1.0, 1.0, size=(5, 3))
    expected = numeric_gradient(lambda Z_: 0.5 * np.sum((np.tanh(Z_) - Y) ** 2), Z.copy())
    got, problem = call_student(output_delta, Z.copy(), Y.copy())
    if problem:
        return report(False, "", f"{problem} {hint}")
    got, problem = read_array(got, "The delta")
    if problem:
        return report(False, "", f"{problem} {hint}")
    if got.shape != Z.shape:
        return report(False, "", f"The delta must have the shape of Z, {Z.shape}, not {got.shape}.")
    A = np.tanh(Z)
    if close(got, A - Y) or close(got, Y - A):
        return report(False, "", "that is the derivative with respect to the output a = tanh(z); the delta is with "
                                 "respect to z, so the chain rule adds the slope of tanh at z.")
    if close(got, -expected):
        return report(False, "", "the sign is flipped: the delta points the way the cost grows as a = tanh(z) "
                                 "moves away from y.")
    if close(got, (A - Y) * (1 - Z**2)):
        return report(False, "", "the slope of tanh at z is not 1 - z^2: write it in terms of tanh(z).")
    if close(got, (A - Y) * (1 - A)) or close(got, (A - Y) * A * (1 - A)):
        return report(False, "", "that is the slope of the sigmoid; the output layer here uses tanh.")
    passed = close(got, expected, rtol=1e-5, atol=1e-6)
    return report(passed, "Your delta matches finite differences of the squared-error cost.", hint)


def check_parameter_count(answer, layer_sizes):
    """Exercise: the number of weights and biases of a fully connected net with these layer sizes."""
    hint = (
        "count layer by layer: how many weights connect two consecutive layers, and how many biases does "
        "the receiving layer have? Then add up over every pair of layers."
    )
    if unanswered(answer):
        return report(False, "", hint)
    count, problem = read_number(answer, "The number of parameters", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    sizes = [int(n) for n in layer_sizes]
    weights = sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    expected = weights + biases
    if count == expected:
        return report(True, f"{'-'.join(map(str, sizes))} has {expected:,} parameters.", hint)
    if count == weights:
        return report(False, "", "you counted the weights; every unit after the input layer also has a bias.")
    if count == weights + sum(sizes):
        return report(False, "", "the input layer has no biases: it only holds the input.")
    if count == weights + biases - sizes[-1] and len(sizes) > 2:
        return report(False, "", "the output layer's units have biases too.")
    if count < 0:
        return report(False, "", f"a count cannot be negative. {hint}")
    return report(False, "", hint)


def check_weight_decay_factor(answer, learning_rate, lam):
    """Exercise: the factor that one gradient step with the ridge penalty multiplies W by
    before subtracting the data term (the lecture's 'weight decay')."""
    hint = "Write the gradient step with the ridge penalty's gradient included, and collect the terms in W."
    if unanswered(answer):
        return report(False, "", hint)
    factor, problem = read_number(answer, "The factor")
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = 1.0 - learning_rate * lam
    if close(factor, expected):
        return report(True, "Each step shrinks the weights by that factor, then follows the data gradient.", hint)
    if close(factor, 1.0 + learning_rate * lam):
        return report(False, "", "a gradient step subtracts the gradient: the penalty shrinks W, it does not grow it.")
    if close(factor, learning_rate * lam) or close(factor, lam):
        return report(False, "", "that is only what the penalty takes away; the factor also counts the W that stays.")
    return report(False, "", hint)


def check_identical_hidden_units(answer):
    """Exercise: how many different hidden units (distinct rows of W1) remain after training
    a network whose weights all started at zero."""
    hint = (
        "Train it, then count the distinct rows of W1, e.g. len(np.unique(W1.round(10), axis=0)); "
        "ask what makes one hidden unit's gradient differ from another's."
    )
    if unanswered(answer):
        return report(False, "", hint)
    count, problem = read_number(answer, "The number of distinct hidden units", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    passed = count == 1
    return report(passed, "Every hidden unit gets the same gradient, so they stay copies of one another.", hint)


# Exercise checks added for the teaching review ----------------------------------------------------


def check_relu_layer_backward(layer_backward):
    """Exercise: the backward step of one ReLU layer A = relu(A_prev W^T + b) for the cost
    J = sum(G * A): ``layer_backward(G, A_prev, W, b) -> (dW, db, dA_prev)``, each checked against
    finite differences of J."""
    hint = ("differentiate J through the layer one step at a time: first through the ReLU, then through "
            "the matrix product; each gradient has the shape of the thing it is the gradient of.")
    rng = np.random.default_rng(5)
    while True:  # keep every pre-activation away from ReLU's kink, where finite differences fail
        A_prev, W, b = rng.normal(size=(6, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
        Z = A_prev @ W.T + b
        if np.abs(Z).min() > 0.05:
            break
    G = rng.normal(size=(6, 3))

    def cost(A_prev_, W_, b_):
        return float(np.sum(G * np.maximum(A_prev_ @ W_.T + b_, 0.0)))

    expected = (numeric_gradient(lambda W_: cost(A_prev, W_, b), W.copy()),
                numeric_gradient(lambda b_: cost(A_prev, W, b_), b.copy()),
                numeric_gradient(lambda A_: cost(A_, W, b), A_prev.copy()))
    got, problem = call_student(layer_backward, G.copy(), A_prev.copy(), W.copy(), b.copy())
    if problem:
        return report(False, "", f"{problem} {hint}")
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return report(False, "", "return three arrays, (dW, db, dA_prev), in that order.")
    arrays = []
    for value, name, reference in zip(got, ("dW", "db", "dA_prev"), expected):
        array, problem = read_array(value, name)
        if problem:
            return report(False, "", problem)
        if array.shape != reference.shape:
            if array.T.shape == reference.shape:
                return report(False, "", f"{name} is transposed: it must have the shape of what it is the gradient "
                                         f"of, {reference.shape}.")
            return report(False, "", f"{name} must have shape {reference.shape}, not {array.shape}.")
        arrays.append(array)
    names = ("dW", "db", "dA_prev")
    unmasked = (G.T @ A_prev, G.sum(axis=0), G @ W)
    for name, array, reference, plain in zip(names, arrays, expected, unmasked):
        if close(array, reference, rtol=1e-5, atol=1e-6):
            continue
        if close(array, plain, rtol=1e-5, atol=1e-6):
            return report(False, "", f"{name} ignores the ReLU: units that are switched off pass no gradient back.")
        if close(array, reference / len(G), rtol=1e-5, atol=1e-6):
            return report(False, "", f"{name} is divided by the number of examples, but this J is a plain sum "
                                     "over the batch, with no mean.")
        return report(False, "", f"{name} does not match finite differences of J. {hint}")
    return report(True, "all three gradients match finite differences of J.", hint)
