"""Who may sign in and how: API tokens (knox) and the login lockout (axes)."""

import os
from datetime import timedelta

# The one token authentication class: the API's default, the legacy GET /drug's
# only one. Knox keeps a SHA-512 digest of each key, never the key itself.
TOKEN_AUTHENTICATION = "predictions.authentication.TokenAuthentication"
DRUGSITE_TOKEN_TTL_HOURS = float(os.environ.get("DRUGSITE_TOKEN_TTL_HOURS", "10"))
# How long a worker may keep a token it has read (predictions.token_cache): any
# change to tokens, accounts, groups or permissions made through the models ends
# it at once; one by QuerySet.update or SQL, after these seconds. 0 turns it off.
DRUGSITE_TOKEN_CACHE_SECONDS = float(
    os.environ.get("DRUGSITE_TOKEN_CACHE_SECONDS", "10")
)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=DRUGSITE_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # clients send "Authorization: Token <key>"
    "AUTO_REFRESH": False,  # a key's expiry is fixed when it is made
}

# Login lockout (django-axes, its backend first in AUTHENTICATION_BACKENDS) on
# /accounts/login/, /admin/login/ and HTTP Basic on POST /api/v1/auth/tokens/:
# after AXES_FAILURE_LIMIT failures within the cool-off, the account is locked
# (from any address) and so is the address (for any account), until
# AXES_COOLOFF_TIME has passed since the last failure.
AXES_FAILURE_LIMIT = int(os.environ.get("DRUGSITE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=float(os.environ.get("DRUGSITE_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success must not wipe the failures: it would reset the address's count and,
# with it, every account's attempts from that address.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "predictions.lockout.lockout_response"
# The same address as throttling's: REMOTE_ADDR, or behind DRUGSITE_NUM_PROXIES
# trusted proxies the X-Forwarded-For entry the outermost of them wrote (never one
# the client wrote). Set here, axes' own IPWARE_* settings do not apply.
AXES_CLIENT_IP_CALLABLE = "predictions.clients.client_address"
AXES_ENABLE_ADMIN = True  # Admin → Axes: attempts, and "delete" to unlock
