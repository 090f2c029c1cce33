"""Routes of the performance pages: manage (HR and managers: templates, cycles,
appraisals, targets, calibration, awards)."""

from django.urls import URLPattern, path

from meritline.performance.views import (
    manage_appraisals,
    manage_calibration,
    manage_cycles,
    manage_targets,
    manage_templates,
)

urlpatterns: list[URLPattern] = [
    path("templates/", manage_templates.template_list, name="template_list"),
    path("templates/new/", manage_templates.template_new, name="template_new"),
    path("templates/<int:pk>/", manage_templates.template_detail, name="template_detail"),
    path("templates/<int:pk>/versions/new/", manage_templates.version_new, name="version_new"),
    path("cycles/", manage_cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", manage_cycles.cycle_new, name="cycle_new"),
    path("cycles/open-due/", manage_cycles.cycle_open_due, name="cycle_open_due"),
    path("cycles/<int:pk>/", manage_cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/score/", manage_cycles.cycle_score_view, name="cycle_score"),
    path("cycles/<int:pk>/close/", manage_cycles.cycle_close_view, name="cycle_close"),
    path("cycles/<int:pk>/calibration/", manage_calibration.calibration, name="calibration"),
    path("cycles/<int:pk>/team-award/", manage_calibration.team_award, name="team_award"),
    path("appraisals/<int:pk>/", manage_appraisals.appraisal_detail, name="appraisal_detail"),
    path(
        "appraisals/<int:pk>/manual/", manage_appraisals.appraisal_manual, name="appraisal_manual"
    ),
    path(
        "appraisals/<int:pk>/evidence/<slug:kpi>/",
        manage_appraisals.appraisal_evidence,
        name="appraisal_evidence",
    ),
    path(
        "appraisals/<int:pk>/calibrate/",
        manage_appraisals.appraisal_calibrate,
        name="appraisal_calibrate",
    ),
    path("appraisals/<int:pk>/award/", manage_appraisals.appraisal_award, name="appraisal_award"),
    path("targets/", manage_targets.target_list, name="target_list"),
    path("targets/new/", manage_targets.target_new, name="target_new"),
    path("targets/import/", manage_targets.target_import, name="target_import"),
    path("targets/cascade/", manage_targets.target_cascade, name="target_cascade"),
]
