"""The OpenAPI document is complete and every operation refuses the anonymous."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.urls("tests.api.token_urlconf")

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_document_is_openapi_3(schema):
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] and schema["info"]["version"]
    assert schema["paths"]


def test_every_operation_has_an_id_tags_and_a_401(schema):
    ids = []
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("operationId"), where
        assert operation.get("tags"), where
        assert operation.get("summary"), where
        assert operation.get("security"), where
        assert "401" in operation["responses"], where
        ids.append(operation["operationId"])
    assert not [i for i, n in Counter(ids).items() if n > 1]


def test_writes_document_400_and_403_and_paths_with_ids_404(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        if method != "get":
            assert {"400", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)


def test_every_reference_resolves(schema):
    defined = {f"#/components/schemas/{name}" for name in schema["components"]["schemas"]}
    assert set(refs(schema)) <= defined


def test_both_ways_to_authenticate_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme") or s.get("in")) for s in schemes.values()}
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}


def test_the_org_operations_are_all_there(schema):
    expected = {
        ("get", "/api/v1/org/employees"),
        ("post", "/api/v1/org/employees"),
        ("get", "/api/v1/org/employees/{employee_id}"),
        ("patch", "/api/v1/org/employees/{employee_id}"),
        ("get", "/api/v1/org/employees/{employee_id}/assignments"),
        ("post", "/api/v1/org/employees/{employee_id}/assignments"),
        ("post", "/api/v1/org/employees/{employee_id}/leave"),
        ("get", "/api/v1/org/departments"),
        ("post", "/api/v1/org/departments"),
        ("patch", "/api/v1/org/departments/{department_id}"),
        ("get", "/api/v1/org/entities"),
        ("get", "/api/v1/org/regions"),
        ("get", "/api/v1/org/positions"),
        ("get", "/api/v1/org/levels"),
        ("get", "/api/v1/org/platforms"),
        ("get", "/api/v1/org/chart"),
        ("get", "/api/v1/org/teams/{department_id}/members"),
    }
    assert expected <= {(m, p) for p, m, _op in operations(schema)}


def test_money_fields_are_integers_named_fen(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if "salary" in field and "history" not in field:
                assert field.endswith("_fen"), (name, field)
            if field.endswith("_fen"):
                types = {spec.get("type")} | {o.get("type") for o in spec.get("anyOf", [])}
                assert "number" not in types and "integer" in types, (name, field)


def test_every_operation_refuses_the_anonymous(world, schema):
    client = Client(headers={"Accept-Language": "en"})
    for path, method, _operation in operations(schema):
        url = re.sub(r"\{[^}]+\}", str(world.chenjing.pk), path)
        call = getattr(client, method)
        response = call(url) if method == "get" else call(url, "{}", "application/json")
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.skipif(
    "ninja" not in settings.INSTALLED_APPS,
    reason="the docs page serves Swagger UI from ninja's static files: add 'ninja' to "
    "INSTALLED_APPS",
)
def test_the_docs_page_uses_no_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "swagger-ui-bundle.js" in html
