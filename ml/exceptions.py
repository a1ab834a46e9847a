"""Errors the ml app raises; the web layer maps them to HTTP statuses."""


class ModelUnavailable(RuntimeError):
    """No verified model can serve predictions; the message says how to fix it."""


class UnknownVersion(ModelUnavailable, LookupError):
    """No registered version has the name asked for; the message lists known ones."""


class ModelChangeRefused(ValueError):
    """A change to the served model that cannot be made (no reason given, nothing
    to roll back to, the active version as a candidate); the message says why."""


class DatasetError(ValueError):
    """A training file that cannot be used; lists every problem with its line."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        shown = problems[:50]
        more = len(problems) - len(shown)
        lines = [f"{path}: {len(problems)} problem(s):", *(f"  {p}" for p in shown)]
        if more:
            lines.append(f"  ... and {more} more")
        super().__init__("\n".join(lines))
