"""The bot's send budget: one token bucket in the database that every process draws from.

Telegram limits what a bot sends as a whole (about 30 messages a second), not per process. Each
send books one token with a single UPDATE: the bucket is refilled for the time gone by (at
`rate` a second, never above `burst`) and one token is taken. Tokens may go below zero: the
booking then lies in the near future, and the caller waits `-tokens / rate` seconds before it
sends. The time is the database's own clock, so processes on different hosts agree on it. In
any one second at most `burst + rate` sends are booked, whichever process books them.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# One statement per dialect: refill for the time gone by (never above :burst), take one token.
_TAKE = {
    "postgresql": (
        "UPDATE send_budget SET tokens = LEAST(:burst, tokens + "
        "GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp())::float8 - stamp) * :rate) - 1, "
        "stamp = GREATEST(stamp, EXTRACT(EPOCH FROM clock_timestamp())::float8) "
        "WHERE name = :name RETURNING tokens"
    ),
    "sqlite": (
        "UPDATE send_budget SET tokens = min(:burst, tokens + "
        "max(0, (julianday('now') - 2440587.5) * 86400.0 - stamp) * :rate) - 1, "
        "stamp = max(stamp, (julianday('now') - 2440587.5) * 86400.0) "
        "WHERE name = :name RETURNING tokens"
    ),
}
_CREATE = (
    "INSERT INTO send_budget (name, tokens, stamp) VALUES (:name, :burst, 0) "
    "ON CONFLICT (name) DO NOTHING"
)


async def take(conn: AsyncConnection, name: str, *, rate: float, burst: float) -> float:
    """Book one send in budget `name`; the seconds to wait before sending (0 when now).

    Runs on `conn` and commits; the row is made on first use."""
    dialect = conn.dialect.name
    if dialect not in _TAKE:
        raise ValueError(f"no send budget on {dialect}")
    params = {"name": name, "rate": rate, "burst": burst}
    tokens = (await conn.execute(text(_TAKE[dialect]), params)).scalar_one_or_none()
    if tokens is None:
        await conn.execute(text(_CREATE), params)
        tokens = (await conn.execute(text(_TAKE[dialect]), params)).scalar_one()
    await conn.commit()
    return max(0.0, -float(tokens)) / rate
