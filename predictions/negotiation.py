from rest_framework.negotiation import BaseContentNegotiation


class JsonOnly(BaseContentNegotiation):
    """Always the first parser and renderer (JSON), whatever the client's Accept.

    The tutorial's endpoint answered JSON to every caller; so does GET /drug.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
