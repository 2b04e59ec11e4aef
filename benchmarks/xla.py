"""XLA on or off (Keras' ``jit_compile``): how fast the course's kinds of model train on this machine.

    python benchmarks/xla.py                 # every model, 2 rounds (a few minutes on 2 cores)
    python benchmarks/xla.py deep-ae cnn     # chosen ones
    python benchmarks/xla.py --rounds 3

XLA compiles a model's whole training step into fused machine code, where TensorFlow otherwise runs
operation after operation. Each model here is one the notebooks train, on 10,000 MNIST images with
the notebook's minibatch size (and its steps_per_execution); it is compiled with and without XLA,
trains one epoch (which includes tracing and compiling) and then one more, timed. The rounds
alternate the two settings, so that a change in the machine's load hits both; the table keeps the
fastest epoch of each and the ratio of XLA's to plain TensorFlow's (below 1: XLA is faster), and
the one-off cost of the first epoch. It is printed and written to benchmarks/xla.md. Timings on a
shared machine are noisy: compare within one run.
"""

import argparse
import functools
import platform
import sys
import time
from pathlib import Path

from helpers import cnn, data, setup
from helpers.config import machine_description

import deep_autoencoder_search  # benchmarks/, next to this script
import rnn_mnist_recipe
import vae_recipe

RESULTS = Path(__file__).resolve().parent / "xla.md"
N_IMAGES = 10_000


def dense_autoencoder(keras, noise=0.0):
    """Notebook 03's recipe 2: 784-128-32-128-784, ReLU, sigmoid output.

    With ``noise`` > 0 a denoising autoencoder: the model adds fresh Gaussian noise of standard
    deviation ``noise`` to every training minibatch itself, as 03's denoisers do (without their
    clipping to [0, 1], which costs next to nothing).
    """
    sizes = [(128, "relu"), (32, "relu"), (128, "relu"), (784, "sigmoid")]
    corrupt = [keras.layers.GaussianNoise(noise, seed=0)] if noise else []
    return keras.Sequential([keras.Input((784,)), *corrupt, *[keras.layers.Dense(n, activation=a) for n, a in sizes]])


def cnn_classifier(keras):
    """Notebook 05's MNIST CNN (two blocks of two 3x3 convolutions, 16 and 32 filters, then 128 units)."""
    layers = cnn.pattern(n_conv=2, m_blocks=2, k_fc=1, filters=[16, 32], fc_units=128, n_classes=10)
    model = cnn.to_keras((28, 28, 1), layers, name="mnist_cnn")
    return keras.Sequential([model, keras.layers.Softmax()])


def recurrent_classifier(cell):
    """Notebook 06's row-by-row MNIST classifier with 128 units of ``cell``, as a builder."""
    return lambda keras: rnn_mnist_recipe.classifier(cell)


# name -> (what it is, model builder, loss, minibatch size, input shape of one image, how its notebook
# compiles it besides: notebooks 03 and 04 hand TensorFlow 16 minibatches per call)
PACKED = {"steps_per_execution": 16}
MODELS = {
    "dense-ae": ("03: dense autoencoder 784-128-32-128-784", dense_autoencoder, "binary_crossentropy", 256, (784,),
                 PACKED),
    "denoising-ae": ("03: denoising autoencoder, the same with noise drawn in the model",
                     lambda keras: dense_autoencoder(keras, noise=0.5), "binary_crossentropy", 256, (784,), PACKED),
    "deep-ae": ("04: deep autoencoder 784-1000-500-250-30 with batch normalization",
                lambda keras: deep_autoencoder_search.deep_autoencoder(), "binary_crossentropy", 128, (784,), PACKED),
    "cnn": ("05: CNN on MNIST", cnn_classifier, "sparse_categorical_crossentropy", 128, (28, 28, 1), {}),
    "lstm": ("06: LSTM, 128 units, rows as steps", recurrent_classifier("LSTM"), "sparse_categorical_crossentropy",
             128, (28, 28), {}),
    "mgu": ("06: minimal gated unit, 128 units", recurrent_classifier("MGU"), "sparse_categorical_crossentropy",
            128, (28, 28), {}),
    "vae": ("07: VAE, 20-d code, 512-256 hidden units", None, None, 128, (784,), {}),
}


@functools.cache
def notebook_vae():
    """Notebook 07's ``VAE`` class, from the notebook's own cells (read once)."""
    return vae_recipe.notebook_definitions()["VAE"]


def time_epochs(name, jit_compile, images, labels):
    """Compile model ``name`` with or without XLA; seconds of its first epoch and of a second one."""
    import keras

    _, build, loss, batch_size, shape, options = MODELS[name]
    keras.utils.set_random_seed(0)
    x = images.reshape(len(images), *shape)
    if name == "vae":
        model, targets = notebook_vae()(20), {}
        model.compile(keras.optimizers.Adam(1e-3), jit_compile=jit_compile)
    else:
        model = build(keras)
        targets = {"y": x if loss == "binary_crossentropy" else labels}
        model.compile(keras.optimizers.Adam(1e-3), loss=loss, jit_compile=jit_compile, **options)
    seconds = []
    for _ in range(2):
        start = time.perf_counter()
        model.fit(x, **targets, epochs=1, batch_size=batch_size, verbose=0)
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", metavar="MODEL", help=f"which models (default all: {', '.join(MODELS)})")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both settings (default 2)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where the table goes (default {RESULTS.name})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.models if name not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    names = args.models or list(MODELS)
    setup(seed=0)
    (x, y), _ = data.load_mnist(n_train=N_IMAGES, n_test=1)
    lines = ["| model | epoch without XLA | epoch with XLA | ratio | first epoch without / with XLA |",
             "|---|---|---|---|---|"]
    print(lines[0], flush=True)
    for name in names:
        runs = {False: [], True: []}
        for _ in range(args.rounds):
            for jit_compile in runs:
                runs[jit_compile].append(time_epochs(name, jit_compile, x, y))
        plain, fused = (min(r[1] for r in runs[j]) for j in (False, True))
        first_plain, first_fused = (min(r[0] for r in runs[j]) for j in (False, True))
        lines.append(f"| {MODELS[name][0]} | {plain:.2f} s | {fused:.2f} s | {fused / plain:.2f} | "
                     f"{first_plain:.1f} / {first_fused:.1f} s |")
        print(lines[-1], flush=True)
    import tensorflow as tf

    lines += ["", f"Fastest of {args.rounds} round(s) per setting, one epoch on {N_IMAGES:,} MNIST images; "
              f"{machine_description()}, {platform.system()} {platform.machine()}, TensorFlow {tf.__version__}; "
              f"written by `python benchmarks/xla.py` on {time.strftime('%Y-%m-%d')}."]
    args.out.write_text("\n".join(lines) + "\n")
    print(lines[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
