"""The project's URLs, plus the tokens page at /accounts/tokens/ if the project does not
mount it yet. It is meant to, in ``config/urls.py``:
``path("accounts/tokens/", include("meritline.core.token_urls"))``."""

from django.urls import Resolver404, include, path, resolve

from meritline.config import urls as project

urlpatterns = list(project.urlpatterns)
try:
    _mounted = resolve("/accounts/tokens/", urlconf=project).namespace == "core_tokens"
except Resolver404:
    _mounted = False
if not _mounted:
    urlpatterns.insert(0, path("accounts/tokens/", include("meritline.core.token_urls")))
