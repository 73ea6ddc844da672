"""`loftesbot run` as a real process against a Bot API server on loopback: webhook mode (the
secret, the health check, SIGTERM) and a second poller. Bounded in time, loopback only."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_run import TOKEN, FakeBotApi, Handler

SECRET = "Zq8_vN3xK5-pT1wR7yU4iO9aS2dF6gH0jL"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi()
    server.pending = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def start(tmp_path: Path, config: str) -> tuple[subprocess.Popen[str], Path]:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOFTESBOT_")}
    env["LOFTESBOT_TOKEN"] = TOKEN
    log = tmp_path / "stderr.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=tmp_path,
        )
    return process, log


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_mode_as_a_process(tmp_path: Path, api: FakeBotApi) -> None:
    port = free_port()
    process, log = start(
        tmp_path,
        f'[telegram]\napi_base_url = "http://127.0.0.1:{api.server_port}"\nmode = "webhook"\n'
        f'[telegram.webhook]\nlisten = "127.0.0.1"\nport = {port}\npath = "tg"\n'
        f'public_url = "https://bot.example.org"\nsecret_token = "{SECRET}"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "bot.sqlite3"}"\n[bot]\nlog_level = "DEBUG"\n',
    )
    base = f"http://127.0.0.1:{port}"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": 555, "type": "private", "first_name": "Kim"},
            "from": {"id": 555, "is_bot": False, "first_name": "Kim", "language_code": "sv"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    body = json.dumps(update).encode()
    try:
        status = 0
        for _ in range(200):
            assert process.poll() is None, log.read_text()
            try:
                status = http(f"{base}/healthz")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200
        assert http(f"{base}/tg", body, {"Content-Type": "application/json"}) == 403
        assert (
            http(
                f"{base}/tg",
                body,
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "x" * 40},
            )
            == 403
        )
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert http(f"{base}/tg", body, headers) == 200
        sent: list[dict[str, Any]] = []
        for _ in range(200):
            with api.lock:
                sent = [p for m, p in api.calls if m == "sendMessage"]
            if sent:
                break
            time.sleep(0.05)
        assert len(sent) == 1 and "Välkommen" in sent[0]["text"]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = log.read_text(encoding="utf-8")
    assert process.returncode == 0, stderr
    with api.lock:
        hooks = [p for m, p in api.calls if m == "setWebhook"]
        methods = [m for m, _ in api.calls]
    assert hooks and hooks[0]["url"] == "https://bot.example.org/tg"
    assert "getUpdates" not in methods and "deleteWebhook" not in methods
    assert TOKEN.split(":")[1] not in stderr
    assert SECRET not in stderr
    assert "Traceback" not in stderr


class ConflictHandler(Handler):
    def do_POST(self) -> None:
        if self.path.endswith("/getUpdates"):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = json.dumps(
                {
                    "ok": False,
                    "error_code": 409,
                    "description": "Conflict: terminated by other getUpdates request",
                }
            ).encode()
            self.send_response(409)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        super().do_POST()


def test_a_second_poller_stops_with_one_readable_line(tmp_path: Path, api: FakeBotApi) -> None:
    api.RequestHandlerClass = ConflictHandler
    process, log = start(
        tmp_path,
        f'[telegram]\napi_base_url = "http://127.0.0.1:{api.server_port}"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "bot.sqlite3"}"\n',
    )
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = log.read_text(encoding="utf-8")
    assert process.returncode == 2, stderr
    assert "409 Conflict" in stderr.strip().splitlines()[-1]
    assert "Traceback" not in stderr
