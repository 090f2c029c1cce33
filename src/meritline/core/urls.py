"""Accounts, mounted at ``/accounts/``.

No app_name: ``LOGIN_URL = "login"`` needs the plain URL names. The API tokens page keeps
its own namespace (``core_tokens``).
"""

from django.urls import include, path

from meritline.core import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", include("meritline.core.token_urls")),
]
