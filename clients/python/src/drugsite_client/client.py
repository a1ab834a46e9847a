"""DrugsiteClient: predictions over the drugsite JSON API and the legacy GET /drug."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from drugsite_client import __version__
from drugsite_client.errors import RetryableError
from drugsite_client.models import (
    LEGACY_PARAMETERS,
    Outcome,
    Patient,
    PatientLike,
    Prediction,
    patient_json,
)
from drugsite_client.transport import send

API = "/api/v1"


class DrugsiteClient:
    """A client for one drugsite server.

    ``token`` is an API token (``POST /api/v1/auth/tokens/`` with the account's
    password, or ``manage.py create_token USER``; it expires); without one
    only a server started with ``DRUGSITE_ALLOW_ANONYMOUS=1`` answers. Each request
    gives up after ``timeout`` seconds. Answers 429 and 503 are retried up to
    ``retries`` times, waiting what the server's Retry-After says; when it asks for
    more than ``max_retry_wait`` seconds the error is raised at once, carrying
    ``retry_after``. Both answers mean nothing was predicted or logged, so retrying
    a POST never predicts twice. Other failures are never retried.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        max_retry_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep

    def predict(
        self, *, age: int, sex: str, bp: str, cholesterol: str, na_to_k: float
    ) -> Prediction:
        """Suggest a drug for one patient; the answer is logged on the server."""
        patient = Patient(age, sex, bp, cholesterol, na_to_k)
        body = self._request("POST", f"{API}/predictions/", patient.as_json())
        return Prediction.from_json(body)

    def predict_many(self, patients: Iterable[PatientLike]) -> list[Prediction]:
        """Suggest a drug for each patient, in order, in one request (a batch).

        A batch is answered whole or not at all: one bad patient raises a
        ValidationError whose ``errors`` are keyed by the patient's index.
        """
        body = [patient_json(patient) for patient in patients]
        answers = self._request("POST", f"{API}/predictions/", body)
        return [Prediction.from_json(answer) for answer in answers]

    def prediction(self, prediction_id: int) -> Prediction:
        """One logged prediction by id (yours; staff may read any)."""
        body = self._request("GET", f"{API}/predictions/{int(prediction_id)}/")
        return Prediction.from_json(body)

    def record_outcome(self, prediction_id: int, drug: str) -> Outcome:
        """Record the drug actually prescribed after one of your predictions.

        Once per prediction: a second attempt raises Conflict, whose ``outcome``
        is the first. An unknown drug raises ValidationError naming the allowed
        ones; an unknown id, or another's prediction, NotFound.
        """
        path = f"{API}/predictions/{int(prediction_id)}/outcome/"
        return Outcome.from_json(self._request("POST", path, {"drug": drug}))

    def legacy_drug(
        self, *, age: int, sex: str, bp: str, cholesterol: str, na_to_k: float
    ) -> str:
        """The tutorial's ``GET /drug``: only the recommended drug's name."""
        patient = Patient(age, sex, bp, cholesterol, na_to_k).as_json()
        query = {LEGACY_PARAMETERS[name]: value for name, value in patient.items()}
        body = self._request("GET", "/drug?" + urllib.parse.urlencode(query))
        return str(body["recommended_drug"])

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        """Send a request, retrying 429 and 503 as the server advises."""
        attempt = 0
        while True:
            try:
                return send(self._build(method, path, body), timeout=self.timeout)
            except RetryableError as exc:
                wait = self._wait(exc, attempt)
                if attempt >= self.retries or wait is None:
                    raise
            self.sleep(wait)
            attempt += 1

    def _wait(self, exc: RetryableError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt; None to give up now."""
        if exc.retry_after is None:
            return min(0.5 * 2.0**attempt, self.max_retry_wait)
        return exc.retry_after if exc.retry_after <= self.max_retry_wait else None

    def _build(self, method: str, path: str, body: Any) -> urllib.request.Request:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"drugsite-client/{__version__}",
        }
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
