"""The personal API tokens page; mounted at /accounts/tokens/ (namespace ``core_tokens``)."""

from django.urls import path

from meritline.core import token_views

app_name = "core_tokens"
urlpatterns = [
    path("", token_views.token_list_view, name="list"),
    path("create/", token_views.token_create_view, name="create"),
    path("<int:pk>/revoke/", token_views.token_revoke_view, name="revoke"),
]
