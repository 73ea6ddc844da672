"""Real objects for the render functions, made once by the services from the example data.

The escaping properties take these and put arbitrary text into every string a person or an
imported page could have written (`poison`), so each render function is fed exactly the shapes
it gets in the running bot.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import answers, catalogue, invites, reporting, reports
from bot.services import schedule as schedules
from bot.services.access import Who, who_is
from bot.services.citizens import Place, places
from bot.services.examples import ADMIN, REPORTER, load_examples
from bot.services.export import ExportCounts, ExportInfo
from bot.services.importing import ImportOutcome, read_source
from bot.services.invites import NewInvite, Redemption
from bot.services.reminders import PauseState, Reminder, ReminderBlock, ReminderItem
from bot.services.reporting import Card, Entry, GuidedChoice, Incoming, ListResult, Outcome
from bot.services.schedule import PostInfo, ScheduleView
from storage import migrate
from storage.db import Database
from storage.models import Organisation, PostStatus, ProgressPost, Role

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 21)
TZ = ZoneInfo("Europe/Stockholm")
PAGES = Path(__file__).resolve().parents[1] / "e2e" / "pages"

# Fields that hold codes, keys or words of our own rather than text a person or a page wrote.
CODE_FIELDS = frozenset(
    {
        "kind",
        "step",
        "status",
        "period_key",
        "every",
        "unanswered",
        "fmt",
        "filename",
        "code",
        "slug",
        "language",
        "key",
        "problem",
        "per",
        "start",
        "end",
        "source",
        "day_problem",
    }
)


def poison(value: Any, text: str, only: frozenset[str] | None = None) -> Any:
    """A copy of `value` with every free-text string replaced by `text` (recursively through
    frozen dataclasses, tuples, lists and dicts); codes and enums are left alone. With `only`,
    just the strings in fields (or dict keys) of those names are replaced."""
    return _poison(value, text, only, only is None)


def _poison(value: Any, text: str, only: frozenset[str] | None, here: bool) -> Any:
    if isinstance(value, enum.Enum) or value is None:
        return value
    if isinstance(value, str):
        return text if here else value
    if isinstance(value, tuple):
        return tuple(_poison(v, text, only, here) for v in value)
    if isinstance(value, list):
        return [_poison(v, text, only, here) for v in value]
    if isinstance(value, dict):
        return {k: _field(k, v, text, only, here) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _field(f.name, getattr(value, f.name), text, only, here)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value


def _field(name: str, value: Any, text: str, only: frozenset[str] | None, here: bool) -> Any:
    if name in CODE_FIELDS:
        return value
    if only is not None:
        here = name in only or (here and isinstance(value, (tuple, list)))
    return _poison(value, text, only, here)


@dataclass(frozen=True, repr=False)
class Samples:
    overviews: tuple[answers.Overview, ...]
    details: tuple[answers.PledgeDetail, ...]
    reports: tuple[reports.Report, ...]
    outcomes: tuple[Outcome, ...]  # saved (with progress and list items), ask/offer
    entries: tuple[Entry, ...]
    guided: tuple[GuidedChoice, ...]
    card: Card
    schedule: ScheduleView
    teams: tuple[invites.Team, ...]
    invite: NewInvite
    redemption: Redemption
    documents: tuple[dict[str, Any], ...]  # import documents: a promise page and a follow-up
    imported: ImportOutcome
    pledge_rows: tuple[catalogue.PledgeRow, ...]
    options: tuple[reporting.Option, ...]
    list_result: ListResult
    pause: PauseState
    reminder: Reminder
    who: Who
    places: tuple[Place, ...]
    export_info: ExportInfo

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return "Samples(…)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("Samples(…)")


async def _build(url: str) -> Samples:
    db = Database(url)
    try:
        await migrate.upgrade(db)
        async with db.transaction() as session:
            await load_examples(session, today=TODAY, now=NOW)
        async with db.transaction() as session:
            municipalities = await places(session)
            overviews = tuple(
                [await answers.overview(session, m.id, TODAY) for m in municipalities]
            )
            pledge_ids = [line.pledge_id for view in overviews for line in view.lines]
            details = tuple([await answers.pledge_detail(session, p, TODAY) for p in pledge_ids])
            report_list = []
            for view in overviews:
                for period in (reports.previous_period(TODAY), None):
                    report = await reports.build_report(
                        session, view.municipality_id, period, TODAY, comment="En kommentar."
                    )
                    report_list.append(report)
            outcomes = []
            for n, text in enumerate(
                ("2 trafikkontroller E45 idag", "lag och rätt igår", "skolbesök", "blåbär")
            ):
                incoming = Incoming(REPORTER.user_id, REPORTER.user_id, 900 + n, text, f"s{n}", n)
                outcomes.append(
                    await reporting.log_message(session, incoming, now=NOW, today=TODAY)
                )
            entries = tuple(await reporting.recent(session, REPORTER.user_id, today=TODAY))
            guided = [await reporting.guided_step(session, ADMIN.user_id, today=TODAY)]
            first = overviews[0]
            guided.append(
                await reporting.guided_step(
                    session, ADMIN.user_id, today=TODAY, municipality_id=first.municipality_id
                )
            )
            guided.append(
                await reporting.guided_step(
                    session, ADMIN.user_id, today=TODAY, focus_area_id=first.areas[0].id
                )
            )
            card = await reporting.guided_card(
                session, ADMIN.user_id, first.lines[0].pledge_id, 2, TODAY, today=TODAY
            )
            session.add(
                ProgressPost(
                    municipality_id=first.municipality_id,
                    channel="@kanal",
                    period_key="2026-Q3",
                    kind="quarterly",
                    status=PostStatus.AMBIGUOUS,
                )
            )
            await session.flush()
            plan = await schedules.view(session, ADMIN.user_id, first.municipality_id, NOW, TZ)
            schedule = dataclasses.replace(
                plan,
                channel="@kanal",
                posts=(
                    *plan.posts,
                    PostInfo(99, "2026-Q2", "sent", NOW - timedelta(days=90), None),
                ),
            )
            invite = await invites.create_invite(
                session,
                municipality=first.municipality,
                role=Role.REPORTER,
                organisation=Organisation.POLICE,
                now=NOW,
            )
            teams = tuple(await invites.teams(session, ADMIN.user_id, NOW))
            rows = tuple(await catalogue.pledges_for_admin(session, ADMIN.user_id))
            options = tuple(await reporting.admin_pledges(session, ADMIN.user_id, today=TODAY))
            who = await who_is(session, ADMIN.user_id)
    finally:
        await db.dispose()
    documents = tuple(
        read_source((PAGES / name).read_bytes(), source=name, today=TODAY).to_json()
        for name in ("storberga.txt", "storberga_uppfoljning.txt")
    )
    block = ReminderBlock(
        first.municipality_id,
        first.municipality,
        tuple(
            ReminderItem(line, behind=n % 2 == 0, idle=True) for n, line in enumerate(first.lines)
        ),
    )
    return Samples(
        overviews=overviews,
        details=details,
        reports=tuple(report_list),
        outcomes=tuple(outcomes),
        entries=entries,
        guided=tuple(guided),
        card=card,
        schedule=schedule,
        teams=teams,
        invite=invite,
        redemption=Redemption(None, first.municipality, Role.REPORTER),
        documents=documents,
        imported=ImportOutcome(
            "pledges", "Storberga", 1, True, 4, 2, 1, notes=["En anteckning från läsaren."]
        ),
        pledge_rows=rows,
        options=options,
        list_result=ListResult("lag och rätt", first.municipality, ("Sveg skola",), ("Hede",)),
        pause=PauseState(TODAY + timedelta(days=14), who.reporter_in, who.reporter_in[:1]),
        reminder=Reminder(REPORTER.user_id, "sv", TODAY, (block, dataclasses.replace(block))),
        who=who,
        places=tuple(Place(m.id, m.name) for m in municipalities),
        export_info=ExportInfo(
            "export.csv", "csv", False, who.admin_in[:2], ExportCounts(2, 30, 40, 5)
        ),
    )


def build_samples(directory: Path) -> Samples:
    return asyncio.run(_build(f"sqlite:///{directory / 'samples.sqlite3'}"))
