"""Pages of the employee import, mounted at /org/import/ (SPEC PLT-7)."""

from django.urls import path

from meritline.org import import_views as views

app_name = "org_import"
urlpatterns = [
    path("", views.employees, name="employees"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/errors.csv", views.run_errors, name="run_errors"),
    path("template.<str:fmt>", views.template, name="template"),
]
