"""OKR pages, served at /performance/okr/."""

from django.urls import path

from meritline.performance.okr.views import actions, edit, pages

app_name = "okr"
urlpatterns = [
    path("", pages.my_okrs, name="mine"),
    path("tree/", pages.tree, name="tree"),
    path("new/", edit.objective_new, name="objective_new"),
    path("<int:pk>/", pages.objective_detail, name="objective_detail"),
    path("<int:pk>/edit/", edit.objective_edit, name="objective_edit"),
    path("<int:pk>/key-results/", edit.key_results, name="key_results"),
    path("<int:pk>/grade/", actions.grade, name="grade"),
    path("<int:pk>/review/", actions.review, name="review"),
    path("<int:pk>/refresh/", actions.refresh, name="refresh"),
    path("key-results/<int:pk>/check-in/", actions.check_in, name="check_in"),
    path("periods/<str:code>/close/", actions.close_period, name="close_period"),
]
