"""The ml app: dataset, training, versioned artifacts and the served predictor."""

from ml.exceptions import DatasetError, ModelUnavailable

__all__ = ["DatasetError", "ModelUnavailable"]
