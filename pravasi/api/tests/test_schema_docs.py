"""The OpenAPI schema describes every endpoint; the docs page works offline under the site's CSP."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

from pravasi.api import urls as api_urls

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any deviation from the OpenAPI 3.0 JSON schema


def openapi_path(route: str) -> str:
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_endpoint_is_described_with_request_and_response_schemas(schema):
    routes = {openapi_path(str(p.pattern)) for p in api_urls.urlpatterns}
    assert routes <= set(schema["paths"]), routes - set(schema["paths"])
    for path in routes:
        for method, operation in schema["paths"][path].items():
            if method == "parameters":
                continue
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method} {path} documents no success response"
            for code in success:
                assert operation["responses"][code]["content"]["application/json"]["schema"], f"{method} {path} {code}"
            assert "403" in operation["responses"], f"{method} {path} documents no 403"
            if method in WRITE_METHODS:
                assert operation["requestBody"]["content"]["application/json"]["schema"], f"{method} {path} has no request schema"
                assert "400" in operation["responses"]
            assert operation.get("operationId")


def test_error_shape_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert {"code", "message", "fields"} <= set(error["properties"])


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.inline_scripts = 0
        self.style_blocks = 0
        self.style_attributes = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "script":
            self._in_script = True
            if attrs.get("src"):
                self.assets.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "style":
            self.style_blocks += 1
        elif tag == "img" and attrs.get("src"):
            self.assets.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def test_docs_page_loads_only_local_static_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # No address on another host anywhere in the page (no CDN, no remote validator).
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"'<>]+", html)
    assert not re.search(r"(?<![\w-])//[\w.-]+\.[a-z]{2,}", html), "protocol-relative URL in the docs page"
    page = AssetParser()
    page.feed(html)
    assert page.assets, "the docs page loads no assets"
    for asset in page.assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"
    assert any(a.endswith("swagger-ui-bundle.js") for a in page.assets)


def test_docs_page_works_under_the_content_security_policy(client):
    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    page = AssetParser()
    page.feed(response.content.decode())
    # The CSP blocks inline code: the stock Swagger page (inline <script> and <style>) would stay blank.
    # config/urls.py must route /api/docs/ to pravasi.api.docs.ApiDocsView.
    assert page.inline_scripts == 0, "inline <script> in the docs page: route /api/docs/ to pravasi.api.docs.ApiDocsView"
    assert page.style_blocks == 0 and page.style_attributes == 0
    assert 'data-schema-url="/api/schema/"' in response.content.decode()
