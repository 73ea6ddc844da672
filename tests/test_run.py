"""`loftesbot run` for real: long polling over HTTP against a Bot API server on loopback.

The server stands in for a self-hosted Bot API (`api_base_url`); the bot answers /start through
it, and SIGTERM stops the process cleanly. Bounded in time, loopback only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = {"id": 123456789, "is_bot": True, "first_name": "Löftesboten", "username": "LoftesbotenBot"}


class FakeBotApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.pending = [
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 555, "type": "private", "first_name": "Kim"},
                    "from": {
                        "id": 555,
                        "is_bot": False,
                        "first_name": "Kim",
                        "language_code": "sv",
                    },
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        ]
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server: FakeBotApi

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(body or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body).items()}
        prefix, _, method = self.path.rpartition("/")
        assert prefix == f"/bot{TOKEN}", self.path
        with self.server.lock:
            self.server.calls.append((method, params))
        result: Any = True
        if method == "getMe":
            result = BOT
        elif method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self.server.lock:
                result = [u for u in self.server.pending if u["update_id"] >= offset]
            if not result:
                time.sleep(0.2)
        elif method == "sendMessage":
            result = {
                "message_id": 99,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def test_run_serves_by_long_polling_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = FakeBotApi()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\napi_base_url = "http://127.0.0.1:{server.server_port}"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "bot.sqlite3"}"\n[bot]\nlog_level = "DEBUG"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOFTESBOT_")}
    env["LOFTESBOT_TOKEN"] = TOKEN
    log = (tmp_path / "stderr.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with server.lock:
                sent = [p for m, p in server.calls if m == "sendMessage"]
            if sent or process.poll() is not None:
                break
            time.sleep(0.1)
        assert process.poll() is None, (tmp_path / "stderr.log").read_text()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        server.shutdown()
        server.server_close()
        log.close()
    stderr = (tmp_path / "stderr.log").read_text(encoding="utf-8")
    methods = [m for m, _ in server.calls]
    assert process.returncode == 0, stderr
    assert "Välkommen till Löftesboten" in sent[0]["text"]
    assert int(sent[0]["chat_id"]) == 555
    assert "setMyCommands" in methods
    assert "getUpdates" in methods
    assert TOKEN not in stderr
    assert TOKEN.split(":")[1] not in stderr
    assert "Traceback" not in stderr
