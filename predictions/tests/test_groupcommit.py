"""Group commit: concurrent requests share one INSERT; each waits for its commit."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections

from ml.reference import TUTORIAL_DEFAULT
from predictions.groupcommit import group_writer
from predictions.models import Channel, Prediction
from predictions.origin import Origin
from predictions.services import prediction_create
from predictions.writes import insert_rows

pytestmark = pytest.mark.usefixtures("flushable")


def origin(index: int) -> Origin:
    return Origin.of(user=None, auth_method="anonymous", request_id=f"group-{index}")


def writer():
    return group_writer("default", Prediction, insert_rows)


def held_requests(count: int, bad: set[int] = frozenset()) -> dict:
    """Start `count` requests while the writer is busy; free it once all queue."""
    results: dict[int, object] = {}
    lock = writer()._writer
    lock.acquire()

    def request(index: int) -> None:
        try:
            if index in bad:  # a row the database refuses (item_index < 0)
                row = Prediction.new(
                    user=None, model_version=None, request_id="bad", item_index=-1
                )
                Prediction.objects.insert_many([row])
                results[index] = row
            else:
                (row,) = prediction_create(
                    records=[TUTORIAL_DEFAULT],
                    channel=Channel.LEGACY,
                    origin=origin(index),
                )
                results[index] = row
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(writer()._queue) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(writer()._queue) == count, "the requests did not all queue"
    lock.release()
    for thread in threads:
        thread.join(10)
    return results


def test_requests_that_arrive_during_a_write_share_the_next_one(active_model):
    groups_before = writer().groups

    results = held_requests(8)

    assert writer().groups == groups_before + 1  # one INSERT for the eight
    assert writer().largest >= 8
    ids = sorted(row.pk for row in results.values())
    assert len(set(ids)) == 8
    stored = Prediction.objects.filter(request_id__startswith="group-")
    assert sorted(stored.values_list("pk", flat=True)) == ids
    for index, row in results.items():  # each got its own row back
        assert Prediction.objects.get(pk=row.pk).request_id == f"group-{index}"


def test_a_request_whose_rows_are_refused_fails_alone(active_model):
    results = held_requests(5, bad={2})

    assert isinstance(results[2], IntegrityError)
    good = [results[i] for i in (0, 1, 3, 4)]
    assert all(isinstance(row, Prediction) for row in good)
    assert Prediction.objects.filter(pk__in=[row.pk for row in good]).count() == 4
    assert not Prediction.objects.filter(request_id="bad").exists()


def test_inside_a_transaction_the_rows_are_the_transactions(active_model):
    from django.db import transaction

    groups_before = writer().groups
    with transaction.atomic():
        prediction_create(
            records=[TUTORIAL_DEFAULT], channel=Channel.LEGACY, origin=origin(99)
        )
        assert connection.in_atomic_block
    assert writer().groups == groups_before  # written on the caller's connection
    assert Prediction.objects.filter(request_id="group-99").count() == 1
