"""The /lista dialogue: an admin gives a pledge's list (schools, homes, villages) in as many
messages as suits a phone, then says it is done.

After the admin picks the pledge, every text message adds its lines to the list being
collected (kept in the chat state, not yet saved, so the public figures never show half a
list); nothing of it is read as a report. The list is saved, replacing the old one, when the
admin presses "Klar" or ends a message with a line that only says so ("klar", "färdig",
"done"). A .txt or .csv file is a whole list: it is saved at once, together with any lines
sent before it. Editing one of the list's messages before "Klar" replaces its lines (a typo is
fixed where it was made). Each message is taken in the same transaction as the change it
makes, and the update's key is claimed there too, so a redelivered message adds nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import reporting
from bot.services.errors import Invalid
from bot.services.reporting import MAX_LIST_ITEMS, ListResult
from storage import activities
from storage.models import ChatState

STATE = "list"
DONE_WORDS = frozenset(
    {
        "klar",
        "klart",
        "färdig",
        "färdigt",
        "slut",
        "det var allt",
        "det är allt",
        "listan är klar",
        "done",
        "finished",
        "that's all",
        "thats all",
    }
)


@dataclass(frozen=True)
class ListStep:
    """What one message or press did to the list being collected."""

    kind: Literal["added", "saved", "closed", "duplicate"]
    pledge: str = ""
    municipality: str = ""
    added: tuple[str, ...] = ()  # new names from this message
    again: tuple[str, ...] = ()  # names already collected
    collected: tuple[str, ...] = ()  # everything collected so far
    result: ListResult | None = None  # when saved
    edited: bool = False  # an edited message changed what it gave


def is_done(line: str) -> bool:
    """True for a line that only says the list is complete ("Klar!", "klar.", "Done")."""
    words = " ".join(re.sub(r"[!.,:;–—-]+", " ", line.casefold()).split())
    return words in DONE_WORDS


async def begin(
    session: AsyncSession, user_id: int, pledge_id: int, *, now: datetime
) -> ListResult:
    """The admin chose the pledge: show its list now and start collecting a new one."""
    current = await reporting.coverage_list(session, user_id, pledge_id)
    await reporting.expect(session, user_id, STATE, {"pledge_id": pledge_id, "parts": []}, now=now)
    return current


async def _open(session: AsyncSession, user_id: int, now: datetime) -> ChatState | None:
    state = await activities.get_state(session, user_id, now)
    return state if state is not None and state.kind == STATE else None


def _parts(state: ChatState) -> list[tuple[int, list[str]]]:
    """The names collected so far, per message (message id 0: a file)."""
    raw = state.payload.get("parts")
    parts: list[tuple[int, list[str]]] = []
    if isinstance(raw, list):
        for part in raw:
            if isinstance(part, list) and len(part) == 2 and isinstance(part[1], list):
                parts.append((int(part[0]), [str(n) for n in part[1]]))
    return parts


def _split_done(text: str) -> tuple[str, bool]:
    """The text without a last line saying the list is complete, and whether it had one."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    done = bool(lines) and is_done(lines[-1])
    if done:
        lines.pop()
    return "\n".join(lines), done


async def take_text(
    session: AsyncSession,
    user_id: int,
    text: str,
    *,
    message_id: int,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> ListStep:
    """A text message while a list is being collected: its lines are added; a last line
    saying "klar" saves the list."""
    state = await _open(session, user_id, now)
    if state is None:
        return ListStep("closed")
    if not await activities.claim_update(session, update_key, update_id, now):
        return ListStep("duplicate")
    body, done = _split_done(text)
    return await _collect(
        session, user_id, state, message_id, body, done=done, now=now, today=today
    )


async def take_edit(
    session: AsyncSession,
    user_id: int,
    text: str,
    *,
    message_id: int,
    update_key: str,
    update_id: int,
    now: datetime,
    today: date,
) -> ListStep | None:
    """An edited message: when it is one of the list's messages, its lines replace the ones
    it gave. None when it is not (the edit is then handled as any other)."""
    state = await _open(session, user_id, now)
    if state is None or all(mid != message_id for mid, _ in _parts(state)):
        return None
    if not await activities.claim_update(session, update_key, update_id, now):
        return ListStep("duplicate")
    body, done = _split_done(text)
    return await _collect(
        session, user_id, state, message_id, body, done=done, now=now, today=today, edited=True
    )


async def take_file(
    session: AsyncSession, user_id: int, text: str, *, now: datetime, today: date
) -> ListStep:
    """A file while a list is being collected: it completes the list, which is saved."""
    state = await _open(session, user_id, now)
    if state is None:
        return ListStep("closed")
    return await _collect(session, user_id, state, 0, text, done=True, now=now, today=today)


async def finish(session: AsyncSession, user_id: int, *, now: datetime, today: date) -> ListStep:
    """The admin pressed "Klar": save what was collected."""
    state = await _open(session, user_id, now)
    if state is None:
        return ListStep("closed")
    return await _collect(session, user_id, state, None, "", done=True, now=now, today=today)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


async def _collect(
    session: AsyncSession,
    user_id: int,
    state: ChatState,
    message_id: int | None,
    text: str,
    *,
    done: bool,
    now: datetime,
    today: date,
    edited: bool = False,
) -> ListStep:
    """Put the names in `text` in as the part of message `message_id` (replacing what that
    message gave before); save the list when `done`. A problem raises Invalid and the
    caller's transaction rolls back: what was collected stays as it was."""
    pledge_id = int(str(state.payload["pledge_id"]))
    parts = _parts(state)
    others = _unique([n for mid, names in parts if mid != message_id for n in names])
    seen = {n.casefold() for n in others}
    added: list[str] = []
    again: list[str] = []
    for name in reporting.parse_list(text):
        if name.casefold() in seen:
            again.append(name)
        else:
            seen.add(name.casefold())
            added.append(name)
    if message_id is not None:
        if any(mid == message_id for mid, _ in parts):
            parts = [(mid, added if mid == message_id else names) for mid, names in parts]
        elif added:
            parts.append((message_id, added))
    names = _unique([n for _, part in parts for n in part])
    if len(names) > MAX_LIST_ITEMS:
        raise Invalid("list.long")
    if done:
        if not names:
            raise Invalid("list.empty")
        result = await reporting.save_coverage_list(
            session, user_id, pledge_id, names, now=now, today=today
        )
        await activities.clear_state(session, user_id)
        return ListStep(
            "saved",
            result.pledge,
            result.municipality,
            tuple(added),
            tuple(again),
            tuple(names),
            result,
            edited,
        )
    if not added and not again and not edited:
        raise Invalid("list.empty")
    # The admin's role is checked again on every message.
    current = await reporting.coverage_list(session, user_id, pledge_id)
    payload = {"pledge_id": pledge_id, "parts": [[mid, part] for mid, part in parts]}
    await reporting.expect(session, user_id, STATE, payload, now=now)
    return ListStep(
        "added",
        current.pledge,
        current.municipality,
        tuple(added),
        tuple(again),
        tuple(names),
        None,
        edited,
    )
