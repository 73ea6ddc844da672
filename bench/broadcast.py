"""A broadcast through the outbox: 10,000 subscriber notices at Telegram's pace.

The notices are queued in one transaction and drained by the real sender
(`bot.delivery.outbox.drain`) through `LimitedTransport`, an in-process Bot API that answers
429 the way Telegram does (more than 30/s overall, 1/s per private chat, 20/min per group).
Time is simulated (`ScaledTime`): at 25 messages/s, 10,000 notices take 400 simulated seconds,
run `factor` times faster. Every database write and every Bot API call is real, so the database
must keep up with 25 × `factor` messages per real second; the default factor is what this
machine's SQLite sustains with a margin (at 50 the achieved rate falls short, since a send's
real database and Bot API work is then magnified 50 times on the simulated clock).

Figures: achieved messages per simulated second (target ≥ 90 % of 25), 429s received (target
0) and the real seconds taken.
"""

from __future__ import annotations

import tempfile
import time
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

import telegram
from sqlalchemy import delete
from telegram.warnings import PTBDeprecationWarning

from bench.figures import Figure
from bot.app import OFFLINE_TOKEN
from bot.clock import FrozenClock
from bot.console.limits import LimitedTransport
from bot.delivery.outbox import Limits, Pacer, ScaledTime, drain
from storage import migrate
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import Outgoing, enqueue

DEFAULT_FACTOR = 25.0
LATENCY = 0.1  # simulated seconds per Bot API call (a round trip to Telegram)
FIRST_SUBSCRIBER = 500_000_000


async def broadcast_figures(
    database_url: str | None, *, subscribers: int = 10_000, factor: float = DEFAULT_FACTOR
) -> list[Figure]:
    """Queue `subscribers` notices and send them; into a temporary SQLite unless a URL is given
    (the rows are removed from that database afterwards)."""
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # PTB 22 warns when a RetryAfter is built; the sender reads both forms.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        url = database_url or f"sqlite:///{Path(tmp) / 'broadcast.sqlite3'}"
        db = Database(url)
        try:
            await migrate.upgrade(db)
            return await _broadcast(db, subscribers, factor)
        finally:
            await db.dispose()


async def _broadcast(db: Database, subscribers: int, factor: float) -> list[Figure]:
    figures: list[Figure] = []
    run = uuid.uuid4().hex[:8]
    prefix = f"bench-broadcast-{run}-"
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    notices = [
        Outgoing(
            f"{prefix}{n}",
            FIRST_SUBSCRIBER + n,
            f"<b>Nytt från polisen i Härjedalen</b>\nLäget för löftena, vecka {n % 52 + 1}.",
            (("Läs mer", "https://example.org/loften"),),
        )
        for n in range(subscribers)
    ]
    started = time.perf_counter()
    async with db.transaction() as session:
        await enqueue(session, notices, now)
    figures.append(
        Figure(
            f"broadcast: queue {subscribers:,} notices".replace(",", " "),
            (time.perf_counter() - started) * 1000,
            "ms",
        )
    )

    clock = ScaledTime(factor)
    transport = LimitedTransport(time=clock, latency=LATENCY)
    bot = telegram.Bot(token=OFFLINE_TOKEN, request=transport)
    await bot.initialize()
    limits = Limits()
    try:
        started = time.perf_counter()
        result = await drain(db, bot, Pacer(limits, clock), FrozenClock(now))
        real = time.perf_counter() - started
    finally:
        await bot.shutdown()
        async with db.transaction() as session:
            await session.execute(delete(OutboxMessage).where(OutboxMessage.key.like(f"{prefix}%")))

    rate = result.sent / result.elapsed if result.elapsed > 0 else 0.0
    floor = 0.9 * limits.per_second
    all_sent = result.sent == subscribers and len(transport.accepted) == subscribers
    label = f"broadcast ×{factor:g} clock"
    figures += [
        Figure(
            f"{label}: messages/s (simulated)",
            rate,
            "msg/s",
            f"≥ {floor:g}/s",
            rate >= floor and all_sent,
        ),
        Figure(
            f"{label}: 429s received",
            transport.too_many_requests,
            "429s",
            "0",
            not (transport.too_many_requests or result.retry_after_hits),
        ),
        Figure(f"{label}: real time", real, "s"),
    ]
    return figures
