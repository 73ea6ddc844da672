"""Settings: read from a TOML file and the environment, checked once at start-up.

A bad or missing value raises `ConfigError` naming the key; the CLI turns it into one readable
line and exit code 2. The token is wrapped in `Secret` so that it never shows in a repr or a log.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///var/loftesbot.sqlite3"
DEFAULT_CONFIG_PATH = Path("config.toml")
TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
CHANNEL_RE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$")
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,256}$")

Mode = Literal["polling", "webhook"]
LogFormat = Literal["text", "json"]


class ConfigError(Exception):
    """A configuration value is missing or wrong. `key` names it as written in the file."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class Secret:
    """A string that does not show itself: repr and str print stars."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class WebhookSettings:
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "telegram"
    public_url: str = ""
    secret_token: Secret | None = None


@dataclass(frozen=True)
class TelegramSettings:
    token: Secret | None = None
    api_base_url: str = ""
    mode: Mode = "polling"
    webhook: WebhookSettings = field(default_factory=WebhookSettings)

    @property
    def base_url(self) -> str:
        """Root for Bot API methods, as PTB wants it (the token is appended)."""
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def api_root(self) -> str:
        return self.api_base_url.rstrip("/") or "https://api.telegram.org"


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL
    auto_upgrade: bool = True


@dataclass(frozen=True)
class HealthSettings:
    """`[health] listen`: a listener of its own for /livez, /healthz and /metrics (off when
    `host` is empty). In webhook mode the webhook's listener serves them as well."""

    host: str = ""
    port: int = 0

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class BotSettings:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Stockholm"))
    log_level: str = "INFO"
    log_format: LogFormat = "text"


@dataclass(frozen=True)
class SiteSettings:
    """The public web pages (`loftesbot site`, and live serving by `loftesbot run`)."""

    serve: bool = False
    listen: str = "127.0.0.1:8080"  # own listener in polling mode; the webhook's in webhook mode
    public_url: str = ""  # the pages' public address, e.g. "https://loften.kommun.se"
    templates: Path | None = None  # a kommun's own template folder, tried before ours
    lang: Literal["sv", "en"] = "sv"

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)


@dataclass(frozen=True)
class Settings:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    # Municipality name -> numeric chat id or @username of its public channel.
    channels: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None
    site: SiteSettings = field(default_factory=SiteSettings)

    def require_token(self) -> Secret:
        if self.telegram.token is None:
            raise ConfigError(
                "[telegram] token",
                "saknas; ange token i konfigurationsfilen eller miljövariabeln LOFTESBOT_TOKEN",
            )
        return self.telegram.token


KNOWN_KEYS: dict[str, set[str]] = {
    "telegram": {"token", "api_base_url", "mode", "webhook"},
    "telegram.webhook": {"listen", "port", "path", "public_url", "secret_token"},
    "database": {"url", "auto_upgrade"},
    "bot": {"timezone", "log_level", "log_format"},
    "health": {"listen"},
    "site": {"serve", "listen", "public_url", "templates", "lang"},
}


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None, *, must_exist: bool = False
) -> Settings:
    """Read settings from `path` (or LOFTESBOT_CONFIG, or ./config.toml if present) and `env`.

    Environment variables win over the file for the token (LOFTESBOT_TOKEN) and the database
    URL (LOFTESBOT_DATABASE_URL).
    """
    env = os.environ if env is None else env
    if path is None and env.get("LOFTESBOT_CONFIG"):
        path, must_exist = Path(env["LOFTESBOT_CONFIG"]), True
    if path is None and DEFAULT_CONFIG_PATH.exists():
        path = DEFAULT_CONFIG_PATH
    data: dict[str, Any] = {}
    if path is not None:
        data = _read_toml(path, must_exist=must_exist or path != DEFAULT_CONFIG_PATH)
    _reject_unknown(data)

    tg = _table(data, "telegram")
    wh = _table(tg, "webhook", "telegram.webhook")
    db = _table(data, "database")
    bt = _table(data, "bot")

    token_text = env.get("LOFTESBOT_TOKEN") or _str(tg, "token", "[telegram] token", "")
    token = None
    if token_text:
        if not TOKEN_RE.match(token_text.strip()):
            raise ConfigError(
                "[telegram] token", "ser inte ut som en bot-token från BotFather (siffror:tecken)"
            )
        token = Secret(token_text.strip())

    api_base_url = _str(tg, "api_base_url", "[telegram] api_base_url", "").strip()
    if api_base_url:
        parts = urlsplit(api_base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                "[telegram] api_base_url",
                "måste vara en http(s)-adress, till exempel http://127.0.0.1:8081, eller tom",
            )
    mode_text = _str(tg, "mode", "[telegram] mode", "polling")
    if mode_text == "polling":
        mode: Mode = "polling"
    elif mode_text == "webhook":
        mode = "webhook"
    else:
        raise ConfigError(
            "[telegram] mode", f"okänt läge '{mode_text}'; välj polling eller webhook"
        )

    webhook = _webhook(wh, mode)

    db_url = env.get("LOFTESBOT_DATABASE_URL") or _str(db, "url", "[database] url", "")
    db_url = db_url.strip() or DEFAULT_DATABASE_URL
    if not re.match(r"^(sqlite|postgres|postgresql)(\+\w+)?://", db_url):
        raise ConfigError(
            "[database] url",
            "måste börja med sqlite:/// eller postgresql:// (se config.example.toml)",
        )
    auto_upgrade = _bool(db, "auto_upgrade", "[database] auto_upgrade", True)

    tz_name = _str(bt, "timezone", "[bot] timezone", "Europe/Stockholm")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("[bot] timezone", f"okänd tidszon '{tz_name}'") from exc
    log_level = _str(bt, "log_level", "[bot] log_level", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("[bot] log_level", "välj DEBUG, INFO, WARNING eller ERROR")
    format_text = _str(bt, "log_format", "[bot] log_format", "text").strip().lower()
    if format_text == "text":
        log_format: LogFormat = "text"
    elif format_text == "json":
        log_format = "json"
    else:
        raise ConfigError("[bot] log_format", f"okänt format '{format_text}'; välj text eller json")

    health = _health(_str(_table(data, "health"), "listen", "[health] listen", ""))

    channels = _channels(data.get("channels", {}))
    site = _site(_table(data, "site"), path)

    return Settings(
        telegram=TelegramSettings(
            token=token,
            api_base_url=api_base_url,
            mode=mode,
            webhook=webhook,
        ),
        database=DatabaseSettings(url=db_url, auto_upgrade=auto_upgrade),
        bot=BotSettings(timezone=timezone, log_level=log_level, log_format=log_format),
        health=health,
        channels=channels,
        source=path,
        site=site,
    )


def _read_toml(path: Path, *, must_exist: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        if not must_exist:
            return {}
        raise ConfigError(str(path), "konfigurationsfilen finns inte") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"är inte giltig TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            str(path), f"är inte sparad som UTF-8 (okänd byte på plats {exc.start})"
        ) from exc
    except OSError as exc:
        raise ConfigError(str(path), f"kan inte läsas ({exc.strerror})") from exc


def _reject_unknown(data: dict[str, Any]) -> None:
    for top, value in data.items():
        if top == "channels":
            continue
        if top not in KNOWN_KEYS:
            raise ConfigError(f"[{top}]", "okänd tabell (stavfel?)")
        if not isinstance(value, dict):
            raise ConfigError(f"[{top}]", "måste vara en tabell")
        for key in value:
            if key not in KNOWN_KEYS[top]:
                raise ConfigError(f"[{top}] {key}", "okänd nyckel (stavfel?)")
    webhook = data.get("telegram", {}).get("webhook", {})
    if isinstance(webhook, dict):
        for key in webhook:
            if key not in KNOWN_KEYS["telegram.webhook"]:
                raise ConfigError(f"[telegram.webhook] {key}", "okänd nyckel (stavfel?)")


def _table(data: dict[str, Any], name: str, label: str | None = None) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{label or name}]", "måste vara en tabell")
    return value


def _str(table: dict[str, Any], key: str, label: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(label, "måste vara en textsträng inom citattecken")
    return value


def _bool(table: dict[str, Any], key: str, label: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(label, "måste vara true eller false")
    return value


def _webhook(table: dict[str, Any], mode: str) -> WebhookSettings:
    listen = _str(table, "listen", "[telegram.webhook] listen", "127.0.0.1")
    port = table.get("port", 8443)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ConfigError("[telegram.webhook] port", "måste vara ett heltal 1–65535")
    path = _str(table, "path", "[telegram.webhook] path", "telegram").strip("/")
    public_url = _str(table, "public_url", "[telegram.webhook] public_url", "").strip()
    secret_text = _str(table, "secret_token", "[telegram.webhook] secret_token", "")
    secret = Secret(secret_text) if secret_text else None
    if mode == "webhook":
        parts = urlsplit(public_url)
        if parts.scheme != "https" or not parts.netloc:
            raise ConfigError(
                "[telegram.webhook] public_url",
                "krävs i webhook-läge: den publika https-adressen som Telegram ska anropa",
            )
        if not SECRET_TOKEN_RE.match(secret_text):
            raise ConfigError(
                "[telegram.webhook] secret_token",
                "krävs i webhook-läge: minst 32 tecken av A–Z, a–z, 0–9, _ och -",
            )
    return WebhookSettings(
        listen=listen, port=port, path=path, public_url=public_url, secret_token=secret
    )


HEALTH_LISTEN_RE = re.compile(
    r"^(?:(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):)?(?P<port>\d{1,5})$"
)


def _health(listen: str) -> HealthSettings:
    """`[health] listen`: "" (off), "PORT" (on 127.0.0.1), "HOST:PORT" or "[IPv6]:PORT"."""
    text = listen.strip()
    if not text:
        return HealthSettings()
    match = HEALTH_LISTEN_RE.match(text)
    port = int(match["port"]) if match else 0
    if match is None or not 1 <= port <= 65535:
        raise ConfigError(
            "[health] listen",
            f"'{text}' är inte adress:port, till exempel \"127.0.0.1:9090\" (tomt stänger av)",
        )
    return HealthSettings(host=match["v6"] or match["host"] or "127.0.0.1", port=port)


def _channels(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError("[channels]", "måste vara en tabell: kommunnamn = kanal")
    channels: dict[str, str] = {}
    for name, channel in value.items():
        text = str(channel).strip() if isinstance(channel, (str, int)) else ""
        if isinstance(channel, bool) or not CHANNEL_RE.match(text):
            raise ConfigError(
                f"[channels] {name}",
                "måste vara ett chatt-id (till exempel -1001234567890) eller @kanalnamn",
            )
        channels[str(name)] = text
    return channels


def _site(table: dict[str, Any], source: Path | None) -> SiteSettings:
    serve = _bool(table, "serve", "[site] serve", False)
    listen = _str(table, "listen", "[site] listen", "127.0.0.1:8080").strip()
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError("[site] listen", "måste vara adress:port, till exempel 127.0.0.1:8080")
    public_url = _str(table, "public_url", "[site] public_url", "").strip().rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                "[site] public_url",
                "måste vara en http(s)-adress, till exempel https://loften.kommun.se, eller tom",
            )
    folder = _str(table, "templates", "[site] templates", "").strip()
    templates: Path | None = None
    if folder:
        templates = Path(folder)
        if not templates.is_absolute() and source is not None:
            templates = source.parent / templates  # relative to the configuration file
        if not templates.is_dir():
            raise ConfigError("[site] templates", f"mappen {templates} finns inte")
    lang_text = _str(table, "lang", "[site] lang", "sv").strip().lower()
    if lang_text not in ("sv", "en"):
        raise ConfigError("[site] lang", f"okänt språk '{lang_text}'; välj sv eller en")
    lang: Literal["sv", "en"] = "en" if lang_text == "en" else "sv"
    return SiteSettings(
        serve=serve, listen=listen, public_url=public_url, templates=templates, lang=lang
    )
