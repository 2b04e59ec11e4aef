"""Shared fixtures: a headless matplotlib, and small .npz files, good and bad, in tmp_path.

``tools/`` is put on the import path, so tests import the course's tools by name.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
os.environ["MPLBACKEND"] = "Agg"  # before anything imports matplotlib.pyplot

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.data import array_sha256  # noqa: E402

MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")


@pytest.fixture(autouse=True)
def _close_figures():
    """No figure outlives its test."""
    yield
    plt.close("all")


def tiny_mnist_arrays(seed=0):
    """MNIST-shaped uint8 arrays, 6 training and 4 test images."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
        "y_train": np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8),
        "x_test": rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8),
        "y_test": np.array([7, 2, 1, 0], dtype=np.uint8),
    }


def write_npz(path, arrays, compressed=False):
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return path


@pytest.fixture
def tiny_arrays():
    """The arrays inside ``good_npz``."""
    return tiny_mnist_arrays()


@pytest.fixture
def tiny_sha256(tiny_arrays):
    """The expected SHA-256 of each array in ``good_npz`` (as MNIST_ARRAY_SHA256 is for MNIST)."""
    return {key: array_sha256(value) for key, value in tiny_arrays.items()}


@pytest.fixture
def good_npz(tmp_path, tiny_arrays):
    return write_npz(tmp_path / "good.npz", tiny_arrays)


@pytest.fixture
def corrupted_npz(tmp_path, good_npz):
    """A good file with 16 bytes in the middle inverted."""
    raw = bytearray(good_npz.read_bytes())
    middle = len(raw) // 2
    for i in range(middle, middle + 16):
        raw[i] ^= 0xFF
    path = tmp_path / "corrupted.npz"
    path.write_bytes(bytes(raw))
    return path


@pytest.fixture
def truncated_npz(tmp_path, good_npz):
    """The first half of a good file, as after an interrupted download."""
    raw = good_npz.read_bytes()
    path = tmp_path / "truncated.npz"
    path.write_bytes(raw[: len(raw) // 2])
    return path


@pytest.fixture
def text_file(tmp_path):
    """Not an .npz at all (say, an HTML error page saved under the right name)."""
    path = tmp_path / "not_an.npz"
    path.write_text("<html><body>404 Not Found</body></html>\n")
    return path


@pytest.fixture
def wrong_keys_npz(tmp_path, tiny_arrays):
    """An .npz whose arrays have other names (y_test is missing)."""
    arrays = {("labels" if key == "y_test" else key): value for key, value in tiny_arrays.items()}
    return write_npz(tmp_path / "wrong_keys.npz", arrays)


@pytest.fixture
def wrong_hash_npz(tmp_path, tiny_arrays):
    """The right keys, shapes and dtypes, but x_test holds other pixels."""
    arrays = dict(tiny_arrays)
    arrays["x_test"] = 255 - tiny_arrays["x_test"]
    return write_npz(tmp_path / "wrong_hash.npz", arrays)
