"""A typed client for the drugsite API, with no dependencies beyond the stdlib.

The model suggests; it does not prescribe. A clinician decides.
"""

__version__ = "0.1.0"

from drugsite_client.client import DrugsiteClient
from drugsite_client.errors import (
    AuthenticationError,
    Conflict,
    DrugsiteError,
    NotFound,
    RateLimited,
    RetryableError,
    ServiceUnavailable,
    ValidationError,
)
from drugsite_client.models import Flip, Outcome, Patient, Prediction

__all__ = [
    "AuthenticationError",
    "Conflict",
    "DrugsiteClient",
    "DrugsiteError",
    "Flip",
    "NotFound",
    "Outcome",
    "Patient",
    "Prediction",
    "RateLimited",
    "RetryableError",
    "ServiceUnavailable",
    "ValidationError",
    "__version__",
]
