"""The WSGI application that drugsite's server (drugsite.serve) runs."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")

application = get_wsgi_application()
# Objects made at import time live as long as the worker: keep them out of the
# collector's scans so that collections while serving stay short.
gc.freeze()
