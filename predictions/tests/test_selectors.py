"""Who sees which logged rows: clinicians their own, staff all, rejects nobody."""

from predictions.models import AuthMethod, Channel
from predictions.origin import Origin
from predictions.selectors import prediction_list, recent_predictions
from predictions.services import prediction_reject

API = "/api/v1/predictions/"


def listed_ids(client) -> list[int]:
    response = client.get(API)
    assert response.status_code == 200
    return sorted(item["id"] for item in response.json()["results"])


def test_a_clinician_sees_only_their_own_rows(user_client, user, other_user, logged):
    own = logged(user=user)
    logged(user=other_user)
    logged(user=None)

    assert listed_ids(user_client) == [own.pk]


def test_another_users_row_is_not_found(user_client, other_user, logged):
    theirs = logged(user=other_user)

    assert user_client.get(f"{API}{theirs.pk}/").status_code == 404


def test_staff_see_every_row(staff_client, user, other_user, logged):
    rows = [logged(user=user), logged(user=other_user), logged(user=None)]

    assert listed_ids(staff_client) == sorted(row.pk for row in rows)
    assert staff_client.get(f"{API}{rows[0].pk}/").status_code == 200


def test_rejected_requests_are_not_listed_as_predictions(
    staff_client, staff_user, logged
):
    answered = logged(user=staff_user)
    rejected = prediction_reject(
        data={"age": "abc"},
        errors={"age": ["bad"]},
        channel=Channel.API,
        origin=Origin.of(
            user=staff_user, auth_method=AuthMethod.SESSION, request_id="r-1"
        ),
    )

    assert listed_ids(staff_client) == [answered.pk]
    assert staff_client.get(f"{API}{rejected.pk}/").status_code == 404
    assert list(prediction_list(user=staff_user)) == [answered]


def test_recent_predictions_are_the_users_own_newest_first(user, other_user, logged):
    first, second = logged(user=user), logged(user=user)
    logged(user=other_user)

    assert recent_predictions(user=user) == [second, first]
    assert recent_predictions(user=user, limit=1) == [second]
