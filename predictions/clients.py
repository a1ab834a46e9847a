"""Who is calling: the client's IP address, the one answer throttling and the
/metrics allow-list share.

``DRUGSITE_NUM_PROXIES`` (default 0) is the number of trusted proxies in front of
drugsite, each appending the address it saw to ``X-Forwarded-For``. With none,
that header is the client's own to forge and is ignored: the address is
``REMOTE_ADDR``. With N, it is the N-th entry from the right, the one the
outermost trusted proxy wrote; entries further left are the client's. Azure's
front end writes ``ip:port`` (``[v6]:port`` for IPv6): the port is dropped.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The caller's IP address, canonical; None when it is not an IP address."""
    chosen = request.META.get("REMOTE_ADDR", "")
    proxies = settings.DRUGSITE_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if proxies and entries:
        chosen = entries[-min(proxies, len(entries))]
    return parse_address(chosen)


@lru_cache(maxsize=4096)  # a client calls again and again; each call asks twice
def parse_address(text: str) -> str | None:
    """``1.2.3.4``, ``1.2.3.4:5678``, ``::1`` or ``[::1]:5678`` as ``1.2.3.4`` or
    ``::1`` (an IPv4-mapped IPv6 address as its IPv4 one); None for anything else."""
    text = text.strip()
    if text.startswith("["):
        text, closed, _ = text[1:].partition("]")
        if not closed:
            return None
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)
