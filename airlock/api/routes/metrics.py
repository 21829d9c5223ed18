"""`/metrics` for Prometheus: this process's counters and the catalog's gauges.

Off unless AIRLOCK_METRICS_TOKEN is set (404, as for any unknown path); then only a scrape
presenting that token as a Bearer token is answered. A separate token, not a role's: a
scraper reads counts, never data, and holds no API token that could.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from airlock.api.deps import InstanceDep
from airlock.api.problems import Problem
from airlock.instance import Instance
from airlock.metrics import CatalogCollector, ProcessMetrics

router = APIRouter(tags=["metrics"])


def scraper(instance: InstanceDep, request: Request) -> Instance:
    """The instance, once the scrape token matched (compared in constant time)."""
    expected = instance.settings.metrics_token
    if expected is None:
        raise Problem(404, "not found")
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        presented = ""
    if not hmac.compare_digest(presented.encode(), expected.get_secret_value().encode()):
        raise Problem(401, "send the scrape token (AIRLOCK_METRICS_TOKEN) as "
                           "`Authorization: Bearer ...`", headers={"WWW-Authenticate": "Bearer"})
    return instance


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {CONTENT_TYPE_LATEST: {}},
          "description": "Prometheus text format (docs/guides/metrics.md names every metric)."},
    401: {"description": "No scrape token, or a wrong one."},
    404: {"description": "AIRLOCK_METRICS_TOKEN is unset: metrics are off."}})
def metrics(instance: Annotated[Instance, Depends(scraper)]) -> Response:
    """Prometheus metrics: requests, uploads, pipeline steps, purges, the audit log."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ProcessMetrics(REGISTRY))
    registry.register(CatalogCollector(instance))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
