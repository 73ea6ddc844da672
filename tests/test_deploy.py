"""deploy/: the systemd units and the reverse-proxy examples name the paths and keys that the
README and the bot use; `systemd-analyze verify` accepts the units where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
EXECUTABLE = "/opt/loftesbot/.venv/bin/loftesbot"


def unit(name: str) -> dict[str, list[str]]:
    """Key -> values of a systemd unit file (keys may repeat)."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_service_runs_the_bot_as_its_own_user_with_hardening() -> None:
    service = unit("loftesbot.service")
    assert service["ExecStart"] == [f"{EXECUTABLE} run --config /etc/loftesbot/config.toml"]
    assert service["User"] == ["loftesbot"]
    assert service["EnvironmentFile"] == ["/etc/loftesbot/env"]
    assert service["WorkingDirectory"] == ["/var/lib/loftesbot"]
    assert service["Restart"] == ["on-failure"]
    assert service["RestartPreventExitStatus"] == ["2"]  # a configuration error
    assert service["ReadWritePaths"] == ["/var/lib/loftesbot"]
    for key, value in (
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
    ):
        assert service[key] == [value], key


def test_the_backup_runs_daily_into_its_folder() -> None:
    service = unit("loftesbot-backup.service")
    assert service["Type"] == ["oneshot"]
    assert service["ExecStart"] == [
        f"{EXECUTABLE} db backup --config /etc/loftesbot/config.toml --out /var/backups/loftesbot"
    ]
    assert "/var/backups/loftesbot" in service["ReadWritePaths"][0]
    timer = unit("loftesbot-backup.timer")
    assert timer["OnCalendar"] == ["*-*-* 02:45:00"]  # before retention at 03:30
    assert timer["Persistent"] == ["true"]


@pytest.mark.parametrize("name", ["nginx.conf", "Caddyfile"])
def test_the_proxy_examples_guard_the_webhook(name: str) -> None:
    text = (DEPLOY / name).read_text(encoding="utf-8")
    for needed in ("/telegram", "/healthz", "127.0.0.1:8443", "149.154.160.0/20", "91.108.4.0/22"):
        assert needed in text, needed
    assert "X-Telegram-Bot-Api-Secret-Token" in text
    if name == "nginx.conf":
        assert "client_max_body_size 1m;" in text
        assert "proxy_set_header X-Telegram-Bot-Api-Secret-Token" in text
        assert "deny all;" in text
    else:
        assert "max_size 1MB" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    # The units point at the installed bot; here, at this checkout's (or any existing) one.
    here = Path(sys.executable).with_name("loftesbot")
    executable = str(here if here.exists() else Path(sys.executable))
    names = ["loftesbot.service", "loftesbot-backup.service", "loftesbot-backup.timer"]
    for name in names:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(EXECUTABLE, executable), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
