"""Where the instance is and which token to use: the environment, or a profile file.

`AIRLOCK_URL` and `AIRLOCK_TOKEN` win; otherwise the profile (``--profile``, default
``default``) of the credentials file, an INI file like ``~/.aws/credentials``::

    [default]
    url = https://airlock.example.com
    token = ...

The file is ``~/.airlock/credentials`` unless ``AIRLOCK_CREDENTIALS_FILE`` names another.
On POSIX systems it must be readable by its owner only (mode 600), as ssh insists for its
keys; `airlock-client configure` writes it so. The token is never printed or logged.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from airlock_client.errors import UsageError

URL_VARIABLE = "AIRLOCK_URL"
TOKEN_VARIABLE = "AIRLOCK_TOKEN"  # noqa: S105 (the variable's name, not a token)
FILE_VARIABLE = "AIRLOCK_CREDENTIALS_FILE"
MAX_FILE_BYTES = 64 * 1024
MAX_TOKEN_CHARS = 512


@dataclass(frozen=True)
class Connection:
    url: str
    token: str = field(repr=False)


def credentials_path(environ: Mapping[str, str]) -> Path:
    named = environ.get(FILE_VARIABLE)
    return Path(named).expanduser() if named else Path.home() / ".airlock" / "credentials"


def resolve(profile: str, url: str | None, environ: Mapping[str, str]) -> Connection:
    """The instance and token to use: `url` (the ``--url`` option) or the environment first,
    then the profile."""
    chosen_url = url or environ.get(URL_VARIABLE)
    token = environ.get(TOKEN_VARIABLE)
    if not (chosen_url and token):  # the file is read only when something is missing
        stored = _read_profile(credentials_path(environ), profile)
        chosen_url = chosen_url or stored.get("url")
        token = token or stored.get("token")
    if not chosen_url:
        raise UsageError(f"no instance: set {URL_VARIABLE}, pass --url, or run "
                         "`airlock-client configure`")
    if not token:
        raise UsageError(f"no token: set {TOKEN_VARIABLE} or run `airlock-client configure`")
    return Connection(check_url(chosen_url), check_token(token))


def check_url(url: str) -> str:
    """An http(s) URL with no credentials, query or fragment. Plain http only to this
    machine: anything else would send the token in the clear."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError("the instance URL must start with https:// (or http:// for this "
                         "machine)")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UsageError("the instance URL must not carry credentials, a query or a fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise UsageError("plain http is refused for another machine: the token would travel "
                         "in the clear; use https://")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def check_token(token: str) -> str:
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii() or \
            any(ch.isspace() or not ch.isprintable() for ch in token):
        raise UsageError("the token is malformed (it is printed once, when it is made: copy "
                         "it whole)")
    return token


def write_profile(path: Path, profile: str, connection: Connection) -> None:
    """Add or replace `profile`, keeping the others; the file is created with mode 600 and
    replaced atomically, so no moment exists where the token is readable by others."""
    parser = _parse(path) if path.exists() else configparser.ConfigParser(interpolation=None)
    parser[profile] = {"url": connection.url, "token": connection.token}
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".new")
    descriptor = os.open(str(staging), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        parser.write(handle)
    os.replace(staging, path)


def _read_profile(path: Path, profile: str) -> Mapping[str, str]:
    if not path.exists():
        return {}
    parser = _parse(path)
    if not parser.has_section(profile):
        raise UsageError(f"profile {profile!r} is not in {path}")
    return dict(parser[profile])


def _parse(path: Path) -> configparser.ConfigParser:
    _check_private(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UsageError(f"{path} is larger than a credentials file can be")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (configparser.Error, UnicodeDecodeError):
        raise UsageError(f"{path} is not a valid credentials file") from None
    return parser


def _check_private(path: Path) -> None:
    if os.name == "nt":  # Windows has no mode bits; the profile folder's ACL protects it
        return
    mode = path.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise UsageError(f"{path} can be read by other users; run `chmod 600 {path}`")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
