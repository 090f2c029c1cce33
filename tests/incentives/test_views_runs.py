"""Run pages and commission terms: calculate with its bad inputs (400 under the field,
nothing written), the run with totals and statements (sorted, exported), recalculate,
approve and close by status and role, the payroll hand-off; terms set with a reason."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import CommissionTerms, JobStatus, Run, RunStatus
from meritline.incentives.services.runs import run_approve, run_calculate, run_close
from tests.incentives.conftest import counts, sign

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def october(iw):
    sign(iw.sw, date(2026, 10, 8), 1_200_000, number="D-1024")
    sign(iw.sw, date(2026, 10, 9), 300_000, owner="XH00005")
    return iw


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs what a request queued once it commits (the eager Celery of the default)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def calculate(client, iw, **changes):
    body = {"plan_version": iw.version.pk, "period": "2026-10", "scope": "all", **changes}
    return client.post(reverse("incentives:run_new"), body)


def test_finance_calculates_a_period_and_sees_the_run(october, as_user, worker):
    iw = october
    client = as_user(iw.w.finance)
    assert client.get(reverse("incentives:run_new")).status_code == 200
    with worker():
        response = calculate(client, iw)
    run = Run.objects.get()
    assert response["Location"] == reverse("incentives:run_detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "¥27,000.00" in page  # 24,000 + 3,000 payable
    assert "陈静" in page and "孙磊" in page
    listing = client.get(reverse("incentives:run_list")).content.decode()
    assert reverse("incentives:run_detail", args=[run.pk]) in listing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": ""}, "period"),
        ({"scope": "NOPE"}, "scope"),
        ({"plan_version": "999999"}, "plan_version"),
        ({"period": "2025-06"}, "plan_version"),  # not in force before 2026
    ],
)
def test_bad_calculation_inputs_are_400_under_the_field(october, as_user, changes, field):
    before = counts()
    response = calculate(as_user(october.w.finance), october, **changes)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert counts() == before


def test_missing_terms_fail_the_calculation_naming_the_people(october, as_user, worker):
    sign(october.sw, date(2026, 10, 10), 100_000, owner="XH00006")
    before = counts()
    client = as_user(october.w.finance)
    with worker():
        response = calculate(client, october)
    run = Run.objects.get()
    assert response["Location"] == reverse("incentives:run_detail", args=[run.pk])
    job = run.jobs.get()
    assert job.status == JobStatus.FAILED and "刘洋" in job.failure
    page = client.get(response["Location"]).content.decode()
    assert "刘洋" in page and "ml-job-failed" in page
    assert run.calculated_at is None and not run.lines.exists()
    after = counts()
    # the run and the audit of its failure are kept; no line, statement nor state
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "Run": 1,
        "CalculationJob": 1,
        "AuditLog": 2,
    }


def test_statements_sort_page_and_export(october, as_user):
    iw = october
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    client = as_user(iw.w.auditor)
    page = client.get(reverse("incentives:run_detail", args=[run.pk]) + "?sort=-payable")
    names = [s.payee.name for s in page.context["page_obj"].object_list]
    assert names == ["陈静", "孙磊"]
    assert "Recalculate" not in page.content.decode()  # the auditor only reads
    export = client.get(reverse("incentives:run_export", args=[run.pk]) + "?format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["XH00004", "陈静"] and "24000.00" in rows[1]
    xlsx = client.get(reverse("incentives:run_export", args=[run.pk]) + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_recalculate_approve_close_follow_the_status(october, as_user, worker):
    iw = october
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    client = as_user(iw.w.finance)
    detail = reverse("incentives:run_detail", args=[run.pk])
    page = client.get(detail).content.decode()
    close_url = reverse("incentives:run_close", args=[run.pk])
    assert reverse("incentives:run_approve", args=[run.pk]) in page and close_url not in page
    sign(iw.sw, date(2026, 10, 20), 600_000)
    with worker():
        assert client.post(reverse("incentives:run_recalculate", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.payable_fen == 3_600_000
    before = counts()
    refused = client.post(close_url)  # a draft cannot be closed
    assert refused.status_code == 400 and refused.context["error"]
    assert counts() == before
    assert client.post(reverse("incentives:run_approve", args=[run.pk])).status_code == 302
    locked = client.post(reverse("incentives:run_recalculate", args=[run.pk]))
    assert locked.status_code == 400 and locked.context["error"]
    assert client.post(close_url).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED
    assert "¥36,000.00" in client.get(detail).content.decode()


def test_reps_and_auditors_cannot_change_runs(october, as_user):
    iw = october
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    assert (
        as_user(iw.w.auditor).post(reverse("incentives:run_approve", args=[run.pk])).status_code
        == 403
    )
    assert (
        as_user(iw.w.employee).get(reverse("incentives:run_detail", args=[run.pk])).status_code
        == 404
    )
    assert as_user(iw.w.employee).get(reverse("incentives:run_list")).status_code == 403


def test_a_closed_run_hands_its_payable_amounts_to_payroll(october, as_user):
    iw = october
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    client = as_user(iw.w.finance)
    payable = reverse("incentives:run_payable", args=[run.pk]) + "?format=csv"
    assert client.get(payable).status_code == 404  # not closed yet
    run_approve(actor=iw.w.finance, run=run)
    run_close(actor=iw.w.finance, run=run)
    page = client.get(reverse("incentives:run_detail", args=[run.pk])).content.decode()
    assert reverse("incentives:run_payable", args=[run.pk]) in page
    rows = list(csv.reader(io.StringIO(client.get(payable).content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["XH00004", "陈静", "2026-10", "24000.00", "2400000"],
        ["XH00005", "孙磊", "2026-10", "3000.00", "300000"],
    ]


# Commission terms ------------------------------------------------------------------------


def test_finance_sets_a_level_rate_and_sees_the_history(iw, as_user):
    client = as_user(iw.w.finance)
    response = client.post(
        reverse("incentives:terms_new"),
        {
            "kind": "level_rate",
            "employee": iw.w.chenjing.pk,
            "valid_from": "2026-11-01",
            "rate": "0.015",
            "reason": "晋升",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("incentives:terms_list") + "?q=陈静").content.decode()
    assert "0.015" in page and "0.01<" in page.replace(" ", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rate": "1.5"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": "0.0000001"}, "rate"),
        ({"valid_from": "2025-01-01"}, "valid_from"),  # before the latest terms
        ({"kind": "adjustment", "rate": "-0.005", "reason": ""}, "reason"),
        ({"employee": ""}, "employee"),  # no holder
    ],
)
def test_bad_terms_are_400_under_the_field(iw, as_user, body, field):
    data = {
        "kind": "level_rate",
        "employee": iw.w.chenjing.pk,
        "valid_from": "2026-11-01",
        "rate": "0.015",
        "reason": "",
        **body,
    }
    before = counts()
    response = as_user(iw.w.finance).post(reverse("incentives:terms_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field], response.context["form"].errors
    assert counts() == before


def test_an_adjustment_with_its_reason_is_kept(iw, as_user):
    response = as_user(iw.w.hr_admin).post(
        reverse("incentives:terms_new"),
        {
            "kind": "adjustment",
            "employee": iw.w.sunlei.pk,
            "valid_from": "2026-10-01",
            "rate": "-0.005",
            "reason": "季度未达标",
        },
    )
    assert response.status_code == 302
    row = CommissionTerms.objects.get(kind="adjustment")
    assert (str(row.rate.normalize()), row.reason) == ("-0.005", "季度未达标")


def test_terms_are_not_for_reps(iw, as_user):
    client = as_user(iw.w.employee)
    assert client.get(reverse("incentives:terms_list")).status_code == 403
    assert client.get(reverse("incentives:terms_new")).status_code == 403
    assert as_user(iw.w.auditor).get(reverse("incentives:terms_new")).status_code == 403
