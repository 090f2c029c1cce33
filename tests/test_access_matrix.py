"""The access matrix (SPEC PLT-3): every URL pattern and every API operation, every role.

Each endpoint must be described in PAGES or API_OPERATIONS below; a new endpoint that is
not fails ``test_every_url_is_in_the_matrix`` / ``test_every_api_operation_is_in_the_matrix``.

For each role the test asserts the status (anonymous: login redirect or 401; a role the
endpoint is not for: 403; an object outside the role's scope: 404) and, for lists and
exports, that rows outside the scope never appear (刘洋 of 华南 is outside the scope of the
华东 HR business partner, of 张伟's team and of 陈静 herself).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from meritline.config.api import api
from meritline.org.models import Certificate, ImportRun, RoleGrant, TrainingRecord
from tests.conftest import World
from tests.matrix_cases import (
    ALL,
    ALL_ROWS,
    HR_ADMIN,
    MODULES,
    PEOPLE,
    PEOPLE_MANAGERS,
    ROLES,
    SCOPED,
    SOUTH,
    Case,
)


def _import_run(w: World) -> int:
    run = ImportRun.objects.create(
        kind="employees", file_name="x.csv", checksum="0" * 64, actor=w.hr_admin
    )
    return run.pk


def _liuyang_grant(w: World) -> int:
    return RoleGrant.objects.get_or_create(user=w.liuyang.user, role="auditor")[0].pk


def _liuyang_certificate(w: World) -> int:
    return Certificate.objects.create(
        employee=w.liuyang, name="矩阵证书", issued_on=date(2024, 1, 1)
    ).pk


def _liuyang_training(w: World) -> int:
    return TrainingRecord.objects.create(
        employee=w.liuyang, course="矩阵课程", completed_on=date(2024, 1, 1), hours=2
    ).pk


LIUYANG_SALES = ("XH00006", "刘洋", "华南矩阵客户")  # 刘洋's deal, lead and customer
LIUYANG_DEAL_AMOUNT = ("¥76,543.21",)  # his deal's amount, in the platform figures
SCOPED_PARTIES = frozenset({"hrbp", "employee"})  # 张伟 decides disputes (top sales rung)


@dataclass(frozen=True)
class LiuyangSales:
    customer: int
    deal: int
    lead: int
    dispute: int


def _liuyang_sales(w: World) -> LiuyangSales:
    """A customer, a deal signed last month, a lead and a dispute that belong to 刘洋 only
    (idempotent: the url builders call it more than once)."""
    from django.utils import timezone

    from meritline.sales.models import (
        Customer,
        Deal,
        DealSplit,
        Lead,
        LeadDispute,
        LeadStep,
    )

    now = timezone.now()
    customer, _ = Customer.objects.get_or_create(
        source="matrix",
        external_id="C-LY",
        defaults={
            "name": "华南矩阵客户有限公司",
            "name_normalised": "华南矩阵客户",
            "kind": "enterprise",
            "platform": w.platform,
        },
    )
    deal, created = Deal.objects.get_or_create(
        source="matrix",
        external_id="D-LY",
        defaults={
            "number": "HT-LY-1",
            "signed_on": (timezone.localdate().replace(day=1) - timedelta(days=1)),
            "amount_fen": 7_654_321,
            "platform": w.platform,
            "customer": customer,
            "owner": w.liuyang,
        },
    )
    if created:
        DealSplit.objects.create(deal=deal, employee=w.liuyang, share=1)
    lead, created = Lead.objects.get_or_create(
        source="matrix",
        external_id="L-LY",
        defaults={
            "number": "L-LY-1",
            "company_name": "华南矩阵客户有限公司",
            "company_name_normalised": "华南矩阵客户",
            "source_kind": "referral",
            "referrer_name": "老客户",
            "owner": w.liuyang,
            "platform": w.platform,
            "customer": customer,
            "step": "entered",
            "step_at": now,
            "entered_at": now,
        },
    )
    if created:
        LeadStep.objects.create(lead=lead, step="entered", at=now, owner=w.liuyang)
    dispute, _ = LeadDispute.objects.get_or_create(
        lead=lead,
        defaults={
            "kind": "source",
            "claimant": w.liuyang,
            "raised_by": w.liuyang.user,
            "claim": "矩阵申诉",
        },
    )
    return LiuyangSales(customer.pk, deal.pk, lead.pk, dispute.pk)


def _sales(path: str) -> Callable[[World], str]:
    """A url builder that first creates 刘洋's sales rows; ``{customer}`` etc. in
    ``path`` become their ids."""

    def build(w: World) -> str:
        rows = _liuyang_sales(w)
        return path.format(
            customer=rows.customer, deal=rows.deal, lead=rows.lead, dispute=rows.dispute
        )

    return build


IMPORTERS = frozenset({"hr_admin", "finance", "sales_manager"})
MATRIX_IMPORT = ("矩阵导入.csv",)  # finance's import: only writers of sales records see it


def _import_job(path: str) -> Callable[[World], str]:
    """A url builder for a checked (not written) deal import by finance."""

    def build(w: World) -> str:
        from meritline.sales.models import ImportJob

        job, _ = ImportJob.objects.get_or_create(
            file_name="矩阵导入.csv",
            defaults={
                "kind": "deals",
                "platform": w.platform,
                "source": "matrix",
                "stored_name": "imports/sales/matrix.csv",
                "checksum": "0" * 64,
                "header": ["订单号"],
                "columns": {"external_id": "订单号"},
                "mode": "all_or_nothing",
                "dry_run": True,
                "status": "done",
                "total": 1,
                "error_rows": 1,
                "errors": [
                    {
                        "row": 2,
                        "column": "订单号",
                        "field": "external_id",
                        "key": "X",
                        "code": "required",
                        "message": "矩阵错误",
                    }
                ],
                "created_by": w.finance,
            },
        )
        return path.format(job=job.pk)

    return build


def _placement(w: World) -> dict:
    return {"department": w.team_a.code, "position": w.rep.code}


PAGES: dict[str, Case] = {
    "set_language": Case(lambda w: "/i18n/setlang/", public=True, method="POST", ok=(302,)),
    "login": Case(lambda w: "/accounts/login/", public=True),
    "logout": Case(lambda w: "/accounts/logout/", public=True, method="POST", ok=(302,)),
    "core_tokens:list": Case(lambda w: "/accounts/tokens/"),
    "core_tokens:create": Case(
        lambda w: "/accounts/tokens/create/",
        method="POST",
        body=lambda w: {"name": "matrix"},
        ok=(200, 302),
    ),
    "core_tokens:revoke": Case(
        lambda w: "/accounts/tokens/999999/revoke/", method="POST", allowed=frozenset(), outside=ALL
    ),
    "web:home": Case(lambda w: "/"),
    "web:audit_log": Case(lambda w: "/audit/", allowed=frozenset({"hr_admin", "auditor"})),
    "web:audit_export": Case(
        lambda w: "/audit/export/?format=csv", allowed=frozenset({"hr_admin", "auditor"})
    ),
    "org:employee_list": Case(lambda w: "/org/employees/", lists=PEOPLE),
    "org:employee_export": Case(lambda w: "/org/employees/export/?format=csv", lists=PEOPLE),
    "org:employee_create": Case(lambda w: "/org/employees/new/", allowed=PEOPLE_MANAGERS),
    "org:employee_detail": Case(lambda w: f"/org/employees/{w.liuyang.pk}/", outside=SCOPED),
    "org:employee_edit": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/edit/", allowed=PEOPLE_MANAGERS, outside=SCOPED
    ),
    "org:employee_assign": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/assign/", allowed=PEOPLE_MANAGERS, outside=SCOPED
    ),
    "org:employee_leave": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/leave/", allowed=PEOPLE_MANAGERS, outside=SCOPED
    ),
    "org:employee_salary": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/salary/",
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    "org:employee_login": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/login/", allowed=PEOPLE_MANAGERS, outside=SCOPED
    ),
    "org:role_grant": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/roles/grant/", allowed=HR_ADMIN, outside=SCOPED
    ),
    "org:role_revoke": Case(
        lambda w: f"/org/roles/{_liuyang_grant(w)}/revoke/",
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "org:login_disable": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/login/disable/",
        method="POST",
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "org:login_enable": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/login/enable/", allowed=HR_ADMIN, outside=SCOPED
    ),
    "org:login_password": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/login/password/",
        allowed=HR_ADMIN,
        outside=SCOPED,
    ),
    "org:certificate_add": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/certificates/add/",
        allowed=PEOPLE_MANAGERS,
        outside=SCOPED,
    ),
    "org:certificate_remove": Case(
        lambda w: f"/org/certificates/{_liuyang_certificate(w)}/remove/",
        method="POST",
        allowed=PEOPLE_MANAGERS,
        outside=SCOPED,
    ),
    "org:training_add": Case(
        lambda w: f"/org/employees/{w.liuyang.pk}/training/add/",
        allowed=PEOPLE_MANAGERS,
        outside=SCOPED,
    ),
    "org:training_remove": Case(
        lambda w: f"/org/training/{_liuyang_training(w)}/remove/",
        method="POST",
        allowed=PEOPLE_MANAGERS,
        outside=SCOPED,
    ),
    "org:team_on": Case(
        lambda w: f"/org/team-on/?department={w.root.pk}&on=2026-06-30", lists=PEOPLE
    ),
    "org:department_list": Case(lambda w: "/org/departments/", lists=SOUTH),
    "org:department_create": Case(
        lambda w: "/org/departments/new/", allowed=frozenset({"hr_admin"})
    ),
    "org:department_edit": Case(
        lambda w: f"/org/departments/{w.sales_south.pk}/edit/", allowed=frozenset({"hr_admin"})
    ),
    "org:org_chart": Case(lambda w: "/org/chart/", lists=PEOPLE),
    "org:post_ladder": Case(lambda w: "/org/posts/"),
    "org:position_create": Case(lambda w: "/org/positions/new/", allowed=frozenset({"hr_admin"})),
    "org:position_detail": Case(lambda w: f"/org/positions/{w.senior.pk}/"),
    "org:position_edit": Case(
        lambda w: f"/org/positions/{w.senior.pk}/edit/", allowed=frozenset({"hr_admin"})
    ),
    "org:criterion_add": Case(
        lambda w: f"/org/positions/{w.senior.pk}/criteria/add/", allowed=frozenset({"hr_admin"})
    ),
    "org:criterion_remove": Case(
        lambda w: "/org/criteria/999999/remove/",
        method="POST",
        allowed=frozenset(),
        outside=frozenset({"hr_admin"}),
    ),
    "org:competency_add": Case(
        lambda w: f"/org/positions/{w.senior.pk}/competencies/add/", allowed=frozenset({"hr_admin"})
    ),
    "org:reference_list": Case(lambda w: "/org/ref/entity/"),
    "org:reference_create": Case(lambda w: "/org/ref/region/new/", allowed=frozenset({"hr_admin"})),
    "org:reference_edit": Case(
        lambda w: f"/org/ref/region/{w.south.pk}/edit/", allowed=frozenset({"hr_admin"})
    ),
    "org_import:employees": Case(lambda w: "/org/import/", allowed=PEOPLE_MANAGERS),
    "org_import:run_detail": Case(
        lambda w: f"/org/import/runs/{_import_run(w)}/",
        allowed=PEOPLE_MANAGERS,
        outside=frozenset({"hrbp"}),
    ),
    "org_import:confirm": Case(
        lambda w: f"/org/import/runs/{_import_run(w)}/confirm/",
        method="POST",
        allowed=PEOPLE_MANAGERS,
        outside=frozenset({"hrbp"}),
        ok=(302, 400),
    ),
    "org_import:run_errors": Case(
        lambda w: f"/org/import/runs/{_import_run(w)}/errors.csv",
        allowed=PEOPLE_MANAGERS,
        outside=frozenset({"hrbp"}),
    ),
    "org_import:template": Case(lambda w: "/org/import/template.csv", allowed=PEOPLE_MANAGERS),
    "sales:platform_list": Case(_sales("/sales/platforms/"), lists=LIUYANG_DEAL_AMOUNT),
    "sales:platform_export": Case(
        _sales("/sales/platforms/export/?format=csv"), lists=("76543.21",)
    ),
    "sales:platform_stage": Case(
        lambda w: f"/sales/platforms/{w.platform.pk}/stage/", allowed=HR_ADMIN
    ),
    "sales:customer_list": Case(_sales("/sales/customers/"), lists=LIUYANG_SALES),
    "sales:customer_export": Case(
        _sales("/sales/customers/export/?format=csv"), lists=LIUYANG_SALES
    ),
    "sales:customer_detail": Case(_sales("/sales/customers/{customer}/"), outside=SCOPED),
    "sales:lead_list": Case(_sales("/sales/leads/"), lists=LIUYANG_SALES),
    "sales:lead_export": Case(_sales("/sales/leads/export/?format=csv"), lists=LIUYANG_SALES),
    "sales:lead_register": Case(lambda w: "/sales/leads/new/"),
    "sales:my_leads": Case(_sales("/sales/leads/mine/")),
    "sales:lead_detail": Case(_sales("/sales/leads/{lead}/"), outside=SCOPED),
    "sales:lead_advance": Case(
        _sales("/sales/leads/{lead}/advance/"),
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    "sales:lead_review": Case(
        _sales("/sales/leads/{lead}/review/"), allowed=HR_ADMIN, outside=SCOPED
    ),
    "sales:lead_assign": Case(
        _sales("/sales/leads/{lead}/assign/"),
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    "sales:deal_list": Case(_sales("/sales/deals/"), lists=LIUYANG_SALES),
    "sales:deal_export": Case(_sales("/sales/deals/export/?format=csv"), lists=LIUYANG_SALES),
    "sales:deal_detail": Case(_sales("/sales/deals/{deal}/"), outside=SCOPED),
    "sales:deal_collect": Case(
        _sales("/sales/deals/{deal}/collect/"),
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    "sales:deal_refund": Case(
        _sales("/sales/deals/{deal}/refund/"),
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    "sales:deal_cancel": Case(
        _sales("/sales/deals/{deal}/cancel/"),
        allowed=frozenset({"hr_admin", "finance"}),
        outside=SCOPED,
    ),
    # Disputes: 张伟 holds the top sales rung of this world, so he sees and decides them
    # all; the list scoping for the others is tested in tests/sales/test_views_disputes.py.
    "sales:dispute_list": Case(_sales("/sales/disputes/?status=all")),
    "sales:dispute_export": Case(_sales("/sales/disputes/export/?status=all&format=csv")),
    "sales:dispute_raise": Case(
        _sales("/sales/disputes/new/?lead={lead}"),
        allowed=ALL_ROWS,
        outside=SCOPED,
    ),
    "sales:dispute_detail": Case(_sales("/sales/disputes/{dispute}/"), outside=SCOPED_PARTIES),
    "sales:dispute_decide": Case(
        _sales("/sales/disputes/{dispute}/decide/"),
        method="POST",
        allowed=frozenset({"hr_admin", "sales_manager"}),
        outside=SCOPED_PARTIES,
        body=lambda w: {"awarded_to": w.liuyang.pk, "decision": "矩阵裁决"},
        ok=(302,),
    ),
    "sales:import_list": Case(
        _import_job("/sales/imports/"), allowed=IMPORTERS, lists=MATRIX_IMPORT
    ),
    "sales:import_template": Case(
        lambda w: "/sales/imports/template/customers/?format=csv", allowed=IMPORTERS
    ),
    "sales:import_detail": Case(
        _import_job("/sales/imports/{job}/"),
        allowed=IMPORTERS,
        outside=frozenset({"sales_manager"}),
    ),
    "sales:import_progress": Case(
        _import_job("/sales/imports/{job}/progress/"),
        allowed=IMPORTERS,
        outside=frozenset({"sales_manager"}),
    ),
    "sales:import_errors": Case(
        _import_job("/sales/imports/{job}/errors/?format=csv"),
        allowed=IMPORTERS,
        outside=frozenset({"sales_manager"}),
    ),
    "sales:import_start": Case(
        _import_job("/sales/imports/{job}/start/"),
        method="POST",
        allowed=frozenset({"finance"}),  # only who uploaded the file starts its import
        outside=frozenset({"sales_manager"}),
        body=lambda w: {"col_external_id": "订单号", "mode": "valid_rows", "action": "import"},
        ok=(302,),
    ),
    "api:openapi-json": Case(lambda w: "/api/v1/openapi.json", public=True),
    "api:openapi-view": Case(lambda w: "/api/v1/docs", public=True),
    "api:api-root": Case(lambda w: "/api/v1/", public=True, ok=(200, 404)),
}

SALES_WRITERS = frozenset({"hr_admin", "finance"})
CUSTOMER_WRITERS = frozenset({"hr_admin", "finance", "sales_manager"})


def _sales_row(w: World, kind: str) -> dict:
    """A well-formed body for pushing one record of ``kind`` on 刘洋's deal / customer."""
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).isoformat()
    return {
        "customer": {"name": "矩阵推送客户", "platform": w.platform.code},
        "deal": {
            "signed_on": last_month,
            "amount_fen": 100_000,
            "platform": w.platform.code,
            "customer": "C-LY",
            "owner": w.liuyang.employee_no,
        },
        "collection": {"deal": "D-LY", "received_on": last_month, "amount_fen": 1_000},
        "refund": {"deal": "D-LY", "refunded_on": last_month, "amount_fen": 1_000},
        "lead": {
            "company_name": "矩阵推送线索有限公司",
            "source_kind": "referral",
            "referrer_name": "老客户",
            "owner": w.liuyang.employee_no,
            "platform": w.platform.code,
            "entered_at": f"{last_month}T09:00:00+08:00",
        },
    }[kind]


def _sales_batch(w: World, kind: str) -> dict:
    row = {"source": "matrix", "external_id": f"{kind}-batch", **_sales_row(w, kind)}
    return {"mode": "all_or_nothing", "rows": [row]}


MATRIX_PLAN = (
    "name: 矩阵方案\ncomponents:\n  - {id: c, kind: rate, payee: owner, "
    'tiers: [{from: 0, rate: "0.01"}]}\n'
)


def _incentive_plan(w: World) -> str:
    from meritline.incentives.models import Plan

    return Plan.objects.get_or_create(code="MATRIX", defaults={"name": "矩阵方案"})[0].code


# Incentive pages: 刘洋's closed statement of last month (outside every scoped role's
# reach), his dispute about its line, a draft run, an approved run and a draft version.
INCENTIVE_MANAGERS = frozenset({"hr_admin", "finance"})


def _incentive_version(w: World):
    from meritline.incentives.models import PlanVersion
    from meritline.incentives.services.plans import plan_version_approve, plan_version_create

    found = PlanVersion.objects.filter(plan__code="MATRIX", status="approved").first()
    if found is not None:
        return found
    from meritline.incentives.models import Plan

    plan = Plan.objects.get(code=_incentive_plan(w))
    version = plan_version_create(
        actor=w.hr_admin, plan=plan, document=MATRIX_PLAN, valid_from=date(2020, 1, 1)
    )
    return plan_version_approve(actor=w.finance, version=version)


def _incentive_draft(w: World) -> int:
    from meritline.incentives.models import PlanVersion
    from meritline.incentives.services.plans import digest_of

    version = _incentive_version(w)
    draft, _ = PlanVersion.objects.get_or_create(
        plan=version.plan,
        number=2,
        defaults={
            "document": MATRIX_PLAN,
            "digest": digest_of(MATRIX_PLAN),
            "valid_from": date(2030, 1, 1),
            "created_by": w.employee,
        },
    )
    return draft.pk


def _months_ago(months: int) -> str:
    day = timezone.localdate().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return day.strftime("%Y-%m")


def _incentive_run(w: World, status: str = "closed") -> int:
    """A run of the matrix plan: closed (last month, 刘洋's deal), approved (two months
    ago) or draft (three months ago)."""
    from meritline.incentives.models import Run
    from meritline.incentives.services.runs import run_approve, run_calculate, run_close

    months = {"closed": 1, "approved": 2, "draft": 3}[status]
    version = _incentive_version(w)
    found = Run.objects.filter(plan_version=version, period=_months_ago(months)).first()
    if found is not None:
        return found.pk
    _liuyang_sales(w)
    run = run_calculate(actor=w.finance, plan_version=version, period=_months_ago(months))
    if status != "draft":
        run = run_approve(actor=w.finance, run=run)
    if status == "closed":
        run = run_close(actor=w.finance, run=run)
    return run.pk


def _incentive_dispute(w: World) -> int:
    from meritline.incentives.models import LineDispute, ResultLine
    from meritline.incentives.services.disputes import line_dispute_raise

    line = ResultLine.objects.get(run_id=_incentive_run(w), payee=w.liuyang)
    found = LineDispute.objects.filter(line=line).first()
    if found is not None:
        return found.pk
    return line_dispute_raise(actor=w.liuyang.user, line=line, reason="矩阵提成申诉").pk


def _incentives(path: str) -> Callable[[World], str]:
    """A url builder; ``{plan}``, ``{version}``, ``{draft}``, ``{run}``, ``{draft_run}``,
    ``{approved_run}``, ``{line}``, ``{dispute}``, ``{liuyang}`` and ``{period}`` are
    created on demand."""

    def build(w: World) -> str:
        from meritline.incentives.models import ResultLine

        values = {}
        if "{plan}" in path or "{version}" in path:
            version = _incentive_version(w)
            values.update(plan=version.plan_id, version=version.pk)
        if "{draft}" in path:
            values["draft"] = _incentive_draft(w)
        if "{run}" in path or "{period}" in path:
            values.update(run=_incentive_run(w), period=_months_ago(1))
        if "{draft_run}" in path:
            values["draft_run"] = _incentive_run(w, "draft")
        if "{approved_run}" in path:
            values["approved_run"] = _incentive_run(w, "approved")
        if "{line}" in path:
            values["line"] = ResultLine.objects.get(run_id=_incentive_run(w), payee=w.liuyang).pk
        if "{dispute}" in path:
            values["dispute"] = _incentive_dispute(w)
        return path.format(liuyang=w.liuyang.pk, **values)

    return build


INCENTIVE_PAGES: dict[str, Case] = {
    "incentives:plan_list": Case(_incentives("/incentives/plans/"), allowed=ALL_ROWS),
    "incentives:plan_new": Case(lambda w: "/incentives/plans/new/", allowed=INCENTIVE_MANAGERS),
    "incentives:plan_detail": Case(_incentives("/incentives/plans/{plan}/"), allowed=ALL_ROWS),
    "incentives:version_new": Case(
        _incentives("/incentives/plans/{plan}/versions/new/"), allowed=INCENTIVE_MANAGERS
    ),
    "incentives:version_detail": Case(
        _incentives("/incentives/versions/{draft}/"), allowed=ALL_ROWS
    ),
    "incentives:version_approve": Case(
        _incentives("/incentives/versions/{draft}/approve/"),
        method="POST",
        allowed=INCENTIVE_MANAGERS,
        ok=(302,),
    ),
    "incentives:terms_list": Case(lambda w: "/incentives/terms/", allowed=ALL_ROWS),
    "incentives:terms_new": Case(lambda w: "/incentives/terms/new/", allowed=INCENTIVE_MANAGERS),
    "incentives:run_list": Case(_incentives("/incentives/runs/"), allowed=ALL_ROWS),
    "incentives:run_new": Case(lambda w: "/incentives/runs/new/", allowed=INCENTIVE_MANAGERS),
    "incentives:run_detail": Case(_incentives("/incentives/runs/{run}/"), allowed=ALL_ROWS),
    "incentives:run_export": Case(
        _incentives("/incentives/runs/{run}/export/?format=csv"), allowed=ALL_ROWS
    ),
    "incentives:run_payable": Case(
        _incentives("/incentives/runs/{run}/payable/?format=csv"), allowed=ALL_ROWS
    ),
    "incentives:run_recalculate": Case(
        _incentives("/incentives/runs/{draft_run}/recalculate/"),
        method="POST",
        allowed=INCENTIVE_MANAGERS,
        ok=(302,),
    ),
    "incentives:run_approve": Case(
        _incentives("/incentives/runs/{draft_run}/approve/"),
        method="POST",
        allowed=INCENTIVE_MANAGERS,
        ok=(302,),
    ),
    "incentives:run_close": Case(
        _incentives("/incentives/runs/{approved_run}/close/"),
        method="POST",
        allowed=INCENTIVE_MANAGERS,
        ok=(302,),
    ),
    "incentives:my_statement": Case(_incentives("/incentives/statements/?x={run}")),
    "incentives:statement_list": Case(
        _incentives("/incentives/statements/team/?x={run}"),
        allowed=ALL_ROWS | {"sales_manager"},
        lists=PEOPLE,
    ),
    "incentives:statement_detail": Case(
        _incentives("/incentives/statements/{liuyang}/{period}/"), outside=SCOPED
    ),
    "incentives:statement_pdf": Case(
        _incentives("/incentives/statements/{liuyang}/{period}/pdf/"), outside=SCOPED
    ),
    "incentives:line_dispute": Case(
        _incentives("/incentives/lines/{line}/dispute/"), allowed=frozenset(), outside=SCOPED
    ),
    "incentives:dispute_list": Case(
        _incentives("/incentives/disputes/?status=all&x={dispute}"), lists=("刘洋",)
    ),
    "incentives:dispute_detail": Case(
        _incentives("/incentives/disputes/{dispute}/"), outside=SCOPED
    ),
    "incentives:dispute_decide": Case(
        _incentives("/incentives/disputes/{dispute}/decide/"),
        method="POST",
        allowed=INCENTIVE_MANAGERS,
        outside=SCOPED,
        body=lambda w: {"decision": "reject", "reason": "矩阵裁决"},
        ok=(302,),
    ),
    "incentives:estimate": Case(lambda w: "/incentives/estimate/?amount=1000"),
    "incentives:whatif": Case(
        _incentives("/incentives/whatif/?draft_version={draft}&period={period}"),
        allowed=INCENTIVE_MANAGERS,
    ),
}
PAGES.update(INCENTIVE_PAGES)


# API operations by operationId. Writes use a well-formed body so that only access decides.
API_OPERATIONS: dict[str, Case] = {
    "org_employee_list": Case(lambda w: "/api/v1/org/employees", lists=PEOPLE),
    "org_employee_get": Case(lambda w: f"/api/v1/org/employees/{w.liuyang.pk}", outside=SCOPED),
    "org_employee_create": Case(
        lambda w: "/api/v1/org/employees",
        method="POST",
        allowed=PEOPLE_MANAGERS,
        body=lambda w: {
            "employee_no": "XH07777",
            "name": "矩阵",
            "entity": w.sh.code,
            "hire_date": "2026-01-05",
            "department": w.team_a.code,
            "position": w.rep.code,
        },
        ok=(201,),
    ),
    "org_employee_update": Case(
        lambda w: f"/api/v1/org/employees/{w.liuyang.pk}",
        method="PATCH",
        allowed=PEOPLE_MANAGERS,
        outside=SCOPED,
        body=lambda w: {"phone": "13900000000"},
    ),
    "org_employee_assignments": Case(
        lambda w: f"/api/v1/org/employees/{w.liuyang.pk}/assignments", outside=SCOPED
    ),
    "org_employee_assign": Case(
        lambda w: f"/api/v1/org/employees/{w.liuyang.pk}/assignments",
        method="POST",
        allowed=frozenset({"hr_admin"}),
        outside=SCOPED,
        ok=(201, 200),
        body=lambda w: {
            "department": w.sales_south.code,
            "position": w.senior.code,
            "valid_from": "2026-06-01",
            "reason": "晋升",
        },
    ),
    "org_employee_leave": Case(
        lambda w: f"/api/v1/org/employees/{w.liuyang.pk}/leave",
        method="POST",
        allowed=frozenset({"hr_admin"}),
        outside=SCOPED,
        body=lambda w: {"leave_date": "2026-10-31", "leave_reason": "resigned"},
    ),
    "org_department_list": Case(lambda w: "/api/v1/org/departments", lists=SOUTH),
    "org_department_create": Case(
        lambda w: "/api/v1/org/departments",
        method="POST",
        allowed=frozenset({"hr_admin"}),
        body=lambda w: {"code": "MX", "name": "矩阵部", "entity": w.sh.code},
        ok=(201,),
    ),
    "org_department_update": Case(
        lambda w: f"/api/v1/org/departments/{w.sales_south.pk}",
        method="PATCH",
        allowed=frozenset({"hr_admin"}),
        body=lambda w: {"name": "华南销售一部"},
    ),
    "org_entity_list": Case(lambda w: "/api/v1/org/entities"),
    "org_region_list": Case(lambda w: "/api/v1/org/regions"),
    "org_position_list": Case(lambda w: "/api/v1/org/positions"),
    "org_level_list": Case(lambda w: "/api/v1/org/levels"),
    "org_platform_list": Case(lambda w: "/api/v1/org/platforms"),
    "org_chart": Case(lambda w: "/api/v1/org/chart", lists=PEOPLE),
    "org_team_members": Case(
        lambda w: f"/api/v1/org/teams/{w.root.pk}/members?on=2026-06-30", lists=PEOPLE
    ),
    **{
        f"sales_{kind}_list": Case(_sales(f"/api/v1/sales/{kind}s"), lists=LIUYANG_SALES)
        for kind in ("customer", "deal", "lead")
    },
    "sales_customer_get": Case(_sales("/api/v1/sales/customers/matrix/C-LY"), outside=SCOPED),
    "sales_deal_get": Case(_sales("/api/v1/sales/deals/matrix/D-LY"), outside=SCOPED),
    "sales_lead_get": Case(_sales("/api/v1/sales/leads/matrix/L-LY"), outside=SCOPED),
    # Pushing records: the customer services admit sales managers too (for any customer,
    # as the imports do); deals, collections, refunds and leads only HR admins and finance.
    "sales_customer_put": Case(
        _sales("/api/v1/sales/customers/matrix/C-MX"),
        method="PUT",
        allowed=CUSTOMER_WRITERS,
        body=lambda w: _sales_row(w, "customer"),
        ok=(200, 201),
    ),
    "sales_customer_batch": Case(
        _sales("/api/v1/sales/customers/batch"),
        method="POST",
        allowed=CUSTOMER_WRITERS,
        body=lambda w: _sales_batch(w, "customer"),
    ),
    **{
        f"sales_{kind}_put": Case(
            _sales(f"/api/v1/sales/{kind}s/matrix/{kind[0].upper()}-MX"),
            method="PUT",
            allowed=SALES_WRITERS,
            body=lambda w, kind=kind: _sales_row(w, kind),
            ok=(200, 201),
        )
        for kind in ("deal", "collection", "refund", "lead")
    },
    **{
        f"sales_{kind}_batch": Case(
            _sales(f"/api/v1/sales/{kind}s/batch"),
            method="POST",
            allowed=SALES_WRITERS,
            body=lambda w, kind=kind: _sales_batch(w, kind),
        )
        for kind in ("deal", "collection", "refund", "lead")
    },
    # Incentives: everyone estimates for themselves and reads their own statements; plan
    # documents are checked by anyone and stored by finance and HR admins.
    "incentives_estimate": Case(
        lambda w: "/api/v1/incentives/estimate",
        method="POST",
        body=lambda w: {"amount_fen": 100_000_000},
    ),
    "incentives_statement_mine": Case(lambda w: "/api/v1/incentives/statements/mine"),
    "incentives_plan_validate": Case(
        lambda w: "/api/v1/incentives/plans/validate",
        method="POST",
        body=lambda w: {"document": MATRIX_PLAN},
    ),
    "incentives_plan_version_create": Case(
        lambda w: f"/api/v1/incentives/plans/{_incentive_plan(w)}/versions",
        method="POST",
        allowed=frozenset({"hr_admin", "finance"}),
        body=lambda w: {"document": MATRIX_PLAN, "valid_from": "2026-01-01"},
        ok=(201,),
    ),
}

for _module in MODULES:
    _cases = importlib.import_module(f"tests.matrix_cases.{_module}")
    PAGES.update(getattr(_cases, "PAGES", {}))
    API_OPERATIONS.update(getattr(_cases, "API_OPERATIONS", {}))

# API URL names are covered through their operations.
API_URL_NAMES = {f"api:{op}" for op in API_OPERATIONS}


def _url_names(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _url_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    names = {n for n in _url_names(get_resolver().url_patterns) if not n.startswith("admin:")}
    missing = names - set(PAGES) - API_URL_NAMES
    assert not missing, f"endpoints without an access case: {sorted(missing)}"


def test_every_api_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    operations = {
        op["operationId"]
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert operations == set(API_OPERATIONS), operations ^ set(API_OPERATIONS)


def _call(client: Client, case: Case, world: World):
    url = case.url(world)
    body = case.body(world) if case.body else {}
    if case.method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return getattr(client, case.method.lower())(
            url, json.dumps(body), content_type="application/json"
        )
    return client.post(url, body)


def _expected(case: Case, role: str) -> set[int]:
    if role in case.outside:
        return {404}
    if role not in case.allowed:
        return {403, 404}
    return set(case.ok) | ({302} if case.method == "POST" else set())


def _check(case: Case, role: str | None, world: World) -> None:
    client = Client()
    if role is not None:
        client.force_login(world.user(role))
    response = _call(client, case, world)
    url = case.url(world)
    if role is None:
        if case.public:
            assert response.status_code in set(case.ok) | {302, 405}, url
        elif url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        return
    if case.public:
        return
    expected = _expected(case, role)
    assert response.status_code in expected, (role, case.method, url, response.status_code)
    if case.lists and role in SCOPED and response.status_code == 200:
        text = _text(response)
        for marker in case.lists:
            assert marker not in text, (role, url, marker)


def _text(response) -> str:
    content = b"".join(response) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8", "replace")


def _all_rows_role_sees_outsider(case: Case, world: World) -> None:
    client = Client()
    client.force_login(world.hr_admin)
    text = _text(_call(client, case, world))
    assert any(marker in text for marker in case.lists), case.url(world)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("role", [None, *ROLES])
def test_page_access(world, name, role):
    _check(PAGES[name], role, world)


@pytest.mark.parametrize("operation", sorted(API_OPERATIONS))
@pytest.mark.parametrize("role", [None, *ROLES])
def test_api_access(world, operation, role):
    _check(API_OPERATIONS[operation], role, world)


@pytest.mark.parametrize(
    "case",
    [c for c in [*PAGES.values(), *API_OPERATIONS.values()] if c.lists],
    ids=lambda c: c.url.__code__.co_consts[1] if len(c.url.__code__.co_consts) > 1 else "list",
)
def test_lists_do_show_the_outsider_to_all_row_roles(world, case):
    """The negative checks above would pass on an empty page; this proves the row exists."""
    _all_rows_role_sees_outsider(case, world)


def test_matrix_date_is_inside_the_world():
    assert date(2026, 6, 30) > date(2021, 3, 1)
