"""Plans, versions and commission terms: validation with locations, approval by someone
else, effective dating, diffs; every refused write leaves the database unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from meritline.core.errors import DomainError, PermissionDeniedError
from meritline.incentives.models import PlanVersion, TermsKind, VersionStatus
from meritline.incentives.services.plans import (
    plan_create,
    plan_version_approve,
    plan_version_create,
    plan_version_diff,
    plan_version_submit,
    version_in_force,
)
from meritline.incentives.services.terms import commission_terms_set
from tests.incentives.conftest import approved, counts, plan_text

GAP = """
name: 缺档
components:
  - id: c
    kind: rate
    payee: owner
    tiers:
      - {from: 0, to: 500000, rate: "0.01"}
      - {from: 600000, rate: "0.02"}
"""
UNKNOWN_METRIC = """
name: 门槛
components:
  - {id: base, kind: rate, payee: owner, tiers: [{from: 0, rate: "0.01"}]}
  - id: share
    kind: rate
    payee: lead_source
    tiers: [{from: 0, rate: "0.02"}]
    gate: {metric: conversion_rte, min: "0.2"}
"""


def test_a_plan_document_with_a_gap_is_refused_with_its_location(iw):
    before = counts()
    with pytest.raises(DomainError) as exc:
        plan_version_create(
            actor=iw.w.finance, plan=iw.plan, document=GAP, valid_from=date(2026, 12, 1)
        )
    assert exc.value.field == "document"
    assert "components[0].tiers[1].from" in str(exc.value)
    assert "gap" in str(exc.value)
    assert counts() == before


def test_a_gate_on_an_unknown_metric_is_refused_with_its_location(iw):
    before = counts()
    with pytest.raises(DomainError) as exc:
        plan_version_create(
            actor=iw.w.finance, plan=iw.plan, document=UNKNOWN_METRIC, valid_from=date(2026, 12, 1)
        )
    assert "components[1].gate.metric" in str(exc.value)
    assert "conversion_rte" in str(exc.value)
    assert counts() == before


@pytest.mark.parametrize("document", ["", "name: [unclosed", "- just a list"])
def test_unreadable_documents_are_refused(iw, document):
    before = counts()
    with pytest.raises(DomainError):
        plan_version_create(
            actor=iw.w.finance, plan=iw.plan, document=document, valid_from=date(2026, 12, 1)
        )
    assert counts() == before


def test_an_award_on_an_unknown_count_is_refused(iw):
    text = plan_text("client_expansion_award").replace("new_enterprise_clients", "new_friends")
    with pytest.raises(DomainError) as exc:
        plan_version_create(actor=iw.w.finance, plan=iw.plan, document=text, valid_from=START)
    assert "components[0].count" in str(exc.value)


START = date(2026, 12, 1)


def test_every_example_plan_is_accepted(iw):
    for name in (
        "big_client_repurchase",
        "client_expansion_award",
        "lead_points_redesign",
        "lead_source_split",
    ):
        version = approved(iw.sw, name.upper()[:32], plan_text(name))
        assert version.status == VersionStatus.APPROVED


def test_the_author_cannot_approve_their_own_version(iw):
    version = plan_version_create(
        actor=iw.w.finance, plan=iw.plan, document=plan_text("pay2_tiered_commission"),
        valid_from=START,
    )  # fmt: skip
    before = counts()
    with pytest.raises(DomainError) as exc:
        plan_version_approve(actor=iw.w.finance, version=version)
    assert exc.value.code == "own_version"
    assert counts() == before
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_approving_a_new_version_closes_the_previous_one(iw):
    text = plan_text("pay2_tiered_commission").replace('"0.02"', '"0.025"')
    draft = plan_version_create(actor=iw.w.hr_admin, plan=iw.plan, document=text, valid_from=START)
    plan_version_submit(actor=iw.w.hr_admin, version=draft)
    plan_version_approve(actor=iw.w.finance, version=draft)
    iw.version.refresh_from_db()
    assert iw.version.valid_to == date(2026, 11, 30)
    assert iw.version.document == plan_text("pay2_tiered_commission")  # history unchanged
    assert version_in_force(iw.plan, date(2026, 11, 30)) == iw.version
    assert version_in_force(iw.plan, START).pk == draft.pk


def test_a_version_starting_before_the_one_in_force_cannot_be_approved(iw):
    draft = plan_version_create(
        actor=iw.w.hr_admin, plan=iw.plan, document=plan_text("pay2_tiered_commission"),
        valid_from=date(2025, 6, 1),
    )  # fmt: skip
    before = counts()
    with pytest.raises(DomainError) as exc:
        plan_version_approve(actor=iw.w.finance, version=draft)
    assert exc.value.code == "version_backdated"
    assert counts() == before


def test_only_finance_and_hr_admins_write_plans(iw):
    before = counts()
    for user in (iw.w.employee, iw.w.manager, iw.w.auditor, iw.w.hrbp):
        with pytest.raises(PermissionDeniedError):
            plan_create(actor=user, code="X", name="X")
        with pytest.raises(PermissionDeniedError):
            plan_version_create(
                actor=user, plan=iw.plan, document=plan_text("pay2_tiered_commission"),
                valid_from=START,
            )  # fmt: skip
    assert counts() == before


def test_a_duplicate_plan_code_is_refused(iw):
    before = counts()
    with pytest.raises(DomainError) as exc:
        plan_create(actor=iw.w.finance, code="PAY2", name="again")
    assert exc.value.code == "duplicate_code"
    assert counts() == before


def test_the_diff_of_two_versions_shows_the_changed_rate(iw):
    text = plan_text("pay2_tiered_commission").replace('"0.02"', '"0.025"')
    draft = plan_version_create(actor=iw.w.hr_admin, plan=iw.plan, document=text, valid_from=START)
    diff = plan_version_diff(actor=iw.w.auditor, old=iw.version, new=draft)
    assert '-      - {from: 1000000, rate: "0.02"}' in diff
    assert '+      - {from: 1000000, rate: "0.025"}' in diff
    assert diff.startswith("--- PAY2 v1")


def test_commission_terms_keep_their_history(iw):
    row = commission_terms_set(
        actor=iw.w.hr_admin,
        kind=TermsKind.ADJUSTMENT,
        employee=iw.w.chenjing,
        valid_from=date(2026, 10, 1),
        rate="-0.005",
        reason="连续两个季度未达标",
    )
    assert row.rate == Decimal("-0.005")
    before = counts()
    bad = [
        dict(kind=TermsKind.LEVEL_RATE, employee=iw.w.chenjing, valid_from=date(2024, 1, 1),
             rate="0.02"),  # before the latest
        dict(kind=TermsKind.LEVEL_RATE, employee=iw.w.sunlei, valid_from=date(2026, 1, 1),
             rate="1.5"),  # out of range
        dict(kind=TermsKind.LEVEL_RATE, employee=iw.w.sunlei, valid_from=date(2026, 1, 1),
             rate="0.0000001"),  # too many places
        dict(kind=TermsKind.ADJUSTMENT, employee=iw.w.sunlei, valid_from=date(2026, 1, 1),
             rate="-0.005"),  # no reason
        dict(kind=TermsKind.LEVEL_RATE, valid_from=date(2026, 1, 1), rate="0.01"),  # no holder
        dict(kind="bonus", employee=iw.w.sunlei, valid_from=date(2026, 1, 1), rate="0.01"),
    ]  # fmt: skip
    for kwargs in bad:
        with pytest.raises(DomainError):
            commission_terms_set(actor=iw.w.finance, **kwargs)
    with pytest.raises(PermissionDeniedError):
        commission_terms_set(
            actor=iw.w.manager, kind=TermsKind.LEVEL_RATE, employee=iw.w.sunlei,
            valid_from=date(2026, 1, 1), rate="0.02",
        )  # fmt: skip
    assert counts() == before
    assert PlanVersion.objects.count() == 1
