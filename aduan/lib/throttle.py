"""A per-process "at most once every N seconds" gate, safe across threads.

Used to kick background sweeps from busy request paths: a burst of a thousand
submissions enqueues a handful of tasks instead of a thousand, and each task
handles everything that is waiting by the time it runs.
"""

import threading
import time


class Throttle:
    def __init__(self, every: float):
        self.every = every
        self._last = float("-inf")
        self._lock = threading.Lock()

    def ready(self, *, force: bool = False) -> bool:
        """True (and the clock restarts) if ``every`` seconds have passed, or when forced."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < self.every:
                return False
            self._last = now
            return True
