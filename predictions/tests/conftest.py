"""Fixtures of the predictions app's tests: users, clients, and the three channels."""

import uuid
from collections.abc import Callable
from dataclasses import asdict
from unittest.mock import patch

import pytest
from django.db import DatabaseError
from django.test import Client

from ml import predictor
from ml.features import PatientRecord
from ml.reference import EXAMPLES
from predictions.models import Channel, Prediction
from predictions.services import prediction_create

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def user(django_user_model):
    """A signed-in clinician without staff rights."""
    return django_user_model.objects.create_user(username="alice", password=PASSWORD)


@pytest.fixture
def other_user(django_user_model):
    """A second clinician, whose rows alice must not see."""
    return django_user_model.objects.create_user(username="bob", password=PASSWORD)


@pytest.fixture
def staff_user(django_user_model):
    """A staff member (not a superuser), who may read every row."""
    return django_user_model.objects.create_user(
        username="carol", password=PASSWORD, is_staff=True
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def user_client(user) -> Client:
    """A client with alice's session (the `client` fixture stays anonymous)."""
    return signed_in(user)


@pytest.fixture
def other_client(other_user) -> Client:
    return signed_in(other_user)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return signed_in(staff_user)


@pytest.fixture
def record() -> PatientRecord:
    """The tutorial notebook's default patient (answered drugC)."""
    return PatientRecord(47, "F", "LOW", "HIGH", 14.0)


@pytest.fixture
def ask() -> Callable:
    """Ask one channel for a prediction for a record; returns the HTTP response."""

    def ask(client: Client, channel: str, record: PatientRecord, **extra):
        if channel == Channel.LEGACY:
            return client.get("/drug", record.as_dict(), **extra)
        if channel == Channel.API:
            return client.post(
                "/api/v1/predictions/",
                asdict(record),
                content_type="application/json",
                **extra,
            )
        return client.post("/", asdict(record), **extra)

    return ask


@pytest.fixture
def logged(active_model) -> Callable[..., Prediction]:
    """Write one answered row through the service, as a channel would."""

    def logged(*, user=None, channel=Channel.API, record=None, request_id=None):
        (row,) = prediction_create(
            records=[record or EXAMPLES[0][0]],
            channel=channel,
            user=user,
            request_id=request_id or uuid.uuid4().hex,
        )
        return row

    return logged


@pytest.fixture
def no_model(db):
    """A database without any registered model, and no model in the cache."""
    predictor.clear_cache()
    yield
    predictor.clear_cache()


@pytest.fixture
def broken_log():
    """The prediction log refuses every insert, like a full disk would."""
    with patch.object(
        Prediction.objects, "insert_many", side_effect=DatabaseError("disk full")
    ) as mock:
        yield mock


@pytest.fixture
def anonymous_allowed(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
