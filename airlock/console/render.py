"""Pages from Jinja2 templates, with the context every page shares: the translator, the
CSRF token, the person signed in and the navigation their role may see."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from airlock.console.i18n import LANGUAGES, Translator, language_of
from airlock.console.sessions import COOKIE, SIGN_IN_COOKIE, csrf_token, new_secret
from airlock.permissions import Permission, allows
from audit import Actor


@dataclass(frozen=True)
class NavItem:
    path: str
    message: str
    permission: Permission | None  # None: open to anyone signed in


NAV: tuple[NavItem, ...] = (
    NavItem("/datasets", "common.nav_datasets", Permission.DATASETS_READ),
    NavItem("/upload", "common.nav_upload", Permission.DATASETS_UPLOAD),
    NavItem("/retention", "common.nav_retention", Permission.HOLDS_MANAGE),
    NavItem("/audit", "common.nav_audit", Permission.AUDIT_READ),
    NavItem("/verify", "common.nav_verify", None),
)


def when(value: datetime | None) -> Markup:
    """A UTC time as `<time>`; the console's script shows it in the viewer's zone and keeps
    UTC in the title (shown on hover)."""
    if value is None:
        return Markup("\u2014")
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        utc.isoformat(timespec="seconds").replace("+00:00", "Z"), text, text)


@functools.cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("airlock.console", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = when
    return env


def secure(request: Request) -> bool:
    """Cookies are Secure when the console is served over TLS."""
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        secure=secure(request), samesite="strict")


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, actor: Actor | None, status: int = 200,
           **context: Any) -> HTMLResponse:
    """The page, with a sign-in cookie set on it when the person is not signed in (its
    HMAC is the CSRF token of the page's forms)."""
    session_cookie = request.cookies.get(COOKIE) if actor is not None else None
    form_cookie = session_cookie or request.cookies.get(SIGN_IN_COOKIE)
    new_form_cookie = None
    if form_cookie is None:
        form_cookie = new_form_cookie = new_secret()
    t = Translator(language_of(request))
    nav = [item for item in NAV
           if actor is not None and (item.permission is None or allows(actor.role,
                                                                          item.permission))]
    html = environment().get_template(template).render(
        request=request, t=t, lang=t.language, languages=LANGUAGES, actor=actor, nav=nav,
        path=request.url.path, here=_here(request), csrf=csrf_token(form_cookie), **context)
    response = HTMLResponse(html, status_code=status)
    if new_form_cookie is not None:
        set_cookie(response, request, SIGN_IN_COOKIE, new_form_cookie)
    return response
