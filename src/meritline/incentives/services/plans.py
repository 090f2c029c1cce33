"""Plans and plan versions: validated documents, effective-dated, approved by someone
other than their author; history is never edited (a change is a new version)."""

from __future__ import annotations

import difflib
import hashlib
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.core.periods import Period
from meritline.incentives import access
from meritline.incentives.engine import Issue, Plan, PlanError, load_plan
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import Plan as PlanRow
from meritline.incentives.models import PlanVersion, Run, RunStatus, VersionStatus
from meritline.incentives.services.common import now, require, require_manager
from meritline.incentives.services.measures import check_measures

MAX_DOCUMENT = 200_000
# A retired version stays in force over the days it covered.
IN_FORCE = (VersionStatus.APPROVED, VersionStatus.RETIRED)


class PlanDocumentError(DomainError):
    """A plan document that is not a valid plan; ``issues`` lists every problem."""

    def __init__(self, issues: list[Issue]) -> None:
        listed = "; ".join(str(issue) for issue in issues)
        super().__init__(
            ErrorCode.BAD_PLAN,
            _("The plan document is not valid: %(issues)s") % {"issues": listed},
            field="document",
        )
        self.issues = issues


def check_document(document: str) -> Plan:
    """The plan in ``document`` (YAML or JSON), checked by the engine and against the
    metrics and counts the services can measure; :class:`PlanDocumentError` otherwise."""
    if not document.strip():
        raise PlanDocumentError([Issue("", "required", "the document is empty")])
    if len(document) > MAX_DOCUMENT:
        raise PlanDocumentError([Issue("", "too_long", "the document is too long")])
    try:
        plan = load_plan(document)
    except PlanError as exc:
        raise PlanDocumentError(exc.issues) from None
    issues = check_measures(plan)
    if issues:
        raise PlanDocumentError(issues)
    return plan


@lru_cache(maxsize=64)
def _parsed(digest: str, document: str) -> Plan:
    return load_plan(document)


def plan_of(version: PlanVersion) -> Plan:
    """The parsed plan of a stored version (cached by its digest)."""
    return _parsed(version.digest, version.document)


def digest_of(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


@transaction.atomic
def plan_create(*, actor: Any, code: str, name: str) -> PlanRow:
    """A new plan (its versions carry the rules)."""
    require_manager(actor)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise DomainError(
            ErrorCode.REQUIRED,
            _("Give the plan a code and a name."),
            field="code" if not code else "name",
        )
    if len(code) > 32 or len(name) > 200:
        raise DomainError(ErrorCode.INVALID, _("The code or name is too long."), field="code")
    try:
        with transaction.atomic():
            plan = PlanRow.objects.create(code=code, name=name)
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE_CODE,
            _("A plan with the code %(code)s already exists.") % {"code": code},
            field="code",
        ) from None
    audit.record(
        actor=actor, action="incentives.plan.create", target=plan, after=audit.snapshot(plan)
    )
    return plan


@transaction.atomic
def plan_version_create(
    *, actor: Any, plan: PlanRow, document: str, valid_from: date, note: str = ""
) -> PlanVersion:
    """A draft version of ``plan`` from ``document``, checked first: a bad document is
    refused with the location of every problem and nothing is written."""
    require_manager(actor)
    check_document(document)
    plan = PlanRow.objects.select_for_update().get(pk=plan.pk)
    number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        document=document,
        digest=digest_of(document),
        note=note.strip()[:500],
        valid_from=valid_from,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="incentives.plan_version.create",
        target=version,
        after=audit.snapshot(version, ["plan", "number", "digest", "valid_from", "status"]),
    )
    return version


@transaction.atomic
def plan_version_submit(*, actor: Any, version: PlanVersion) -> PlanVersion:
    """Ask for approval of a draft."""
    require_manager(actor)
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    require_status(version, {VersionStatus.DRAFT})
    version.status = VersionStatus.PENDING
    version.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="incentives.plan_version.submit",
        target=version,
        before={"status": VersionStatus.DRAFT},
        after={"status": version.status},
    )
    return version


def locked_version(version: PlanVersion, allowed: set[str]) -> PlanVersion:
    """The version locked for a change of status, its plan row locked first: every
    transition of a plan's versions (approve, retire, …) runs one at a time, so none
    overwrites the validity another has just set."""
    PlanRow.objects.select_for_update().get(pk=version.plan_id)
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    require_status(version, allowed)
    return version


def require_status(version: PlanVersion, allowed: set[str]) -> None:
    if version.status not in allowed:
        raise DomainError(
            ErrorCode.VERSION_STATUS,
            _("Version %(version)s is %(status)s; this cannot be done now.")
            % {"version": version.label, "status": VersionStatus(version.status).label},
        )


def require_unpaid_from(version: PlanVersion, day: date, message: str, *, field: str) -> None:
    """Refuse to end ``version``'s validity before ``day`` when a period starting on or
    after ``day`` was already approved or closed under it (a period belongs to the
    version in force when it starts). ``message`` says what to do instead, with
    ``%(periods)s`` and ``%(version)s`` in it."""
    runs = Run.objects.filter(
        plan_version=version, status__in=(RunStatus.APPROVED, RunStatus.CLOSED)
    ).values_list("period", flat=True)
    paid = sorted({p for p in runs if Period.parse(p).start >= day})
    if paid:
        raise DomainError(
            ErrorCode.RETIRE_PAID,
            message % {"periods": ", ".join(paid), "version": version.label},
            field=field,
        )


@transaction.atomic
def plan_version_approve(*, actor: Any, version: PlanVersion) -> PlanVersion:
    """Put a draft or pending version in force from its ``valid_from``; the version in
    force before it ends the day before, which is refused when that would take from it a
    period already approved or closed under it. Finance or an HR admin, never the
    author."""
    require_manager(actor)
    version = locked_version(version, {VersionStatus.DRAFT, VersionStatus.PENDING})
    if version.created_by_id == getattr(actor, "pk", None):
        raise DomainError(
            ErrorCode.OWN_VERSION, _("Someone other than its author must approve a plan version.")
        )
    in_force = PlanVersion.objects.filter(plan_id=version.plan_id, status__in=IN_FORCE)
    latest = in_force.order_by("-valid_from").first()
    if latest is not None and version.valid_from <= latest.valid_from:
        raise DomainError(
            ErrorCode.VERSION_BACKDATED,
            _("Version %(other)s is in force from %(day)s; a new version must start later.")
            % {"other": latest.label, "day": latest.valid_from.isoformat()},
            field="valid_from",
        )
    retired_until = in_force.filter(status=VersionStatus.RETIRED).aggregate(m=Max("valid_to"))["m"]
    if retired_until is not None and version.valid_from <= retired_until:
        raise DomainError(
            ErrorCode.VERSION_BACKDATED,
            _("A retired version was in force until %(day)s; a new version must start later.")
            % {"day": retired_until.isoformat()},
            field="valid_from",
        )
    before = audit.snapshot(version, ["status", "valid_from", "valid_to"])
    if (
        latest is not None
        and latest.status == VersionStatus.APPROVED
        and (latest.valid_to is None or latest.valid_to >= version.valid_from)
    ):
        # locked: a run approval under it waits, then sees it superseded (and vice versa)
        latest = PlanVersion.objects.select_for_update().get(pk=latest.pk)
        require_unpaid_from(
            latest,
            version.valid_from,
            _(
                "%(periods)s were approved or closed under %(version)s; the new version "
                "must start after them."
            ),
            field="valid_from",
        )
        previous_end = latest.valid_to
        latest.valid_to = version.valid_from - timedelta(days=1)
        latest.save(update_fields=["valid_to"])
        audit.record(
            actor=actor,
            action="incentives.plan_version.close",
            target=latest,
            before={"valid_to": previous_end.isoformat() if previous_end else None},
            after={"valid_to": latest.valid_to.isoformat()},
        )
    version.status = VersionStatus.APPROVED
    version.approved_by = actor
    version.approved_at = now()
    version.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        actor=actor,
        action="incentives.plan_version.approve",
        target=version,
        before=before,
        after=audit.snapshot(version, ["status", "valid_from", "valid_to", "approved_by"]),
    )
    return version


def plan_version_diff(*, actor: Any, old: PlanVersion, new: PlanVersion) -> str:
    """A unified diff of two versions' documents, as written."""
    require(access.reads_all(actor), _("Only finance, HR admins and auditors compare plans."))
    return "".join(
        difflib.unified_diff(
            old.document.splitlines(keepends=True),
            new.document.splitlines(keepends=True),
            fromfile=old.label,
            tofile=new.label,
        )
    )


def version_in_force(plan: PlanRow | int, day: date) -> PlanVersion | None:
    """The approved (or since retired) version of ``plan`` in force on ``day``."""
    return (
        PlanVersion.objects.filter(plan=plan, status__in=IN_FORCE, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("plan")
        .order_by("-valid_from")
        .first()
    )
