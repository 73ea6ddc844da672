"""The reminders sender: the week's reminders, computed by `bot.services.reminders`, written
(`bot.render.reminders`) and queued in the outbox, which the outbox worker delivers. The outbox
holds finished text, so the text is written here, in the delivery wing, not in the service."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.render.reminders import reminder_text
from bot.services.reminders import ReminderRun, reminder_key, reminders_due
from storage import outbox


async def queue_reminders(session: AsyncSession, *, today: date, now: datetime) -> ReminderRun:
    """Queue this ISO week's reminders in the outbox (idempotent per reporter and week)."""
    reminders, skipped = await reminders_due(session, today=today)
    messages = [
        outbox.Outgoing(
            reminder_key(r.telegram_user_id, today), r.telegram_user_id, reminder_text(r)
        )
        for r in reminders
    ]
    queued = await outbox.enqueue(session, messages, now)
    return ReminderRun(
        reminded=len(reminders),
        queued=queued,
        pledges_mentioned=sum(r.pledges for r in reminders),
        skipped_paused=skipped,
    )
