"""Incentive pages (issue 4)."""

from django.urls import path

from meritline.incentives.views import disputes, plans, runs, statements, terms, tools, versions

app_name = "incentives"
urlpatterns = [
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/versions/new/", plans.version_new, name="version_new"),
    path("versions/<int:pk>/", plans.version_detail, name="version_detail"),
    path("versions/<int:pk>/approve/", plans.version_approve, name="version_approve"),
    path("versions/<int:pk>/submit/", versions.version_submit, name="version_submit"),
    path("versions/<int:pk>/withdraw/", versions.version_withdraw, name="version_withdraw"),
    path("versions/<int:pk>/reject/", versions.version_reject, name="version_reject"),
    path("versions/<int:pk>/retire/", versions.version_retire, name="version_retire"),
    path("terms/", terms.terms_list, name="terms_list"),
    path("terms/new/", terms.terms_new, name="terms_new"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/new/", runs.run_new, name="run_new"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/export/", runs.run_export, name="run_export"),
    path("runs/<int:pk>/payable/", runs.run_payable, name="run_payable"),
    path("runs/<int:pk>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:pk>/recalculate/", runs.run_recalculate, name="run_recalculate"),
    path("runs/<int:pk>/approve/", runs.run_approve_view, name="run_approve"),
    path("runs/<int:pk>/close/", runs.run_close_view, name="run_close"),
    path("statements/", statements.my_statement, name="my_statement"),
    path("statements/team/", statements.statement_list, name="statement_list"),
    path(
        "statements/<int:employee>/<str:period>/",
        statements.statement_detail,
        name="statement_detail",
    ),
    path(
        "statements/<int:employee>/<str:period>/pdf/",
        statements.statement_pdf,
        name="statement_pdf",
    ),
    path("lines/<int:pk>/dispute/", statements.line_dispute, name="line_dispute"),
    path("disputes/", disputes.dispute_list, name="dispute_list"),
    path("disputes/<int:pk>/", disputes.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/decide/", disputes.dispute_decide, name="dispute_decide"),
    path("estimate/", tools.estimator, name="estimate"),
    path("whatif/", tools.whatif, name="whatif"),
]
