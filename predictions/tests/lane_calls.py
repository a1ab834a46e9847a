"""WSGI calls made as a server makes them, to the lane and to Django alone."""

import io

from django.db import connection
from django.test import RequestFactory

from predictions.models import Prediction

#: Columns that differ between any two answers to the same call.
OWN = {"id", "created_at", "request_id", "row_hash", "latency_us"}


def call(app, path: str, query: str = "", body: bytes = b"", **headers) -> tuple:
    """Status, headers (but the request id) and body of one WSGI call: a GET, or
    a POST of `body` (JSON unless a CONTENT_TYPE header says otherwise)."""
    factory = RequestFactory()
    environ = (
        factory.post("/", body, "application/json") if body else factory.get("/")
    ).environ
    environ |= {"PATH_INFO": path, "QUERY_STRING": query}
    for name, value in headers.items():
        key = name.upper()
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = (
            value
        )
    environ["wsgi.input"] = io.BytesIO(body)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    content = b"".join(app(environ, start_response))
    seen["headers"].pop("X-Request-Id")
    return seen["status"], seen["headers"], content


#: One patient's JSON, as a program POSTs it.
PATIENT = b'{"age": 60, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 20}'


def token_post(app, key: str) -> str:
    """The status of one patient's POST to the API with a token."""
    return call(
        app, "/api/v1/predictions/", body=PATIENT, AUTHORIZATION=f"Token {key}"
    )[0]


def last_rows(count: int = 1) -> list[dict]:
    """The newest rows, oldest first, without the columns every answer has its own."""
    rows = Prediction.objects.order_by("-id").values()[:count]
    return [{k: v for k, v in row.items() if k not in OWN} for row in reversed(rows)]


#: Attributes of a log record that differ between any two answers to one call.
LINE_OWN = {
    "created", "msecs", "relativeCreated", "request_id", "latency_ms", "first_id",
    "model_us", "thread", "threadName", "process", "processName", "taskName",
}  # fmt: skip


def drugsite_lines(records) -> dict:
    """drugsite's log lines of one call by logger, less what each call has its own."""
    return {
        r.name: {k: v for k, v in vars(r).items() if k not in LINE_OWN}
        for r in records
        if r.name.startswith("drugsite.")
    }


def log_refuses_rows() -> None:
    """Make the database refuse every new log row, for the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER lane_refuses BEFORE INSERT ON predictions_prediction "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            if connection.vendor == "sqlite"
            else "ALTER TABLE predictions_prediction ADD CONSTRAINT lane_refuses "
            "CHECK (age < 0) NOT VALID"
        )
