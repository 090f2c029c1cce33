"""Routes of the performance pages: manage."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
