"""oneDNN on or off: how fast the course's kinds of model train, and whether two runs agree.

    python benchmarks/onednn.py              # 3 settings x 2 runs, each a fresh process (a few minutes)
    python benchmarks/onednn.py --repeats 3

TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when it is imported, so every run is a fresh Python
process. Each run trains, from the same seed, a dense network (784-256-10 on MNIST), a small CNN
and an LSTM over the rows of MNIST digits, and reports each model's training time and final
training loss. The table gives the times side by side (as a ratio to oneDNN off) and, for each
setting, the largest difference between the final losses of its runs: 0 means that the runs
repeated to the last digit. The table is printed and written to benchmarks/onednn.md. Timings on
a shared machine are noisy: compare within one run.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from helpers.config import machine_description

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "onednn.md"
SETTINGS = {
    "oneDNN off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "oneDNN on": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "oneDNN on, op determinism": {"TF_ENABLE_ONEDNN_OPTS": "1", "COURSE_OP_DETERMINISM": "1"},
}
MODELS = ("dense", "conv", "lstm")


def worker():
    """Train the three models once in this process; print their times and losses as JSON."""
    from helpers import data, setup

    setup(seed=0)
    import keras
    import tensorflow as tf

    if os.environ.get("COURSE_OP_DETERMINISM"):
        tf.config.experimental.enable_op_determinism()
    (x, y), _ = data.load_mnist(n_train=10_000, n_test=1)
    layers = {
        "dense": [keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(256, activation="relu")],
        "conv": [keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
                 keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(), keras.layers.Flatten()],
        "lstm": [keras.Input((28, 28)), keras.layers.LSTM(64)],
    }
    results = {}
    for name in MODELS:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([*layers[name], keras.layers.Dense(10, activation="softmax")])
        model.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        inputs = x[..., None] if name == "conv" else x
        model.fit(inputs[:256], y[:256], epochs=1, batch_size=128, verbose=0)  # build and trace first
        keras.utils.set_random_seed(0)
        start = time.perf_counter()
        history = model.fit(inputs, y, epochs=2, batch_size=128, verbose=0, shuffle=True)
        results[name] = {"seconds": time.perf_counter() - start, "loss": history.history["loss"][-1]}
    print(json.dumps(results))


def run(setting):
    env = {**os.environ, **SETTINGS[setting], "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, __file__, "--worker"], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the run with {setting} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2, help="runs per setting (at least 2; default 2)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where the table goes (default {RESULTS.name})")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker()
        return 0
    if args.repeats < 2:
        parser.error("--repeats must be at least 2: the table compares runs with each other")
    runs = {setting: [] for setting in SETTINGS}
    for _ in range(args.repeats):  # interleaved, so that a change in the machine's load hits every setting
        for setting in SETTINGS:
            runs[setting].append(run(setting))
    off = {name: min(r[name]["seconds"] for r in runs["oneDNN off"]) for name in MODELS}
    lines = ["| setting | " + " | ".join(f"{name}: s (ratio to off)" for name in MODELS)
             + " | largest loss difference between runs |",
             "|---|" + "---|" * (len(MODELS) + 1)]
    for setting, results in runs.items():
        cells = []
        for name in MODELS:
            fastest = min(r[name]["seconds"] for r in results)
            cells.append(f"{fastest:.2f} ({fastest / off[name]:.2f}x)")
        spread = max(max(r[name]["loss"] for r in results) - min(r[name]["loss"] for r in results) for name in MODELS)
        lines.append(f"| {setting} | " + " | ".join(cells) + f" | {spread:.1e} |")
    lines += ["", f"Fastest of {args.repeats} runs per setting, each in a fresh process, 2 epochs on 10,000 MNIST "
              f"digits; {machine_description()}, {platform.system()} {platform.machine()}, TensorFlow "
              f"{tensorflow_version()}; written by `python benchmarks/onednn.py` on {time.strftime('%Y-%m-%d')}."]
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text + "\n")
    return 0


def tensorflow_version():
    import tensorflow as tf

    return tf.__version__


if __name__ == "__main__":
    sys.exit(main())
