"""Benchmarks that run a notebook's own code find that code (the benchmarks themselves are not run by CI).

Each check runs in a fresh Python: a notebook's import cell sets up the course (seeds, plot style),
which must not leak into the other tests."""

import subprocess
import sys
from pathlib import Path

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
