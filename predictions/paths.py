"""Request paths: where drugsite answers JSON, and repeated slashes merged.

The tutorial's notebook client joined a host ending in ``/`` with ``/drug``, so it
asked for ``//drug?...``; Flask (werkzeug) merged the slashes and answered. So
does drugsite: the path is rewritten in place before anything reads it. There is
no redirect, so no ``Location: //host`` (an open redirect) can ever come of it.
"""

import re

# The paths answered in JSON (errors included) rather than HTML pages.
JSON_PATH_PREFIXES = ("/api/", "/drug")

REPEATED_SLASHES = re.compile(r"/{2,}")


def wants_json(path: str) -> bool:
    """Whether drugsite answers this path in JSON (the API, the tutorial's GET)."""
    return path.startswith(JSON_PATH_PREFIXES)


def merge_slashes(path: str) -> str:
    """The path with each run of slashes made one: ``//api//v1/`` is ``/api/v1/``."""
    return REPEATED_SLASHES.sub("/", path)


class MergeSlashesMiddleware:
    """Serve ``//drug`` as ``/drug``, as Flask did: rewrite the path, never redirect.

    Must come before CommonMiddleware (APPEND_SLASH), SecurityMiddleware (its
    HTTPS redirect) and WhiteNoise, so that all of them, URL resolution and the
    request log see the merged path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "//" in request.path:
            request.path = merge_slashes(request.path)
            request.path_info = merge_slashes(request.path_info)
            request.META["PATH_INFO"] = request.path_info
        return self.get_response(request)
