"""helpers.progress: the one progress line of the course's long training cells (lectures 02 to 08)."""

from helpers import progress as progress_module
from helpers.progress import ProgressLine


def test_progress_line_without_the_metric_and_its_clock():
    progress = ProgressLine(0, metric="neg_elbo")  # at least one epoch, whatever it is told
    assert progress.total_epochs == 1 and progress.start("VAE", 1) is progress
    progress.on_epoch_end(0, {"loss": 1.0})
    assert progress.text.startswith("VAE: epoch 1/1;") and "neg_elbo" not in progress.text
    assert progress_module._clock(5.4) == "5 s" and progress_module._clock(125) == "2 min 05 s"


def test_the_lectures_share_one_progress_line():
    from helpers import gan, rnn, training, variational

    assert rnn.ProgressLine is variational.ProgressLine is gan.ProgressLine is ProgressLine
    assert isinstance(training.progress_line(3), ProgressLine)


def test_a_loop_of_one_epoch_fits_counts_its_epochs_and_the_time_left():
    progress = ProgressLine(4).start("denoising, σ = 0.5", 2)
    for _ in range(2):  # each fit(epochs=1) reports epoch 0
        progress.on_epoch_end(0, {"loss": 0.5})
    assert progress.text.startswith("denoising, σ = 0.5: epoch 2/2, loss 0.5;")
    progress.start("denoising, σ = 0.75", 2)
    progress.on_epoch_end(0, {"loss": 0.25})
    assert progress.text.startswith("denoising, σ = 0.75: epoch 1/2, loss 0.25;") and progress.epochs_done == 3
    progress.done("two denoisers trained")
    assert progress.text == "two denoisers trained"


def test_a_numpy_loop_steps_the_line_itself():
    progress = ProgressLine(3, metric="val_accuracy", metric_name="validation accuracy").start("NumPy MLP", 3)
    for accuracy in (0.9, 0.95):
        progress.step({"val_accuracy": accuracy})
    assert progress.text.startswith("NumPy MLP: epoch 2/3, validation accuracy 0.95;") and progress.epochs_done == 2
