"""Shared by the clients' tests: the tutorial's examples and the live-stack helpers."""

from pathlib import Path

from drugsite.tests.live import LiveStack, free_port

CLIENTS = Path(__file__).resolve().parents[1]

#: The tutorial's examples (DATA.md): age, sex, bp, cholesterol, na_to_k -> drug.
EXAMPLES = [
    ((47, "M", "LOW", "HIGH", 10.114), "drugC"),
    ((60, "F", "LOW", "HIGH", 20), "DrugY"),
    ((47, "F", "LOW", "HIGH", 14), "drugC"),
    ((47, "F", "HIGH", "HIGH", 14), "drugA"),
]
FIELDS = ("age", "sex", "bp", "cholesterol", "na_to_k")


def as_fields(values: tuple) -> dict:
    """An example's values keyed by the API's field names."""
    return dict(zip(FIELDS, values, strict=True))


def free_url() -> str:
    """The URL of a port nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


def create_tokens(stack: LiveStack, *usernames: str) -> dict[str, str]:
    """Create Prescribers and their API tokens on the stack; username -> token key."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from predictions.roles import role_get, role_grant\n"
        "from predictions.tokens import token_create\n"
        f"for name in {list(usernames)!r}:\n"
        "    user = get_user_model().objects.create_user(name)\n"
        "    role_grant(user=user, role=role_get('prescriber'))\n"
        "    print('token', name, token_create(user=user)[1])\n"
    )
    lines = stack.manage("shell", "--no-imports", "-c", code).splitlines()
    found = dict(line.split()[1:] for line in lines if line.startswith("token "))
    assert set(found) == set(usernames), lines
    return found


def start_stack(workdir: Path, store: Path, **extra_env: str) -> LiveStack:
    """A production stack requiring tokens; close() it after use."""
    stack = LiveStack(
        workdir=workdir,
        store=store,
        workers=int(extra_env.pop("WORKERS", "2")),
        extra_env={"DRUGSITE_ALLOW_ANONYMOUS": "0", **extra_env},
    )
    try:
        return stack.start()
    except BaseException:
        stack.close()
        raise
