"""Performance pages (issue 5): one route module per topic under ``routes/``."""

from meritline.performance.routes import manage, reviews

app_name = "performance"
urlpatterns = [*manage.urlpatterns, *reviews.urlpatterns]
