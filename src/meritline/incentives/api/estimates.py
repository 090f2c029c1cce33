"""The estimator endpoint (PRF-7)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.services.estimate import estimate
from meritline.org.models import Employee
from meritline.org.selectors import employee_by_number

router = Router()


class EstimateIn(Schema):
    amount_fen: int = Field(..., gt=0, description="The deal's amount if it closes, in fen.")
    employee: str | None = Field(
        None, description="Employee number; yourself when left out (managers: your team)."
    )
    on: date | None = Field(None, description="The closing day; today when left out.")
    is_repurchase: bool = False
    is_new_customer: bool = False
    customer_kind: str = "enterprise"
    lead_source_kind: str = Field("self", description="marketing, self or referral")
    platform: str = ""


class PlanEstimateOut(Schema):
    plan: str
    version: str
    earned_fen: int
    before_fen: int
    after_fen: int
    bracket_from: str | None
    bracket_to: str | None


class EstimateOut(Schema):
    employee_id: int
    period: str
    amount_fen: int
    earned_fen: int
    text: str
    plans: list[PlanEstimateOut]


def _employee(user: Any, number: str | None) -> Employee:
    """The employee named by ``number`` among those ``user`` may see (yourself when left
    out); an unknown number and one out of scope are refused alike."""
    if number and number.strip():
        return employee_by_number(
            user=user,
            number=number,
            refusal=_("You may estimate only your own commission or your team's."),
        )
    mine = Employee.objects.filter(user=user).first()
    if mine is None:
        raise DomainError(
            ErrorCode.REQUIRED, _("Your login has no employee record; name one."), field="employee"
        )
    return mine


@router.post("/estimate", response=EstimateOut, summary="Estimate a deal's commission")
def incentives_estimate(request: HttpRequest, body: EstimateIn) -> Any:
    """What you (or someone in your team) earn if a deal of ``amount_fen`` closes this
    month, and the bracket it moves you to, under every plan in force."""
    user = request.auth  # type: ignore[attr-defined]
    result = estimate(
        actor=user,
        employee=_employee(user, body.employee),
        amount_fen=body.amount_fen,
        on=body.on,
        is_repurchase=body.is_repurchase,
        is_new_customer=body.is_new_customer,
        customer_kind=body.customer_kind,
        lead_source_kind=body.lead_source_kind,
        platform=body.platform,
    )
    return {
        "employee_id": result.employee_id,
        "period": result.period,
        "amount_fen": result.amount_fen,
        "earned_fen": result.earned_fen,
        "text": result.text,
        "plans": [p.__dict__ for p in result.plans],
    }
