"""Routes of the performance pages: reviews."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
