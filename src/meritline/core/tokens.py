"""Personal API tokens: create, revoke, authenticate; and the API's two auth classes.

A token is shown once, when it is created; only its SHA-256 hash is stored. The REST
API accepts ``Authorization: Bearer <token>`` (integrations) or the browser session
(with CSRF on unsafe methods).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from meritline.core import audit
from meritline.core.access import scope_for
from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.models import ApiToken, User, hash_token

MAX_ACTIVE_TOKENS = 20
NAME_MAX_LENGTH = 100
# ``last_used_at`` is refreshed at most this often, so busy integrations do not write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones included, for the record)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get(*, user: Any, pk: int) -> ApiToken:
    try:
        return token_list(user=user).get(pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise NotFoundError(_("API token not found.")) from exc


def _token_audit(token: ApiToken) -> dict[str, Any]:
    # Never the raw token, never its hash: the name and display prefix identify it.
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user_id,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a personal token for ``actor``; returns the token and the raw secret,
    which is never stored and cannot be shown again."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDeniedError(_("Log in to create an API token."))
    clean = (name or "").strip()
    if not clean:
        raise DomainError("required", _("Give the token a name."), field="name")
    if len(clean) > NAME_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _("The name may have at most %(n)s characters.") % {"n": NAME_MAX_LENGTH},
            field="name",
        )
    User.objects.select_for_update().filter(pk=actor.pk).first()  # serialise per user
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            "too_many_tokens",
            _("You already have %(n)s active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS},
            field="name",
        )
    if active.filter(name=clean).exists():
        raise DomainError(
            "duplicate_token_name",
            _("You already have an active token named “%(name)s”.") % {"name": clean},
            field="name",
        )
    raw, prefix, key_hash = ApiToken.generate()
    token = ApiToken.objects.create(user=actor, name=clean, prefix=prefix, key_hash=key_hash)
    audit.record(
        actor=actor,
        action="core.api_token.create",
        target=token,
        after=_token_audit(token),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and an HR admin (for a leaked token)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("Log in to revoke an API token."))
    if token.user_id != actor.pk and not scope_for(actor).manage_org:
        raise PermissionDeniedError(_("You may only revoke your own API tokens."))
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise DomainError("token_revoked", _("This token is already revoked."))
    before = _token_audit(locked)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="core.api_token.revoke",
        target=locked,
        before=before,
        after=_token_audit(locked),
    )
    return locked


def token_authenticate(*, raw: str) -> User | None:
    """The active user owning the live token ``raw``, or None. Marks the token used
    (at most once a minute)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Bookkeeping, not a business change: no audit row. The filter keeps concurrent
        # requests from writing more than once.
        stale = now - LAST_USED_RESOLUTION
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
        ).update(last_used_at=now)
    return token.user


class NotAuthenticatedError(AuthenticationError):
    """401: no credentials, or credentials that are unknown, revoked or disabled."""


class CsrfFailedError(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class PersonalTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``. A bearer header with a bad token is refused
    outright (401) rather than falling back to the session."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_authenticate(raw=token)
        if user is None:
            raise NotAuthenticatedError()
        request.user = user
        return user


class BrowserSessionAuth(NinjaSessionAuth):
    """The Django session of a logged-in browser; unsafe methods need the CSRF token.

    Anonymous requests are refused with 401 (not a CSRF 403) since there is no session.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfFailedError()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


personal_token_auth = PersonalTokenAuth()
browser_session_auth = BrowserSessionAuth()
