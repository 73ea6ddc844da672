"""The services object: settings, database and clock, built once and handed to the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock, local_today
from bot.config import Settings
from bot.services.cache import VersionedCache
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    # Reporters' scopes and catalogues between messages (see bot.services.cache).
    cache: VersionedCache = field(default_factory=VersionedCache)

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.bot.timezone

    # Shorthands for the handlers (the edge): the time is always `clock`'s. Components are
    # handed the Clock itself, never these methods as callables.
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today where people are (the bot's timezone), from the same clock."""
        return local_today(self.clock, self.tz)

    async def close(self) -> None:
        await self.db.dispose()
