"""Dashboards and comparisons (issue 5: the rep dashboard, leaderboards, reports)."""

from django.urls import URLPattern

app_name = "analytics"
urlpatterns: list[URLPattern] = []
