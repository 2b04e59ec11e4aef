"""helpers.data: verified MNIST (found, downloaded or refused with a fix), subsets, toy sets, patches."""

import hashlib
import re
import shutil
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from helpers import config, data
from helpers.data import DataFileError

BAD_FILES = ["corrupted_npz", "truncated_npz", "text_file", "wrong_keys_npz", "wrong_hash_npz"]


def assert_names_file_and_fix(message, path):
    assert str(path) in message
    assert "Delete" in message
    assert "download" in message


# read_verified_npz ----------------------------------------------------------------------------


def test_read_verified_npz_accepts_good_file(good_npz, tiny_arrays, tiny_sha256):
    arrays = data.read_verified_npz(good_npz, tiny_sha256)
    assert sorted(arrays) == sorted(tiny_arrays)
    for key, expected in tiny_arrays.items():
        assert arrays[key].dtype == expected.dtype
        np.testing.assert_array_equal(arrays[key], expected)


def test_read_verified_npz_accepts_str_path(good_npz, tiny_sha256):
    assert set(data.read_verified_npz(str(good_npz), tiny_sha256)) == set(tiny_sha256)


@pytest.mark.parametrize("bad_file", BAD_FILES)
def test_read_verified_npz_rejects_bad_file_with_fix(request, bad_file, tiny_sha256):
    path = request.getfixturevalue(bad_file)
    with pytest.raises(DataFileError) as info:
        data.read_verified_npz(path, tiny_sha256)
    assert_names_file_and_fix(str(info.value), path)


def test_data_file_error_is_a_value_error():
    assert issubclass(DataFileError, ValueError)


def test_wrong_keys_message_lists_missing_key(wrong_keys_npz, tiny_sha256):
    with pytest.raises(DataFileError, match="lacks") as info:
        data.read_verified_npz(wrong_keys_npz, tiny_sha256)
    assert "y_test" in str(info.value)


def test_wrong_hash_message_names_array(wrong_hash_npz, tiny_sha256):
    with pytest.raises(DataFileError, match="SHA-256") as info:
        data.read_verified_npz(wrong_hash_npz, tiny_sha256)
    assert "'x_test'" in str(info.value)
    assert "'x_train'" not in str(info.value)


def _compressed_with_bad_deflate_block(path, arrays):
    """savez_compressed (as the real mnist.npz is) with the first deflate block header of x_train damaged."""
    np.savez_compressed(path, **arrays)
    raw = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", raw[26:30])  # the first local file header
    raw[30 + name_length + extra_length] = 0xFF  # block type 3 does not exist
    path.write_bytes(bytes(raw))
    return {key: data.array_sha256(value) for key, value in arrays.items()}


def _broken_npy_header(path, arrays):
    """An .npz whose first array header has its closing brace damaged."""
    np.savez(path, **arrays)
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"), }") + 3] ^= 0xFF
    path.write_bytes(bytes(raw))
    return {key: data.array_sha256(value) for key, value in arrays.items()}


def _unknown_compression_method(path, arrays):
    """An .npz whose zip directory names a compression method nobody implements."""
    np.savez(path, **arrays)
    raw = bytearray(path.read_bytes())
    entry = raw.index(b"PK\x01\x02")  # the first central-directory entry
    raw[entry + 10 : entry + 12] = (0x00FF).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    return {key: data.array_sha256(value) for key, value in arrays.items()}


@pytest.mark.parametrize(
    "damage", [_compressed_with_bad_deflate_block, _broken_npy_header, _unknown_compression_method]
)
def test_read_verified_npz_turns_any_corruption_into_data_file_error(tmp_path, tiny_arrays, damage):
    """Every way a file can be damaged gets the helpful DataFileError, not a bare zlib/tokenize error."""
    path = tmp_path / "damaged.npz"
    expected_sha256 = damage(path, tiny_arrays)
    with pytest.raises(DataFileError) as info:
        data.read_verified_npz(path, expected_sha256)
    assert_names_file_and_fix(str(info.value), path)


def test_array_sha256_matches_hashlib_and_ignores_memory_layout():
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert data.array_sha256(a) == hashlib.sha256(a.tobytes()).hexdigest()
    assert data.array_sha256(np.asfortranarray(a)) == data.array_sha256(a)


# Where MNIST is looked for --------------------------------------------------------------------


@pytest.fixture
def search_dirs(tmp_path, monkeypatch):
    """COURSE_DATA_DIR, data/ and the Keras cache, each an empty folder under tmp_path, in search order."""
    override, course_data, keras_home = tmp_path / "override", tmp_path / "data", tmp_path / "keras_home"
    monkeypatch.setenv("COURSE_DATA_DIR", str(override))
    monkeypatch.setattr(config, "DATA_DIR", course_data)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    folders = [override, course_data, keras_home / "datasets"]
    for folder in folders:
        folder.mkdir(parents=True)
    return folders


def test_search_dirs_order(search_dirs):
    assert data.mnist_search_dirs() == search_dirs


def test_search_dirs_without_course_data_dir(search_dirs, monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert data.mnist_search_dirs() == search_dirs[1:]


def test_keras_cache_defaults_to_home(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.keras_cache_dir() == tmp_path / ".keras" / "datasets"


def test_find_mnist_earlier_folder_wins(search_dirs, good_npz, monkeypatch):
    for folder in search_dirs:
        shutil.copy(good_npz, folder / data.MNIST_FILENAME)
    for folder in search_dirs:
        assert data.find_mnist(download=False) == folder / data.MNIST_FILENAME
        (folder / data.MNIST_FILENAME).unlink()
        monkeypatch.delenv("COURSE_DATA_DIR", raising=False)  # set, it must hold the file (see below)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_find_mnist_uses_later_folder_when_earlier_are_empty(search_dirs, good_npz, index, monkeypatch):
    if index > 0:
        monkeypatch.delenv("COURSE_DATA_DIR")  # set, it must hold the file (see below)
    shutil.copy(good_npz, search_dirs[index] / data.MNIST_FILENAME)
    assert data.find_mnist(download=False) == search_dirs[index] / data.MNIST_FILENAME


def test_find_mnist_without_download_names_every_folder(search_dirs):
    with pytest.raises(FileNotFoundError) as info:
        data.find_mnist(download=False)
    for folder in search_dirs:
        assert str(folder) in str(info.value)


def test_load_mnist_reports_bad_first_file_instead_of_skipping_it(
    search_dirs, corrupted_npz, good_npz, tiny_sha256, monkeypatch
):
    monkeypatch.setattr(data, "MNIST_ARRAY_SHA256", tiny_sha256)
    shutil.copy(corrupted_npz, search_dirs[0] / data.MNIST_FILENAME)
    shutil.copy(good_npz, search_dirs[1] / data.MNIST_FILENAME)
    with pytest.raises(DataFileError) as info:
        data.load_mnist()
    assert_names_file_and_fix(str(info.value), search_dirs[0] / data.MNIST_FILENAME)


# load_mnist on a tiny stand-in ------------------------------------------------------------------


@pytest.fixture
def tiny_is_mnist(monkeypatch, tiny_sha256):
    """Make the loader accept the tiny arrays as if they were MNIST."""
    monkeypatch.setattr(data, "MNIST_ARRAY_SHA256", tiny_sha256)


def test_load_mnist_scales_to_float32(tiny_is_mnist, good_npz, tiny_arrays):
    (x_train, y_train), (x_test, y_test) = data.load_mnist(path=good_npz)
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    np.testing.assert_allclose(x_train, tiny_arrays["x_train"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y_train, tiny_arrays["y_train"])
    np.testing.assert_array_equal(y_test, tiny_arrays["y_test"])


def test_load_mnist_options(tiny_is_mnist, good_npz, tiny_arrays):
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        path=good_npz, n_train=3, n_test=2, flatten=True, binarize=True, one_hot_labels=True, seed=1
    )
    assert x_train.shape == (3, 784) and x_test.shape == (2, 784)
    assert y_train.shape == (3, 10) and y_test.shape == (2, 10)
    assert set(np.unique(x_train)) <= {0.0, 1.0}
    sub_x, sub_y = data.subset(tiny_arrays["x_train"], tiny_arrays["y_train"], 3, seed=1)
    np.testing.assert_array_equal(x_train, (sub_x / 255.0 > 0.5).reshape(3, -1))
    np.testing.assert_array_equal(y_train.argmax(axis=1), sub_y)


def test_load_mnist_searches_when_no_path(tiny_is_mnist, search_dirs, good_npz, monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR")  # set, it must hold the file
    shutil.copy(good_npz, search_dirs[2] / data.MNIST_FILENAME)
    (x_train, _), _ = data.load_mnist()
    assert x_train.shape == (6, 28, 28)


def test_load_mnist_rejects_a_file_that_is_not_mnist(good_npz):
    """The real hashes are in force: the tiny file is refused."""
    with pytest.raises(DataFileError, match="SHA-256"):
        data.load_mnist(path=good_npz)


# Downloading (never over the network here) --------------------------------------------------------


@pytest.fixture
def keras_utils():
    return pytest.importorskip("keras").utils


class FakeGetFile:
    """Stands in for keras.utils.get_file: records its arguments, then copies ``source`` or raises ``error``."""

    def __init__(self, source=None, error=None):
        self.source, self.error, self.calls = source, error, []

    def __call__(self, fname, origin, file_hash=None, cache_dir=None, cache_subdir="datasets", **kwargs):
        self.calls.append(
            {
                "fname": fname,
                "origin": origin,
                "file_hash": file_hash,
                "cache_dir": cache_dir,
                "cache_subdir": cache_subdir,
            }
        )
        if self.error is not None:
            raise self.error
        target = Path(cache_dir) / cache_subdir / fname
        shutil.copy(self.source, target)
        return str(target)


def offline():
    return FakeGetFile(error=urllib.error.URLError("[Errno -3] Temporary failure in name resolution"))


def test_download_mnist_offline_says_where_to_put_the_file(keras_utils, monkeypatch, search_dirs, tmp_path):
    monkeypatch.setattr(keras_utils, "get_file", offline())
    target_dir = tmp_path / "new" / "folder"
    with pytest.raises(FileNotFoundError) as info:
        data.download_mnist(target_dir)
    message = str(info.value)
    assert str(target_dir / data.MNIST_FILENAME) in message
    assert "COURSE_DATA_DIR" in message
    assert data.MNIST_URL in message
    assert "Temporary failure in name resolution" in message
    assert list(target_dir.iterdir()) == []


def test_load_mnist_offline_with_no_copy_anywhere(keras_utils, monkeypatch, search_dirs):
    monkeypatch.delenv("COURSE_DATA_DIR")  # set to an empty folder, it is an error of its own (below)
    search_dirs = search_dirs[1:]
    fake = offline()
    monkeypatch.setattr(keras_utils, "get_file", fake)
    with pytest.raises(FileNotFoundError) as info:
        data.load_mnist()
    message = str(info.value)
    assert str(config.DATA_DIR / data.MNIST_FILENAME) in message
    for folder in search_dirs:
        assert str(folder / data.MNIST_FILENAME) in message
    assert "COURSE_DATA_DIR" in message and data.MNIST_URL in message
    for folder in search_dirs:
        assert list(folder.iterdir()) == []
    [call] = fake.calls
    assert call["origin"] == data.MNIST_URL
    assert call["file_hash"] == data.MNIST_FILE_SHA256
    assert Path(call["cache_dir"]).parent == config.DATA_DIR  # a temporary folder inside data/


def test_download_mnist_moves_verified_file_into_place(
    keras_utils, monkeypatch, tiny_is_mnist, good_npz, tmp_path, tiny_arrays
):
    monkeypatch.setattr(keras_utils, "get_file", FakeGetFile(source=good_npz))
    target_dir = tmp_path / "target"
    path = data.download_mnist(target_dir)
    assert path == target_dir / data.MNIST_FILENAME
    assert list(target_dir.iterdir()) == [path]
    np.testing.assert_array_equal(np.load(path)["x_test"], tiny_arrays["x_test"])


def test_load_mnist_downloads_once_into_data_dir(keras_utils, monkeypatch, tiny_is_mnist, search_dirs, good_npz):
    monkeypatch.delenv("COURSE_DATA_DIR")  # set, it must hold the file
    fake = FakeGetFile(source=good_npz)
    monkeypatch.setattr(keras_utils, "get_file", fake)
    (x_train, _), _ = data.load_mnist()
    assert x_train.shape == (6, 28, 28)
    assert list(config.DATA_DIR.iterdir()) == [config.DATA_DIR / data.MNIST_FILENAME]
    data.load_mnist()
    assert len(fake.calls) == 1  # the second call found the cached copy


@pytest.mark.parametrize("bad_file", ["wrong_hash_npz", "truncated_npz", "text_file"])
def test_download_that_fails_verification_leaves_nothing(
    keras_utils, monkeypatch, tiny_is_mnist, request, tmp_path, bad_file
):
    monkeypatch.setattr(keras_utils, "get_file", FakeGetFile(source=request.getfixturevalue(bad_file)))
    target_dir = tmp_path / "target"
    with pytest.raises(DataFileError):
        data.download_mnist(target_dir)
    assert list(target_dir.iterdir()) == []


def test_download_through_real_keras_get_file(monkeypatch, tiny_is_mnist, good_npz, tmp_path, capsys):
    """Keras' own get_file, fed from a file:// URL, lands the file in the target folder."""
    pytest.importorskip("keras")
    monkeypatch.setattr(data, "MNIST_URL", good_npz.as_uri())
    monkeypatch.setattr(data, "MNIST_FILE_SHA256", hashlib.sha256(good_npz.read_bytes()).hexdigest())
    target_dir = tmp_path / "target"
    path = data.download_mnist(target_dir)
    assert list(target_dir.iterdir()) == [path]
    assert data.read_verified_npz(path, data.MNIST_ARRAY_SHA256)


def test_failed_real_keras_get_file_leaves_nothing(monkeypatch, tmp_path, capsys):
    pytest.importorskip("keras")
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setattr(data, "MNIST_URL", missing.as_uri())
    target_dir = tmp_path / "target"
    with pytest.raises(FileNotFoundError, match="COURSE_DATA_DIR"):
        data.download_mnist(target_dir)
    assert list(target_dir.iterdir()) == []


# one_hot and subset ------------------------------------------------------------------------------


def test_one_hot_shapes_and_values():
    labels = np.array([3, 0, 9, 3], dtype=np.uint8)
    encoded = data.one_hot(labels)
    assert encoded.shape == (4, 10) and encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), labels)
    assert data.one_hot([1, 0], n_classes=3).tolist() == [[0, 1, 0], [1, 0, 0]]
    assert data.one_hot(np.array([], dtype=int)).shape == (0, 10)


@pytest.mark.parametrize(
    "labels, n_classes",
    [
        (np.array([0.0, 1.0]), 10),  # float labels
        (np.array([[0, 1], [1, 0]]), 10),  # 2-d input (already one-hot?)
        (np.array([0, 10]), 10),  # out of range above
        (np.array([-1, 2]), 10),  # out of range below
        (np.array([0, 3]), 3),
    ],
)
def test_one_hot_rejects_bad_labels(labels, n_classes):
    with pytest.raises(ValueError):
        data.one_hot(labels, n_classes)


def test_one_hot_range_error_says_range():
    with pytest.raises(ValueError, match=r"0\.\.9"):
        data.one_hot(np.array([0, 10]))


def test_subset_reproducible_and_ordered():
    x = np.arange(100)
    y = 2 * x
    sx, sy = data.subset(x, y, 10, seed=3)
    assert len(sx) == 10 and len(np.unique(sx)) == 10
    assert np.all(np.diff(sx) > 0)  # original order kept
    np.testing.assert_array_equal(sy, 2 * sx)  # pairs stay together
    again_x, _ = data.subset(x, y, 10, seed=3)
    np.testing.assert_array_equal(again_x, sx)
    other_x, _ = data.subset(x, y, 10, seed=4)
    assert not np.array_equal(other_x, sx)


@pytest.mark.parametrize("n", [None, 100, 1000])
def test_subset_of_everything_returns_all(n):
    x, y = np.arange(100), np.arange(100)
    sx, sy = data.subset(x, y, n)
    np.testing.assert_array_equal(sx, x)
    np.testing.assert_array_equal(sy, y)


@pytest.mark.parametrize("n", [0, -5])
def test_subset_needs_at_least_one(n):
    with pytest.raises(ValueError):
        data.subset(np.arange(10), np.arange(10), n)


# make_spiral ---------------------------------------------------------------------------------


def test_make_spiral_shapes_and_labels():
    X, y = data.make_spiral(n_per_class=40, n_classes=4)
    assert X.shape == (160, 2) and y.shape == (160,)
    assert np.issubdtype(y.dtype, np.integer)
    assert np.bincount(y).tolist() == [40, 40, 40, 40]
    assert np.abs(X).max() <= 1.0


def test_make_spiral_deterministic_by_seed():
    X1, y1 = data.make_spiral(seed=5)
    X2, y2 = data.make_spiral(seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(data.make_spiral(seed=6)[0], X1)


@pytest.mark.parametrize("kwargs", [{"n_per_class": 0}, {"n_classes": 1}, {"noise": -1.0}])
def test_make_spiral_rejects_bad_args(kwargs):
    with pytest.raises(ValueError):
        data.make_spiral(**kwargs)


def test_spiral_needs_a_hidden_layer():
    """What the lecture relies on: a linear classifier fails on the arms, a small MLP separates them."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    X, y = data.make_spiral()
    linear = LogisticRegression(max_iter=1000).fit(X, y).score(X, y)
    mlp = MLPClassifier(hidden_layer_sizes=(50,), max_iter=2000, random_state=0).fit(X, y).score(X, y)
    assert linear < 0.7
    assert mlp > 0.9


# sample_image_patches ----------------------------------------------------------------------------


def test_sample_image_patches_shape_range_and_variety():
    patches = data.sample_image_patches(50, size=6, seed=0)
    assert patches.shape == (50, 36) and patches.dtype == np.float32
    assert patches.min() >= 0.0 and patches.max() <= 1.0
    assert len(np.unique(patches, axis=0)) > 1
    assert patches.std() > 0.01


def test_sample_image_patches_reproducible_by_seed():
    first = data.sample_image_patches(20, size=8, seed=1)
    np.testing.assert_array_equal(data.sample_image_patches(20, size=8, seed=1), first)
    assert not np.array_equal(data.sample_image_patches(20, size=8, seed=2), first)


@pytest.mark.parametrize("n_patches, size", [(0, 8), (-1, 8), (5, 0), (5, 10_000)])
def test_sample_image_patches_rejects_bad_args(n_patches, size):
    with pytest.raises(ValueError):
        data.sample_image_patches(n_patches, size=size)



def test_sample_photo_is_a_reproducible_crop_of_a_bundled_photograph():
    from sklearn.datasets import load_sample_images

    crop = data.sample_photo(96, seed=3)
    assert crop.shape == (96, 96) and 0.0 <= crop.min() and crop.max() <= 1.0 and crop.std() > 0.01
    np.testing.assert_array_equal(data.sample_photo(96, seed=3), crop)
    grey = [img.astype(np.float64).mean(axis=2) / 255.0 for img in load_sample_images().images]
    windows = [np.lib.stride_tricks.sliding_window_view(img, (96, 96)) for img in grey]
    assert any(np.any(np.all(w == crop, axis=(2, 3))) for w in windows)  # it is a crop of one of them


@pytest.mark.parametrize("size", [0, 428])
def test_sample_photo_refuses_crops_that_do_not_fit(size):
    with pytest.raises(ValueError, match="does not fit"):
        data.sample_photo(size)

# The real MNIST (the shared copy CI points COURSE_DATA_DIR at) -------------------------------------


@pytest.fixture(scope="module")
def real_mnist_path():
    folder = config.course_data_dir()
    if folder is None:
        pytest.skip("COURSE_DATA_DIR is not set; CI sets it to ../shared/data, where a copy of mnist.npz lives")
    path = folder / data.MNIST_FILENAME
    if not path.is_file():
        pytest.skip(f"COURSE_DATA_DIR is set but holds no {data.MNIST_FILENAME} ({path})")
    return path


@pytest.fixture(scope="module")
def real_mnist(real_mnist_path):
    return data.load_mnist(path=real_mnist_path)


def test_real_mnist_is_found_first(real_mnist_path):
    assert data.find_mnist(download=False) == real_mnist_path


def test_real_mnist_shapes_and_range(real_mnist):
    (x_train, y_train), (x_test, y_test) = real_mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert x_test.min() == 0.0 and x_test.max() == 1.0


def test_real_mnist_sanity_figures(real_mnist):
    """The figures in ../shared/data/README.md."""
    (x_train, y_train), (_, y_test) = real_mnist
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    mean = x_train.mean(dtype=np.float64)
    mean_square = sum(np.square(chunk, dtype=np.float64).sum() for chunk in np.array_split(x_train, 6)) / x_train.size
    assert round(mean, 4) == 0.1307
    assert round(float(np.sqrt(mean_square - mean**2)), 4) == 0.3081


def test_real_mnist_options(real_mnist_path, real_mnist):
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        path=real_mnist_path, n_train=1000, n_test=500, flatten=True, binarize=True, one_hot_labels=True, seed=1
    )
    assert x_train.shape == (1000, 784) and x_test.shape == (500, 784)
    assert y_train.shape == (1000, 10) and y_test.shape == (500, 10)
    assert x_train.dtype == np.float32 and y_train.dtype == np.float32
    assert set(np.unique(x_train)) == {0.0, 1.0}
    assert set(np.unique(x_test)) == {0.0, 1.0}
    np.testing.assert_array_equal(y_train.sum(axis=1), 1.0)
    # the same seed draws the same examples as subset() on the full arrays
    (full_x, full_y), _ = real_mnist
    sub_x, sub_y = data.subset(full_x, full_y, 1000, seed=1)
    np.testing.assert_array_equal(x_train, (sub_x > 0.5).reshape(1000, 784))
    np.testing.assert_array_equal(y_train.argmax(axis=1), sub_y)


# data.balanced_subset -------------------------------------------------------------------------


def test_balanced_subset_has_equal_classes_in_original_order():
    y = np.repeat(np.arange(10), 50)[::-1].copy()
    x = np.arange(len(y))
    xs, ys = data.balanced_subset(x, y, 100, seed=0)
    assert len(xs) == 100 and np.array_equal(np.bincount(ys, minlength=10), np.full(10, 10))
    assert np.all(np.diff(xs) > 0)  # original order kept
    assert np.array_equal(y[xs], ys)
    again, _ = data.balanced_subset(x, y, 100, seed=0)
    other, _ = data.balanced_subset(x, y, 100, seed=1)
    assert np.array_equal(xs, again) and not np.array_equal(xs, other)


def test_balanced_subset_spreads_the_remainder():
    y = np.repeat(np.arange(3), 20)
    _, ys = data.balanced_subset(np.zeros((60, 2)), y, 8, seed=0)
    assert sorted(np.bincount(ys, minlength=3)) == [2, 3, 3]


def test_balanced_subset_bad_input():
    y = np.array([0, 0, 0, 1])
    with pytest.raises(ValueError, match="too few"):
        data.balanced_subset(np.zeros((4, 2)), y, 4)  # would need 2 of class 1
    with pytest.raises(ValueError, match="n must"):
        data.balanced_subset(np.zeros((4, 2)), y, 0)
    with pytest.raises(ValueError, match="n must"):
        data.balanced_subset(np.zeros((4, 2)), y, 5)
    with pytest.raises(ValueError, match="labels"):
        data.balanced_subset(np.zeros((4, 2)), y[:3], 2)


# binarize_stochastic (lectures 07 and 08) -----------------------------------------------------


def test_binarize_stochastic_draws_each_pixel_with_its_grey_level():
    grey = np.tile(np.linspace(0, 1, 11, dtype=np.float32), (20_000, 1))
    binary = data.binarize_stochastic(grey, seed=0)
    assert binary.dtype == np.float32 and binary.shape == grey.shape
    assert set(np.unique(binary)) <= {0.0, 1.0}
    assert np.allclose(binary.mean(axis=0), grey[0], atol=0.01)
    assert np.all(binary[:, 0] == 0) and np.all(binary[:, -1] == 1)


def test_binarize_stochastic_is_repeatable_by_seed_and_accepts_a_generator():
    x = np.random.default_rng(0).random((5, 28, 28))
    assert np.array_equal(data.binarize_stochastic(x, seed=3), data.binarize_stochastic(x, seed=3))
    assert not np.array_equal(data.binarize_stochastic(x, seed=3), data.binarize_stochastic(x, seed=4))
    gen = np.random.default_rng(3)
    assert np.array_equal(data.binarize_stochastic(x, seed=gen), data.binarize_stochastic(x, seed=3))
    assert data.binarize_stochastic(x).shape == (5, 28, 28)


@pytest.mark.parametrize("bad", [[0.5, 1.2], [-0.1, 0.5], [0.5, np.nan], [0, 255]])
def test_binarize_stochastic_refuses_values_outside_0_1(bad):
    with pytest.raises(ValueError, match="divide by 255"):
        data.binarize_stochastic(np.array(bad))


# Issue: missing, not a file, unreadable, damaged, wrong contents; COURSE_DATA_DIR; arguments ---


def test_a_missing_path_says_so_not_delete(tmp_path, tiny_sha256):
    missing = tmp_path / "nowhere" / "mnist.npz"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        data.read_verified_npz(missing, tiny_sha256)
    assert str(missing) in str(info.value) and "Delete" not in str(info.value)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_mnist(path=missing)


def test_a_folder_given_as_the_file_says_so_and_points_inside(tmp_path, good_npz, tiny_sha256):
    folder = tmp_path / "mnist_folder"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder, not a file") as info:
        data.read_verified_npz(folder, tiny_sha256)
    assert "Delete" not in str(info.value) and "truncated" not in str(info.value)
    shutil.copy(good_npz, folder / data.MNIST_FILENAME)
    with pytest.raises(IsADirectoryError) as info:
        data.load_mnist(path=folder)
    assert str(folder / data.MNIST_FILENAME) in str(info.value)


def test_an_unreadable_file_says_permission_not_delete(good_npz, tiny_sha256, monkeypatch):
    monkeypatch.setattr(data.os, "access", lambda path, mode: False)
    with pytest.raises(PermissionError, match="cannot be read") as info:
        data.read_verified_npz(good_npz, tiny_sha256)
    assert str(good_npz) in str(info.value) and "chmod" in str(info.value) and "Delete" not in str(info.value)


def test_an_unreadable_file_for_real(good_npz, tiny_sha256):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    good_npz.chmod(0)
    try:
        with pytest.raises(PermissionError, match="cannot be read"):
            data.read_verified_npz(good_npz, tiny_sha256)
    finally:
        good_npz.chmod(0o644)


def test_a_folder_named_mnist_npz_in_data_is_an_error_not_a_download_target(
    keras_utils, monkeypatch, tiny_is_mnist, search_dirs, good_npz
):
    monkeypatch.delenv("COURSE_DATA_DIR")
    fake = FakeGetFile(source=good_npz)
    monkeypatch.setattr(keras_utils, "get_file", fake)
    blocker = config.DATA_DIR / data.MNIST_FILENAME
    blocker.mkdir()
    for _ in range(2):  # the second run says the same, no shutil.Error
        with pytest.raises(IsADirectoryError, match="is a folder") as info:
            data.load_mnist()
        assert str(blocker) in str(info.value)
    with pytest.raises(IsADirectoryError, match="remove or rename that folder"):
        data.download_mnist(config.DATA_DIR)
    assert fake.calls == [] and list(blocker.iterdir()) == []


def test_download_into_a_file_is_refused(tmp_path, keras_utils, monkeypatch, good_npz):
    monkeypatch.setattr(keras_utils, "get_file", FakeGetFile(source=good_npz))
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        data.download_mnist(a_file)


@pytest.mark.parametrize(("setup", "error", "says"), [
    (lambda d: None, FileNotFoundError, "does not exist"),
    (lambda d: d.write_text("x"), NotADirectoryError, "is a file, not a folder"),
    (lambda d: d.mkdir(), FileNotFoundError, "holds no mnist.npz"),
    (lambda d: (d / "mnist.npz").mkdir(parents=True), IsADirectoryError, "is a folder, not a file"),
])
def test_a_bad_course_data_dir_is_an_error_that_names_the_variable(search_dirs, monkeypatch, tmp_path, good_npz,
                                                                   setup, error, says):
    shutil.copy(good_npz, search_dirs[1] / data.MNIST_FILENAME)  # a good copy later on is not used silently
    override = tmp_path / "elsewhere"
    setup(override)
    monkeypatch.setenv("COURSE_DATA_DIR", str(override))
    with pytest.raises(error, match=says) as info:
        data.find_mnist(download=False)
    assert "COURSE_DATA_DIR" in str(info.value) and str(override) in str(info.value)


@pytest.mark.parametrize(("kwargs", "says"), [
    (dict(n_train=2.5), "n_train must be a whole number or None, got 2.5"),
    (dict(n_train="100"), "n_train must be a whole number or None, got '100'"),
    (dict(n_test=0), "n_test must be at least 1, got 0"),
    (dict(n_train=True), "n_train must be a whole number"),
    (dict(seed=-1), "seed must be at least 0, got -1"),
    (dict(seed=1.5), "seed must be a whole number"),
    (dict(flatten="yes"), "flatten must be True or False"),
    (dict(path=3), "path must be the path of mnist.npz"),
])
def test_load_mnist_bad_arguments_get_a_clear_error(kwargs, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        data.load_mnist(**kwargs)


def test_load_mnist_takes_numpy_integers(tiny_is_mnist, good_npz):
    (x_train, _), (x_test, _) = data.load_mnist(path=good_npz, n_train=np.int64(3), n_test=np.int32(2),
                                                seed=np.uint8(1))
    assert len(x_train) == 3 and len(x_test) == 2


@pytest.mark.parametrize("n", [2.5, "3", True])
def test_subset_refuses_what_is_not_a_count(n):
    with pytest.raises(ValueError, match="whole number"):
        data.subset(np.arange(10), np.arange(10), n)
