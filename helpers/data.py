"""Data for the course: MNIST (found or downloaded, always verified), toy sets, image patches.

``load_mnist`` looks for ``mnist.npz`` in, in order:

1. the folder named by ``COURSE_DATA_DIR`` (CI points it at a shared copy),
2. the course's ``data/`` folder,
3. Keras' own cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``),

and otherwise downloads it with Keras' machinery into ``data/``. Whatever it finds, it checks
the SHA-256 of every array's bytes against the official MNIST before use.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from . import config

MNIST_FILENAME = "mnist.npz"
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_FILE_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
"""SHA-256 of the file Keras downloads (Keras checks it; we then check every array)."""

MNIST_ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
"""SHA-256 of each array's raw bytes: the same for any container file holding official MNIST."""


class DataFileError(ValueError):
    """A data file exists but cannot be used (truncated, corrupt, wrong keys or contents)."""


def array_sha256(array):
    """SHA-256 (hex) of an array's raw bytes in C order."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def keras_cache_dir():
    """Where ``keras.datasets`` caches its downloads."""
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home).expanduser() / "datasets"


def mnist_search_dirs():
    """The folders searched for ``mnist.npz``, in order."""
    override = config.course_data_dir()
    dirs = [override] if override is not None else []
    return dirs + [config.DATA_DIR, keras_cache_dir()]


def _fix_advice(path):
    return (
        f"Delete {path} and run again to download a fresh copy, or replace it with a good "
        f"copy of {MNIST_FILENAME} (from {MNIST_URL})."
    )


def readable_file(path):
    """Raise the right error, naming ``path`` and the fix, unless it is a file this process can read.

    ``FileNotFoundError`` when nothing is there, ``IsADirectoryError`` for a folder,
    ``PermissionError`` when it cannot be read; other things (a device, a socket) get an ``OSError``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist. Check the path (and the folder it is in), or leave path=None to let "
            f"load_mnist find {MNIST_FILENAME} (or download it)."
        )
    if path.is_dir():
        inside = path / MNIST_FILENAME
        raise IsADirectoryError(
            f"{path} is a folder, not a file: give the path of the file itself"
            + (f", {inside}." if inside.is_file() else f" (the folder holds no {MNIST_FILENAME}).")
        )
    if not path.is_file():
        raise OSError(f"{path} is not a regular file: give the path of a copy of {MNIST_FILENAME}.")
    if not os.access(path, os.R_OK):
        raise PermissionError(
            f"{path} exists but cannot be read (permission denied). Make it readable (e.g. chmod u+r {path}), "
            f"or copy {MNIST_FILENAME} to a folder of yours and point COURSE_DATA_DIR at that folder."
        )
    return path


def read_verified_npz(path, expected_sha256):
    """Read the arrays named in ``expected_sha256`` from an .npz file and verify each one.

    Returns a dict of arrays. A path that is missing, a folder or unreadable gets the matching
    ``OSError`` from ``readable_file``; a file that is damaged (not a readable .npz) or holds
    other data (a key missing, an array's SHA-256 different) gets a ``DataFileError``; each names
    the file and the fix.
    """
    path = readable_file(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = sorted(set(expected_sha256) - set(npz.files))
            if missing:
                raise DataFileError(
                    f"{path} has the arrays {sorted(npz.files)} but lacks {missing}: it is not "
                    f"the MNIST file this course expects. {_fix_advice(path)}"
                )
            arrays = {key: npz[key] for key in expected_sha256}
    except DataFileError:
        raise
    except PermissionError as err:
        raise PermissionError(f"{path} cannot be read ({err}): make it readable, or use another copy.") from err
    except Exception as err:  # zip, zlib and header errors alike: the file is damaged
        raise DataFileError(
            f"{path} is not a readable .npz file (truncated or corrupt, perhaps an interrupted "
            f"download): {err}. {_fix_advice(path)}"
        ) from err
    for key, expected in expected_sha256.items():
        actual = array_sha256(arrays[key])
        if actual != expected:
            raise DataFileError(
                f"{path}: the array {key!r} has SHA-256 {actual[:12]}..., not the expected "
                f"{expected[:12]}...: the file is corrupt or holds other data. {_fix_advice(path)}"
            )
    return arrays


def download_mnist(target_dir=None):
    """Download ``mnist.npz`` with Keras into ``target_dir`` (default ``data/``), verified.

    The download goes to a temporary folder first and is moved into place only after every
    array has been verified, so an interrupted or bad download leaves nothing behind.
    """
    import keras

    target_dir = Path(target_dir or config.DATA_DIR)
    if target_dir.exists() and not target_dir.is_dir():
        raise NotADirectoryError(f"{target_dir} is a file, not a folder, so {MNIST_FILENAME} cannot be downloaded "
                                 f"into it: move that file away, then run again.")
    target = target_dir / MNIST_FILENAME
    if target.exists() and not target.is_file():
        raise IsADirectoryError(f"{target} is a folder, not a file, so the download cannot be saved under that "
                                f"name: remove or rename that folder, then run again.")
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".download-") as tmp:
        try:
            fetched = keras.utils.get_file(
                fname=MNIST_FILENAME,
                origin=MNIST_URL,
                file_hash=MNIST_FILE_SHA256,
                cache_dir=tmp,
                cache_subdir="",
            )
        except Exception as err:
            searched = "\n".join(f"  {d / MNIST_FILENAME}" for d in mnist_search_dirs())
            raise FileNotFoundError(
                f"MNIST is not on this machine and the download from {MNIST_URL} failed "
                f"({type(err).__name__}: {err}).\nLooked for:\n{searched}\n"
                f"Fix: connect to the internet and run again, or copy {MNIST_FILENAME} to "
                f"{target} (or set COURSE_DATA_DIR to the folder that holds it)."
            ) from err
        try:
            read_verified_npz(fetched, MNIST_ARRAY_SHA256)
        except DataFileError as err:
            raise DataFileError(
                f"The file downloaded from {MNIST_URL} is not the official MNIST ({err}); it was "
                f"discarded. Run again later, or copy a good {MNIST_FILENAME} to {target}."
            ) from err
        os.replace(fetched, target)  # a file onto a file name, never into a folder
    return target


def _course_data_dir_file():
    """``mnist.npz`` in the folder ``COURSE_DATA_DIR`` names, or None when the variable is unset.

    Set, it must name a folder that holds the file: anything else is an error that names the variable."""
    folder = config.course_data_dir()
    if folder is None:
        return None
    setting = f"COURSE_DATA_DIR is set to {os.environ.get('COURSE_DATA_DIR', '').strip()!r} ({folder})"
    others = f"{config.DATA_DIR} and {keras_cache_dir()}"
    if not folder.exists():
        raise FileNotFoundError(f"{setting}, which does not exist. Set it to the folder that holds {MNIST_FILENAME}, "
                                f"or unset it to look in {others} (and download there if need be).")
    if not folder.is_dir():
        raise NotADirectoryError(f"{setting}, which is a file, not a folder. Set COURSE_DATA_DIR to the folder that "
                                 f"holds {MNIST_FILENAME}, or unset it to look in {others}.")
    candidate = folder / MNIST_FILENAME
    if not candidate.exists():
        raise FileNotFoundError(f"{setting}, but that folder holds no {MNIST_FILENAME}. Copy {MNIST_FILENAME} into "
                                f"it, or unset COURSE_DATA_DIR to look in {others} (and download there if need be).")
    try:
        return readable_file(candidate)
    except OSError as err:
        raise type(err)(f"{err} (It was found through COURSE_DATA_DIR.)") from None


def find_mnist(download=True):
    """Path of the first ``mnist.npz`` on the search path, downloading it if there is none.

    A ``COURSE_DATA_DIR`` that is set must hold the file (see ``_course_data_dir_file``); a
    folder named ``mnist.npz`` where the file should be is an error that says so."""
    override = _course_data_dir_file()
    if override is not None:
        return override
    for folder in mnist_search_dirs():
        candidate = folder / MNIST_FILENAME
        if candidate.is_file():
            return readable_file(candidate)
        if candidate.exists():
            readable_file(candidate)  # a folder or something else where the file should be: say so
    if not download:
        searched = ", ".join(str(d) for d in mnist_search_dirs())
        raise FileNotFoundError(f"No {MNIST_FILENAME} in {searched}.")
    return download_mnist()


def one_hot(labels, n_classes=10):
    """Integer labels, shape (n,), to one-hot rows, shape (n, n_classes), float32."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"one_hot expects a 1-d array of integer labels, got {labels.dtype} {labels.shape}.")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"Labels must lie in 0..{n_classes - 1}, got {labels.min()}..{labels.max()}.")
    return np.eye(n_classes, dtype=np.float32)[labels]


def _whole(name, value, least, none=False):
    """``value`` as an int if it is a whole number >= ``least`` (or None where ``none``), else a
    ValueError that names the argument."""
    if value is None and none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        kind = "a whole number" + (" or None" if none else "")
        raise ValueError(f"{name} must be {kind}, got {value!r} ({type(value).__name__}).")
    if value < least:
        raise ValueError(f"{name} must be at least {least}, got {value}.")
    return int(value)


def subset(x, y, n, seed=0):
    """A random subset of ``n`` examples (same draw for the same seed), in the original order."""
    n = _whole("n (the number of examples)", n, 1, none=True)
    if not isinstance(seed, np.random.Generator):
        seed = _whole("seed", seed, 0)
    if n is None or n >= len(x):
        return x, y
    keep = np.sort(np.random.default_rng(seed).choice(len(x), size=n, replace=False))
    return x[keep], y[keep]


def load_mnist(*, n_train=None, n_test=None, flatten=False, binarize=False, one_hot_labels=False, seed=0, path=None):
    """MNIST as float32 images in [0, 1] with their labels.

    Returns ``(x_train, y_train), (x_test, y_test)``. Images have shape (n, 28, 28), or
    (n, 784) with ``flatten=True``; ``binarize=True`` thresholds them at 0.5. Labels are
    uint8 digits, shape (n,), or float32 one-hot rows, shape (n, 10), with
    ``one_hot_labels=True``. ``n_train``/``n_test`` take a random subset (fixed by ``seed``).
    ``path`` reads a given file instead of searching; it is verified all the same.
    """
    n_train, n_test = _whole("n_train", n_train, 1, none=True), _whole("n_test", n_test, 1, none=True)
    seed = _whole("seed", seed, 0)
    for name, value in (("flatten", flatten), ("binarize", binarize), ("one_hot_labels", one_hot_labels)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {value!r}.")
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be the path of {MNIST_FILENAME} (a str or Path) or None, got {path!r}.")
    path = Path(path) if path is not None else find_mnist()
    arrays = read_verified_npz(path, MNIST_ARRAY_SHA256)
    splits = []
    for split, n in (("train", n_train), ("test", n_test)):
        x, y = subset(arrays[f"x_{split}"], arrays[f"y_{split}"], n, seed=seed)
        x = x.astype(np.float32) / 255.0
        if binarize:
            x = (x > 0.5).astype(np.float32)
        if flatten:
            x = x.reshape(len(x), -1)
        if one_hot_labels:
            y = one_hot(y, 10)
        splits.append((x, y))
    return tuple(splits)


def make_spiral(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    """The lectures' spiral toy set: ``n_classes`` interleaved arms in the plane.

    Returns ``X`` of shape (n_per_class * n_classes, 2), float64 in about [-1, 1], and
    integer labels ``y`` of shape (n_per_class * n_classes,). A linear classifier cannot
    separate the arms; a small network can.
    """
    if n_per_class < 1 or n_classes < 2:
        raise ValueError("make_spiral needs n_per_class >= 1 and n_classes >= 2.")
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    angle = labels * (2 * np.pi / n_classes) + radius * 4.0 + rng.normal(0.0, noise, radius.shape)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return X, labels


def sample_image_patches(n_patches, size=8, seed=0):
    """Random grey-level patches from scikit-learn's two bundled photographs (no download).

    Returns float32 patches of shape (n_patches, size * size) with values in [0, 1], each
    patch flattened row by row, drawn uniformly from both images (china.jpg, flower.jpg).
    """
    from sklearn.datasets import load_sample_images

    if n_patches < 1:
        raise ValueError(f"n_patches must be at least 1, got {n_patches}.")
    images = [img.astype(np.float32).mean(axis=2) / 255.0 for img in load_sample_images().images]
    if not 1 <= size <= min(min(img.shape) for img in images):
        raise ValueError(f"Patch size {size} does not fit in the sample photographs.")
    rng = np.random.default_rng(seed)
    which = rng.integers(len(images), size=n_patches)
    patches = np.empty((n_patches, size * size), dtype=np.float32)
    for i, k in enumerate(which):
        img = images[k]
        r = rng.integers(img.shape[0] - size + 1)
        c = rng.integers(img.shape[1] - size + 1)
        patches[i] = img[r : r + size, c : c + size].ravel()
    return patches


def sample_photo(size, seed=0):
    """A random ``size`` x ``size`` grey-level crop (float64 in [0, 1]) of one of scikit-learn's
    two bundled photographs (china.jpg, flower.jpg), chosen by ``seed``; no download."""
    from sklearn.datasets import load_sample_images

    images = [img.astype(np.float64).mean(axis=2) / 255.0 for img in load_sample_images().images]
    if not 1 <= size <= min(min(img.shape) for img in images):
        raise ValueError(f"A crop of {size}x{size} does not fit in the sample photographs (427x640); "
                         f"ask for 1 to 427 pixels.")
    rng = np.random.default_rng(seed)
    img = images[rng.integers(len(images))]
    r, c = rng.integers(img.shape[0] - size + 1), rng.integers(img.shape[1] - size + 1)
    return img[r : r + size, c : c + size]


# Labelled subsets with the same number of each class (notebook 03's pretraining) ----------------


def balanced_subset(x, y, n, seed=0):
    """``n`` examples with the classes of ``y`` as equally represented as possible.

    Every class gets ``n // k`` examples (``k`` classes), and ``n % k`` randomly chosen classes one
    more; within a class the examples are drawn at random (fixed by ``seed``). Returns
    ``(x, y)`` subsets in the original order, as ``subset`` does. For a semi-supervised demo
    with few labels, so that 100 labels means 10 of each digit.
    """
    y = np.asarray(y)
    if y.ndim != 1 or len(x) != len(y):
        raise ValueError(f"balanced_subset needs integer labels of shape (n,) for {len(x)} examples, got {y.shape}.")
    classes, counts = np.unique(y, return_counts=True)
    if not 1 <= n <= len(y):
        raise ValueError(f"n must lie in 1..{len(y)}, got {n}.")
    rng = np.random.default_rng(seed)
    wanted = np.full(len(classes), n // len(classes))
    wanted[rng.choice(len(classes), size=n % len(classes), replace=False)] += 1
    if np.any(wanted > counts):
        short = classes[np.argmax(wanted - counts)]
        raise ValueError(f"Class {short} has too few examples for a balanced subset of {n}.")
    keep = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), size=k, replace=False) for c, k in zip(classes, wanted)]
    )
    keep = np.sort(keep)
    return x[keep], y[keep]


# Notebook 07: variational autoencoders (stochastic binarization) ------------------------------


def binarize_stochastic(x, seed=0):
    """Binary images drawn pixel by pixel: each pixel is 1 with probability equal to its grey level.

    ``x`` holds grey levels in [0, 1] (any shape); returns a float32 array of 0s and 1s of the
    same shape. ``seed`` is an integer (the same seed gives the same draw) or a
    ``numpy.random.Generator``. Binarized MNIST for likelihood figures in nats: one fixed draw
    for the test set; a fresh draw for every training batch ("dynamic binarization").
    """
    x = np.asarray(x, dtype=np.float32)
    if x.size and (not np.all(np.isfinite(x)) or x.min() < 0.0 or x.max() > 1.0):
        raise ValueError(
            f"binarize_stochastic needs grey levels in [0, 1] (probabilities), got values in "
            f"{np.nanmin(x):.3g}..{np.nanmax(x):.3g}: scale the images to [0, 1] first (divide by 255)."
        )
    draw = np.random.default_rng(seed).random(x.shape, dtype=np.float32)
    return (draw < x).astype(np.float32)
