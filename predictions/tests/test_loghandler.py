"""The log's stream handler: whole lines, none lost, from many threads at once."""

import io
import json
import logging
import os
import threading

import pytest
from django.conf import settings

from predictions.logformat import JsonFormatter
from predictions.loghandler import LineHandler

THREADS, EACH = 8, 500


def logger_to(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    return logger


def log_from_threads(logger: logging.Logger) -> None:
    """THREADS threads log EACH lines each, long and short, all at once."""
    start = threading.Barrier(THREADS)

    def run(thread: int) -> None:
        start.wait()
        for index in range(EACH):
            padding = "x" * (index % 7 * 1500)  # lines up to 9 kB: beyond a pipe's
            logger.info("line", extra={"writer": thread, "index": index, "p": padding})

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def assert_every_line_whole(text: str) -> None:
    lines = text.splitlines()
    assert len(lines) == THREADS * EACH
    seen = {(record["writer"], record["index"]) for record in map(json.loads, lines)}
    assert seen == {(t, i) for t in range(THREADS) for i in range(EACH)}


@pytest.mark.parametrize("target", ["file", "pipe"])
def test_lines_from_many_threads_arrive_whole_and_all(tmp_path, target):
    if target == "file":
        stream = open(tmp_path / "log", "w")  # noqa: SIM115
        read = lambda: (tmp_path / "log").read_text()  # noqa: E731
    else:
        reader, writer = os.pipe()
        stream = os.fdopen(writer, "w")
        chunks = []
        drain = threading.Thread(
            target=lambda: chunks.extend(iter(lambda: os.read(reader, 65536), b""))
        )
        drain.start()
        read = lambda: (stream.close(), drain.join(), b"".join(chunks).decode())[-1]  # noqa: E731
    handler = LineHandler(stream)
    handler.setFormatter(JsonFormatter())

    log_from_threads(logger_to(handler, f"test.lines.{target}"))

    assert_every_line_whole(read())


def test_text_written_through_the_stream_first_comes_first(tmp_path):
    stream = open(tmp_path / "log", "w")  # noqa: SIM115
    logger = logger_to(LineHandler(stream), "test.lines.order")
    stream.write("buffered by the stream\n")

    logger.info("then the record")

    assert (tmp_path / "log").read_text() == "buffered by the stream\nthen the record\n"


def test_a_stream_without_a_file_is_written_as_the_base_class_does():
    stream = io.StringIO()
    handler = LineHandler(stream)
    handler.setFormatter(JsonFormatter())

    log_from_threads(logger_to(handler, "test.lines.stringio"))

    assert_every_line_whole(stream.getvalue())


def test_a_record_that_cannot_be_formatted_is_reported_not_raised(tmp_path, capsys):
    stream = open(tmp_path / "log", "w")  # noqa: SIM115
    logger = logger_to(LineHandler(stream), "test.lines.broken")

    logger.info("%d apples", "not a number")  # logging reports it on stderr
    logger.info("and the next line is written")

    assert (tmp_path / "log").read_text() == "and the next line is written\n"
    assert "--- Logging error ---" in capsys.readouterr().err


def test_the_service_and_the_servers_access_lines_go_through_it():
    handlers = settings.LOGGING["handlers"]
    assert handlers["console"]["class"] == "predictions.loghandler.LineHandler"
    assert settings.LOGGING["loggers"]["granian.access"]["handlers"] == ["access"]
    assert handlers["access"]["class"] == "predictions.loghandler.LineHandler"
    assert handlers["access"]["stream"] == "ext://sys.stdout"
    assert isinstance(logging.getLogger("granian.access").handlers[0], LineHandler)
