"""The log's stream handler: each line formatted outside the handler's lock and
written to the stream's file by one ``write(2)``.

``logging.StreamHandler`` formats, writes and flushes a record under its lock.
Two lines go with every answer (the request, the prediction; three with granian's
access line), from as many threads as a worker has: they queued for that lock
while another thread formatted, and each hand-over is a trip through the kernel.
Here the lock covers the write alone, so lines never interleave and none is
dropped or delayed: each is in the file when its call returns, as before.
"""

from __future__ import annotations

import io
import logging
import os


class LineHandler(logging.StreamHandler):
    """``logging.StreamHandler``, with only the write under its lock. A stream
    with no file descriptor (a test's ``StringIO``) is written as the base
    class writes it."""

    def handle(self, record: logging.LogRecord) -> bool:
        accepted = self.filter(record)
        if isinstance(accepted, logging.LogRecord):  # a filter may replace it
            record = accepted
        if accepted:
            self.emit(record)
        return bool(accepted)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            with self.lock:
                super().emit(record)
            return
        try:
            line = (self.format(record) + self.terminator).encode(
                "utf-8", "backslashreplace"
            )
            with self.lock:
                self.stream.flush()  # what was written through the stream first
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view) :]
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)
