"""The version page's review and retire buttons: who sees which, what a refusal shows
(400, the message under its field, nothing written), and what a success leaves."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import VersionStatus
from meritline.incentives.services.plans import plan_version_create, plan_version_submit
from tests.incentives.conftest import counts, plan_text

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


@pytest.fixture
def pending(iw):
    version = plan_version_create(
        actor=iw.w.hr_admin,
        plan=iw.plan,
        document=plan_text("pay2_tiered_commission"),
        valid_from=date(2026, 7, 1),
    )
    return plan_version_submit(actor=iw.w.hr_admin, version=version)


def url(name, version):
    return reverse(f"incentives:{name}", args=[version.pk])


def test_the_reviewer_sees_approve_and_send_back_and_the_author_withdraw(iw, pending, as_user):
    page = as_user(iw.w.finance).get(url("version_detail", pending)).content.decode()
    assert url("version_approve", pending) in page and url("version_reject", pending) in page
    assert url("version_withdraw", pending) not in page
    page = as_user(iw.w.hr_admin).get(url("version_detail", pending)).content.decode()
    assert url("version_withdraw", pending) in page
    assert (
        url("version_approve", pending) not in page and url("version_reject", pending) not in page
    )
    page = as_user(iw.w.finance).get(url("version_detail", iw.version)).content.decode()
    assert url("version_retire", iw.version) in page
    assert url("version_submit", iw.version) not in page


def test_submit_withdraw_and_send_back_from_the_page(iw, pending, as_user):
    author = as_user(iw.w.hr_admin)
    assert author.post(url("version_withdraw", pending)).status_code == 302
    pending.refresh_from_db()
    assert pending.status == VersionStatus.DRAFT
    assert author.post(url("version_submit", pending)).status_code == 302
    reviewer = as_user(iw.w.finance)
    response = reviewer.post(url("version_reject", pending), {"reason": "第二档写错了"})
    assert response.status_code == 302
    page = reviewer.get(response["Location"]).content.decode()
    assert "第二档写错了" in page and "ml-version-rejected" in page
    pending.refresh_from_db()
    assert pending.status == VersionStatus.DRAFT


def test_sending_back_without_a_reason_is_400_under_the_field(iw, pending, as_user):
    before = counts()
    response = as_user(iw.w.finance).post(url("version_reject", pending), {"reason": " "})
    assert response.status_code == 400
    assert response.context["reject_form"].errors["reason"]
    assert 'id="id_reason_error"' in response.content.decode()
    assert counts() == before


def test_the_author_sending_back_or_approving_their_own_version_is_refused(iw, pending, as_user):
    author = as_user(iw.w.hr_admin)
    before = counts()
    for response in (
        author.post(url("version_reject", pending), {"reason": "x"}),
        author.post(url("version_approve", pending)),
    ):
        assert response.status_code == 400 and response.context["error"]
    assert counts() == before


def test_withdrawing_someone_elses_version_is_refused(iw, pending, as_user):
    before = counts()
    response = as_user(iw.w.finance).post(url("version_withdraw", pending))
    assert response.status_code == 400 and response.context["error"]
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"retire_from": "2025-12-01", "reason": "x"},  # before valid_from
        {"retire_from": "2026-01-01", "reason": "x"},  # on valid_from
        {"retire_from": "2026-02-30", "reason": "x"},  # not a date
        {"retire_from": "", "reason": "x"},
        {"retire_from": "2026-06-01", "reason": ""},
    ],
)
def test_bad_retirements_are_400_under_the_field(iw, as_user, body):
    before = counts()
    response = as_user(iw.w.finance).post(url("version_retire", iw.version), body)
    assert response.status_code == 400
    form = response.context["retire_form"]
    field = "reason" if body["retire_from"] == "2026-06-01" else "retire_from"
    assert form.errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert counts() == before


def test_retiring_from_the_page(iw, as_user):
    client = as_user(iw.w.finance)
    response = client.post(
        url("version_retire", iw.version), {"retire_from": "2026-06-01", "reason": "停用"}
    )
    assert response.status_code == 302
    iw.version.refresh_from_db()
    assert iw.version.status == VersionStatus.RETIRED
    assert iw.version.valid_to == date(2026, 5, 31)
    page = client.get(url("version_detail", iw.version)).content.decode()
    assert "ml-version-retired" in page and "停用" in page
    assert url("version_retire", iw.version) not in page


def test_reps_and_auditors_cannot_review_or_retire(iw, pending, as_user):
    for user in (iw.w.employee, iw.w.auditor):
        client = as_user(user)
        for name in ("version_submit", "version_withdraw", "version_reject"):
            assert client.post(url(name, pending), {"reason": "x"}).status_code == 403
        body = {"retire_from": "2026-06-01", "reason": "x"}
        assert client.post(url("version_retire", iw.version), body).status_code == 403
