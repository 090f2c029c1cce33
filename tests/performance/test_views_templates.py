"""KPI template pages: the list, the weight history with its diff (PRF-6), and the
editor refusing weights that do not add up to 100 % and negative targets."""

from __future__ import annotations

import json

from meritline.performance.models import KpiTemplate, KpiTemplateVersion
from meritline.performance.services.seed import STANDARD_CURVE
from tests.performance.clients import client_for


def rows(*items: tuple[str, str, str, str, str, str]) -> dict[str, str]:
    """A POST of the items formset: (id, kind, metric, unit, target, weight) each."""
    data = {
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
    }
    for n, (kpi, kind, metric, unit, target, weight) in enumerate(items):
        data.update(
            {
                f"items-{n}-kpi_id": kpi,
                f"items-{n}-kind": kind,
                f"items-{n}-metric": metric,
                f"items-{n}-unit": unit,
                f"items-{n}-target": target,
                f"items-{n}-weight": weight,
                f"items-{n}-curve": json.dumps(STANDARD_CURVE),
            }
        )
    return data


GOOD = (
    ("revenue", "metric", "sales_amount", "fen", "50000000", "70"),
    ("margin", "metric", "gross_margin_rate", "ratio", "0.3", "30"),
)


def test_everyone_reads_the_templates_and_the_history_shows_the_reweighting(pw):
    page = client_for(pw.w.employee).get("/performance/templates/")
    assert page.status_code == 200
    assert "大客户销售 KPI" in page.content.decode()
    template = pw.templates["KEY-ACCOUNTS"]
    detail = client_for(pw.w.employee).get(f"/performance/templates/{template.pk}/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "v1 → v2" in text
    assert "− 月度业绩 60 %" in text  # monthly volume 60 % is gone
    assert "+ 大客户签约率 30 %" in text
    assert "Re-weight" not in text  # a rep may not write


def test_hr_writes_a_new_version_that_closes_the_previous(pw):
    template = pw.templates["MATURE-PLATFORM"]
    data = {"valid_from": "2027-01-01", "note": "重新加权", **rows(*GOOD)}
    response = client_for(pw.w.hr_admin).post(
        f"/performance/templates/{template.pk}/versions/new/", data
    )
    assert response.status_code == 302
    latest = template.versions.order_by("-number").first()
    assert latest.number == 2 and latest.weights == {"revenue": "70", "margin": "30"}
    assert str(template.versions.get(number=1).valid_to) == "2026-12-31"


def test_weights_not_adding_up_to_100_are_refused_with_their_sum(pw):
    template = pw.templates["MATURE-PLATFORM"]
    bad = ((*GOOD[0][:5], "65"), GOOD[1])
    response = client_for(pw.w.hr_admin).post(
        f"/performance/templates/{template.pk}/versions/new/",
        {"valid_from": "2027-01-01", **rows(*bad)},
    )
    assert response.status_code == 400
    assert "The weights add up to 95" in response.content.decode()
    assert template.versions.count() == 1


def test_the_sum_message_is_in_chinese_for_chinese_users(pw):
    template = pw.templates["MATURE-PLATFORM"]
    bad = ((*GOOD[0][:5], "80"), GOOD[1])
    response = client_for(pw.w.hr_admin, "zh-hans").post(
        f"/performance/templates/{template.pk}/versions/new/",
        {"valid_from": "2027-01-01", **rows(*bad)},
    )
    assert response.status_code == 400
    assert "权重合计为 110 %" in response.content.decode()
    assert template.versions.count() == 1


def test_a_negative_target_is_refused(pw):
    template = pw.templates["MATURE-PLATFORM"]
    bad = ((*GOOD[0][:4], "-5", "70"), GOOD[1])
    response = client_for(pw.w.hr_admin).post(
        f"/performance/templates/{template.pk}/versions/new/",
        {"valid_from": "2027-01-01", **rows(*bad)},
    )
    assert response.status_code == 400
    assert "must not be negative" in response.content.decode()
    assert template.versions.count() == 1


def test_a_backdated_version_and_a_bad_curve_are_refused(pw):
    template = pw.templates["MATURE-PLATFORM"]
    client = client_for(pw.w.hr_admin)
    response = client.post(
        f"/performance/templates/{template.pk}/versions/new/",
        {"valid_from": "2020-01-01", **rows(*GOOD)},
    )
    assert response.status_code == 400
    data = {"valid_from": "2027-01-01", **rows(*GOOD)}
    data["items-0-curve"] = "{not json"
    assert (
        client.post(f"/performance/templates/{template.pk}/versions/new/", data).status_code == 400
    )
    assert template.versions.count() == 1


def test_hr_creates_a_template_and_a_duplicate_code_is_refused(pw):
    client = client_for(pw.w.hr_admin)
    data = {"code": "GOV-REP", "name": "政企代表", "stage": "mature", "valid_from": "2026-01-01"}
    response = client.post("/performance/templates/new/", {**data, **rows(*GOOD)})
    assert response.status_code == 302
    assert KpiTemplate.objects.get(code="GOV-REP").versions.count() == 1
    again = client.post("/performance/templates/new/", {**data, **rows(*GOOD)})
    assert again.status_code == 400
    assert KpiTemplate.objects.filter(code="GOV-REP").count() == 1


def test_only_hr_may_write_templates(pw):
    template = pw.templates["MATURE-PLATFORM"]
    for user in (pw.w.manager, pw.w.finance, pw.w.employee):
        client = client_for(user)
        assert client.get("/performance/templates/new/").status_code == 403
        response = client.post(
            f"/performance/templates/{template.pk}/versions/new/",
            {"valid_from": "2027-01-01", **rows(*GOOD)},
        )
        assert response.status_code == 403
    assert KpiTemplateVersion.objects.filter(template=template).count() == 1
