"""Inbox pages, mounted at /inbox/."""

from django.urls import path

from meritline.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.message_read, name="message_read"),
    path("read-all/", views.read_all, name="read_all"),
]
