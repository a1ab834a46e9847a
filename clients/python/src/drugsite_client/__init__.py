"""A typed client for the drugsite API, with no dependencies beyond the stdlib.

The model suggests; it does not prescribe. A clinician decides.
"""

__version__ = "0.1.0"

from drugsite_client.client import DrugsiteClient
from drugsite_client.errors import (
    AuthenticationError,
    DrugsiteError,
    NotFound,
    RateLimited,
    RetryableError,
    ServiceUnavailable,
    ValidationError,
)
from drugsite_client.models import Flip, Patient, Prediction

__all__ = [
    "AuthenticationError",
    "DrugsiteClient",
    "DrugsiteError",
    "Flip",
    "NotFound",
    "Patient",
    "Prediction",
    "RateLimited",
    "RetryableError",
    "ServiceUnavailable",
    "ValidationError",
    "__version__",
]
