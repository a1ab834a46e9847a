"""Production smoke test against a running drugsite (stdlib only).

    python scripts/smoke.py BASE_URL USERNAME PASSWORD TOKEN

Checks /readyz, a form login and prediction, the API with a token, the legacy
endpoint (and that a session alone cannot use it), making and revoking a token with
HTTP Basic, and the admin list. Requests carry X-Forwarded-Proto: https, as from the
TLS-terminating proxy in front of the server. Exits non-zero on the first failure.
"""

from __future__ import annotations

import base64
import http.cookies
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies (Secure ones too), CSRF, no redirects."""

    def __init__(self, base: str):
        self.base, self.cookies = base.rstrip("/"), {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, method: str, path: str, data=None, headers=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}/",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = data
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            response = self.opener.open(req, timeout=10)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        # HTTP header names are case-insensitive (granian sends them in lower case)
        return response.status, response.headers, response.read().decode()

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base).netloc


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def main(base: str, username: str, password: str, token: str) -> None:
    anon = Browser(base)
    status, _, body = anon.request("GET", "/readyz")
    check(status == 200 and json.loads(body)["status"] == "ok", f"/readyz: {body}")

    web = Browser(base)
    status, _, page = web.request("GET", "/accounts/login/")
    check(status == 200, "login page")
    status, headers, _ = web.request(
        "POST",
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page),
        },
    )
    check(status == 302 and "sessionid" in web.cookies, "form login")
    status, _, page = web.request("GET", "/")
    check(status == 200 and "Prescribe" in page, "prescription form")
    form = {
        "age": "47",
        "sex": "F",
        "bp": "HIGH",
        "cholesterol": "HIGH",
        "na_to_k": "14",
        "csrfmiddlewaretoken": csrf_token(page),
    }
    status, headers, _ = web.request("POST", "/", form)
    check(status == 302 and "shown=" in headers.get("Location", ""), "form prediction")
    status, _, page = web.request("GET", headers["Location"])
    check(status == 200 and "drugA" in page, "form answer shows drugA")

    api = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "X-Request-Id": "smoke-api-1",
    }
    payload = json.dumps(
        {"age": 47, "sex": "M", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 10.114}
    ).encode()
    status, headers, body = anon.request("POST", "/api/v1/predictions/", payload, api)
    check(status == 201 and json.loads(body)["drug"] == "drugC", f"API: {body[:120]}")
    check(headers.get("X-Correlation-Id") == "smoke-api-1", "correlation id echoed")

    query = "Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
    status, _, body = anon.request(
        "GET", f"/drug?{query}", headers={"Authorization": f"Token {token}"}
    )
    check(
        status == 200 and json.loads(body) == {"recommended_drug": "DrugY"},
        f"legacy /drug: {body}",
    )
    status, _, body = web.request("GET", f"/drug?{query}")
    check(status == 401, f"legacy /drug refuses a session alone: {status}")
    check_token_lifecycle(anon, username, password)

    status, _, page = web.request("GET", "/admin/predictions/prediction/")
    check(
        status == 200 and "drugC" in page and "drugA" in page, "admin prediction list"
    )
    status, _, page = web.request("GET", "/admin/predictions/prediction/?q=smoke-api-1")
    check(status == 200 and "1 result" in page, "admin finds the API row by request id")


def check_token_lifecycle(client: Browser, username: str, password: str) -> None:
    """A key made with HTTP Basic works until it is revoked."""
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    status, _, body = client.request(
        "POST", "/api/v1/auth/tokens/", b"", {"Authorization": f"Basic {pair}"}
    )
    check(status == 201 and "expiry" in json.loads(body), "token made with Basic")
    auth = {"Authorization": f"Token {json.loads(body)['token']}"}
    status, _, _ = client.request("DELETE", "/api/v1/auth/tokens/current/", None, auth)
    check(status == 204, "token revoked")
    status, _, _ = client.request("GET", "/api/v1/predictions/", None, auth)
    check(status == 401, "a revoked token is refused")


if __name__ == "__main__":
    main(*sys.argv[1:5])
