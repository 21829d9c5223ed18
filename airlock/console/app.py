"""Adds the console to the API's application: its pages, static files and headers."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from airlock.console.headers import ConsoleHeaders
from airlock.console.routes import (
    audit_page,
    dataset_page,
    datasets_list,
    home,
    retention_page,
    sign_in,
    upload_page,
    verify,
)

PAGES = (sign_in, home, datasets_list, dataset_page, upload_page, audit_page, retention_page,
         verify)


def install_console(app: FastAPI) -> None:
    for module in PAGES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(packages=[("airlock.console", "static")]), name="static")
    app.add_middleware(ConsoleHeaders)
