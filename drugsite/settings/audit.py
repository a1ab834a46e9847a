"""The audit log's seal: the checkpoints' key, and how old a row must be to seal.

Only the hosts that run ``seal_audit_log`` or ``verify_audit_log`` need the key;
web workers never read it. Production sets a dedicated DRUGSITE_AUDIT_KEY kept away
from the database (docs/audit.md); development falls back to SECRET_KEY.
"""

import os

from drugsite.settings.base import DEBUG, SECRET_KEY

DRUGSITE_AUDIT_KEY = os.environ.get("DRUGSITE_AUDIT_KEY", "") or (
    SECRET_KEY if DEBUG else ""
)
# A row is sealed once it is this old: longer than any insert takes to commit
# (plus the clock difference between hosts), so no open transaction can still add
# a row inside a sealed id range.
DRUGSITE_AUDIT_GRACE_SECONDS = float(
    os.environ.get("DRUGSITE_AUDIT_GRACE_SECONDS", "60")
)
