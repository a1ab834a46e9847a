"""Logging: one JSON line per request and per prediction in production,
readable plain lines in development."""

import logging
import os

from drugsite.settings.base import DEBUG

LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
# No caller lookup, thread, process or task name per record (the logging HOWTO's
# "Optimization"): no line prints them; the request and prediction lines name
# what they log. This halves a log call's cost.
logging._srcfile = None
logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "predictions.logformat.PlainFormatter"},
        "json": {"()": "predictions.logformat.JsonFormatter"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "predictions.loghandler.LineHandler",
            "formatter": LOG_FORMAT,
        },
        # granian's access line (drugsite.serve), in its format, to its stream.
        "access": {
            "class": "predictions.loghandler.LineHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per request comes from drugsite.request; not twice.
        "django.server": {"level": "WARNING"},
        "granian.access": {"handlers": ["access"], "propagate": False},
    },
}
