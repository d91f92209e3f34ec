"""Swagger UI for the API, every asset served from /static/ and no inline script or style (strict CSP)."""

from drf_spectacular.views import SpectacularSwaggerView


class ApiDocsView(SpectacularSwaggerView):
    """The schema URL, settings and CSRF header travel as data attributes read by a static script."""

    template_name = "api/swagger_ui.html"
    title = "Pravasi API"
