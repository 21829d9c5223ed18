"""Where the instance and the token come from, and that the token stays out of sight."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from airlock_client import config
from airlock_client.config import Connection, resolve, write_profile
from airlock_client.errors import UsageError

TOKEN = "alk_" + "s3cr3t" * 6
URL = "https://airlock.example.com"


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    return {config.FILE_VARIABLE: str(tmp_path / "credentials"), **more}


def test_a_written_profile_is_mode_600_and_read_back(tmp_path: Path) -> None:
    env = _env(tmp_path)
    write_profile(config.credentials_path(env), "default", Connection(URL, TOKEN))
    write_profile(config.credentials_path(env), "other", Connection(URL + "/x", TOKEN[::-1]))
    path = tmp_path / "credentials"
    assert path.stat().st_mode & 0o777 == 0o600
    assert resolve("default", None, env) == Connection(URL, TOKEN)
    assert resolve("other", None, env).url == URL + "/x"


@pytest.mark.skipif(os.name == "nt", reason="no mode bits on Windows")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_profile_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    env = _env(tmp_path)
    write_profile(config.credentials_path(env), "default", Connection(URL, TOKEN))
    (tmp_path / "credentials").chmod(mode)
    with pytest.raises(UsageError, match="chmod 600") as raised:
        resolve("default", None, env)
    assert TOKEN not in str(raised.value)


def test_the_environment_wins_over_the_profile(tmp_path: Path) -> None:
    env = _env(tmp_path)
    write_profile(config.credentials_path(env), "default", Connection(URL, TOKEN))
    chosen = resolve("default", None, {**env, config.URL_VARIABLE: "http://127.0.0.1:9",
                                       config.TOKEN_VARIABLE: "alk_from_env"})
    assert chosen == Connection("http://127.0.0.1:9", "alk_from_env")
    assert resolve("default", "https://other.example", env).url == "https://other.example"


def test_missing_settings_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no instance"):
        resolve("default", None, _env(tmp_path))
    with pytest.raises(UsageError, match="no token"):
        resolve("default", URL, _env(tmp_path))
    with pytest.raises(UsageError, match="profile 'nope'"):
        write_profile(tmp_path / "credentials", "default", Connection(URL, TOKEN))
        resolve("nope", None, _env(tmp_path))


@pytest.mark.parametrize("url", ["http://airlock.example.com", "ftp://x", "https://u:p@x",
                                 "https://x/?token=1", "https://x/#f", "nonsense"])
def test_unsafe_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        config.check_url(url)


def test_the_token_is_never_in_a_repr() -> None:
    connection = Connection(URL, TOKEN)
    assert TOKEN not in repr(connection) and TOKEN not in str(connection)
