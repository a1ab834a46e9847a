"""A bounded, mixed load against a running drugsite: form, API single and batch,
legacy GET. Every request carries its own X-Request-Id, which the log keeps as the
row's correlation_id, so the audit log can be checked request by request
afterwards."""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

PATIENT = {"age": 47, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 14}
LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
BATCH = 20


@dataclass
class Outcome:
    """What the clients saw: answered request ids (with their row counts), failures."""

    answered: dict[str, int] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request_id: str, status: int, rows: int, ok: bool) -> None:
        with self.lock:
            self.statuses[status] += 1
            if ok:
                self.answered[request_id] = rows
            else:
                self.failures.append(f"{request_id}: {status}")


class Session:
    """One client: a keep-alive connection, a token, and a logged-in form session."""

    def __init__(self, url: str, token: str, username: str, password: str):
        self.netloc = urllib.parse.urlsplit(url).netloc
        self.token, self.cookies = token, {}
        self.conn = http.client.HTTPConnection(self.netloc, timeout=60)
        page = self.call("GET", "/accounts/login/")[1]
        self.call(
            "POST",
            "/accounts/login/",
            form={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": csrf(page),
            },
        )
        self.form_token = csrf(self.call("GET", "/")[1])

    def call(self, method, path, *, body=None, form=None, headers=None):
        headers = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.netloc, timeout=60)
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.read().decode()

    def one(self, index: int, outcome: Outcome, prefix: str) -> None:
        request_id = f"{prefix}-{index}"
        kind = index % 4
        auth = {"Authorization": f"Token {self.token}", "X-Request-Id": request_id}
        json_headers = auth | {"Content-Type": "application/json"}
        try:
            if kind == 0:
                status, _ = self.call(
                    "POST",
                    "/",
                    headers={"X-Request-Id": request_id},
                    form=PATIENT | {"csrfmiddlewaretoken": self.form_token},
                )
                outcome.record(request_id, status, 1, status == 302)
            elif kind == 1:
                status, _ = self.call(
                    "POST",
                    "/api/v1/predictions/",
                    body=json.dumps(PATIENT),
                    headers=json_headers,
                )
                outcome.record(request_id, status, 1, status == 201)
            elif kind == 2 and index % 8 == 2:
                status, _ = self.call(
                    "POST",
                    "/api/v1/predictions/",
                    body=json.dumps([PATIENT] * BATCH),
                    headers=json_headers,
                )
                outcome.record(request_id, status, BATCH, status == 201)
            else:
                status, body = self.call("GET", LEGACY, headers=auth)
                ok = status == 200 and json.loads(body) == {"recommended_drug": "DrugY"}
                outcome.record(request_id, status, 1, ok)
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            with outcome.lock:
                outcome.failures.append(f"{request_id}: {type(exc).__name__}")


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def run_load(
    urls: list[str],
    token: str,
    username: str,
    password: str,
    *,
    clients: int,
    requests: int,
    prefix: str,
) -> Outcome:
    """`requests` mixed requests from `clients` threads, spread over `urls`."""
    outcome = Outcome()
    per_client = requests // clients

    def client(number: int) -> None:
        session = Session(urls[number % len(urls)], token, username, password)
        for i in range(per_client):
            session.one(number * per_client + i, outcome, prefix)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return outcome


def rows_by_request(stack, prefix: str) -> dict[str, int]:
    """Answered rows in the stack's log per id sent (the correlation id)."""
    sql = (
        "SELECT correlation_id, COUNT(*) FROM predictions_prediction "
        f"WHERE outcome = 'answered' AND correlation_id LIKE '{prefix}-%' "
        "GROUP BY correlation_id"
    )
    return dict(stack.rows(sql))
