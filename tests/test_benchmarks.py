"""Benchmarks that run a notebook's own code find that code (the benchmarks themselves are not run by CI).

Each check runs in a fresh Python: a notebook's import cell sets up the course (seeds, plot style),
which must not leak into the other tests."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import config

REPO_ROOT = Path(__file__).resolve().parent.parent

VAE_RECIPE_CHECK = """
import inspect, sys
sys.path.insert(0, "benchmarks")
import vae_recipe
nb = vae_recipe.notebook_definitions()
assert {"VAE", "train_vae", "elbo_and_likelihood", "keras"} <= set(nb), sorted(nb)
settings = inspect.signature(nb["train_vae"]).parameters
assert {"batch_size", "learning_rate"} <= set(settings), list(settings)
for _, changes in vae_recipe.CONFIGURATIONS.values():
    assert set(changes) <= set(vae_recipe.BASELINE), changes
print("found")
"""


def test_vae_recipe_runs_notebook_07s_own_model_and_training():
    done = subprocess.run([sys.executable, "-c", VAE_RECIPE_CHECK], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("found"), done.stderr[-2000:]


MLP_RECIPE_CHECK = """
import sys
import numpy as np
sys.path.insert(0, "benchmarks")
import mlp_recipe, recipes
nb = recipes.notebook_definitions("01", mlp_recipe.DEFINITIONS)
assert {"init_params", "gradient_descent", "cross_entropy_cost", "predict_classes"} <= set(nb), sorted(nb)
for _, changes in mlp_recipe.CONFIGURATIONS.values():
    assert set(changes) <= set(mlp_recipe.BASELINE), changes
rng = np.random.default_rng(0)
x, y = 0.1 * rng.random((300, 784), dtype=np.float32), np.arange(300) % 10
for image, label in zip(x, y):
    image[50 * label:50 * label + 50] = 1.0  # a bright band of pixels per class: learnable in two epochs
settings = {**mlp_recipe.BASELINE, "epochs": 2, "hidden": 16, "batch_size": 10}
final, best, best_epoch, seconds = mlp_recipe.run(settings, nb, x[:200], y[:200], x[200:], y[200:])
assert 0.5 < final <= best <= 1.0 and best_epoch in (1, 2) and seconds > 0, (final, best, best_epoch)
print("found")
"""

CNN_RECIPE_CHECK = """
import sys
import numpy as np
sys.path.insert(0, "benchmarks")
import cnn_recipe, recipes
from helpers import cnn
layers = recipes.notebook_definitions("05", ("mnist_layers = cnn.pattern(",))["mnist_layers"]
assert cnn.to_keras((28, 28, 1), layers).count_params() == 218_490  # the count notebook 05 prints
for _, changes in cnn_recipe.CONFIGURATIONS.values():
    assert set(changes) <= set(cnn_recipe.BASELINE), changes
rng = np.random.default_rng(0)
x, y = rng.random((48, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, 48)
for shift in (0, 2):
    curve, seconds = cnn_recipe.run({**cnn_recipe.BASELINE, "epochs": 2, "shift": shift}, layers, x[:32], y[:32],
                                    x[32:], y[32:])
    assert len(curve) == 2 and all(0.0 <= a <= 1.0 for a in curve) and seconds > 0, curve
print("found")
"""


def test_mlp_recipe_trains_notebook_01s_own_network():
    done = subprocess.run([sys.executable, "-c", MLP_RECIPE_CHECK], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("found"), done.stderr[-2000:]


def test_cnn_recipe_trains_notebook_05s_layers_with_and_without_shifts():
    done = subprocess.run([sys.executable, "-c", CNN_RECIPE_CHECK], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("found"), done.stderr[-2000:]


def test_rnn_mnist_recipe_trains_notebook_06s_classifiers():
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import rnn_mnist_recipe
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    softmax = 128 * 10 + 10
    # gates (with their biases) of 128 units reading 28 pixels and their own 128 outputs
    expected = {"RNN": 1 * 128 * (28 + 128 + 1), "LSTM": 4 * 128 * (28 + 128 + 1),
                "GRU": 3 * 128 * (28 + 128 + 2), "MGU": 2 * 128 * (28 + 128 + 1)}  # Keras' GRU: two bias vectors
    for cell, recurrent in expected.items():
        model = rnn_mnist_recipe.classifier(cell)
        assert model.count_params() == recurrent + softmax, cell
        assert model(np.zeros((2, 28, 28), np.float32)).shape == (2, 10)
    for _, changes in rnn_mnist_recipe.CONFIGURATIONS.values():
        assert set(changes) <= set(rnn_mnist_recipe.BASELINE), changes


def test_marked_recall_recipe_trains_notebook_06s_memory_models():
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import marked_recall_recipe
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    # the parameter counts notebook 06 prints for its 32-unit cells on 9 input channels, 8 symbols out
    expected = {"LSTM": 5640, "GRU": 4392, "MGU": 2952, "bidirectional RNN": 3208}
    for name, _ in marked_recall_recipe.HARD_CASES:
        model = marked_recall_recipe.recurrent_model(name)
        assert model.count_params() == expected[name], name
        assert model(np.zeros((2, 15, 9), np.float32)).shape == (2, 8)
    for _, changes in marked_recall_recipe.CONFIGURATIONS.values():
        assert set(changes) <= set(marked_recall_recipe.BASELINE), changes


def test_recipe_benchmarks_choose_configurations_and_append_their_table(tmp_path, capsys):
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import recipes
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    configurations = {"baseline": ("as it is", {}), "short": ("fewer epochs", {"epochs": 2})}
    parser = recipes.command_line("doc", configurations)
    assert recipes.chosen(parser, configurations, [])[1] == ["baseline", "short"]
    assert recipes.chosen(parser, configurations, ["short"])[1] == ["short"]
    assert recipes.chosen(parser, configurations, ["--list"])[1] == []
    assert "fewer epochs" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        recipes.chosen(parser, configurations, ["longer"])

    path = tmp_path / "results.md"
    path.write_text("# earlier runs\n", encoding="utf-8")
    table = recipes.ResultsTable(path, "10 validation images", ["configuration", "error"])
    table.row("short", "3.86")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# earlier runs" and lines[2].startswith("## ") and lines[2].endswith("10 validation images")
    assert config.machine_description() in lines[2]  # the processor that measured the times
    assert lines[-3:] == ["| configuration | error |", "|---|---|", "| short | 3.86 |"]


def test_xla_benchmark_trains_each_model_and_refuses_unknown_names(capsys):
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import xla
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    rng = np.random.default_rng(0)
    images, labels = rng.random((32, 28, 28), dtype=np.float32), rng.integers(0, 10, 32)
    for name in ("dense-ae", "denoising-ae", "deep-ae", "cnn", "lstm", "mgu"):
        first, second = xla.time_epochs(name, False, images, labels)
        assert first > 0 and second > 0, name
    assert min(xla.time_epochs("dense-ae", True, images, labels)) > 0
    with pytest.raises(SystemExit):
        xla.main(["no-such-model"])
    assert "unknown model(s) no-such-model" in capsys.readouterr().err
