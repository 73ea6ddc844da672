"""Which list item (school, home, village) each activity of a coverage pledge counts for.

One mechanism, used wherever either side changes: an activity is logged, edited or its place
corrected (`item_for`), or a list is given, replaced or loaded with example or imported data
(`rematch`). The item is stored on the activity, so that every view (the citizen's answer, the
reporter's confirmation, the channel report, the chart and the export) counts the same visits.

Rules, the same everywhere:

- an activity's place names the item ("Hede skola", "Sveg skola" for "Södra skolan Sveg"); a
  kommun's bare name names none ("Härnösand" is not "Härnösands gymnasium");
- when the place names no item, an item that the activity already counts for and that is
  still on the list is kept (the reporter picked it from the list, or the message named it
  outside its place when it was read);
- an item taken off the list counts no more: its activities are matched afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.municipality_names import SWEDISH_MUNICIPALITIES
from bot.domain.report_reading import CoverageChoice, match_coverage
from storage import activities
from storage.models import Activity, CoverageItem

_KOMMUNER = frozenset(name.casefold() for name in SWEDISH_MUNICIPALITIES)


def item_for(place: str | None, items: Sequence[CoverageItem]) -> CoverageItem | None:
    """The list item that a place names, or None.

    A kommun's bare name names no item: "Härnösand" is not "Härnösands gymnasium"."""
    if not items or not place:
        return None
    if " ".join(place.casefold().split()).rstrip(".") in _KOMMUNER:
        return None
    found = match_coverage(place, [CoverageChoice(i.id, i.name) for i in items])
    return None if found is None else next(i for i in items if i.id == found.id)


async def item_for_pledge(
    session: AsyncSession, pledge_id: int | None, place: str | None
) -> int | None:
    """The id of the item of the pledge's current list that the place names, or None."""
    if pledge_id is None or not place:
        return None
    items = (await activities.coverage_items(session, [pledge_id]))[pledge_id]
    item = item_for(place, items)
    return None if item is None else item.id


@dataclass(frozen=True)
class ItemCount:
    item: str
    entries: int  # logged activities (not removed) that count for the item
    places: tuple[str, ...]  # the places they were logged with, as written


@dataclass(frozen=True)
class PlaceCount:
    place: str
    entries: int


@dataclass(frozen=True)
class ListMatching:
    """How a pledge's logged activities meet its list, for the admin to check."""

    pledge_id: int
    counted: tuple[ItemCount, ...]  # items with activities, in list order
    unmatched: tuple[PlaceCount, ...]  # places that name no item, most frequent first
    without_place: int  # activities with neither a place nor an item
    changed: int  # activities whose item this matching changed

    @property
    def empty(self) -> bool:
        return not self.counted and not self.unmatched and not self.without_place


async def rematch(
    session: AsyncSession, pledge_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, ListMatching]:
    """Match every activity of these pledges against their current lists again and store the
    item on each. Returns, per pledge, what counts for which item and what matched nothing.
    With `now`, a municipality whose figures changed shows that as its last update."""
    ids = sorted(set(pledge_ids))
    lists = await activities.coverage_items(session, ids)
    rows = (
        await session.scalars(
            select(Activity)
            .where(Activity.pledge_id.in_(ids))
            .order_by(Activity.occurred_on, Activity.id)
        )
        if ids
        else ()
    )
    by_pledge: dict[int, list[Activity]] = defaultdict(list)
    for activity in rows:
        by_pledge[int(activity.pledge_id or 0)].append(activity)
    result: dict[int, ListMatching] = {}
    touched: set[int] = set()
    for pledge_id in ids:
        items = lists[pledge_id]
        listed = {i.id: i for i in items}
        counted: dict[int, list[str]] = defaultdict(list)
        entries: dict[int, int] = defaultdict(int)
        unmatched: dict[str, int] = defaultdict(int)
        without_place = changed = 0
        for activity in by_pledge.get(pledge_id, []):
            found = item_for(activity.place, items)
            item_id = found.id if found is not None else None
            if item_id is None and activity.coverage_item_id in listed:
                item_id = activity.coverage_item_id
            if item_id != activity.coverage_item_id:
                activity.coverage_item_id = item_id
                changed += 1
                touched.add(activity.municipality_id)
            if activity.deleted_at is not None:
                continue
            if item_id is not None:
                entries[item_id] += 1
                if activity.place and activity.place not in counted[item_id]:
                    counted[item_id].append(activity.place)
            elif activity.place:
                unmatched[activity.place] += 1
            else:
                without_place += 1
        result[pledge_id] = ListMatching(
            pledge_id,
            tuple(
                ItemCount(i.name, entries[i.id], tuple(counted[i.id]))
                for i in items
                if entries[i.id]
            ),
            tuple(
                PlaceCount(place, n)
                for place, n in sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            without_place if items else 0,
            changed,
        )
    await session.flush()
    if now is not None:
        for municipality_id in sorted(touched):
            await activities.touch_municipality(session, municipality_id, now)
    return result


async def rematch_all(
    session: AsyncSession, *, now: datetime | None = None
) -> dict[int, ListMatching]:
    """`rematch` for every pledge that has a list (after example data or an import)."""
    ids = (
        await session.scalars(
            select(CoverageItem.pledge_id).where(CoverageItem.removed_at.is_(None)).distinct()
        )
    ).all()
    return await rematch(session, list(ids), now=now)
