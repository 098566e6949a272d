"""Idempotency-Key on the API's POSTs: a retry creates one object and gets the first answer again."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from hamyar.accounts.models import ApiToken
from hamyar.accounts.services import api_token_create
from hamyar.core.idempotency import KeyInUse, run_once
from hamyar.core.models import IdempotencyKey
from hamyar.directory.models import MunicipalAsset

TOKENS = "/api/v1/tokens"
ASSETS = "/api/v1/assets"
KEY = "3f1c9a52-7b7e-4c1e-9d0e-1405a9d00009"


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict, key: str | None = KEY, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def tokens_of(user) -> int:
    return ApiToken.objects.filter(user=user).count()


def test_without_a_key_a_retry_creates_a_second_object(tenant):
    """The control: what the key prevents does happen without it."""
    client = session(tenant.users["admin"])
    assert post(client, TOKENS, {"name": "حسابداری"}, key=None).status_code == 201
    assert post(client, TOKENS, {"name": "حسابداری"}, key=None).status_code == 201
    assert tokens_of(tenant.users["admin"]) == 2


def test_the_same_key_twice_creates_one_object_and_replays_the_first_answer(tenant):
    client = session(tenant.users["admin"])
    first = post(client, TOKENS, {"name": "حسابداری"})
    again = post(client, TOKENS, {"name": "حسابداری"})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content  # the same token, secret included, to the same caller
    assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert tokens_of(tenant.users["admin"]) == 1


def test_a_retried_asset_is_created_once(tenant):
    client = session(tenant.users["district9"])
    body = {"municipality": tenant.district9.pk, "name": "بوستان وفا", "kind": "park"}
    first = post(client, ASSETS, body)
    again = post(client, ASSETS, body)
    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert MunicipalAsset.objects.filter(name="بوستان وفا").count() == 1


def test_the_same_key_with_a_different_body_is_refused(tenant):
    client = session(tenant.users["admin"])
    assert post(client, TOKENS, {"name": "حسابداری"}).status_code == 201
    response = post(client, TOKENS, {"name": "انبار"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "کلید" in response.json()["detail"]  # Persian
    assert tokens_of(tenant.users["admin"]) == 1


def test_the_same_key_on_another_route_is_refused(tenant):
    client = session(tenant.users["admin"])
    assert post(client, TOKENS, {"name": "حسابداری"}).status_code == 201
    body = {"municipality": tenant.district9.pk, "name": "بوستان وفا", "kind": "park"}
    response = post(client, ASSETS, body)
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert not MunicipalAsset.objects.filter(name="بوستان وفا").exists()


def test_a_refused_first_attempt_keeps_nothing_and_the_corrected_retry_creates(tenant):
    client = session(tenant.users["district9"])
    wrong = {"municipality": tenant.district9.pk, "name": "بوستان وفا", "kind": "volcano"}
    refused = post(client, ASSETS, wrong)
    assert refused.status_code == 422 and "Idempotent-Replayed" not in refused
    assert not IdempotencyKey.objects.exists()
    right = {**wrong, "kind": "park"}
    created = post(client, ASSETS, right)
    assert created.status_code == 201 and "Idempotent-Replayed" not in created
    assert MunicipalAsset.objects.filter(name="بوستان وفا").count() == 1


def test_a_refusal_by_the_service_keeps_nothing_either(tenant):
    client = session(tenant.users["district9"])
    other = {"municipality": tenant.district10.pk, "name": "بوستان وفا", "kind": "park"}
    assert post(client, ASSETS, other).status_code == 422  # another municipality's: not a valid choice
    assert not IdempotencyKey.objects.exists()
    mine = {**other, "municipality": tenant.district9.pk}
    assert post(client, ASSETS, mine).status_code == 201


def test_keys_belong_to_their_sender(tenant):
    admin, supplier = tenant.users["admin"], tenant.users["supplier"]
    first = post(session(admin), TOKENS, {"name": "حسابداری"})
    second = post(session(supplier), TOKENS, {"name": "حسابداری"})
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert second.json()["id"] != first.json()["id"]
    assert (tokens_of(admin), tokens_of(supplier)) == (1, 1)


def test_a_bearer_token_owns_its_keys(tenant):
    admin = tenant.users["admin"]
    _token, secret = api_token_create(acting_user=admin, name="robot")
    _other, other_secret = api_token_create(acting_user=tenant.users["supplier"], name="robot")
    machine = Client()
    first = post(machine, TOKENS, {"name": "حسابداری"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    again = post(machine, TOKENS, {"name": "حسابداری"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert tokens_of(admin) == 2  # "robot" and one "حسابداری"
    other = post(machine, TOKENS, {"name": "حسابداری"}, HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert tokens_of(tenant.users["supplier"]) == 2


def test_a_wrong_token_with_a_key_is_refused_and_keeps_nothing(tenant):
    response = post(Client(), TOKENS, {"name": "حسابداری"}, HTTP_AUTHORIZATION="Bearer hmy_not-a-token")
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists() and not ApiToken.objects.exists()


def test_an_anonymous_post_with_a_key_is_refused_and_keeps_nothing(db):
    response = post(Client(), TOKENS, {"name": "حسابداری"})
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["x" * 201, "bad\x01key", "کلید"])
def test_a_malformed_key_is_refused_and_creates_nothing(tenant, key):
    response = post(session(tenant.users["admin"]), TOKENS, {"name": "حسابداری"}, key=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not ApiToken.objects.exists() and not IdempotencyKey.objects.exists()


def test_a_key_on_a_read_is_ignored(tenant):
    client = session(tenant.users["admin"])
    response = client.get(TOKENS, HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert not IdempotencyKey.objects.exists()


def test_a_retry_while_the_first_request_runs_is_told_to_wait(tenant):
    user = tenant.users["admin"]

    def request():
        r = RequestFactory().post(TOKENS, data=b'{"name": "a"}', content_type="application/json",
                                  HTTP_IDEMPOTENCY_KEY=KEY)
        r.user = user
        return r

    seen = []

    def first_view():
        # The client retries before the first answer arrives.
        with pytest.raises(KeyInUse) as refused:
            run_once(request(), lambda: pytest.fail("the retry must not run"))
        seen.append(refused.value.status)
        from django.http import JsonResponse

        return JsonResponse({"id": 1}, status=201)

    assert run_once(request(), first_view).status_code == 201
    assert seen == [409]
    assert IdempotencyKey.objects.get().status_code == 201


def test_an_abandoned_claim_is_taken_over(tenant):
    user = tenant.users["admin"]
    IdempotencyKey.objects.create(owner=f"user:{user.pk}", key=KEY, request_hash="0" * 64)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    response = post(session(user), TOKENS, {"name": "حسابداری"})
    assert response.status_code == 201 and tokens_of(user) == 1


def test_an_answer_is_kept_for_a_day_only(tenant):
    user = tenant.users["admin"]
    client = session(user)
    assert post(client, TOKENS, {"name": "حسابداری"}).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))
    response = post(client, TOKENS, {"name": "حسابداری"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert tokens_of(user) == 2


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_object(tenant):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    admin = tenant.users["admin"]
    _token, secret = api_token_create(acting_user=admin, name="robot")
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    answers: list = []

    def send():
        from django.db import connection as thread_connection

        try:
            client = Client()
            barrier.wait()
            answers.append(post(client, TOKENS, {"name": "حسابداری"}, HTTP_AUTHORIZATION=f"Bearer {secret}"))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == threads_count
    assert ApiToken.objects.filter(user=admin, name="حسابداری").count() == 1
    created = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a]
    assert len(created) == 1
    for answer in answers:
        if answer is created[0]:
            continue
        if answer.status_code == 201:
            assert answer["Idempotent-Replayed"] == "true" and answer.content == created[0].content
        else:
            assert answer.status_code == 409 and answer.json()["code"] == "idempotency_in_progress"
