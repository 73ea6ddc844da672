"""Reporters log what they did: from one message, from a pick among readings, step by step;
and fix it afterwards (undo, change count or date, add a place, delete).

Every function takes the caller's transaction. Writes that come from a Telegram update also
claim the update's key in that transaction, so a redelivered update creates nothing.
The reporter's role is looked up by numeric user id on every call; ids that arrive from a
button are only requests and are checked against that role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dates import parse_day
from bot.domain.report_reading import (
    MAX_COUNT,
    CoverageChoice,
    PledgeChoice,
    ReportReading,
    day_options,
    read_report,
)
from bot.domain.swedish_numbers import parse_number_word
from bot.services import access, coverage
from bot.services.cache import VersionedCache
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.progress import PledgeProgress, pledge_progress
from storage import activities, audit, people
from storage import catalogue as repo
from storage.models import (
    Activity,
    ActivitySource,
    ChatState,
    CoverageItem,
    Draft,
    FocusArea,
    Municipality,
    Pledge,
    PledgeSet,
)

MAX_TEXT = 4000  # longer messages are refused politely: nobody types that on a phone
MAX_AGE = timedelta(days=366)
RECENT_LIMIT = 8


# --- who and what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    user_id: int
    reporter_id: int
    municipalities: dict[int, str]  # id -> name, in Swedish order


async def scope_of(
    session: AsyncSession, user_id: int, cache: VersionedCache | None = None
) -> Scope:
    """The municipalities this user may log for (reporter or admin); NotAllowed otherwise.

    With a cache (already synced to this transaction's catalogue version), a scope read
    before at that version is used again."""
    if cache is not None and isinstance(found := cache.get(("scope", user_id)), Scope):
        return found
    memberships = await people.active_memberships(session, user_id)
    if not memberships:
        raise NotAllowed("access.not_reporter")
    reporter_id = memberships[0][0].reporter_id
    scope = Scope(user_id, reporter_id, {m.id: m.name for _, m in memberships})
    if cache is not None:
        cache.put(("scope", user_id), scope)
    return scope


@dataclass(frozen=True)
class PledgeRef:
    pledge: Pledge
    focus_area: FocusArea
    pledge_set: PledgeSet
    municipality_id: int
    municipality: str


async def pledge_refs(session: AsyncSession, scope: Scope, today: date) -> list[PledgeRef]:
    """Every pledge the user may log against today, in catalogue order (municipalities in the
    scope's order)."""
    rows = await repo.loggable_pledges(session, list(scope.municipalities), today)
    by_municipality: dict[int, list[PledgeRef]] = {}
    for pledge, area, pledge_set in rows:
        by_municipality.setdefault(pledge_set.municipality_id, []).append(
            PledgeRef(
                pledge,
                area,
                pledge_set,
                pledge_set.municipality_id,
                scope.municipalities[pledge_set.municipality_id],
            )
        )
    return [ref for mid in scope.municipalities for ref in by_municipality.get(mid, [])]


async def _choices(
    session: AsyncSession, refs: Sequence[PledgeRef]
) -> tuple[list[PledgeChoice], dict[int, list[CoverageItem]]]:
    items = await activities.coverage_items(session, [r.pledge.id for r in refs])
    choices = [
        PledgeChoice(
            id=r.pledge.id,
            municipality=r.municipality,
            short_name=r.pledge.short_name,
            synonyms=tuple(r.pledge.synonyms or ()),
            focus_area=r.focus_area.name,
            unit=r.pledge.target_unit,
            coverage=tuple(CoverageChoice(i.id, i.name) for i in items[r.pledge.id]),
        )
        for r in refs
    ]
    return choices, items


@dataclass(frozen=True)
class Catalogue:
    """What a scope's messages are read against on one day."""

    refs: tuple[PledgeRef, ...]
    choices: tuple[PledgeChoice, ...]
    items: Mapping[int, list[CoverageItem]]


async def _catalogue(
    session: AsyncSession, scope: Scope, today: date, cache: VersionedCache | None
) -> Catalogue:
    """The scope's catalogue, from the cache when it holds one of this version and day. A copy
    put in the cache is detached from the session first, so that a rollback of this
    transaction cannot expire what later transactions read."""
    key = ("catalogue", tuple(scope.municipalities.items()), today)
    if cache is not None and isinstance(found := cache.get(key), Catalogue):
        return found
    refs = await pledge_refs(session, scope, today)
    choices, items = await _choices(session, refs)
    catalogue = Catalogue(tuple(refs), tuple(choices), items)
    if cache is not None:
        loaded: list[object] = [o for r in refs for o in (r.pledge, r.focus_area, r.pledge_set)]
        loaded += [i for listed in items.values() for i in listed]
        for obj in {id(o): o for o in loaded}.values():
            if obj in session:
                session.expunge(obj)
        cache.put(key, catalogue)
    return catalogue


def _ref(refs: Sequence[PledgeRef], pledge_id: int) -> PledgeRef:
    for ref in refs:
        if ref.pledge.id == pledge_id:
            return ref
    raise NotAllowed("access.not_your_pledge", pledge_id=pledge_id)


# --- what handlers get back ---------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    pledge_id: int
    short_name: str
    municipality: str
    focus_area: str | None


@dataclass(frozen=True)
class Entry:
    id: int
    municipality: str
    pledge_id: int | None
    pledge: str | None  # short name; None for an extra activity outside the pledges
    count: int
    day: date
    place: str | None
    coverage_item: str | None
    has_photo: bool
    deleted: bool
    progress: PledgeProgress | None = None
    # The pledge has a list (schools, villages…) and no item was recognised: offer these.
    list_items: tuple[tuple[int, str], ...] = ()


Kind = Literal[
    "saved", "updated", "ask", "offer", "problem", "duplicate", "gone", "reroute", "dropped"
]
# What an "ask" outcome asks: which pledge (with `options`), whether the entry belongs to the
# reporter's own kommun after all (the text names another one), how many, or which day.
Question = Literal["pledge", "municipality", "count", "day"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    entry: Entry | None = None
    draft_id: int | None = None
    options: tuple[Option, ...] = ()
    municipalities: tuple[tuple[int, str], ...] = ()  # to choose from when offering everything
    problem: str | None = None
    reading: ReportReading | None = field(default=None, compare=False)
    question: Question = "pledge"
    day_options: tuple[date, ...] = ()
    others: tuple[str, ...] = ()  # kommuner the text names that the reporter does not report for
    count: int = 1  # the count read, when the count is asked
    # The update's key is not claimed yet: the caller claims it in this transaction, with the
    # reply it records (`storage.activities.claim_update(payload=...)`), before the commit.
    unclaimed: bool = False


async def _entry(
    session: AsyncSession,
    activity: Activity,
    today: date,
    *,
    with_progress: bool = False,
    refs: Sequence[PledgeRef] = (),
    loaded_items: Mapping[int, list[CoverageItem]] | None = None,
) -> Entry:
    """The entry as shown to its reporter. What the caller already loaded (`refs`, the list
    items) is used instead of asking the database again."""
    ref = next((r for r in refs if r.pledge.id == activity.pledge_id), None)
    if ref is not None:
        municipality_name = ref.municipality
        pledge: Pledge | None = ref.pledge
    else:
        municipality = await session.get(Municipality, activity.municipality_id)
        municipality_name = municipality.name if municipality else ""
        pledge = await session.get(Pledge, activity.pledge_id) if activity.pledge_id else None
    items: list[CoverageItem] | None = None
    if pledge is not None and loaded_items is not None and pledge.id in loaded_items:
        items = loaded_items[pledge.id]
    item: CoverageItem | None = None
    if activity.coverage_item_id:
        item = next((i for i in items or () if i.id == activity.coverage_item_id), None)
        if item is None:
            item = await session.get(CoverageItem, activity.coverage_item_id)
    progress: PledgeProgress | None = None
    list_items: tuple[tuple[int, str], ...] = ()
    if pledge is not None and with_progress and ref is not None:
        if items is None:
            items = (await activities.coverage_items(session, [pledge.id]))[pledge.id]
        progress = await pledge_progress(session, pledge, ref.pledge_set, today, items)
        if items and item is None:
            list_items = tuple((i.id, i.name) for i in items)
    return Entry(
        id=activity.id,
        municipality=municipality_name,
        pledge_id=activity.pledge_id,
        pledge=pledge.short_name if pledge else None,
        count=activity.count,
        day=activity.occurred_on,
        place=activity.place,
        coverage_item=item.name if item else None,
        has_photo=activity.photo_file_id is not None,
        deleted=activity.deleted_at is not None,
        progress=progress,
        list_items=list_items,
    )


def _options(reading: ReportReading, refs: Sequence[PledgeRef]) -> tuple[Option, ...]:
    by_id = {r.pledge.id: r for r in refs}
    return tuple(
        Option(c.pledge.id, c.pledge.short_name, c.pledge.municipality, c.pledge.focus_area)
        for c in reading.candidates
        if c.pledge.id in by_id
    )


def all_options(
    refs: Sequence[PledgeRef], municipality_id: int | None = None
) -> tuple[Option, ...]:
    return tuple(
        Option(r.pledge.id, r.pledge.short_name, r.municipality, r.focus_area.name)
        for r in refs
        if municipality_id is None or r.municipality_id == municipality_id
    )


# --- logging from a message ---------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """A reporter's message (or edited message, or photo caption) as the service needs it."""

    user_id: int
    chat_id: int
    message_id: int
    text: str
    update_key: str
    update_id: int
    photo_file_id: str | None = None
    hour: int = 12  # local hour the message was written; "i natt" depends on it


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_TEXT:
        return "too_long"
    return None


def _reading_problem(reading: ReportReading) -> str | None:
    """A reading that is refused outright; a day or a count that is only unclear is asked."""
    day_problem = reading.day_problem if reading.day_problem in ("future", "too_old") else None
    return str(day_problem or reading.count_problem or "") or None


def _doubts(reading: ReportReading) -> list[str]:
    doubts: list[str] = []
    if reading.other_municipalities:
        doubts.append("municipality")
    if reading.pledge is None:
        doubts.append("pledge")
    if not reading.count_sure:
        doubts.append("count")
    if reading.day is None:
        doubts.append("day")
    return doubts


async def log_message(
    session: AsyncSession,
    message: Incoming,
    *,
    now: datetime,
    today: date,
    edited: bool = False,
    cache: VersionedCache | None = None,
    route: bool = False,
) -> Outcome:
    """Read a reporter's message and save it when the reading is sure; else keep a draft.

    With `edited`, the message is an edit of one sent before: the activity it created (if
    any) is changed instead of a second one being added. With a `cache`, the reporter's scope
    and catalogue are read from memory while the catalogue version is unchanged.

    With `route` (and a cache), the handler has not looked at the user yet: when the user has
    a question waiting for an answer, or is not a reporter known to the cache, nothing is done
    and the outcome is "reroute".

    The update's key: where writers are serialised (SQLite) and with a cache, whether it is
    claimed is read with the catalogue version, and the claim is left to the caller, who makes
    it with the reply it records (one row written, not two): the outcome says `unclaimed`.
    Otherwise it is claimed here first.
    """
    defer = cache is not None and activities.writers_serialised(session)
    taken: bool | None = None  # None: not looked at yet
    if cache is not None:
        version, waiting, claimed = await repo.version_and_state(
            session, message.user_id, now, message.update_key if defer else ""
        )
        if defer:
            taken = claimed
        cache.sync(version)
        if route and (waiting or not isinstance(cache.peek(("scope", message.user_id)), Scope)):
            return Outcome("reroute")
    scope = await scope_of(session, message.user_id, cache)
    if taken is None:
        taken = not await activities.claim_update(
            session, message.update_key, message.update_id, now
        )
    if taken:
        # Handled before. Say what was saved, so that a retry after the confirmation could not
        # be sent can send it then (the handler decides; a redelivery stays silent).
        done = await activities.activity_by_source(session, message.chat_id, message.message_id)
        if done is None or done.reporter_id != scope.reporter_id or done.deleted_at is not None:
            return Outcome("duplicate")
        return Outcome("duplicate", entry=await _entry(session, done, today))
    outcome = await _log_claimed(
        session, scope, message, now=now, today=today, edited=edited, cache=cache
    )
    return replace(outcome, unclaimed=True) if defer else outcome


async def _log_claimed(
    session: AsyncSession,
    scope: Scope,
    message: Incoming,
    *,
    now: datetime,
    today: date,
    edited: bool,
    cache: VersionedCache | None,
) -> Outcome:
    """`log_message` once the update is known to be new (its key claimed, or to be claimed by
    the caller)."""
    problem = _text_problem(message.text)
    if problem:
        return Outcome("problem", problem=problem)
    activity = None
    if edited:
        activity = await activities.activity_by_source(session, message.chat_id, message.message_id)
        if activity is not None and activity.reporter_id != scope.reporter_id:
            raise NotAllowed("access.not_your_entry")
        if activity is not None and activity.deleted_at is not None:
            return Outcome("gone", entry=await _entry(session, activity, today))
        if activity is None:
            original = activities.message_key(message.chat_id, message.message_id)
            if (await activities.update_notes(session, original)).get("answer"):
                # The message answered a question the bot asked: an edit of it is no report.
                return Outcome("problem", problem="edited_answer")
    catalogue = await _catalogue(session, scope, today, cache)
    return await _read_and_save(
        session, scope, catalogue, message, now=now, today=today, activity=activity
    )


async def _read_and_save(
    session: AsyncSession,
    scope: Scope,
    catalogue: Catalogue,
    message: Incoming,
    *,
    now: datetime,
    today: date,
    activity: Activity | None = None,
) -> Outcome:
    refs, choices, items = catalogue.refs, catalogue.choices, catalogue.items
    reading = read_report(message.text, choices, today, hour=message.hour)
    problem = _reading_problem(reading)
    if problem:
        return Outcome("problem", problem=problem, reading=reading)
    day = reading.day or today
    place = reading.place[:200] if reading.place else None
    if reading.decided and reading.pledge is not None:
        ref = _ref(refs, reading.pledge.id)
        item_id = reading.coverage_item.id if reading.coverage_item else None
        if activity is None:
            activity = await _create(
                session,
                scope,
                now,
                municipality_id=ref.municipality_id,
                pledge_id=ref.pledge.id,
                coverage_item_id=item_id,
                occurred_on=day,
                count=reading.count,
                place=place,
                note=message.text,
                photo_file_id=message.photo_file_id,
                source_chat_id=message.chat_id,
                source_message_id=message.message_id,
            )
            kind: Kind = "saved"
        else:
            before = _snapshot(activity)
            activity.municipality_id = ref.municipality_id
            activity.pledge_id = ref.pledge.id
            activity.coverage_item_id = item_id
            activity.occurred_on = day
            activity.count = reading.count
            activity.place = place
            activity.note = message.text
            if message.photo_file_id:
                activity.photo_file_id = message.photo_file_id
            activity.updated_at = now
            await _audit(session, scope, now, "activity.edit", activity, _changes(before, activity))
            kind = "updated"
        await session.flush()
        entry = await _entry(
            session, activity, today, with_progress=True, refs=refs, loaded_items=items
        )
        return Outcome(kind, entry=entry, reading=reading)

    # Not sure: keep what was read and ask what is missing, one question at a time.
    existing = await activities.draft_for_message(session, message.chat_id, message.message_id)
    if existing is not None:
        await session.delete(existing)
        await session.flush()
    doubts = _doubts(reading)
    if "pledge" in doubts:
        pledge_ids = [o.pledge_id for o in _options(reading, refs)]
    else:
        assert reading.pledge is not None
        pledge_ids = [reading.pledge.id]
    named = [mid for mid, name in scope.municipalities.items() if name == reading.municipality]
    draft = Draft(
        reporter_id=scope.reporter_id,
        municipality_ids=named or list(scope.municipalities),
        chat_id=message.chat_id,
        message_id=message.message_id,
        activity_id=activity.id if activity is not None else None,
        text=message.text,
        count=reading.count if 1 <= reading.count <= MAX_COUNT else 1,
        occurred_on=day,
        place=place,
        photo_file_id=message.photo_file_id,
        pledge_ids=pledge_ids,
        doubts=doubts,
        words=reading.unread_words if "pledge" in doubts else None,
        created_at=now,
    )
    session.add(draft)
    await session.flush()
    return await _next_question(session, scope, draft, refs, now=now, today=today, reading=reading)


async def _next_question(
    session: AsyncSession,
    scope: Scope,
    draft: Draft,
    refs: Sequence[PledgeRef],
    *,
    now: datetime,
    today: date,
    reading: ReportReading | None = None,
    text: str | None = None,
) -> Outcome:
    """The draft's first open question. A count or a day may also be typed: the answer the
    user's next message gives is remembered (a button works as well)."""
    municipalities = tuple(
        (mid, scope.municipalities[mid])
        for mid in draft.municipality_ids
        if mid in scope.municipalities
    ) or tuple(scope.municipalities.items())
    question = draft.doubts[0]
    if question == "municipality":
        others = reading.other_municipalities if reading is not None else ()
        return Outcome(
            "ask",
            draft_id=draft.id,
            municipalities=tuple(scope.municipalities.items()),
            reading=reading,
            question="municipality",
            others=others,
        )
    if question == "pledge":
        by_id = {r.pledge.id: r for r in refs}
        candidates = tuple(
            Option(r.pledge.id, r.pledge.short_name, r.municipality, r.focus_area.name)
            for pid in draft.pledge_ids
            if (r := by_id.get(pid)) is not None and r.municipality_id in dict(municipalities)
        )
        if candidates:
            return Outcome(
                "ask",
                draft_id=draft.id,
                options=candidates,
                municipalities=municipalities,
                reading=reading,
            )
        offered = all_options(refs, municipalities[0][0]) if len(municipalities) == 1 else ()
        return Outcome(
            "offer",
            draft_id=draft.id,
            options=offered,
            municipalities=municipalities,
            reading=reading,
        )
    kind = "draft_count" if question == "count" else "draft_day"
    await activities.set_state(
        session, scope.user_id, kind, {"draft_id": draft.id, "soft": True}, now + STATE_TTL
    )
    options: tuple[date, ...] = ()
    if question == "day":
        options = reading.day_options if reading is not None else ()
        options = options or day_options(text or draft.text, today)
    return Outcome(
        "ask",
        draft_id=draft.id,
        municipalities=municipalities,
        reading=reading,
        question="count" if question == "count" else "day",
        day_options=options,
        count=draft.count,
    )


# --- picking among readings ---------------------------------------------------------------


async def _own_draft(session: AsyncSession, scope: Scope, draft_id: int) -> Draft:
    draft = await session.get(Draft, draft_id)
    if draft is None:
        raise NotFound("missing.draft", draft_id=draft_id)
    if draft.reporter_id != scope.reporter_id:
        raise NotAllowed("access.not_your_draft")
    return draft


async def offer_municipality(
    session: AsyncSession, user_id: int, draft_id: int, municipality_id: int, *, today: date
) -> tuple[Option, ...]:
    """The pledges of one of the reporter's municipalities, to pick from for a draft."""
    scope = await scope_of(session, user_id)
    await _own_draft(session, scope, draft_id)
    if municipality_id not in scope.municipalities:
        raise NotAllowed("access.not_your_municipality", municipality_id=municipality_id)
    return all_options(await pledge_refs(session, scope, today), municipality_id)


async def pick(
    session: AsyncSession,
    user_id: int,
    draft_id: int,
    *,
    pledge_id: int | None,
    municipality_id: int | None = None,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> Outcome:
    """The reporter picked a pledge for a draft (or an extra activity): save it, or ask what
    is still unclear. Words of the message that named no pledge are learnt for the pledge."""
    scope = await scope_of(session, user_id)
    if not await activities.claim_update(session, update_key, update_id, now):
        return Outcome("duplicate")
    draft = await _own_draft(session, scope, draft_id)
    refs = await pledge_refs(session, scope, today)
    if pledge_id is not None:
        ref = _ref(refs, pledge_id)
        draft.pledge_ids = [pledge_id]
        draft.municipality_ids = [ref.municipality_id]
        if draft.words and "pledge" in draft.doubts:
            await _learn(session, scope, ref.pledge.id, draft.words, now)
    elif municipality_id is None or municipality_id not in scope.municipalities:
        raise NotAllowed("access.not_your_municipality", municipality_id=municipality_id)
    else:
        draft.pledge_ids = []
        draft.municipality_ids = [municipality_id]
    draft.doubts = [d for d in draft.doubts if d != "pledge"]
    return await _settle(session, scope, draft, refs, now=now, today=today)


async def _settle(
    session: AsyncSession,
    scope: Scope,
    draft: Draft,
    refs: Sequence[PledgeRef],
    *,
    now: datetime,
    today: date,
) -> Outcome:
    """Save the draft when nothing is left to ask; else ask the next question."""
    await session.flush()
    if draft.doubts:
        return await _next_question(
            session, scope, draft, refs, now=now, today=today, text=draft.text
        )
    pledge_id = draft.pledge_ids[0] if draft.pledge_ids else None
    if pledge_id is not None:
        municipality_id = _ref(refs, pledge_id).municipality_id
    else:
        municipality_id = draft.municipality_ids[0]
        if municipality_id not in scope.municipalities:
            raise NotAllowed("access.not_your_municipality", municipality_id=municipality_id)
    item_id = await coverage.item_for_pledge(session, pledge_id, draft.place)
    if draft.activity_id is not None:
        activity = await session.get(Activity, draft.activity_id)
        if activity is None:  # pragma: no cover - the foreign key cascades
            raise NotFound("missing.activity", activity_id=draft.activity_id)
        before = _snapshot(activity)
        activity.municipality_id = municipality_id
        activity.pledge_id = pledge_id
        activity.coverage_item_id = item_id
        activity.count = draft.count
        activity.occurred_on = draft.occurred_on
        activity.place = draft.place
        activity.note = draft.text
        activity.updated_at = now
        await _audit(session, scope, now, "activity.edit", activity, _changes(before, activity))
        kind: Kind = "updated"
    else:
        activity = await _create(
            session,
            scope,
            now,
            municipality_id=municipality_id,
            pledge_id=pledge_id,
            coverage_item_id=item_id,
            occurred_on=draft.occurred_on,
            count=draft.count,
            place=draft.place,
            note=draft.text,
            photo_file_id=draft.photo_file_id,
            source_chat_id=draft.chat_id,
            source_message_id=draft.message_id,
        )
        kind = "saved"
    await _forget_draft(session, scope, draft)  # the pick is made: the draft is used up
    entry = await _entry(session, activity, today, with_progress=True, refs=refs)
    return Outcome(kind, entry=entry)


async def _forget_draft(session: AsyncSession, scope: Scope, draft: Draft) -> None:
    """Delete a draft, and the question about it that the next message would answer."""
    state = await session.get(ChatState, scope.user_id)
    if state is not None and state.payload.get("draft_id") == draft.id:
        await activities.clear_state(session, scope.user_id)
    await session.delete(draft)
    await session.flush()


Answer = Literal["municipality", "count", "day", "drop"]


async def answer_draft(
    session: AsyncSession,
    user_id: int,
    draft_id: int,
    what: Answer,
    *,
    value: int | date | None = None,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> Outcome:
    """An answer to a draft's question: the reporter's own kommun after all, the count, the
    day; or "drop" (save nothing). Saves the draft when nothing is left to ask."""
    scope = await scope_of(session, user_id)
    if not await activities.claim_update(session, update_key, update_id, now):
        return Outcome("duplicate")
    draft = await _own_draft(session, scope, draft_id)
    refs = await pledge_refs(session, scope, today)
    if what == "drop":
        await _forget_draft(session, scope, draft)
        return Outcome("dropped")
    if what == "municipality":
        if not isinstance(value, int) or value not in scope.municipalities:
            raise NotAllowed("access.not_your_municipality", municipality_id=value)
        draft.municipality_ids = [value]
        doubts = [d for d in draft.doubts if d != "municipality"]
        chosen = draft.pledge_ids[0] if "pledge" not in doubts and draft.pledge_ids else None
        if chosen is not None and _ref(refs, chosen).municipality_id != value:
            draft.pledge_ids = []
            doubts.insert(0, "pledge")
        draft.doubts = doubts
    elif what == "count":
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("report.count_missing")
        _check_count(value)
        draft.count = value
        draft.doubts = [d for d in draft.doubts if d != "count"]
    else:
        if not isinstance(value, date):
            raise Invalid("report.day_missing")
        _check_day(value, today)
        draft.occurred_on = value
        draft.doubts = [d for d in draft.doubts if d != "day"]
    return await _settle(session, scope, draft, refs, now=now, today=today)


MAX_LEARNT_WORDS = 30  # per pledge: the list stays something an admin can read


async def _learn(
    session: AsyncSession, scope: Scope, pledge_id: int, words: str, now: datetime
) -> None:
    """Remember words a reporter used for a pledge, so that the next such message is read
    at once. They become a synonym of the pledge (its kommun's own word for it); an admin
    sees and removes them with /ord."""
    pledge = await session.get(Pledge, pledge_id)
    words = " ".join(words.split())[:60].lower()
    if pledge is None or not words:
        return
    known = [str(s) for s in pledge.synonyms or ()]
    if words in (k.lower() for k in known) or words == pledge.short_name.lower():
        return
    if len(known) >= MAX_LEARNT_WORDS:
        return
    pledge.synonyms = [*known, words]  # a new list: the JSON column sees the change
    audit.record(
        session,
        at=now,
        actor="reporter",
        actor_user_id=scope.user_id,
        action="pledge.learn_word",
        entity="pledge",
        entity_id=pledge.id,
        details={"word": words},
    )


# --- what a typed answer answers ------------------------------------------------------------


def read_count_answer(text: str) -> int | None:
    """A typed count: "5", "5 st", "fem", "5 gånger"; None when it is not one number."""
    cleaned = re.sub(r"(?i)\s*(?:st|stycken|ggr|gånger|gång|x)\.?\s*\Z", "", text.strip())
    cleaned = cleaned.rstrip(".!")
    if re.fullmatch(r"-?\d{1,6}", cleaned.replace(" ", "")):
        return int(cleaned.replace(" ", ""))
    return parse_number_word(cleaned) if cleaned else None


async def answer_expected(
    session: AsyncSession,
    user_id: int,
    text: str,
    *,
    hour: int,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> Outcome:
    """The user's message answers the question the bot asked (a count, a day, a place of an
    entry, or a draft's count or day): read it as that answer and apply it, in this one
    transaction, so that the question is used up exactly when the change is made.

    "reroute" when no such question waits, or when a question the user did not ask for
    (a keyboard shown with a draft or an entry) gets a message that is no answer: the
    question is dropped and the message is read afresh. A question the user asked for
    ("Skriv ett annat antal") keeps waiting and the answer is refused with a reason."""
    state = await activities.get_state(session, user_id, now)
    if state is None or state.kind not in ANSWER_KINDS:
        return Outcome("reroute")
    kind, payload = state.kind, dict(state.payload)
    soft = bool(payload.get("soft"))
    value: int | date | str | None
    if kind in ("count", "draft_count"):
        value = read_count_answer(text)
        problem = "not_a_number"
    elif kind in ("day", "draft_day"):
        match = parse_day(text, today, hour=hour)
        value, problem = (None, "not_a_day") if match is None else (match.day, "not_a_day")
        if match is not None and match.problem is not None:
            if soft:
                await activities.clear_state(session, user_id)
            return Outcome("problem", problem=match.problem)
    else:
        value, problem = text.strip(), "place_missing"
    if value is None or value == "":
        if soft:
            await activities.clear_state(session, user_id)
            return Outcome("reroute")
        raise Invalid(f"report.{problem}")
    await activities.clear_state(session, user_id)
    if kind in ("draft_count", "draft_day"):
        draft_id = payload.get("draft_id")
        if not isinstance(draft_id, int):
            return Outcome("reroute")
        what: Answer = "count" if kind == "draft_count" else "day"
        assert not isinstance(value, str)
        return await answer_draft(
            session,
            user_id,
            draft_id,
            what,
            value=value,
            update_key=update_key,
            update_id=update_id,
            now=now,
            today=today,
        )
    activity_id = payload.get("activity_id")
    if not isinstance(activity_id, int):
        return Outcome("reroute")
    change_what: Change = "count" if kind == "count" else "day" if kind == "day" else "place"
    return await change(
        session,
        user_id,
        activity_id,
        change_what,
        value=value,
        update_key=update_key,
        update_id=update_id,
        now=now,
        today=today,
    )


ANSWER_KINDS = frozenset({"count", "day", "place", "draft_count", "draft_day"})


# --- guided logging -----------------------------------------------------------------------


@dataclass(frozen=True)
class GuidedChoice:
    """One step of /logga: what to choose from next."""

    step: Literal["municipality", "focus_area", "pledge"]
    items: tuple[tuple[int, str], ...]
    municipality: str | None = None
    focus_area: str | None = None


async def guided_step(
    session: AsyncSession,
    user_id: int,
    *,
    today: date,
    municipality_id: int | None = None,
    focus_area_id: int | None = None,
) -> GuidedChoice:
    """Municipality (when several) → focus area (when several) → pledge."""
    scope = await scope_of(session, user_id)
    refs = await pledge_refs(session, scope, today)
    if focus_area_id is not None:
        chosen = [r for r in refs if r.focus_area.id == focus_area_id]
        if not chosen:
            raise NotAllowed("access.not_your_focus_area", focus_area_id=focus_area_id)
        return GuidedChoice(
            "pledge",
            tuple((r.pledge.id, r.pledge.short_name) for r in chosen),
            chosen[0].municipality,
            chosen[0].focus_area.name,
        )
    if municipality_id is None:
        with_pledges = [
            mid for mid in scope.municipalities if any(r.municipality_id == mid for r in refs)
        ]
        if len(with_pledges) > 1:
            return GuidedChoice(
                "municipality", tuple((mid, scope.municipalities[mid]) for mid in with_pledges)
            )
        if not with_pledges:
            return GuidedChoice("pledge", ())
        municipality_id = with_pledges[0]
    if municipality_id not in scope.municipalities:
        raise NotAllowed("access.not_your_municipality", municipality_id=municipality_id)
    mine = [r for r in refs if r.municipality_id == municipality_id]
    areas: dict[int, str] = {}
    for r in mine:
        areas.setdefault(r.focus_area.id, r.focus_area.name or r.pledge.short_name)
    name = scope.municipalities[municipality_id]
    if len(areas) == 1:
        return GuidedChoice(
            "pledge",
            tuple((r.pledge.id, r.pledge.short_name) for r in mine),
            name,
            mine[0].focus_area.name,
        )
    return GuidedChoice("focus_area", tuple(areas.items()), name)


@dataclass(frozen=True)
class Card:
    """The confirmation card of /logga before saving."""

    pledge_id: int
    pledge: str
    municipality: str
    count: int
    day: date


async def guided_card(
    session: AsyncSession, user_id: int, pledge_id: int, count: int, day: date, *, today: date
) -> Card:
    scope = await scope_of(session, user_id)
    ref = _ref(await pledge_refs(session, scope, today), pledge_id)
    _check_count(count)
    _check_day(day, today)
    return Card(pledge_id, ref.pledge.short_name, ref.municipality, count, day)


async def guided_save(
    session: AsyncSession,
    user_id: int,
    *,
    pledge_id: int,
    count: int,
    day: date,
    place: str | None,
    chat_id: int,
    card_message_id: int,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> Outcome:
    """Save from the /logga card. The card's message id is the activity's source, so pressing
    "Spara" twice on one card saves once."""
    scope = await scope_of(session, user_id)
    if not await activities.claim_update(session, update_key, update_id, now):
        return Outcome("duplicate")
    refs = await pledge_refs(session, scope, today)
    ref = _ref(refs, pledge_id)
    _check_count(count)
    _check_day(day, today)
    existing = await activities.activity_by_source(session, chat_id, card_message_id)
    if existing is not None:
        return Outcome("duplicate", entry=await _entry(session, existing, today))
    if place:
        place = " ".join(place.split())[:200]
    item_id = await coverage.item_for_pledge(session, pledge_id, place)
    activity = await _create(
        session,
        scope,
        now,
        municipality_id=ref.municipality_id,
        pledge_id=pledge_id,
        coverage_item_id=item_id,
        occurred_on=day,
        count=count,
        place=place or None,
        source_chat_id=chat_id,
        source_message_id=card_message_id,
    )
    return Outcome(
        "saved", entry=await _entry(session, activity, today, with_progress=True, refs=refs)
    )


# --- fixing entries -----------------------------------------------------------------------


def _check_count(count: int) -> None:
    if count < 1:
        raise Invalid("report.count_low")
    if count > MAX_COUNT:
        raise Invalid("report.count_high")


def _check_day(day: date, today: date) -> None:
    if day > today:
        raise Invalid("report.future")
    if day < today - MAX_AGE:
        raise Invalid("report.too_old")


async def _own_activity(session: AsyncSession, scope: Scope, activity_id: int) -> Activity:
    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise NotFound("missing.activity", activity_id=activity_id)
    # Only the reporter who logged it may change it, and only while still a member there.
    if (
        activity.reporter_id != scope.reporter_id
        or activity.municipality_id not in scope.municipalities
    ):
        raise NotAllowed("access.not_your_activity", activity_id=activity_id)
    return activity


async def entry(session: AsyncSession, user_id: int, activity_id: int, *, today: date) -> Entry:
    scope = await scope_of(session, user_id)
    return await _entry(session, await _own_activity(session, scope, activity_id), today)


async def recent(session: AsyncSession, user_id: int, *, today: date) -> list[Entry]:
    scope = await scope_of(session, user_id)
    rows = await activities.recent_of_reporter(session, scope.reporter_id, RECENT_LIMIT)
    return [await _entry(session, a, today) for a in rows]


Change = Literal["delete", "restore", "count", "day", "place", "item"]


async def change(
    session: AsyncSession,
    user_id: int,
    activity_id: int | None,
    what: Change,
    *,
    value: int | date | str | None = None,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> Outcome:
    """Undo (activity_id None: the latest entry), restore, or change one field of an entry."""
    scope = await scope_of(session, user_id)
    if not await activities.claim_update(session, update_key, update_id, now):
        return Outcome("duplicate")
    if activity_id is None:
        latest = await activities.latest_of_reporter(session, scope.reporter_id)
        if latest is None or latest.municipality_id not in scope.municipalities:
            raise NotFound("missing.nothing_to_undo")
        activity = latest
    else:
        activity = await _own_activity(session, scope, activity_id)
    if what != "restore" and activity.deleted_at is not None:
        return Outcome("gone", entry=await _entry(session, activity, today))
    before = _snapshot(activity)
    if what == "delete":
        activity.deleted_at = now
        action = "activity.delete"
    elif what == "restore":
        if activity.deleted_at is None:
            return Outcome("updated", entry=await _entry(session, activity, today))
        activity.deleted_at = None
        action = "activity.restore"
    elif what == "count":
        if not isinstance(value, int):
            raise Invalid("report.count_missing")
        _check_count(value)
        activity.count = value
        action = "activity.edit"
    elif what == "day":
        if not isinstance(value, date):
            raise Invalid("report.day_missing")
        _check_day(value, today)
        activity.occurred_on = value
        action = "activity.edit"
    elif what == "place":
        text = " ".join(str(value or "").split())[:200]
        if not text:
            raise Invalid("report.place_missing")
        activity.place = text
        # The corrected place decides the list item; naming none leaves the list to pick from.
        activity.coverage_item_id = await coverage.item_for_pledge(
            session, activity.pledge_id, text
        )
        action = "activity.edit"
    else:  # item
        if not isinstance(value, int) or activity.pledge_id is None:
            raise Invalid("report.item_missing")
        item = await session.get(CoverageItem, value)
        if item is None or item.pledge_id != activity.pledge_id or item.removed_at is not None:
            raise NotFound("missing.list_item", item=value)
        activity.coverage_item_id = item.id
        if not activity.place:
            activity.place = item.name
        action = "activity.edit"
    activity.updated_at = now
    await _audit(session, scope, now, action, activity, _changes(before, activity))
    state = await session.get(ChatState, user_id)
    if state is not None and state.payload.get("activity_id") == activity.id:
        await session.delete(state)  # a keyboard's typed answer is not awaited any more
    await session.flush()
    refs = await pledge_refs(session, scope, today)
    with_progress = what in ("item", "place", "count", "day")
    return Outcome(
        "updated",
        entry=await _entry(session, activity, today, with_progress=with_progress, refs=refs),
    )


# --- coverage lists -----------------------------------------------------------------------


MAX_LIST_ITEMS = 200


def parse_list(text: str) -> list[str]:
    """One item per line (or separated by semicolons); bullets and numbering are dropped."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in text.replace(";", "\n").splitlines():
        name = raw.strip().lstrip("-*•–·").strip()
        while name[:1].isdigit():
            head, _, rest = name.partition(" ")
            if head.rstrip(".):").isdigit() and rest:
                name = rest.strip()
            else:
                break
        name = " ".join(name.split())[:200]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def first_column(csv_text: str) -> str:
    """The names of a CSV list (first column, comma or semicolon separated), one per line."""
    return "\n".join(line.split(";")[0].split(",")[0] for line in csv_text.splitlines())


@dataclass(frozen=True)
class ListResult:
    pledge: str
    municipality: str
    items: tuple[str, ...]
    removed: tuple[str, ...]
    # After a change: which logged activities now count for which item, and what matched none.
    matching: coverage.ListMatching | None = None
    progress: PledgeProgress | None = None  # after a change: the figure everyone now sees


async def _admin_pledge(session: AsyncSession, user_id: int, pledge_id: int) -> Pledge:
    pledge = await session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound("missing.pledge", pledge_id=pledge_id)
    scope = await scope_of(session, user_id)
    admin_in = await access.admin_ids(session, user_id)
    if pledge.municipality_id not in admin_in or pledge.municipality_id not in scope.municipalities:
        raise NotAllowed("access.not_admin_of_pledge")
    return pledge


async def coverage_list(session: AsyncSession, user_id: int, pledge_id: int) -> ListResult:
    pledge = await _admin_pledge(session, user_id, pledge_id)
    municipality = await session.get(Municipality, pledge.municipality_id)
    items = (await activities.coverage_items(session, [pledge.id]))[pledge.id]
    return ListResult(
        pledge.short_name,
        municipality.name if municipality else "",
        tuple(i.name for i in items),
        (),
    )


async def set_coverage_list(
    session: AsyncSession, user_id: int, pledge_id: int, text: str, *, now: datetime
) -> ListResult:
    return await save_coverage_list(session, user_id, pledge_id, parse_list(text), now=now)


async def save_coverage_list(
    session: AsyncSession,
    user_id: int,
    pledge_id: int,
    names: Sequence[str],
    *,
    now: datetime,
    today: date | None = None,
) -> ListResult:
    """Make `names` the pledge's list and match its logged activities to it again. With
    `today`, the result carries the pledge's progress as everyone now sees it."""
    pledge = await _admin_pledge(session, user_id, pledge_id)
    if not names:
        raise Invalid("list.empty")
    if len(names) > MAX_LIST_ITEMS:
        raise Invalid("list.long")
    items, removed = await activities.replace_coverage_list(session, pledge, names, now)
    matching = (await coverage.rematch(session, [pledge.id], now=now))[pledge.id]
    audit.record(
        session,
        at=now,
        actor="admin",
        actor_user_id=user_id,
        action="coverage.set",
        entity="pledge",
        entity_id=pledge.id,
        details={
            "items": [i.name for i in items],
            "removed": removed,
            "activities_rematched": matching.changed,
        },
    )
    progress: PledgeProgress | None = None
    if today is not None and pledge.target_coverage:
        area = await session.get(FocusArea, pledge.focus_area_id)
        pledge_set = await session.get(PledgeSet, area.pledge_set_id) if area else None
        if pledge_set is not None:
            progress = await pledge_progress(session, pledge, pledge_set, today, items)
    municipality = await session.get(Municipality, pledge.municipality_id)
    return ListResult(
        pledge.short_name,
        municipality.name if municipality else "",
        tuple(i.name for i in items),
        tuple(removed),
        matching,
        progress,
    )


async def admin_pledges(session: AsyncSession, user_id: int, *, today: date) -> list[Option]:
    """The pledges an admin may give a list for; those with a coverage target first."""
    scope = await scope_of(session, user_id)
    admin_in = await access.admin_ids(session, user_id)
    refs = [r for r in await pledge_refs(session, scope, today) if r.municipality_id in admin_in]
    refs.sort(key=lambda r: r.pledge.target_coverage is None)
    return list(all_options(refs))


async def _create(
    session: AsyncSession,
    scope: Scope,
    now: datetime,
    *,
    municipality_id: int,
    pledge_id: int | None,
    coverage_item_id: int | None,
    occurred_on: date,
    count: int,
    place: str | None,
    source_chat_id: int,
    source_message_id: int | None,
    note: str | None = None,
    photo_file_id: str | None = None,
) -> Activity:
    """A new activity from this reporter, written and audited.

    Written as two plain INSERTs (the most frequent write of all); the Activity returned is
    not in the session, it only carries what was written and the new id."""
    values: dict[str, object] = {
        "municipality_id": municipality_id,
        "pledge_id": pledge_id,
        "coverage_item_id": coverage_item_id,
        "reporter_id": scope.reporter_id,
        "occurred_on": occurred_on,
        "count": count,
        "place": place,
        "place_public": False,
        "note": note,
        "photo_file_id": photo_file_id,
        "source": ActivitySource.TELEGRAM,
        "source_chat_id": source_chat_id,
        "source_message_id": source_message_id,
        "created_at": now,
    }
    activity = Activity(id=await activities.insert_activity(session, values), **values)
    await _audit(session, scope, now, "activity.create", activity, _snapshot(activity))
    return activity


# --- audit --------------------------------------------------------------------------------


def _snapshot(activity: Activity) -> dict[str, object]:
    return {
        "pledge_id": activity.pledge_id,
        "municipality_id": activity.municipality_id,
        "coverage_item_id": activity.coverage_item_id,
        "count": activity.count,
        "occurred_on": activity.occurred_on.isoformat(),
        "place": activity.place,
        "deleted": activity.deleted_at is not None,
    }


def _changes(before: dict[str, object], activity: Activity) -> dict[str, object]:
    after = _snapshot(activity)
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


async def _audit(
    session: AsyncSession,
    scope: Scope,
    now: datetime,
    action: str,
    activity: Activity,
    details: dict[str, object],
) -> None:
    """Every change to an activity: in the audit trail, and as the municipality's last update."""
    await activities.touch_municipality(session, activity.municipality_id, now)
    await audit.append(
        session,
        at=now,
        actor="reporter",
        actor_user_id=scope.user_id,
        action=action,
        entity="activity",
        entity_id=activity.id,
        details=dict(details),
    )


# --- what the next message answers --------------------------------------------------------

STATE_TTL = timedelta(minutes=30)


async def expect(
    session: AsyncSession, user_id: int, kind: str, payload: dict[str, object], *, now: datetime
) -> bool:
    """Remember that the user's next message answers a question (a count, a day, a place…)."""
    await scope_of(session, user_id)
    await activities.set_state(session, user_id, kind, dict(payload), now + STATE_TTL)
    return True


async def entry_keyboard(
    session: AsyncSession,
    user_id: int,
    activity_id: int,
    kind: Literal["count", "day"],
    *,
    now: datetime,
    today: date,
) -> Entry:
    """An entry whose count or day keyboard is shown: a number or a day typed instead of a
    tap is that answer too (a message that is no answer is read as usual)."""
    scope = await scope_of(session, user_id)
    found = await _entry(session, await _own_activity(session, scope, activity_id), today)
    payload: dict[str, object] = {"activity_id": activity_id, "soft": True}
    await activities.set_state(session, user_id, kind, payload, now + STATE_TTL)
    return found


async def take_expected(
    session: AsyncSession, user_id: int, *, now: datetime
) -> tuple[str, dict[str, object]] | None:
    """What the user's message answers, if anything; the question is forgotten once taken."""
    state = await activities.get_state(session, user_id, now)
    if state is None:
        await activities.clear_state(session, user_id)
        return None
    kind, payload = state.kind, dict(state.payload)
    await activities.clear_state(session, user_id)
    return kind, payload
