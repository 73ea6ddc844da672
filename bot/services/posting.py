"""Publishing a progress report to a municipality's channel, exactly once.

Every post has a `progress_posts` row keyed by (municipality, channel, period, kind). The row is
claimed before anything is sent; before each message the row records which part is in flight,
and after Telegram accepts it, the message id. So after a crash:

* nothing in flight: the claim's lease runs out (`LEASE` after its last renewal) and the next
  attempt carries on with the parts not yet sent;
* a part in flight: nobody knows whether Telegram took it. The row becomes AMBIGUOUS and the
  municipality's admins are told, with buttons to settle it; nothing is sent twice.

The same holds while the process lives: a send whose answer was lost (a timeout, a connection
dropped after the request left, a 5xx; see `bot.delivery.errors.classify_send_error`) makes the
post AMBIGUOUS at once. Only a send that surely did not leave is tried again later.

The claim is a lease: the sender renews it before each part and every `RENEW_EVERY` while it
sends, and it covers any 429 pause the sender is waiting out, so a live process is never taken
for dead. The post is rendered once, right after it is first claimed, and its parts (texts,
caption, chart) are stored on the row: a resume or "skicka igen" sends those stored parts.

A post that is SENT answers "redan publicerad" to `--publish` and to the schedule. After the
channel post, each subscriber gets a short notice through the outbox (paced, resumable).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError

from bot.delivery.errors import classify_send_error
from bot.render import report as render
from bot.render.chart import render_chart
from bot.render.html import b, esc
from bot.render.texts import Lang
from bot.services.outbox import Pacer, retry_after_seconds
from bot.services.reports import Report, ReportPeriod, build_report, whole_period
from bot.site.urls import kommun_url
from storage import audit
from storage import outbox as outbox_store
from storage.db import Database, insert_for
from storage.models import (
    Membership,
    Municipality,
    PostStatus,
    ProgressPost,
    Reporter,
    Role,
    Subscriber,
)

log = logging.getLogger(__name__)

KIND = "progress"
LEASE = timedelta(minutes=2)
RENEW_EVERY = LEASE / 4  # how often a sender renews its lease (in its pacer's time)
Outcome = Literal[
    "sent", "already", "skipped", "ambiguous", "busy", "failed", "retry", "no_channel"
]


def instance_name() -> str:
    """Who claims a post: host, process and a random part (two runs never share it)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class PostOutcome:
    outcome: Outcome
    post_id: int | None = None
    message_ids: tuple[int, ...] = ()
    channel: str | None = None
    detail: str = ""
    notices: int = 0  # subscriber notices queued

    @property
    def link(self) -> str | None:
        return message_link(self.channel, self.message_ids[0]) if self.message_ids else None


def message_link(channel: str | None, message_id: int) -> str | None:
    """A t.me link to a channel message: public channels by name, private ones by id."""
    if not channel:
        return None
    if channel.startswith("@"):
        return f"https://t.me/{channel[1:]}/{message_id}"
    digits = channel.removeprefix("-100") if channel.startswith("-100") else None
    return f"https://t.me/c/{digits}/{message_id}" if digits else None


@dataclass(frozen=True)
class Rendered:
    """What a post consists of: the text messages, then the chart with its caption. Stored on
    the post's row once rendered (`stored`/`from_row`), so every send uses the same parts."""

    messages: tuple[str, ...]
    chart: bytes
    caption: str
    titles: tuple[str, str]  # the report's bold title in Swedish and in English
    municipality: str

    @property
    def parts(self) -> int:
        return len(self.messages) + 1

    def title(self, lang: str) -> str:
        return self.titles[1] if lang == "en" else self.titles[0]

    def stored(self) -> dict[str, Any]:
        """The row's `rendering` (the chart goes in its own column)."""
        return {
            "messages": list(self.messages),
            "caption": self.caption,
            "titles": list(self.titles),
            "municipality": self.municipality,
        }

    @classmethod
    def from_row(cls, row: ProgressPost) -> Rendered | None:
        data, chart = row.rendering, row.chart
        if not data or chart is None:
            return None
        sv, en = (str(t) for t in data["titles"])
        return cls(
            tuple(str(m) for m in data["messages"]),
            bytes(chart),
            str(data["caption"]),
            (sv, en),
            str(data["municipality"]),
        )


async def render_post(report: Report, lang: str = "sv", *, link: str | None = None) -> Rendered:
    """The post's parts; `link` (the kommun's public web page) ends the text when given."""
    language: Lang = "en" if lang == "en" else "sv"
    title, subtitle, note, rows = render.chart(report, language)
    png = await asyncio.to_thread(render_chart, title, subtitle, rows, note=note)
    return Rendered(
        tuple(render.telegram_messages(report, language, link=link)),
        png,
        render.chart_caption(report, language),
        (_title(report, "sv"), _title(report, "en")),
        report.municipality,
    )


async def sync_channels(session: AsyncSession, channels: Mapping[str, str]) -> list[str]:
    """Write the configured channels onto the municipalities; returns names not found."""
    from storage.catalogue import municipality_by_name

    unknown: list[str] = []
    for name, channel in channels.items():
        municipality = await municipality_by_name(session, name)
        if municipality is None:
            unknown.append(name)
        elif municipality.channel != channel:
            municipality.channel = channel
    await session.flush()
    return unknown


async def admins_of(session: AsyncSession, municipality_id: int) -> list[tuple[int, str | None]]:
    """Telegram user ids (and languages) of the municipality's admins."""
    rows = await session.execute(
        select(Reporter.telegram_user_id, Reporter.language)
        .join(Membership, Membership.reporter_id == Reporter.id)
        .where(
            Membership.municipality_id == municipality_id,
            Membership.role == Role.ADMIN,
            Membership.revoked_at.is_(None),
        )
        .distinct()
    )
    return sorted((int(uid), lang) for uid, lang in rows)


async def tell_admins(
    session: AsyncSession,
    municipality_id: int,
    key: str,
    text: str,
    now: datetime,
    buttons: Sequence[tuple[str, str]] = (),
) -> int:
    """Queue one notice per admin of the municipality (idempotent per `key`)."""
    admins = await admins_of(session, municipality_id)
    if not admins:
        log.warning("municipality %s has no admin to tell about %s", municipality_id, key)
    return await outbox_store.enqueue(
        session,
        [outbox_store.Outgoing(f"{key}:{uid}", uid, text, tuple(buttons)) for uid, _lang in admins],
        now,
    )


def _title(report: Report, lang: str) -> str:
    if lang == "en":
        return b(f"The progress report for {report.municipality}, {report.period.label('en')}")
    return b(f"Lägesrapporten för {report.municipality}, {report.period.label('sv')}")


# --- claiming ----------------------------------------------------------------------------


def lease_end(row: ProgressPost) -> datetime | None:
    """When the claim on `row` runs out unless renewed (None: nobody holds it)."""
    if row.lease_until is not None:
        return row.lease_until
    return row.claimed_at + LEASE if row.claimed_at is not None else None


def lease_held(row: ProgressPost, now: datetime) -> bool:
    """Someone holds a live claim on the post."""
    end = lease_end(row)
    return row.status is PostStatus.CLAIMED and end is not None and end > now


def _is(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value  # type: ignore[no-any-return]


def _unchanged(row: ProgressPost) -> list[ColumnElement[bool]]:
    """The row is still as read: nobody claimed, renewed or settled it since."""
    return [
        ProgressPost.id == row.id,
        ProgressPost.status == row.status,
        _is(ProgressPost.claimed_by, row.claimed_by),
        _is(ProgressPost.claimed_at, row.claimed_at),
        _is(ProgressPost.lease_until, row.lease_until),
    ]


@dataclass
class _Claim:
    post_id: int
    sent: list[int] = field(default_factory=list)
    rendered: Rendered | None = None


async def _claim(
    session: AsyncSession,
    municipality_id: int,
    channel: str,
    period_key: str,
    *,
    due: datetime | None,
    me: str,
    now: datetime,
    lease_now: datetime,
    allow: frozenset[PostStatus],
) -> _Claim | PostOutcome:
    """Claim the post before anything is rendered: a post taken, sent or settled costs no
    rendering. A claim taken over brings the parts stored by the first claimer. `now` dates
    the claim (the tick's time); `lease_now` is the clock's time now, which leases are measured
    by (a long tick's start is minutes old by its last post)."""
    insert = insert_for(session)
    created = await session.execute(
        insert(ProgressPost)
        .values(
            municipality_id=municipality_id,
            channel=channel,
            period_key=period_key,
            kind=KIND,
            status=PostStatus.CLAIMED,
            claimed_by=me,
            claimed_at=now,
            lease_until=lease_now + LEASE,
            parts=0,
            due_at=due,
            message_ids=[],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["municipality_id", "channel", "period_key", "kind"])
    )
    row = await session.scalar(
        select(ProgressPost).where(
            ProgressPost.municipality_id == municipality_id,
            ProgressPost.channel == channel,
            ProgressPost.period_key == period_key,
            ProgressPost.kind == KIND,
        )
    )
    assert row is not None
    sent = [int(m) for m in row.message_ids or []]
    if getattr(created, "rowcount", 0) == 1:
        return _Claim(row.id, sent)
    if row.status is PostStatus.SENT:
        return PostOutcome("already", row.id, tuple(sent), channel)
    if row.status is PostStatus.AMBIGUOUS:
        return PostOutcome("ambiguous", row.id, tuple(sent), channel, row.error or "")
    if row.status is PostStatus.SKIPPED and row.status not in allow:
        return PostOutcome("skipped", row.id, tuple(sent), channel, row.error or "")
    if row.status is PostStatus.FAILED and row.status not in allow:
        return PostOutcome("failed", row.id, tuple(sent), channel, row.error or "")
    if lease_held(row, lease_now):
        return PostOutcome("busy", row.id, tuple(sent), channel)
    if row.status is PostStatus.CLAIMED and row.sending_part is not None:
        # The claimer died while Telegram had a message of ours in hand.
        taken = await session.execute(
            update(ProgressPost)
            .where(*_unchanged(row))
            .values(
                status=PostStatus.AMBIGUOUS,
                lease_until=None,
                error=f"avbröts medan del {row.sending_part + 1} av {row.parts} skickades",
            )
        )
        if getattr(taken, "rowcount", 0) != 1:
            return PostOutcome("busy", row.id, tuple(sent), channel)
        return PostOutcome("ambiguous", row.id, tuple(sent), channel, "new")
    # A lease run out with nothing in flight, or a failure to retry: take it over.
    taken = await session.execute(
        update(ProgressPost)
        .where(*_unchanged(row))
        .values(
            status=PostStatus.CLAIMED,
            claimed_by=me,
            claimed_at=now,
            lease_until=lease_now + LEASE,
            sending_part=None,
            error=None,
        )
    )
    if getattr(taken, "rowcount", 0) != 1:
        return PostOutcome("busy", row.id, tuple(sent), channel)
    if row.status is not PostStatus.CLAIMED and not sent:
        # A failed or skipped post published again by hand, none of it out: today's figures.
        return _Claim(row.id, sent)
    # A resume (or "skicka igen"): the parts of the one rendering, some of which are out.
    return _Claim(row.id, sent, Rendered.from_row(row))


class _LeaseLost(Exception):
    """Another process took the post over: this one must not send another part."""


# --- publishing --------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Publisher:
    """Publishes posts for one process. `pacer` keeps channel posts within Telegram's limits
    (shared with the outbox sender, so the overall budget is one); `clock` dates the lease's
    renewals."""

    db: Database
    bot: Bot
    pacer: Pacer
    me: str = field(default_factory=instance_name)
    bot_username: str | None = None
    clock: Callable[[], datetime] = _utc_now
    # The public web pages' address ([site] public_url): posts link to the kommun's page.
    public_url: str = ""
    # How many posts this process rendered (a resume or a lost race renders nothing).
    renders: int = 0

    async def publish(
        self,
        municipality_id: int,
        period: ReportPeriod | None,
        *,
        today: date,
        now: datetime,
        due: datetime | None = None,
        actor: str = "schedule",
        actor_user_id: int | None = None,
        comment: str | None = None,
        allow: frozenset[PostStatus] = frozenset(),
    ) -> PostOutcome:
        """Claim, render (once per post) and send the report, at most once per (municipality,
        channel, period).

        `allow` names finished states that may be taken over: a person publishing by hand
        retries a FAILED post, and with --force also one the schedule SKIPPED. A SENT post is
        never sent again, and an AMBIGUOUS one only after an admin says it did not come out.
        """
        async with self.db.read() as session:
            municipality = await session.get(Municipality, municipality_id)
            if municipality is None or not municipality.channel:
                return PostOutcome("no_channel")
            channel, name = municipality.channel, municipality.name
            if period is None:
                period = await whole_period(session, municipality_id, today)
        async with self.db.transaction() as session:
            claim = await _claim(
                session,
                municipality_id,
                channel,
                period.key,
                due=due,
                me=self.me,
                now=now,
                lease_now=self.clock(),
                allow=allow,
            )
            if isinstance(claim, PostOutcome) and claim.detail == "new" and claim.post_id:
                await self._tell_ambiguous(
                    session, municipality_id, claim.post_id, _fallback_title(name, period), now
                )
        if isinstance(claim, PostOutcome):
            return claim
        rendered = claim.rendered
        if rendered is None:
            async with self.db.read() as session:
                report = await build_report(
                    session, municipality_id, period, today, comment=comment
                )
            rendered = await render_post(report, link=kommun_url(self.public_url, report.slug))
            self.renders += 1
            async with self.db.transaction() as session:
                stored = await session.execute(
                    update(ProgressPost)
                    .where(
                        ProgressPost.id == claim.post_id,
                        ProgressPost.status == PostStatus.CLAIMED,
                        ProgressPost.claimed_by == self.me,
                    )
                    .values(
                        rendering=rendered.stored(),
                        chart=rendered.chart,
                        parts=rendered.parts,
                        lease_until=self.clock() + LEASE,
                    )
                )
                if getattr(stored, "rowcount", 0) != 1:
                    return PostOutcome("busy", claim.post_id, tuple(claim.sent), channel)
        return await self._send(
            claim, municipality_id, period.key, channel, rendered, now, actor, actor_user_id
        )

    # --- the lease ------------------------------------------------------------------------

    async def _renew(self, post_id: int, **values: Any) -> None:
        """Extend the lease (LEASE from now, plus any 429 pause still to wait out), with
        `values` written in the same statement. Raises _LeaseLost if the post is not ours."""
        pause = max(0.0, self.pacer.paused_until - self.pacer.time.monotonic())
        until = self.clock() + LEASE + timedelta(seconds=pause)
        async with self.db.transaction() as session:
            renewed = await session.execute(
                update(ProgressPost)
                .where(
                    ProgressPost.id == post_id,
                    ProgressPost.status == PostStatus.CLAIMED,
                    ProgressPost.claimed_by == self.me,
                )
                .values(lease_until=until, **values)
            )
        if getattr(renewed, "rowcount", 0) != 1:
            raise _LeaseLost

    async def _keep_lease(self, post_id: int) -> None:
        """Renew the lease every RENEW_EVERY until cancelled (or until it is lost)."""
        while True:
            await self.pacer.time.sleep(RENEW_EVERY.total_seconds())
            try:
                await self._renew(post_id)
            except _LeaseLost:
                return
            except Exception:  # the next renewal, or the next part, tries again
                log.warning("renewing the lease of post %s failed", post_id, exc_info=True)

    # --- sending --------------------------------------------------------------------------

    async def _send(
        self,
        claim: _Claim,
        municipality_id: int,
        period_key: str,
        channel: str,
        rendered: Rendered,
        now: datetime,
        actor: str,
        actor_user_id: int | None,
    ) -> PostOutcome:
        chat: int | str = int(channel) if channel.lstrip("-").isdigit() else channel
        sent = list(claim.sent)
        keeper = asyncio.create_task(self._keep_lease(claim.post_id))
        try:
            for index in range(len(sent), rendered.parts):
                await self._renew(claim.post_id, sending_part=index)
                try:
                    message_id = await self._send_part(claim.post_id, chat, rendered, index)
                except TelegramError as exc:
                    fate = classify_send_error(exc)
                    if fate == "refused":
                        return await self._failed(
                            claim.post_id, municipality_id, rendered, now, exc, channel, sent
                        )
                    if fate == "not_sent":
                        # Telegram never saw it: release the claim so the next attempt carries
                        # on from this part.
                        await self._release(claim.post_id, exc)
                        return PostOutcome(
                            "retry", claim.post_id, tuple(sent), channel, str(exc)[:200]
                        )
                    # The answer was lost: the part may be in the channel. Never resent blindly.
                    return await self._ambiguous(claim.post_id, municipality_id, rendered, now, exc)
                sent.append(message_id)
                await self._renew(
                    claim.post_id, sending_part=None, message_ids=[str(m) for m in sent]
                )
        except _LeaseLost:
            log.warning("post %s was taken over by another process", claim.post_id)
            return PostOutcome("busy", claim.post_id, tuple(sent), channel)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        async with self.db.transaction() as session:
            await session.execute(
                update(ProgressPost)
                .where(ProgressPost.id == claim.post_id)
                # Out for good: the texts stay on record, the chart's bytes are not kept.
                .values(
                    status=PostStatus.SENT,
                    sent_at=now,
                    sending_part=None,
                    lease_until=None,
                    chart=None,
                )
            )
            notices = await self._queue_notices(
                session, municipality_id, rendered, channel, claim.post_id, sent, now
            )
            audit.record(
                session,
                at=now,
                actor=actor,
                actor_user_id=actor_user_id,
                action="post.sent",
                entity="progress_post",
                entity_id=claim.post_id,
                details={
                    "municipality_id": municipality_id,
                    "period": period_key,
                    "channel": channel,
                    "messages": len(sent),
                    "notices": notices,
                },
            )
        return PostOutcome("sent", claim.post_id, tuple(sent), channel, notices=notices)

    async def _send_part(
        self, post_id: int, chat: int | str, rendered: Rendered, index: int
    ) -> int:
        """Send one part; a 429 renews the lease over its retry_after, waits and tries the same
        part again (a 429 is a refusal: nothing was sent)."""
        while True:
            await self.pacer.wait(chat)
            try:
                if index < len(rendered.messages):
                    message = await self.bot.send_message(
                        chat,
                        rendered.messages[index],
                        parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                else:
                    message = await self.bot.send_photo(
                        chat,
                        InputFile(rendered.chart, filename="diagram.png"),
                        caption=rendered.caption,
                        parse_mode=ParseMode.HTML,
                    )
                return message.message_id
            except RetryAfter as exc:
                self.pacer.pause(retry_after_seconds(exc))
                await self._renew(post_id)

    async def _release(self, post_id: int, exc: TelegramError) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(ProgressPost)
                .where(ProgressPost.id == post_id, ProgressPost.claimed_by == self.me)
                .values(
                    sending_part=None,
                    claimed_at=None,
                    claimed_by=None,
                    lease_until=None,
                    error=str(exc)[:500],
                )
            )

    async def _ambiguous(
        self,
        post_id: int,
        municipality_id: int,
        rendered: Rendered,
        now: datetime,
        exc: TelegramError,
    ) -> PostOutcome:
        async with self.db.transaction() as session:
            row = await session.get(ProgressPost, post_id)
            assert row is not None
            row.status = PostStatus.AMBIGUOUS
            row.lease_until = None
            row.error = f"inget svar från Telegram för del {(row.sending_part or 0) + 1}"
            await self._tell_ambiguous(
                session, municipality_id, post_id, rendered.title("sv"), now, lost_answer=True
            )
            sent = tuple(int(m) for m in row.message_ids or [])
        log.warning("post %s is ambiguous: %s", post_id, type(exc).__name__)
        return PostOutcome("ambiguous", post_id, sent, row.channel, row.error)

    async def _tell_ambiguous(
        self,
        session: AsyncSession,
        municipality_id: int,
        post_id: int,
        title: str,
        now: datetime,
        *,
        lost_answer: bool = False,
    ) -> None:
        row = await session.get(ProgressPost, post_id)
        if row is None or row.admins_told_at is not None:
            return
        row.admins_told_at = now
        stored = Rendered.from_row(row)
        if stored is not None:
            title = stored.title("sv")
        what = (
            "Telegram svarade inte medan rapporten skickades till kanalen"
            if lost_answer
            else "Boten avbröts medan rapporten skickades till kanalen"
        )
        text = (
            f"⚠️ {title}\n"
            f"{what}, så det går inte att veta om "
            "den kom ut. Ingenting skickas igen av sig självt.\n"
            f"Titta i kanalen {esc(row.channel)} och avgör sedan under /schema om den ska "
            "markeras som publicerad eller skickas igen."
        )
        await tell_admins(session, municipality_id, f"post:{post_id}:ambiguous", text, now)

    async def _failed(
        self,
        post_id: int,
        municipality_id: int,
        rendered: Rendered,
        now: datetime,
        exc: TelegramError,
        channel: str,
        sent: list[int],
    ) -> PostOutcome:
        reason = str(exc)[:300]
        async with self.db.transaction() as session:
            row = await session.get(ProgressPost, post_id)
            assert row is not None
            await session.execute(
                update(ProgressPost)
                .where(ProgressPost.id == post_id)
                .values(
                    status=PostStatus.FAILED,
                    sending_part=None,
                    lease_until=None,
                    error=reason,
                    admins_told_at=now,
                )
            )
            text = (
                f"⚠️ {rendered.title('sv')} "
                f"kunde inte publiceras i {esc(channel)}.\nTelegram svarade: {esc(reason)}\n"
                "Kontrollera att boten är administratör i kanalen och publicera sedan med "
                f'<code>loftesbot report --kommun "{esc(rendered.municipality)}" --period '
                f"{esc(row.period_key)} --publish</code>."
            )
            await tell_admins(session, municipality_id, f"post:{post_id}:failed", text, now)
        log.warning("post %s failed: %s", post_id, type(exc).__name__)
        return PostOutcome("failed", post_id, tuple(sent), channel, reason)

    async def _queue_notices(
        self,
        session: AsyncSession,
        municipality_id: int,
        rendered: Rendered,
        channel: str,
        post_id: int,
        sent: list[int],
        now: datetime,
    ) -> int:
        link = message_link(channel, sent[0]) if sent else None
        subscribers = list(
            await session.execute(
                select(Subscriber.chat_id, Subscriber.language).where(
                    Subscriber.municipality_id == municipality_id
                )
            )
        )
        name = esc(rendered.municipality)
        messages = []
        for chat_id, language in subscribers:
            english = (language or "").startswith("en")
            if english:
                text = f"📣 {rendered.title('en')} is out" + (" in the channel." if link else ".")
                if not link:
                    text += f" Ask me: /hurgardet {name}"
            else:
                text = f"📣 {rendered.title('sv')} är publicerad" + (" i kanalen." if link else ".")
                if not link:
                    text += f" Fråga mig: /hurgardet {name}"
            buttons = ((("Read it" if english else "Läs rapporten"), link),) if link else ()
            messages.append(
                outbox_store.Outgoing(f"post:{post_id}:sub:{chat_id}", int(chat_id), text, buttons)
            )
        return await outbox_store.enqueue(session, messages, now)


def _fallback_title(name: str, period: ReportPeriod) -> str:
    """The Swedish title of a post whose parts were never stored."""
    return b(f"Lägesrapporten för {name}, {period.label('sv')}")
