"""Choose notebook 07's VAE training recipe on a validation split, never on the test set.

    python benchmarks/vae_recipe.py                # every configuration (3 to 10 min each on 2 cores)
    python benchmarks/vae_recipe.py baseline b256  # chosen ones
    python benchmarks/vae_recipe.py --list         # what each configuration changes

Each configuration trains the notebook's VAE, with a 20-d code unless it says otherwise (its own
code: the cells that define ``VAE`` and ``train_vae`` are run from the notebook, so the two cannot
drift apart) on the first 50,000 training images, dynamically binarized, and measures the negative
ELBO and the importance-sampled NLL (K = 10) on the last 10,000, binarized once. The test images
are not used. One table row per configuration, with its training time, goes to stdout and is
appended to benchmarks/vae_recipe.md under a heading for the run.
"""

from pathlib import Path

from helpers import data, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "vae_recipe.md"
N_VALIDATION = 10_000
DEFINITIONS = ("def log_bernoulli(", "HIDDEN = (", "class VAE(", "def train_vae(", "def elbo_and_likelihood(")
"""The notebook's code cells that define the model, its training and its measurement, found by their text."""

BASELINE = {"epochs": 45, "batch_size": 128, "learning_rate": 1e-3, "latent": 20}
CONFIGURATIONS = {
    "baseline": ("the notebook's recipe until 2026-12-06", {}),
    "b256": ("minibatches of 256 at step size 2e-3 (half the steps, each cheaper per image)",
             {"batch_size": 256, "learning_rate": 2e-3}),
    "b256-60": ("minibatches of 256 at step size 2e-3, 60 epochs", {"batch_size": 256, "learning_rate": 2e-3,
                                                                    "epochs": 60}),
    "lr2e-3": ("step size 2e-3", {"learning_rate": 2e-3}),
    "lr2e-3-40": ("step size 2e-3, 40 epochs", {"learning_rate": 2e-3, "epochs": 40}),
    "lr3e-3": ("step size 3e-3", {"learning_rate": 3e-3}),
    "lr2e-3-60": ("step size 2e-3, 60 epochs (a third more time)", {"learning_rate": 2e-3, "epochs": 60}),
    "lr2e-3-90": ("step size 2e-3, 90 epochs (twice the time)", {"learning_rate": 2e-3, "epochs": 90}),
    "latent32": ("32 latent units instead of 20, step size 2e-3", {"latent": 32, "learning_rate": 2e-3}),
    "latent50": ("50 latent units (Burda et al.'s size), step size 2e-3", {"latent": 50, "learning_rate": 2e-3}),
}


def notebook_definitions():
    """Notebook 07's import cell and the cells named in DEFINITIONS, run; their namespace."""
    return recipes.notebook_definitions("07", DEFINITIONS)


def run(settings, nb, x_train, x_validation):
    """Train one configuration; its table cells from the epochs on."""
    keras = nb["keras"]
    keras.utils.set_random_seed(0)
    model = nb["VAE"](settings["latent"])
    _, seconds = nb["train_vae"](model, x_train, settings["epochs"], batch_size=settings["batch_size"],
                                 learning_rate=settings["learning_rate"])
    figures = nb["elbo_and_likelihood"](model, x_validation, k=10)
    return (settings["epochs"], settings["batch_size"], f"{settings['learning_rate']:g}", f"{figures['neg_elbo']:.2f}",
            f"{figures['nll']:.2f}", f"{seconds:.0f} s")


def main(argv=None):
    args, names = recipes.chosen(recipes.command_line(__doc__, CONFIGURATIONS), CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    nb = notebook_definitions()
    (x, _), _ = data.load_mnist(flatten=True, n_test=1)
    x_train, x_validation = x[:-N_VALIDATION], data.binarize_stochastic(x[-N_VALIDATION:], seed=0)
    table = recipes.ResultsTable(RESULTS, f"{len(x_train):,} training and {len(x_validation):,} validation images",
                                 ["configuration", "what it changes", "epochs", "batch", "step size",
                                  "validation negative ELBO", "validation NLL (K = 10)", "training time"])
    for name in names:
        table.row(name, CONFIGURATIONS[name][0], *run({**BASELINE, **CONFIGURATIONS[name][1]}, nb, x_train,
                                                      x_validation))
    return 0


if __name__ == "__main__":
    main()
