"""OKR pages."""

from django.urls import URLPattern

app_name = "okr"
urlpatterns: list[URLPattern] = []
