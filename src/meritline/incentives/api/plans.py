"""Plan documents: check one, and create a draft version of a plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from meritline.incentives import selectors
from meritline.incentives.services.plans import (
    PlanDocumentError,
    check_document,
    plan_version_create,
)

router = Router()


class DocumentIn(Schema):
    document: str


class IssueOut(Schema):
    location: str
    code: str
    message: str


class ValidationOut(Schema):
    valid: bool
    name: str | None = None
    components: list[str] = []
    issues: list[IssueOut] = []


class VersionIn(Schema):
    document: str
    valid_from: date
    note: str = ""


class VersionOut(Schema):
    id: int
    plan: str
    number: int
    status: str
    valid_from: date
    valid_to: date | None
    digest: str


@router.post("/plans/validate", response=ValidationOut, summary="Check a plan document")
def incentives_plan_validate(request: HttpRequest, body: DocumentIn) -> Any:
    """Check a YAML or JSON plan document; every problem comes with its location
    (``components[2].tiers[1].from``). Nothing is stored."""
    try:
        plan = check_document(body.document)
    except PlanDocumentError as exc:
        return {
            "valid": False,
            "issues": [
                {"location": i.location, "code": i.code, "message": i.message} for i in exc.issues
            ],
        }
    return {"valid": True, "name": plan.name, "components": [c.id for c in plan.components]}


@router.post(
    "/plans/{code}/versions",
    response={201: VersionOut},
    summary="Create a draft plan version",
)
def incentives_plan_version_create(request: HttpRequest, code: str, body: VersionIn) -> Any:
    """A new draft version of plan ``code`` (finance or HR admin); a bad document is a 400
    naming every problem's location. Approval is a separate step by someone else."""
    user = request.auth  # type: ignore[attr-defined]
    plan = get_object_or_404(selectors.plan_list(user=user), code=code)
    version = plan_version_create(
        actor=user, plan=plan, document=body.document, valid_from=body.valid_from, note=body.note
    )
    return Status(
        201,
        {
            "id": version.pk,
            "plan": plan.code,
            "number": version.number,
            "status": version.status,
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "digest": version.digest,
        },
    )
