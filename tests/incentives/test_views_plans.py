"""Plan pages: the list and a plan's versions, a new plan, a new version in the YAML editor
(an invalid document is a 400 naming each problem's location under the field, nothing
written), the examples as starting points, the coloured diff, and approval by someone
other than the author."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meritline.incentives.models import Plan, PlanVersion, VersionStatus
from meritline.incentives.services.plans import plan_version_create
from tests.incentives.conftest import counts, plan_text

BACKEND = "django.contrib.auth.backends.ModelBackend"
GAP = (
    plan_text("pay2_tiered_commission")
    .replace("from: 500000", "from: 400000", 1)
    .replace("{from: 0, rate: level_rate", "{from: 100, rate: level_rate", 1)
)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user, backend=BACKEND)
        return client

    return login


def test_finance_lists_plans_and_a_plans_versions(iw, as_user):
    client = as_user(iw.w.finance)
    page = client.get(reverse("incentives:plan_list")).content.decode()
    assert "PAY2" in page and reverse("incentives:version_detail", args=[iw.version.pk]) in page
    detail = client.get(reverse("incentives:plan_detail", args=[iw.plan.pk])).content.decode()
    assert "王芳" in detail and "周婷" in detail  # author and approver
    assert "2026-01-01" in detail


def test_reps_and_managers_do_not_see_plan_pages(iw, as_user):
    for user in (iw.w.employee, iw.w.manager):
        assert as_user(user).get(reverse("incentives:plan_list")).status_code == 403


def test_a_new_plan_needs_a_unique_code(iw, as_user):
    client = as_user(iw.w.finance)
    before = counts()
    response = client.post(reverse("incentives:plan_new"), {"code": "PAY2", "name": "重复"})
    assert response.status_code == 400
    assert "PAY2" in " ".join(response.context["form"].errors["code"])
    assert counts() == before
    response = client.post(reverse("incentives:plan_new"), {"code": "NEW", "name": "新方案"})
    plan = Plan.objects.get(code="NEW")
    assert response["Location"] == reverse("incentives:version_new", args=[plan.pk])


def test_an_invalid_document_shows_each_location_under_the_field(iw, as_user):
    client = as_user(iw.w.finance)
    before = counts()
    response = client.post(
        reverse("incentives:version_new", args=[iw.plan.pk]),
        {"document": GAP, "valid_from": "2026-11-01", "action": "save"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["document"]
    assert any(e.startswith("components[0].tiers") for e in errors), errors
    html = response.content.decode()
    assert 'id="id_document_error"' in html and "components[0].tiers" in html
    assert counts() == before


def test_a_broken_yaml_and_an_empty_document_are_refused(iw, as_user):
    client = as_user(iw.w.finance)
    target = reverse("incentives:version_new", args=[iw.plan.pk])
    before = counts()
    for document in ("name: [unclosed", "components: 3\n"):
        response = client.post(target, {"document": document, "valid_from": "2026-11-01"})
        assert response.status_code == 400 and response.context["form"].errors["document"]
    response = client.post(target, {"document": "", "valid_from": "not a day"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"document", "valid_from"}
    assert counts() == before


def test_check_only_writes_nothing_and_save_creates_a_draft(iw, as_user):
    client = as_user(iw.w.finance)
    target = reverse("incentives:version_new", args=[iw.plan.pk])
    document = plan_text("big_client_repurchase")
    before = counts()
    checked = client.post(
        target, {"document": document, "valid_from": "2026-11-01", "action": "check"}
    )
    assert checked.status_code == 200 and "monthly_cap" in checked.content.decode()
    assert counts() == before
    saved = client.post(
        target,
        {"document": document, "valid_from": "2026-11-01", "note": "大客户", "action": "save"},
    )
    version = PlanVersion.objects.get(plan=iw.plan, number=2)
    assert saved["Location"] == reverse("incentives:version_detail", args=[version.pk])
    assert (version.status, version.document, version.created_by) == (
        VersionStatus.DRAFT,
        document,
        iw.w.finance,
    )


def test_the_editor_offers_the_examples(iw, as_user):
    client = as_user(iw.w.finance)
    target = reverse("incentives:version_new", args=[iw.plan.pk])
    page = client.get(target).content.decode()
    assert "lead_points_redesign.yaml" in page
    assert "deal_commission" in page  # the latest version's document to start from
    chosen = client.get(target + "?example=client_expansion_award")
    assert chosen.context["form"]["document"].value() == plan_text("client_expansion_award")


def _second(iw, author):
    return plan_version_create(
        actor=author,
        plan=iw.plan,
        document=plan_text("pay2_tiered_commission").replace('"0.02"', '"0.025"'),
        valid_from=date(2026, 11, 1),
        note="上调 1M 档",
    )


def test_a_version_shows_its_diff_coloured(iw, as_user):
    version = _second(iw, iw.w.hr_admin)
    page = as_user(iw.w.auditor).get(reverse("incentives:version_detail", args=[version.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<div class="ml-diff-del">-      - {from: 1000000, rate: &quot;0.02&quot;}</div>' in html
    assert (
        '<div class="ml-diff-add">+      - {from: 1000000, rate: &quot;0.025&quot;}</div>' in html
    )
    assert reverse("incentives:version_approve", args=[version.pk]) not in html  # auditor


def test_the_author_cannot_approve_and_someone_else_can(iw, as_user):
    version = _second(iw, iw.w.finance)
    target = reverse("incentives:version_approve", args=[version.pk])
    client = as_user(iw.w.finance)
    detail = client.get(reverse("incentives:version_detail", args=[version.pk])).content.decode()
    assert target not in detail
    before = counts()
    refused = client.post(target)
    assert refused.status_code == 400 and refused.context["error"]
    assert counts() == before
    other = as_user(iw.w.hr_admin)
    assert (
        target
        in other.get(reverse("incentives:version_detail", args=[version.pk])).content.decode()
    )
    assert other.post(target).status_code == 302
    version.refresh_from_db()
    iw.version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED and version.approved_by == iw.w.hr_admin
    assert iw.version.valid_to == date(2026, 10, 31)


def test_a_rep_cannot_approve(iw, as_user):
    version = _second(iw, iw.w.finance)
    response = as_user(iw.w.employee).post(reverse("incentives:version_approve", args=[version.pk]))
    assert response.status_code == 403
