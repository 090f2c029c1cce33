"""The REST API at /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every operation needs a login: a personal API token (``Authorization: Bearer …``) or the
browser session (with the CSRF token on unsafe methods). Errors share one body,
``{"code", "message", "field"}``, with the message in the request's language; request
validation errors keep ninja's 422 ``{"detail": [...]}``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from meritline.analytics.api import router as analytics_router
from meritline.core.errors import DomainError, NotFoundError, PermissionDeniedError
from meritline.core.tokens import (
    CsrfFailedError,
    browser_session_auth,
    personal_token_auth,
)
from meritline.incentives.api import router as incentives_router
from meritline.org.api import router as org_router
from meritline.performance.api import router as performance_router
from meritline.performance.okr.api import router as okr_router
from meritline.sales.api import router as sales_router


class ErrorOut(Schema):
    """The body of every 400, 401, 403 and 404 response."""

    code: str
    message: str
    field: str | None = None


_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_RESPONSES = {
    400: "Bad input: a business rule refused it; `field` names the offending field.",
    401: "Not authenticated: no, an unknown, a revoked or a disabled credential.",
    403: "Forbidden: the user's role may not do this (or the CSRF token is missing).",
    404: "Not found, or outside the user's scope.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


class MeritlineAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Handler names are unique across routers ("org_employee_list"); a test checks it.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Document the shared error responses on every operation they can happen on."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ErrorOut.model_json_schema()
        for path, methods in schema["paths"].items():
            for method, details in methods.items():
                responses = details.setdefault("responses", {})
                codes = []
                if details.get("security"):
                    codes.append(401)
                if method in _UNSAFE:
                    codes += [400, 403]
                if "{" in path:
                    codes.append(404)
                for code in codes:
                    responses.setdefault(
                        code,
                        {
                            "description": _ERROR_RESPONSES[code],
                            "content": {"application/json": {"schema": _ERROR_REF}},
                        },
                    )
        return schema


api = MeritlineAPI(
    title="Meritline API",
    version="1",
    description=(
        "Organisation and people of Meritline. Authenticate with a personal API token "
        "(`Authorization: Bearer ml_…`, created at /accounts/tokens/) or a browser session. "
        "Every list and detail is limited to the rows the user may see; money is integer fen "
        "(`*_fen`), dates are ISO 8601."
    ),
    urls_namespace="api",
    auth=[personal_token_auth, browser_session_auth],
)


def _error(
    request: HttpRequest, status: int, code: str, message: Any, field: str | None = None
) -> HttpResponse:
    body = {"code": code, "message": str(message), "field": field}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="meritline"'
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 400, exc.code, exc.message, exc.field)


@api.exception_handler(PermissionDeniedError)
def on_permission_denied(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return _error(request, 403, exc.code, exc.message, exc.field)


@api.exception_handler(NotFoundError)
def on_not_found(request: HttpRequest, exc: NotFoundError) -> HttpResponse:
    return _error(request, 404, exc.code, exc.message, exc.field)


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "not_authenticated",
        _("Log in, or send a valid personal API token as “Authorization: Bearer <token>”."),
    )


@api.exception_handler(CsrfFailedError)
def on_csrf_failed(request: HttpRequest, exc: CsrfFailedError) -> HttpResponse:
    return _error(
        request,
        403,
        "csrf_failed",
        _("The CSRF token is missing or wrong; send it in the X-CSRFToken header."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, f"http_{exc.status_code}", exc.message)


api.add_router("/org/", org_router, tags=["org"])
api.add_router("/sales/", sales_router, tags=["sales"])
api.add_router("/incentives/", incentives_router, tags=["incentives"])
api.add_router("/performance/okr/", okr_router, tags=["okr"])
api.add_router("/performance/", performance_router, tags=["performance"])
api.add_router("/analytics/", analytics_router, tags=["analytics"])
