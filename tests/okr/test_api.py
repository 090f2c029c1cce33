"""The OKR API: scoped objectives and check-ins."""

from __future__ import annotations

import json

from django.test import Client

from meritline.performance.okr.models import CheckIn, Objective, Visibility

API = "/api/v1/performance/okr"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_objectives_are_listed_with_scores_and_key_results(world, okr):
    body = _client(world.employee).get(f"{API}/objectives").json()
    person = next(o for o in body if o["id"] == okr["person"].pk)
    assert person["parent_id"] == okr["team"].pk
    assert [kr["weight"] for kr in person["key_results"]] == ["50.00", "30.00", "20.00"]
    assert person["score"] == "0.0000"


def test_private_objectives_stay_private(world, okr):
    Objective.objects.filter(pk=okr["person"].pk).update(visibility=Visibility.PRIVATE)
    ids = {o["id"] for o in _client(world.other_employee).get(f"{API}/objectives").json()}
    assert okr["person"].pk not in ids
    response = _client(world.other_employee).get(f"{API}/objectives/{okr['person'].pk}")
    assert response.status_code == 404


def test_check_in_through_the_api(world, okr):
    kr = okr["person"].key_results.first()
    client = _client(world.employee)
    response = client.post(
        f"{API}/key-results/{kr.pk}/check-ins",
        json.dumps({"value": 6, "confidence": "high", "comment": "API"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["score"] == "0.6000"
    history = client.get(f"{API}/objectives/{okr['person'].pk}/check-ins").json()
    assert [c["value"] for c in history] == ["6.0000"]


def test_a_bad_check_in_is_a_400_with_the_field(world, okr):
    amount = okr["person"].key_results.all()[1]
    response = _client(world.employee).post(
        f"{API}/key-results/{amount.pk}/check-ins",
        json.dumps({"value": -1, "confidence": "high"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "negative_money"
    assert response.json()["field"] == "value"
    assert not CheckIn.objects.exists()


def test_a_colleague_gets_403(world, okr):
    kr = okr["person"].key_results.first()
    response = _client(world.other_employee).post(
        f"{API}/key-results/{kr.pk}/check-ins",
        json.dumps({"value": 1, "confidence": "high"}),
        content_type="application/json",
    )
    assert response.status_code == 403
