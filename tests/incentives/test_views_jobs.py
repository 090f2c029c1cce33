"""The run page follows its background calculation: a progress bar polling the progress
URL while queued, the failure in words when it failed, and a second calculation refused
with a message while one is under way."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import CalculationJob, JobStatus
from meritline.incentives.services.jobs import run_calculation_execute, run_calculation_queue
from meritline.incentives.services.runs import run_calculate
from tests.incentives.conftest import counts, sign

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def finance(client, iw):
    client.force_login(iw.w.finance, backend=BACKEND)
    return client


def test_a_queued_run_shows_a_polling_progress_bar(iw, finance):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    job = run_calculation_queue(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    detail = reverse("incentives:run_detail", args=[job.run_id])
    page = finance.get(detail).content.decode()
    progress_url = reverse("incentives:run_progress", args=[job.run_id])
    assert f'data-ml-progress-url="{progress_url}"' in page and "incentives/runs.js" in page
    assert reverse("incentives:run_recalculate", args=[job.run_id]) not in page
    assert reverse("incentives:run_approve", args=[job.run_id]) not in page
    state = finance.get(progress_url).json()
    assert state == {"phase": "queued", "percent": 0, "finished": False, "status": "queued"}
    run_calculation_execute(job.pk)
    assert finance.get(progress_url).json()["finished"] is True
    page = finance.get(detail).content.decode()
    assert "incentives/runs.js" not in page and "¥24,000.00" in page


def test_recalculating_while_a_calculation_is_under_way_is_refused(iw, finance):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    job = run_calculation_queue(actor=iw.w.hr_admin, plan_version=iw.version, period="2026-10")
    CalculationJob.objects.filter(pk=job.pk).update(status=JobStatus.CALCULATING)
    before = counts()
    response = finance.post(
        reverse("incentives:run_recalculate", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "正在计算中" in response.context["error"]
    assert counts() == before


def test_calculating_the_same_triple_from_the_form_while_queued_is_a_form_error(iw, finance):
    run_calculation_queue(actor=iw.w.hr_admin, plan_version=iw.version, period="2026-10")
    before = counts()
    response = finance.post(
        reverse("incentives:run_new"),
        {"plan_version": iw.version.pk, "period": "2026-10", "scope": "all"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert counts() == before


def test_the_progress_of_a_run_never_calculated_in_the_background_is_finished(iw, finance):
    sign(iw.sw, date(2026, 10, 8), 1_200_000)
    run = run_calculate(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    state = finance.get(reverse("incentives:run_progress", args=[run.pk])).json()
    assert state["finished"] is True


def test_reps_do_not_see_a_runs_progress(iw, client):
    job = run_calculation_queue(actor=iw.w.finance, plan_version=iw.version, period="2026-10")
    client.force_login(iw.w.employee, backend=BACKEND)
    assert client.get(reverse("incentives:run_progress", args=[job.run_id])).status_code == 404
