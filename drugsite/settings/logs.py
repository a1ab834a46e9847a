"""Logging: one JSON line per request and per prediction in production (orjson),
readable plain lines in development."""

import logging
import os

from drugsite.settings.base import DEBUG

LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
# No caller lookup per record (the logging HOWTO's "Optimization"): the request
# and prediction lines name what they log; this halves a log call's cost.
logging._srcfile = None
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "predictions.logformat.PlainFormatter"},
        "json": {
            "()": "pythonjsonlogger.orjson.OrjsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per request comes from drugsite.request; not twice.
        "django.server": {"level": "WARNING"},
    },
}
