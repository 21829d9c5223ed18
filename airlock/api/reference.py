"""The API's interactive reference at `/docs` (Swagger UI), served with its scripts and
styles from the installed `swagger-ui-bundle-v2` wheel: FastAPI's default page loads them
from a CDN, which a browser behind a firewall or offline cannot reach, and which would run
a third party's script next to an operator's token."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

PAGE = "/docs"
ASSETS = "/docs/assets"


def install_reference(app: FastAPI) -> None:
    """`/docs` and its assets under `/docs/assets`; `app` was made with `docs_url=None` and
    `redoc_url=None` (ReDoc has no bundle in a wheel, so it is not served)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="reference-assets")

    @app.get(PAGE, include_in_schema=False)
    async def reference() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")
