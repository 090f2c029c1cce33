"""The review of a plan version and its end: a pending version is withdrawn by its author
or sent back by a reviewer with a reason (both back to draft); an approved version is
retired from a day on (its validity ends the day before; it stays readable, in force
over the days it covered, and is never edited otherwise)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meritline.core import audit
from meritline.core.errors import DomainError
from meritline.incentives.errors import ErrorCode
from meritline.incentives.models import PlanVersion, VersionStatus
from meritline.incentives.services.common import now, require_manager
from meritline.incentives.services.plans import locked_version, require_unpaid_from

MAX_REASON = 4000


def _reason(reason: str, message: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError(ErrorCode.REASON_REQUIRED, message, field="reason")
    if len(text) > MAX_REASON:
        raise DomainError(
            ErrorCode.INVALID,
            _("Keep the reason under %(n)d characters.") % {"n": MAX_REASON},
            field="reason",
        )
    return text


@transaction.atomic
def plan_version_withdraw(*, actor: Any, version: PlanVersion) -> PlanVersion:
    """The author takes a pending version back to draft (nobody reviews it meanwhile)."""
    require_manager(actor)
    version = locked_version(version, {VersionStatus.PENDING})
    if version.created_by_id != getattr(actor, "pk", None):
        raise DomainError(
            ErrorCode.NOT_AUTHOR,
            _("Only its author withdraws a version; a reviewer sends it back with a reason."),
        )
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="incentives.plan_version.withdraw",
        target=version,
        before={"status": VersionStatus.PENDING},
        after={"status": VersionStatus.DRAFT},
    )
    return version


@transaction.atomic
def plan_version_reject(*, actor: Any, version: PlanVersion, reason: str) -> PlanVersion:
    """A reviewer (never the author) sends a pending version back to draft, saying why."""
    require_manager(actor)
    version = locked_version(version, {VersionStatus.PENDING})
    if version.created_by_id == getattr(actor, "pk", None):
        raise DomainError(
            ErrorCode.OWN_VERSION,
            _("You cannot review your own version; withdraw it instead."),
        )
    text = _reason(reason, _("Say why the version goes back to its author."))
    version.status = VersionStatus.DRAFT
    version.rejected_by, version.rejected_at, version.rejection_reason = actor, now(), text
    version.save(update_fields=["status", "rejected_by", "rejected_at", "rejection_reason"])
    audit.record(
        actor=actor,
        action="incentives.plan_version.reject",
        target=version,
        before={"status": VersionStatus.PENDING},
        after={"status": VersionStatus.DRAFT, "reason": text},
    )
    return version


@transaction.atomic
def plan_version_retire(
    *, actor: Any, version: PlanVersion, retire_from: date | None, reason: str
) -> PlanVersion:
    """End an approved version's validity: it is no longer in force from ``retire_from``
    on (``valid_to`` becomes the day before). Refused before the version starts, after it
    already ends, or over periods already approved or closed under it."""
    require_manager(actor)
    version = locked_version(version, {VersionStatus.APPROVED})
    if not isinstance(retire_from, date):
        raise DomainError(
            ErrorCode.REQUIRED,
            _("Give the first day the version is no longer in force."),
            field="retire_from",
        )
    if retire_from <= version.valid_from:
        raise DomainError(
            ErrorCode.RETIRE_DATE,
            _("%(version)s starts on %(day)s; retire it from a later day.")
            % {"version": version.label, "day": version.valid_from.isoformat()},
            field="retire_from",
        )
    if version.valid_to is not None and retire_from > version.valid_to:
        raise DomainError(
            ErrorCode.RETIRE_DATE,
            _("%(version)s already ends on %(day)s; retiring cannot extend it.")
            % {"version": version.label, "day": version.valid_to.isoformat()},
            field="retire_from",
        )
    require_unpaid_from(
        version,
        retire_from,
        _(
            "%(periods)s were approved or closed under %(version)s; retire it from a "
            "day after them."
        ),
        field="retire_from",
    )
    text = _reason(reason, _("Say why the version is retired."))
    before = {"status": version.status, "valid_to": _iso(version.valid_to)}
    version.status = VersionStatus.RETIRED
    version.valid_to = retire_from - timedelta(days=1)
    version.retired_by, version.retired_at, version.retirement_reason = actor, now(), text
    version.save(
        update_fields=["status", "valid_to", "retired_by", "retired_at", "retirement_reason"]
    )
    audit.record(
        actor=actor,
        action="incentives.plan_version.retire",
        target=version,
        before=before,
        after={"status": version.status, "valid_to": _iso(version.valid_to), "reason": text},
    )
    return version


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
