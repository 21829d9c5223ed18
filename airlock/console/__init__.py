"""The web console: server-rendered pages (Jinja2) with small scripts, at `/`.

`airlock.console.app.install_console` adds it to the API's application. Pages reach data
through the same permission checks as the API (`airlock.api.deps`), with the actor of a
session cookie instead of a bearer token (`airlock.console.sessions`).
"""
