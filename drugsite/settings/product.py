"""The model, the product's own switches, the API and its documentation."""

import os
from pathlib import Path

from drugsite.settings.auth import TOKEN_AUTHENTICATION
from drugsite.settings.base import BASE_DIR, DEBUG
from drugsite.settings.env import env_bool, env_list

# The model.
ML_ARTIFACT_DIR = Path(os.environ.get("ML_ARTIFACT_DIR", BASE_DIR / "artifacts"))
ML_DEFAULT_DATASET = BASE_DIR / "data" / "drug200.csv"
ML_MODEL_REFRESH_SECONDS = float(os.environ.get("ML_MODEL_REFRESH_SECONDS", "2"))
# Where `train_model --with-outcomes` reads recorded outcomes (ml never imports
# the web product; it calls what this names).
ML_OUTCOMES_SOURCE = "predictions.training_data.outcome_rows"

# The product.
DRUGSITE_ALLOW_ANONYMOUS = env_bool("DRUGSITE_ALLOW_ANONYMOUS", False)
DRUGSITE_MAX_BATCH = int(os.environ.get("DRUGSITE_MAX_BATCH", "1000"))
# The largest request body read (Django's knob, which the API's parser obeys too):
# 1 KiB a record, about seven times a pretty-printed one. Larger is answered 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * DRUGSITE_MAX_BATCH
# Trusted proxies in front, each appending to X-Forwarded-For (predictions.clients):
# 0 trusts REMOTE_ADDR only; N takes the N-th address from the right.
DRUGSITE_NUM_PROXIES = int(os.environ.get("DRUGSITE_NUM_PROXIES") or 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        TOKEN_AUTHENTICATION,
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "predictions.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The browsable API in development; plain JSON (and cheaper negotiation) in
    # production.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # DRF's, failing open (counted, logged) when the cache cannot be reached.
    "DEFAULT_THROTTLE_CLASSES": [
        "predictions.throttling.AnonThrottle",
        "predictions.throttling.UserThrottle",
    ],
    # Counted in the default cache: Redis when REDIS_URL is set, so limits hold
    # across workers and hosts. An empty value switches a limit off.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DRUGSITE_THROTTLE_ANON", "600/min") or None,
        "user": os.environ.get("DRUGSITE_THROTTLE_USER", "6000/min") or None,
    },
    # Never None: DRF would then take X-Forwarded-For as the client sent it.
    "NUM_PROXIES": DRUGSITE_NUM_PROXIES,
}
# With Redis, calls far from their limit are counted a block of at most this many
# at a time (predictions.throttle_cache.Blocks); 1 counts every call on its own.
DRUGSITE_THROTTLE_BLOCK = max(1, int(os.environ.get("DRUGSITE_THROTTLE_BLOCK", "32")))

SPECTACULAR_SETTINGS = {
    "TITLE": "drugsite API",
    "DESCRIPTION": (
        "Drug suggestions from a decision tree trained on the drug200 schema, each "
        "answer explained and written to an audit log.\n\n**Intended use:** "
        "educational. The model suggests; it does not prescribe. A clinician decides."
        "\n\nJSON field names are snake_case. Authenticate with a session or with "
        "`Authorization: Token <key>`. Get a key from `POST /api/v1/auth/tokens/` "
        "(HTTP Basic or a session) or `manage.py create_token USER`; it is shown "
        "once, expires (DRUGSITE_TOKEN_TTL_HOURS, default 10) and stops working "
        "when its owner's password changes. `GET /drug` takes a token only."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Operations: /metrics is open to these client addresses, or to a bearer token.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
DRUGSITE_LOG_PATIENT_DATA = env_bool("DRUGSITE_LOG_PATIENT_DATA", False)
# The log rows of requests a process serves at once share one INSERT and one
# commit (predictions.groupcommit); each answer still waits for its own commit.
DRUGSITE_GROUP_COMMIT = env_bool("DRUGSITE_GROUP_COMMIT", True)
# On SQLite, the group writers of every process take turns by a file lock beside
# the database, handed over at once, not by SQLite's sleeping busy handler
# (predictions.writerlock).
DRUGSITE_SQLITE_WRITER_LOCK = env_bool("DRUGSITE_SQLITE_WRITER_LOCK", True)
# Every this many milliseconds a thread of each worker copies SQLite's WAL into
# the database file, so that the writers' own checkpoints find little to copy
# (predictions.checkpoints_wal); 0 or less: only theirs.
DRUGSITE_SQLITE_CHECKPOINT_MS = int(
    os.environ.get("DRUGSITE_SQLITE_CHECKPOINT_MS", "20")
)
# The tutorial's GET and a token's small POST answered in front of Django's
# request cycle (predictions.lane); off, every request takes Django's middleware
# (say, one added for a deployment) at about twice the CPU per answer.
DRUGSITE_LANE = env_bool("DRUGSITE_LANE", True)
# Requests with a body over this many bytes (a batch of a few hundred records)
# are served at most this many at a time per worker (predictions.bodygate).
DRUGSITE_LARGE_BODY_BYTES = int(os.environ.get("DRUGSITE_LARGE_BODY_BYTES", "65536"))
DRUGSITE_LARGE_REQUESTS_AT_ONCE = int(
    os.environ.get("DRUGSITE_LARGE_REQUESTS_AT_ONCE", "2")
)
