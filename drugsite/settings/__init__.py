"""Settings for drugsite, read from the environment, one concern per module.

Development needs nothing set: SQLite in the project folder, in-process cache,
DEBUG on. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY and the hosts, and
optionally DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from drugsite.settings.audit import *  # noqa: F403
from drugsite.settings.auth import *  # noqa: F403
from drugsite.settings.base import *  # noqa: F403
from drugsite.settings.logs import *  # noqa: F403
from drugsite.settings.product import *  # noqa: F403
from drugsite.settings.services import *  # noqa: F403
