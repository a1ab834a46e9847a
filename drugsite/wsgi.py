"""The WSGI application that drugsite's server (drugsite.serve) runs: Django, with
the tutorial's plain call answered in front of it (predictions.lane)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")

django_application = get_wsgi_application()

from predictions.lane import LegacyLane  # noqa: E402 (needs the apps loaded)

application = LegacyLane(django_application)
# Objects made at import time live as long as the worker: keep them out of the
# collector's scans so that collections while serving stay short.
gc.freeze()
