"""Dashboards and comparisons (issue 5: the rep dashboard, leaderboards, reports)."""

from django.urls import path

from meritline.analytics import views

app_name = "analytics"
urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("leaderboards/", views.leaderboards, name="leaderboards"),
    path("report/", views.my_report, name="my_report"),
    path("report/<int:employee_id>/", views.report, name="report"),
    path("platforms/", views.comparison, name="comparison"),
]
