"""`python -m helpers.doctor` and the device line of setup(): what a student pastes into a question."""

import os
import subprocess
import sys
import types

import numpy as np
import pytest

from helpers import config, data, doctor


@pytest.fixture
def search_only(monkeypatch, tmp_path):
    """MNIST is looked for in two empty folders of tmp_path only."""
    folders = [tmp_path / "course-data", tmp_path / "keras-cache"]
    for folder in folders:
        folder.mkdir()
    monkeypatch.setattr(data, "mnist_search_dirs", lambda: list(folders))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    return folders


def fake_tensorflow(gpus, details=None, fail=False):
    """A stand-in for the parts of TensorFlow that device_line reads."""

    def get_device_details(device):
        if fail:
            raise RuntimeError("no details")
        return details or {}

    experimental = types.SimpleNamespace(get_device_details=get_device_details)
    tf_config = types.SimpleNamespace(list_physical_devices=lambda kind: list(gpus) if kind == "GPU" else [],
                                      experimental=experimental)
    return types.SimpleNamespace(config=tf_config)


# The device line --------------------------------------------------------------------------------


def test_device_line_here_names_the_cpu_cores():
    line = config.device_line()  # this machine and CI have no GPU
    cores = len(config.os.sched_getaffinity(0))
    assert line == f"Device: CPU, {cores} core{'s' if cores != 1 else ''} (TensorFlow sees no GPU)"


def test_device_line_names_the_gpu(monkeypatch):
    gpu = types.SimpleNamespace(name="/physical_device:GPU:0")
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tensorflow([gpu], {"device_name": "Tesla T4"}))
    assert config.device_line() == "Device: GPU Tesla T4"
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tensorflow([gpu, gpu], {"device_name": "NVIDIA A100"}))
    assert config.device_line() == "Device: GPU NVIDIA A100 (and 1 more)"
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tensorflow([gpu], fail=True))
    assert config.device_line() == "Device: GPU /physical_device:GPU:0"


def test_setup_prints_the_device_line(capsys):
    import matplotlib as mpl

    with mpl.rc_context():
        config.setup(0)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Course mode:") and out[1].startswith("Device: ")


def test_helpers_and_the_doctor_work_when_tensorflow_is_broken(tmp_path):
    """helpers loads TensorFlow quietly when it can; a missing or broken TensorFlow must not stop
    ``python -m helpers.doctor``, which is there to diagnose exactly that."""
    broken = tmp_path / "tensorflow"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('a broken TensorFlow')\n")
    code = "import os, helpers, helpers.doctor; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == config.TENSORFLOW_SETTINGS["TF_CPP_MIN_LOG_LEVEL"]


# The report -------------------------------------------------------------------------------------


def test_report_without_mnist_says_where_it_looked(search_only, capsys):
    assert doctor.main() == 0
    out = capsys.readouterr().out
    assert "MNIST: not on this machine yet" in out
    for folder in search_only:
        assert str(folder / "mnist.npz") in out
    assert "Device: " in out and "keras" in out and f"Python: {sys.version.split()[0]}" in out
    assert out.rstrip().endswith("All set.")


def test_report_verifies_a_good_copy(search_only, monkeypatch, tmp_path, capsys):
    from conftest import tiny_mnist_arrays

    arrays = tiny_mnist_arrays()
    path = search_only[1] / "mnist.npz"
    np.savez(path, **arrays)
    monkeypatch.setattr(data, "MNIST_ARRAY_SHA256", {key: data.array_sha256(a) for key, a in arrays.items()})
    assert doctor.main() == 0
    assert f"MNIST: {path}, verified" in capsys.readouterr().out


def test_report_refuses_a_damaged_copy(search_only, capsys):
    path = search_only[0] / "mnist.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert f"MNIST: {path} is NOT usable" in out and "Delete" in out
    assert "Something above needs fixing" in out


def test_report_names_a_course_data_dir_without_mnist(search_only, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "course-data"))  # exists, holds no mnist.npz
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "MNIST: NOT found" in out and "COURSE_DATA_DIR" in out


def test_report_survives_a_tensorflow_that_does_not_import(search_only, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow now raises ImportError
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "Device: unknown, TensorFlow does not import" in out and "Colab" in out


def test_versions_name_the_pin_where_they_differ(monkeypatch):
    real = doctor.metadata.version
    monkeypatch.setattr(doctor.metadata, "version", lambda name: "0.0.1" if name == "keras" else real(name))
    lines = doctor.version_lines({"keras": "3.12.4", "nbval": "0.11.0"})
    keras_line = next(line for line in lines if line.split()[0] == "keras")
    assert "0.0.1" in keras_line and "the course pins 3.12.4" in keras_line and "pip install -r" in keras_line
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-2026")
    keras_line = next(line for line in doctor.version_lines({"keras": "3.12.4"}) if line.split()[0] == "keras")
    assert "Google Colab brings its own" in keras_line


def test_pinned_versions_reads_requirements_txt():
    pins = doctor.pinned_versions()
    assert pins["keras"] and pins["numpy"] and ("tensorflow" in pins) != ("tensorflow-cpu" in pins)


@pytest.mark.parametrize(
    ("environ", "place"),
    [({}, "this machine"), ({"COLAB_RELEASE_TAG": "x"}, "Google Colab"), ({"KAGGLE_KERNEL_RUN_TYPE": "Interactive"},
                                                                           "Kaggle"),
     ({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}, "Binder")],
)
def test_where_am_i(environ, place):
    assert doctor.where_am_i(environ) == place


def test_doctor_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "helpers.doctor"], capture_output=True, text=True, timeout=300,
                          cwd=config.REPO_ROOT)
    assert done.returncode in (0, 1), done.stderr
    assert "Versions:" in done.stdout and "Device: " in done.stdout and "MNIST: " in done.stdout
