"""The start page: who is signed in, and the pages their role opens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageActor

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/")
def home(request: Request, actor: PageActor) -> Response:
    return render(request, "home.html", actor)
