"""REST API v1 (OpenAPI schema and docs served without a CDN)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pravasi.api"
    label = "api"
