"""A progress line for long training cells, shared by every lecture: one line, rewritten in place
while Keras trains (what, epoch, a logged number, time so far, time left), that leaves a one-line
summary in the committed output."""

import time

import keras


def _clock(seconds):
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


class ProgressLine(keras.callbacks.Callback):
    """One line, rewritten in place while Keras trains: what, epoch, loss, time so far, time left.

    One ProgressLine follows one or several ``fit`` calls: give ``total_epochs`` over all of them,
    call ``start(label, epochs)`` before each and pass it in ``callbacks`` (or, in a loop of your
    own, call ``step(logs)`` after each epoch); ``done(summary)``
    leaves the summary in its place. ``metric`` names the number of Keras' logs to show. Outside
    a notebook nothing is redrawn and ``done`` prints the summary.
    """

    def __init__(self, total_epochs, metric="loss", metric_name=None):
        super().__init__()
        self.total_epochs = max(int(total_epochs), 1)
        self.metric, self.metric_name = metric, metric_name or metric
        self.epochs_done, self.label, self.epochs, self.run_epochs_done, self.text = 0, "", 0, 0, ""
        self.started = time.perf_counter()
        self._handle = None

    def start(self, label, epochs):
        self.label, self.epochs, self.run_epochs_done = label, int(epochs), 0
        self._show(f"{label}: starting ({_clock(self.elapsed())} so far)")
        return self

    def elapsed(self):
        return time.perf_counter() - self.started

    def step(self, logs=None):
        """One epoch done, outside Keras (a NumPy training loop): ``logs`` as Keras would give them."""
        self.on_epoch_end(self.run_epochs_done, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_done += 1
        self.run_epochs_done += 1  # counted here, so that a loop of one-epoch fit calls counts too
        elapsed = self.elapsed()
        left = elapsed / self.epochs_done * max(self.total_epochs - self.epochs_done, 0)
        value = (logs or {}).get(self.metric)
        shown = f", {self.metric_name} {float(value):.4g}" if value is not None else ""
        self._show(f"{self.label}: epoch {self.run_epochs_done}/{self.epochs}{shown}; {_clock(elapsed)} so far, "
                   f"about {_clock(left)} left")

    def done(self, summary):
        self._show(summary, final=True)

    def _show(self, text, final=False):
        self.text = text
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is None:
            if final:
                print(text)
        elif self._handle is None:
            self._handle = display({"text/plain": text}, raw=True, display_id=True)
        else:
            self._handle.update({"text/plain": text}, raw=True)
