"""Time the log's pages on a big database, as a signed-in auditor or clinician.

Each page is asked through Django's test Client (the whole request: middleware,
queries, templates, JSON) in RUNS rounds after a warm-up; the median counts. The
CSV export is consumed as a streaming client would, chunk by chunk, with the
process's RSS read after each chunk.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.test import Client

from predictions.models import Channel, Prediction

RUNS = int(os.environ.get("BENCH_BIGLOG_RUNS", "5"))
ADMIN, API = "/admin/predictions/prediction/", "/api/v1/predictions/"
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def medians_ms(measured: list) -> list[float]:
    """Each page's median time over RUNS rounds, after a warm-up round; rounds
    interleave the pages, so a busy moment of the machine is shared among them."""
    times = [[] for _ in measured]
    for run in range(RUNS + 1):
        for page, (_, client, url, params) in enumerate(measured):
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, params, response.status_code)
            if run:
                times[page].append(elapsed)
    return [statistics.median(page) for page in times]


def clients() -> tuple[Client, Client]:
    """An auditor's client (a superuser: every row) and a clinician's (their own)."""
    auditor = get_user_model().objects.create_superuser("bench-auditor")
    clinician = get_user_model().objects.get(username="clinician07")
    signed_in = []
    for user in (auditor, clinician):
        client = Client()
        client.force_login(user)
        signed_in.append(client)
    return signed_in[0], signed_in[1]


def pages(total: int) -> list[tuple[str, Client, str, dict]]:
    """(what, client, url, query) of each page measured."""
    auditor, clinician = clients()
    row = Prediction.objects.select_related("model_version").get(pk=nth_id(total // 2))
    week = {
        "created_after": (row.created_at - timedelta(days=7)).isoformat(),
        "created_before": row.created_at.isoformat(),
    }
    return [
        ("admin list, first page", auditor, ADMIN, {}),
        ("admin list, filter channel=api", auditor, ADMIN, {"channel": Channel.API}),
        ("admin list, filter drug=drugA", auditor, ADMIN, {"drug": "drugA"}),
        (
            "admin list, filter outcome=rejected",
            auditor,
            ADMIN,
            {"outcome": "rejected"},
        ),
        ("admin list, search a request id", auditor, ADMIN, {"q": row.request_id}),
        ("admin list, search a username", auditor, ADMIN, {"q": "clinician07"}),
        ("admin change page of one row", auditor, f"{ADMIN}{row.pk}/change/", {}),
        ("API list, auditor (every row)", auditor, API, {}),
        ("API list, a clinician's own rows", clinician, API, {}),
        ("API list, channel=api", auditor, API, {"channel": Channel.API}),
        ("API list, drug=drugA", auditor, API, {"drug": "drugA"}),
        ("API list, one week (created_after/before)", auditor, API, week),
        (
            "API list, model_version",
            auditor,
            API,
            {"model_version": row.model_version.version},
        ),
        ("API list, page 100", auditor, API, {"page": 100}),
        ("API detail of one row", auditor, f"{API}{row.pk}/", {}),
    ]


def nth_id(n: int) -> int:
    """The id of the n-th row (from 0): COPY gave the rows consecutive ids."""
    return Prediction.objects.order_by("pk").values_list("pk", flat=True)[0] + n


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


def export_measure(client: Client, count: int) -> dict:
    """Export the log's first `count` rows through admin's action, as streamed."""
    first, end = (
        Prediction.objects.get(pk=nth_id(n)).created_at.isoformat() for n in (0, count)
    )
    query = urlencode({"created_at__gte": first, "created_at__lt": end})
    action = {"action": "export_csv", "select_across": "1", "index": "0"}
    before = peak = rss_bytes()
    started = time.perf_counter()
    response = client.post(f"{ADMIN}?{query}", action | {"_selected_action": "1"})
    assert response.status_code == 200, response
    assert response.streaming, "the export must be streamed"
    lines, first_byte = 0, None
    for chunk in response.streaming_content:
        first_byte = first_byte or time.perf_counter() - started
        lines += chunk.count(b"\n")
        peak = max(peak, rss_bytes())
    response.close()
    seconds = time.perf_counter() - started
    assert lines - 1 == count, f"exported {lines - 1:,} rows, not {count:,}"
    return {
        "rows": count,
        "rows_per_s": count / seconds,
        "first_byte_s": first_byte,
        "seconds": seconds,
        "growth_mb": (peak - before) / 2**20,
        "peak_mb": peak / 2**20,
    }
