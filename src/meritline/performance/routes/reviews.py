"""Routes of the performance pages: multi-rater reviews (PRF-5)."""

from django.urls import URLPattern, path

from meritline.performance.views import reviews, reviews_manage

urlpatterns: list[URLPattern] = [
    path("reviews/", reviews.review_todo, name="review_todo"),
    path("reviews/<int:pk>/", reviews.review_rate, name="review_rate"),
    path("reviews/customer/<str:token>/", reviews.review_customer, name="review_customer"),
    path("reviews/team/", reviews_manage.review_overview, name="review_overview"),
    path(
        "reviews/assignments/<int:pk>/remove/",
        reviews_manage.review_assignment_remove,
        name="review_assignment_remove",
    ),
    path(
        "cycles/<int:pk>/review-deadline/",
        reviews_manage.review_deadline,
        name="review_deadline",
    ),
    path(
        "appraisals/<int:pk>/reviewers/",
        reviews_manage.appraisal_reviewers,
        name="appraisal_reviewers",
    ),
    path(
        "appraisals/<int:pk>/reviewers/add/",
        reviews_manage.appraisal_reviewer_add,
        name="appraisal_reviewer_add",
    ),
    path(
        "appraisals/<int:pk>/reviewers/defaults/",
        reviews_manage.appraisal_reviewer_defaults,
        name="appraisal_reviewer_defaults",
    ),
    path(
        "appraisals/<int:pk>/reviewers/customer-link/",
        reviews_manage.appraisal_customer_link,
        name="appraisal_customer_link",
    ),
    path(
        "appraisals/<int:pk>/reviews/", reviews_manage.appraisal_reviews, name="appraisal_reviews"
    ),
]
