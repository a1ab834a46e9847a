"""The audit log's CSV export: streamed, in id order, in constant memory."""

import csv
import io
import tracemalloc
import uuid

import pytest
from django.http import StreamingHttpResponse

from ml.reference import EXAMPLES
from predictions.export import EXPORT_FIELDS, csv_response
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.services import prediction_create

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/predictions/prediction/"


def write_rows(count: int) -> None:
    """`count` answered rows through the service, a 1,000-record batch at a time."""
    records = [EXAMPLES[i % len(EXAMPLES)][0] for i in range(1000)]
    for start in range(0, count, 1000):
        origin = Origin.of(
            user=None, auth_method=AuthMethod.ANONYMOUS, request_id=uuid.uuid4().hex
        )
        batch = records[: min(1000, count - start)]
        prediction_create(records=batch, channel=Channel.API, origin=origin)


def export_peak(queryset) -> tuple[int, int]:
    """Stream an export to nowhere: (lines written, peak bytes allocated)."""
    tracemalloc.start()
    lines = sum(
        chunk.count(b"\n") for chunk in csv_response(queryset).streaming_content
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines, peak


def test_the_admin_action_streams_every_selected_row_in_id_order(
    admin_client, active_model
):
    write_rows(1200)

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "export_csv",
            "select_across": "1",  # "select all 1,200", not the page's 50
            "index": "0",
            "_selected_action": Prediction.objects.values_list("id", flat=True)[:1],
        },
    )

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="predictions.csv"' in response["Content-Disposition"]
    header, *lines = csv.reader(
        io.StringIO(b"".join(response.streaming_content).decode())
    )
    assert header == list(EXPORT_FIELDS)
    ids = [int(line[0]) for line in lines]
    assert ids == sorted(Prediction.objects.values_list("id", flat=True))


def test_the_export_is_written_in_pieces_not_in_one(active_model):
    write_rows(1200)
    chunks = list(csv_response(Prediction.objects.all()).streaming_content)
    assert len(chunks) > 2
    assert max(len(chunk) for chunk in chunks) < 256 * 1024


def test_exporting_ten_times_the_rows_does_not_take_more_memory(active_model):
    write_rows(1000)
    small = export_peak(Prediction.objects.all())
    write_rows(9000)
    large = export_peak(Prediction.objects.all())

    assert (small[0], large[0]) == (1001, 10001)  # the header and every row
    # Building the file in memory would take ten times as much; a stream holds
    # one chunk of rows whatever their number.
    assert large[1] < small[1] * 1.5, (small, large)
