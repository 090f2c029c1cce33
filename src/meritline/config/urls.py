from django.contrib import admin
from django.urls import include, path

from meritline.config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("meritline.core.urls")),
    path("org/import/", include("meritline.org.import_urls")),
    path("org/", include("meritline.org.urls")),
    path("sales/", include("meritline.sales.urls")),
    path("incentives/", include("meritline.incentives.urls")),
    path("performance/okr/", include("meritline.performance.okr.urls")),
    path("performance/", include("meritline.performance.urls")),
    path("analytics/", include("meritline.analytics.urls")),
    path("inbox/", include("meritline.notify.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("meritline.web.urls")),
]
