"""The WSGI application that drugsite's server (drugsite.serve) runs: Django, with
the calls programs make most answered in front of it (predictions.lane)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")
# Each worker's metric files go to PROMETHEUS_MULTIPROC_DIR, which drugsite.serve
# makes: made here too, for another server, or for a worker respawned after the
# folder was removed (predictions.metrics).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

_django = get_wsgi_application()

from drugsite.cpus import pin_worker  # noqa: E402
from predictions.bodygate import CollectAfterLargeRequests  # noqa: E402 (apps loaded)
from predictions.lane import Lane  # noqa: E402
from predictions.lanes import ROUTES  # noqa: E402

django_application = CollectAfterLargeRequests(_django)
application = Lane(django_application, ROUTES)
# Objects made at import time live as long as the worker: keep them out of the
# collector's scans so that collections while serving stay short.
gc.freeze()
# A worker of drugsite's server runs on a core of its own (drugsite.cpus).
pin_worker()
