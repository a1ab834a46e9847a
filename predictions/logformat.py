"""Log lines: one JSON object per record in production, readable text in development.

``JsonFormatter`` writes what python-json-logger's orjson formatter wrote (time,
level, logger name, message, then the ``extra`` fields) in a quarter of its time:
two such lines go with every answer, so their cost is the service's. The time
text is made once per second.

The development console's lines: the message, then its extra fields.

The JSON formatter prints a record's ``extra`` fields; a plain ``%(message)s``
drops them, leaving ``drugsite.request request`` and nothing a developer can use.
This one appends them as ``key=value``, and writes the request line as
``GET /drug 200 1.2ms request_id=ab12 user=3``.
"""

import json
import logging
import time

import orjson

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
DATEFMT = "%Y-%m-%d %H:%M:%S"
# Every attribute a LogRecord has before ``extra`` is added: not extra fields.
STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)
REQUEST_HEAD = ("method", "path", "status", "latency_ms")
SHOWN = (str, int, float, bool, list, tuple, dict)  # not objects such as a request


def text(value) -> str:
    """A value as one token: quoted when it holds spaces or control characters."""
    value = value if isinstance(value, str) else str(value)
    if value and " " not in value and '"' not in value and value.isprintable():
        return value
    return json.dumps(value)


def extra_fields(record: logging.LogRecord) -> dict:
    """The fields a log call passed in ``extra``, without the empty ones."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in STANDARD and value is not None and isinstance(value, SHOWN)
    }


def headline(message: str, fields: dict) -> str:
    """``GET /drug 200 1.2ms`` for a request line (taking its fields), else message."""
    if not all(key in fields for key in REQUEST_HEAD):
        return message
    method, path, status, latency = (fields.pop(key) for key in REQUEST_HEAD)
    took = f"{latency:.1f}" if isinstance(latency, int | float) else text(latency)
    return f"{text(method)} {text(path)} {status} {took}ms"


class PlainFormatter(logging.Formatter):
    """One readable line per record: time, level, logger, message, key=value..."""

    def __init__(self, fmt: str = FORMAT, datefmt: str = DATEFMT, **kwargs):
        super().__init__(fmt, datefmt, **kwargs)

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = extra_fields(record)
        if fields:  # Formatter.format set record.message for this call only
            parts = [headline(record.message, fields)]
            parts += [f"{key}={text(value)}" for key, value in fields.items()]
            record.message = " ".join(parts)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, name, message, the extra fields;
    a traceback as ``exc_info``. Values JSON has no type for are written as text."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stamp = (-1, "")  # a second and its text, replaced as one

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": self.clock(record),
            "level": record.levelname,
            "name": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in STANDARD:
                fields[key] = value
        if record.exc_info:
            fields["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            fields["stack_info"] = self.formatStack(record.stack_info)
        return orjson.dumps(fields, default=str).decode()

    def clock(self, record: logging.LogRecord) -> str:
        """``2026-12-07 01:53:33,508``, as ``logging.Formatter.formatTime`` writes."""
        second, text = self._stamp
        if int(record.created) != second:
            second = int(record.created)
            text = time.strftime(self.default_time_format, self.converter(second))
            self._stamp = (second, text)
        return f"{text},{int(record.msecs):03d}"
