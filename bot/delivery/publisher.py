"""The channel publisher: publishing a progress report to a municipality's channel, exactly once.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError

from bot.clock import Clock, SystemClock
from bot.delivery.charts import ChartPool
from bot.delivery.errors import classify_send_error
from bot.delivery.outbox import Pacer, retry_after_seconds
from bot.render import report as render
from bot.render.chart import render_chart
from bot.render.html import b, esc
from bot.render.texts import Lang, command
from bot.services.posting import (
    LEASE,
    RENEW_EVERY,
    Claim,
    PostOutcome,
    Rendered,
    claim_post,
    instance_name,
    message_link,
    release_claim,
    renew_lease,
    store_rendering,
    tell_admins,
)
from bot.services.reports import Report, ReportPeriod, build_report, whole_period
from bot.site.urls import kommun_url
from storage import audit
from storage import outbox as outbox_store
from storage.db import Database
from storage.models import Municipality, PostStatus, ProgressPost, Subscriber

log = logging.getLogger(__name__)


async def render_post(
    report: Report,
    lang: str = "sv",
    *,
    link: str | None = None,
    charts: ChartPool | None = None,
    pooled: bool = False,
) -> Rendered:
    """The post's parts; `link` (the kommun's public web page) ends the text when given.

    The chart is drawn by `charts` (in a worker process when `pooled`), else in a thread. The
    texts are written while the chart is being drawn."""
    language: Lang = "en" if lang == "en" else "sv"
    title, subtitle, note, rows = render.chart(report, language)
    if charts is None:
        drawing: asyncio.Future[bytes] = asyncio.ensure_future(
            asyncio.to_thread(render_chart, title, subtitle, rows, note=note, lang=language)
        )
    else:
        drawing = asyncio.ensure_future(
            charts.draw(title, subtitle, rows, note=note, lang=language, pooled=pooled)
        )
    try:
        messages = tuple(render.telegram_messages(report, language, link=link))
        png = await drawing
    finally:
        if not drawing.done():
            drawing.cancel()
    return Rendered(
        messages,
        png,
        render.chart_caption(report, language),
        (_title(report, "sv"), _title(report, "en")),
        report.municipality,
    )


def _title(report: Report, lang: str) -> str:
    if lang == "en":
        return b(f"The progress report for {report.municipality}, {report.period.label('en')}")
    return b(f"Lägesrapporten för {report.municipality}, {report.period.label('sv')}")


class _LeaseLost(Exception):
    """Another process took the post over: this one must not send another part."""


# --- publishing --------------------------------------------------------------------------

# Posts a batch claims ahead of the one it is sending: enough to keep both chart workers busy
# while this process reads and writes the next ones, few enough that no claim waits long.
AHEAD = 4


@dataclass(frozen=True)
class PublishJob:
    """One post for `Publisher.publish_many`: the arguments of `Publisher.publish`."""

    municipality_id: int
    period: ReportPeriod | None
    due: datetime | None = None
    actor: str = "schedule"
    actor_user_id: int | None = None
    comment: str | None = None
    allow: frozenset[PostStatus] = frozenset()


@dataclass
class _Prepared:
    """A claimed post, its rendering under way (None when its parts were stored before)."""

    job: PublishJob
    claim: Claim
    channel: str
    period: ReportPeriod
    rendering: asyncio.Future[Rendered] | None = None

    async def abandon(self, publisher: Publisher) -> None:
        """Stop rendering and give the claim back (nothing of it was sent by this attempt)."""
        if self.rendering is not None:
            self.rendering.cancel()
            with contextlib.suppress(BaseException):
                await self.rendering
            self.rendering = None
        with contextlib.suppress(Exception):
            await release_claim(publisher.db, self.claim.post_id, publisher.me, "avbruten")


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
    clock: Clock = field(default_factory=SystemClock)
    # The public web pages' address ([site] public_url): posts link to the kommun's page.
    public_url: str = ""
    # How many posts this process rendered (a resume or a lost race renders nothing).
    renders: int = 0
    # Draws the charts (in worker processes for a batch); None: each in a thread.
    charts: ChartPool | None = None

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
        job = PublishJob(
            municipality_id,
            period,
            due=due,
            actor=actor,
            actor_user_id=actor_user_id,
            comment=comment,
            allow=allow,
        )
        prepared = await self._prepare(job, today=today, now=now, pooled=False)
        if isinstance(prepared, PostOutcome):
            return prepared
        return await self._complete(prepared, now)

    async def publish_many(
        self, jobs: Sequence[PublishJob], *, today: date, now: datetime
    ) -> list[PostOutcome]:
        """Publish several posts (a quarter's turn), each as `publish` would, outcomes in the
        order of `jobs`, sent in that order.

        A pipeline: while a worker process draws one post's chart, this process claims the
        next posts, reads their figures and writes their texts (at most `AHEAD` posts claimed
        and not yet sent, so no claim waits long for its turn). Each post is still claimed
        before it is rendered, rendered once, and its parts stored with the claim before its
        first part is sent. With fewer posts than the pool's threshold, or no pool,
        the charts are drawn in a thread as `publish` does."""
        if len(jobs) < 2:
            return [
                await self.publish(
                    j.municipality_id,
                    j.period,
                    today=today,
                    now=now,
                    due=j.due,
                    actor=j.actor,
                    actor_user_id=j.actor_user_id,
                    comment=j.comment,
                    allow=j.allow,
                )
                for j in jobs
            ]
        pooled = self.charts is not None and self.charts.worth_it(len(jobs))
        queue: asyncio.Queue[_Prepared | PostOutcome | BaseException | None] = asyncio.Queue(
            maxsize=AHEAD
        )

        async def produce() -> None:
            for job in jobs:
                item: _Prepared | PostOutcome | BaseException
                try:
                    item = await self._prepare(job, today=today, now=now, pooled=pooled)
                except Exception as exc:
                    item = exc
                try:
                    await queue.put(item)
                except asyncio.CancelledError:
                    if isinstance(item, _Prepared):
                        await item.abandon(self)
                    raise
                if isinstance(item, BaseException):
                    return
            await queue.put(None)

        producer = asyncio.create_task(produce())
        outcomes: list[PostOutcome] = []
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, PostOutcome):
                    outcomes.append(item)
                else:
                    outcomes.append(await self._complete(item, now))
        finally:
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer
            # Claimed but not sent (the batch stopped on an error): give the claims back, so
            # the next tick carries on at once instead of waiting for the leases to run out.
            while not queue.empty():
                left = queue.get_nowait()
                if isinstance(left, _Prepared):
                    await left.abandon(self)
            if pooled and self.charts is not None:
                await self.charts.release()
        return outcomes

    async def _prepare(
        self, job: PublishJob, *, today: date, now: datetime, pooled: bool
    ) -> _Prepared | PostOutcome:
        """Claim the post; when it has no stored parts yet, read its report and start
        rendering it (the chart drawn in the pool when `pooled`)."""
        municipality_id, period = job.municipality_id, job.period
        async with self.db.read() as session:
            municipality = await session.get(Municipality, municipality_id)
            if municipality is None or not municipality.channel:
                return PostOutcome("no_channel")
            channel, name = municipality.channel, municipality.name
            if period is None:
                period = await whole_period(session, municipality_id, today)
        async with self.db.transaction() as session:
            claim = await claim_post(
                session,
                municipality_id,
                channel,
                period.key,
                due=job.due,
                me=self.me,
                now=now,
                lease_now=self.clock.now(),
                allow=job.allow,
            )
            if isinstance(claim, PostOutcome) and claim.detail == "new" and claim.post_id:
                await self._tell_ambiguous(
                    session, municipality_id, claim.post_id, _fallback_title(name, period), now
                )
        if isinstance(claim, PostOutcome):
            return claim
        prepared = _Prepared(job, claim, channel, period)
        if claim.rendered is None:
            try:
                async with self.db.read() as session:
                    report = await build_report(
                        session, municipality_id, period, today, comment=job.comment
                    )
            except BaseException:
                await prepared.abandon(self)
                raise
            # A channel is a municipality's public voice, in Swedish: there is no language
            # per channel. Private answers draw the chart in the asker's language
            # (handlers.citizen).
            prepared.rendering = asyncio.ensure_future(
                render_post(
                    report,
                    "sv",
                    link=kommun_url(self.public_url, report.slug),
                    charts=self.charts,
                    pooled=pooled,
                )
            )
        return prepared

    async def _complete(self, prepared: _Prepared, now: datetime) -> PostOutcome:
        """Finish the rendering, store its parts with the claim, then send."""
        claim, channel = prepared.claim, prepared.channel
        rendered = claim.rendered
        if prepared.rendering is not None:
            try:
                rendered = await prepared.rendering
            except BaseException:
                await prepared.abandon(self)
                raise
            prepared.rendering = None
            self.renders += 1
            if not await store_rendering(
                self.db, claim.post_id, self.me, rendered, self.clock.now() + LEASE
            ):
                return PostOutcome("busy", claim.post_id, tuple(claim.sent), channel)
        assert rendered is not None
        job = prepared.job
        return await self._send(
            claim,
            job.municipality_id,
            prepared.period.key,
            channel,
            rendered,
            now,
            job.actor,
            job.actor_user_id,
        )

    # --- the lease ------------------------------------------------------------------------

    async def _renew(self, post_id: int, **values: Any) -> None:
        """Extend the lease (LEASE from now, plus any 429 pause still to wait out), with
        `values` written in the same statement. Raises _LeaseLost if the post is not ours."""
        pause = max(0.0, self.pacer.paused_until - self.pacer.time.monotonic())
        until = self.clock.now() + LEASE + timedelta(seconds=pause)
        if not await renew_lease(self.db, post_id, self.me, until, **values):
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
        claim: Claim,
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
                # parse_mode stays named here: the Publisher takes any telegram.Bot (the
                # program gives it an ExtBot with Defaults, the fault tests a plain Bot, which
                # has none), and what it sends is stored HTML that must never go out as text.
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
        await release_claim(self.db, post_id, self.me, str(exc))

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
        title_en = title
        if stored is not None:
            title, title_en = stored.title("sv"), stored.title("en")
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
        what_en = (
            "Telegram did not answer while the report was being sent to the channel"
            if lost_answer
            else "The bot was stopped while the report was being sent to the channel"
        )
        english = (
            f"⚠️ {title_en}\n"
            f"{what_en}, so there is no knowing whether it came out. Nothing is sent again by "
            f"itself.\nLook in the channel {esc(row.channel)}, then decide under "
            f"{command('schema', 'en')} whether to mark it as published or send it again."
        )
        await tell_admins(
            session, municipality_id, f"post:{post_id}:ambiguous", text, now, english=english
        )

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
                    text += f" Ask me: /progress {name}"
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
