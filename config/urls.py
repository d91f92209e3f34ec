"""URL map: public website, restricted workspace, API, admin (behind TOTP)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from pravasi.accounts.admin import PravasiAdminSite
from pravasi.api.docs import ApiDocsView

admin.site.__class__ = PravasiAdminSite

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("pravasi.portal.account_urls")),
    path("workspace/", include("pravasi.workspace.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("pravasi.api.urls")),
    path("", include("pravasi.portal.urls")),
]
