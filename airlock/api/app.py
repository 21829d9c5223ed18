"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI

from airlock.api.auth_failures import (
    FailedAuthentications,
    record_closed,
    record_periodically,
)
from airlock.api.gates import make_gates
from airlock.api.limits import BodySizeLimit
from airlock.api.problems import install_problem_handlers
from airlock.api.reference import install_reference
from airlock.api.request_ids import RequestIds
from airlock.api.routes import (
    audit,
    certificates,
    contracts,
    datasets,
    evidence,
    health,
    holds,
    metrics,
    pii,
    preflight,
    retention,
    tenants,
    tokens,
    training,
    uploads,
)
from airlock.console.app import install_console
from airlock.instance import Instance
from airlock.metrics import RequestMetrics
from airlock.pipeline import Pipeline


def create_app(instance: Instance, pipeline: Pipeline | None = None) -> FastAPI:
    """`pipeline`: the one `serve` resumes interrupted work with, so both share its runs."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        instance.check_ready()
        failures: FailedAuthentications = app.state.auth_failures
        recorder = asyncio.create_task(record_periodically(instance, failures))
        yield
        recorder.cancel()
        record_closed(instance, failures, everything=True)
        instance.dispose()

    app = FastAPI(
        title="Airlock",
        version=version("airlock"),
        description="Privacy-compliant intake and anonymisation of AI training data.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.instance = instance
    app.state.pipeline = pipeline or Pipeline(instance)
    app.state.auth_failures = FailedAuthentications(
        instance.settings.auth_failure_window_seconds, instance.settings.auth_failure_limit)
    app.state.gates = make_gates(instance.settings)
    install_problem_handlers(app)
    for module in (health, tenants, tokens, contracts, datasets, training, holds, certificates,
                   evidence, pii, audit, retention, uploads, preflight, metrics):
        app.include_router(module.router)
    install_reference(app)
    install_console(app)
    # Uploads and pre-flight manifests stream under their own limits
    # (AIRLOCK_MAX_UPLOAD_BYTES, AIRLOCK_PREFLIGHT_MAX_BYTES).
    app.add_middleware(BodySizeLimit, limit=instance.settings.max_request_bytes,
                       exempt=("/v1/datasets", "/v1/preflight"), exempt_pattern=uploads.PART_PATH)
    app.add_middleware(RequestMetrics)  # it sees every answer, refusals too
    app.add_middleware(RequestIds)  # outermost: its id covers everything the request does
    return app
