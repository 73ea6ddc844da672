"""Security review: every HTML message built from user or imported text is escaped.

Hypothesis puts arbitrary strings (markup, entities, quotes, emoji, control characters) into
every free-text field of real objects (`samples.poison`) and feeds them to each render function
that builds HTML: citizen answers, reporting, team, admin, catalogue, the report (Telegram,
Markdown and web page), schedule, reminders, export and the common texts. Every message must
parse as Telegram HTML with only the bot's own tags (`telegram_html`), and every button's
callback data must stay within 64 bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.delivery.publisher import _title
from bot.render import (
    admin,
    catalogue,
    citizen,
    export,
    reminders,
    report,
    reporting,
    schedule,
    team,
    texts,
)
from bot.render.html import b, esc
from bot.render.texts import Lang
from bot.services.citizens import Place
from bot.services.errors import Invalid
from bot.services.reminders import PauseOutcome
from bot.services.reporting import Entry
from tests.security.samples import TODAY, TZ, Samples, build_samples, poison
from tests.security.telegram_html import (
    CAPTION_LIMIT,
    assert_markdown,
    assert_telegram_html,
    assert_web_page,
    problems,
)

NASTY = [
    "<b>",
    "</b>",
    "<i>x</i>",
    "<a href='https://evil.example'>klicka</a>",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "<",
    ">",
    "\"'",
    "<script>alert(1)</script>",
    "<code>",
    "<!--",
    "]]>",
    "🚓",
    "\u202e",
    "\x00",
    "\n",
    "[länk](https://evil.example)",
    "`kod`",
    "*_#|\\",
    "<B>",
    "< b>",
    "&amp",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("<>&\"';#/\\`[]()*_|aåé 🚓\n\t\x00\u200d"), max_size=40),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=5).map("".join),
)
# Long texts for the fields that are long in real life (pledge texts, result notes, comments,
# synpunkter): heavy in characters that grow when escaped, to find cuts inside an entity.
LONG = st.builds(
    lambda unit, n, tail: unit * n + tail,
    st.sampled_from(["&", "<", "a&b ", "<i> ", "x", "& < > "]),
    st.integers(min_value=100, max_value=1200),
    st.text(max_size=20),
)
LONG_FIELDS = frozenset({"text", "result_note", "note", "comment", "items", "removed", "warnings"})
LANG = st.sampled_from(["sv", "en"])
EXAMPLES = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return build_samples(tmp_path_factory.mktemp("samples"))


def _texts(result: Any) -> Iterator[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages in a render function's result: a text, (text, markup) or a list of texts."""
    if isinstance(result, str):
        yield result, None
    elif isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], (str, list)):
        for text, _ in _texts(result[0]):
            yield text, result[1]
    elif isinstance(result, list):
        for item in result:
            yield from _texts(item)
    else:  # pragma: no cover - a render function of a shape this test does not know
        raise TypeError(type(result))


# Stand-ins without meaning in HTML for the three characters that have one.
NEUTRAL = {"<": "\ue000", ">": "\ue001", "&": "\ue002"}
ESCAPED = {"\ue000": "&lt;", "\ue001": "&gt;", "\ue002": "&amp;"}


def _neutral(text: str) -> str:
    return "".join(NEUTRAL.get(c, c) for c in text)


def _escaped(text: str) -> str:
    return "".join(ESCAPED.get(c, c) for c in text)


def check(
    render: Callable[[str], Any], planted: str, *, limit: int = 4096, exact: bool = True
) -> None:
    """Render with `planted` in the free-text fields: valid Telegram HTML, buttons within
    64 bytes, and (with `exact`) escaped exactly once: each line is what the same render
    makes from a neutral copy of the text (markup characters swapped for characters without
    meaning), with those characters then escaped. Cuts drop whole lines, so a line may be
    missing, never changed; an unescaped, double-escaped or injected tag changes a line."""
    result = render(planted)
    lines: list[str] = []
    for text, markup in _texts(result):
        assert_telegram_html(text, planted, limit=limit)
        lines += text.split("\n")
        if markup is not None:
            for row in markup.rows:
                for button in row:
                    data = button.callback_data
                    assert data is None or len(str(data).encode()) <= 64, data
    if not exact or not any(c in planted for c in NEUTRAL):
        return
    assume(not any(c in planted for c in ESCAPED))
    expected = {
        _escaped(line) for text, _ in _texts(render(_neutral(planted))) for line in text.split("\n")
    }
    # A line without markup characters cannot be escaped wrongly (a cut may change its count).
    wrong = [line for line in lines if line not in expected and any(c in line for c in "<>&")]
    assert not wrong, f"escaped differently than once: {wrong[:3]!r}\nplanted: {planted!r}"


# --- the checker itself can fail ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<b>Hej</b> <script>",
        "<b>öppen",
        "a & b",
        "&copy;",
        "&#60;",
        "<a href='x'>y</a>",
        "<B>x</B>",
        "<b><b>x</b></b>",
        "<code><b>x</b></code>",
        "x" * 4097,
    ],
)
def test_the_checker_refuses_what_telegram_refuses_or_the_bot_never_writes(text: str) -> None:
    assert problems(text)


def test_the_checker_finds_text_escaped_twice_and_accepts_the_bots_own_html() -> None:
    assert problems("<b>&amp;lt;x&amp;gt;</b>", planted="<x>")
    assert not problems("<b>&lt;x&gt;</b> &amp; <i>ok</i> <code>/start in_x</code>", "<x>")


@given(text=TEXT)
@settings(max_examples=40, deadline=None)
def test_planted_bugs_are_caught(text: str) -> None:
    """Renders that forget to escape, escape twice, or cut inside an entity all fail."""
    assume(any(c in text for c in "<>&"))
    for bad in (
        lambda t: f"<b>{t}</b>",
        lambda t: f"<b>{esc(esc(t))}</b>",
        lambda t: b(f"{esc(t)} i Härjedalen"),
    ):
        with pytest.raises(AssertionError):
            check(bad, text)
    check(lambda t: f"<b>{esc(t)}</b>", text)
    with pytest.raises(AssertionError):
        # 4,001 characters end one character into an "&amp;".
        check(lambda t: (esc(t) * 100)[:4001], "&" * 50)


# --- citizens ------------------------------------------------------------------------------


@given(text=TEXT, lang=LANG)
@example(text="<a href='x'>&amp;", lang="sv")
@EXAMPLES
def test_citizen_answers(samples: Samples, text: str, lang: Lang) -> None:
    def views(t: str) -> tuple[Any, ...]:
        return tuple(poison(samples.overviews, t))

    check(lambda t: [citizen.overview(v, TZ, lang) for v in views(t)], text)
    check(
        lambda t: [
            citizen.overview(v, TZ, lang, only=[ln.pledge_id for ln in v.lines][:2])
            for v in views(t)
        ],
        text,
    )
    check(lambda t: [citizen.area_view(v, a, lang) for v in views(t) for a in v.areas], text)
    check(
        lambda t: [
            citizen.promised(v, lang, who)
            for v in views(t)
            for who in (None, "polisen", "kommunen")
        ],
        text,
    )
    check(lambda t: [citizen.chart_caption(v, lang) for v in views(t)], text, limit=CAPTION_LIMIT)
    check(
        lambda t: [
            citizen.pledge_view(d, TODAY, "LoftesbotenBot", lang)
            for d in poison(samples.details, t)
        ],
        text,
    )
    check(lambda t: citizen.choose_place(poison(samples.places, t), lang, unknown=t), text)
    check(lambda t: citizen.choose_place(samples.places, lang, unknown=t), text)
    renders: list[Callable[[Place], str]] = [
        lambda p: citizen.place_set(p, lang),
        lambda p: citizen.subscribed(p, True, lang),
        lambda p: citizen.subscribed(p, False, lang),
        lambda p: citizen.feedback_prompt(p, lang),
    ]
    check(lambda t: [r(p) for p in poison(samples.places, t) for r in renders], text)
    check(lambda t: citizen.unsubscribed([t, "Åsele", t], lang), text)
    check(lambda t: citizen.feedback_saved(t, lang), text)
    check(lambda t: citizen.feedback_for_admins(t, t), text)
    check(lambda t: citizen.town_note(t, t, lang), text)
    check(lambda t: citizen.no_pledges_in(t, t, poison(samples.places, t), lang), text)
    check(lambda t: citizen.no_pledge_about(t, t, lang), text)
    check(
        lambda t: citizen.feedback_which_place(poison(samples.places, t), lang, unknown=t),
        text,
    )
    check(lambda t: citizen.feedback_which_place(samples.places, lang, outside=t), text)
    check(lambda t: [citizen.feedback_ask_text(p, lang) for p in poison(samples.places, t)], text)


@given(text=LONG, lang=LANG)
@EXAMPLES
def test_citizen_answers_with_long_texts(samples: Samples, text: str, lang: Lang) -> None:
    def views(t: str) -> tuple[Any, ...]:
        return tuple(poison(samples.overviews, t, LONG_FIELDS))

    check(lambda t: [citizen.overview(v, TZ, lang) for v in views(t)], text, exact=False)
    check(
        lambda t: [citizen.area_view(v, a, lang) for v in views(t) for a in v.areas],
        text,
        exact=False,
    )
    check(lambda t: [citizen.promised(v, lang, None) for v in views(t)], text, exact=False)
    check(
        lambda t: [
            citizen.pledge_view(d, TODAY, "LoftesbotenBot", lang)
            for d in poison(samples.details[:8], t, LONG_FIELDS)
        ],
        text,
        exact=False,
    )
    check(lambda t: citizen.feedback_for_admins("Härjedalen", t[:2000]), text)


# --- reporters -----------------------------------------------------------------------------


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_reporting_texts(samples: Samples, text: str, lang: Lang) -> None:
    def outcomes(t: str, kinds: tuple[str, ...]) -> list[Any]:
        return [o for o in poison(samples.outcomes, t) if o.kind in kinds]

    check(lambda t: [reporting.saved(o, TODAY, lang) for o in outcomes(t, ("saved",))], text)
    check(lambda t: [reporting.choose(o, TODAY, lang) for o in outcomes(t, ("offer",))], text)
    check(
        lambda t: [
            reporting.choose(
                dataclasses.replace(o, municipalities=((1, t), (2, t)), kind=kind), TODAY, lang
            )
            for o in outcomes(t, ("offer",))
            for kind in ("ask", "offer")
        ],
        text,
    )

    def entries(t: str) -> tuple[Entry, ...]:
        return tuple(poison(samples.entries, t))

    check(lambda t: [reporting.entry_view(e, TODAY, lang) for e in entries(t)], text)
    check(
        lambda t: [
            reporting.entry_view(dataclasses.replace(e, deleted=True), TODAY, lang)
            for e in entries(t)
        ],
        text,
    )
    check(lambda t: [reporting.deleted(e, TODAY, lang) for e in entries(t)], text)
    check(lambda t: reporting.recent(entries(t), TODAY, lang), text)
    check(lambda t: reporting.municipality_pledges(1, 2, poison(samples.options, t), lang), text)
    check(lambda t: [reporting.guided(c, lang) for c in poison(samples.guided, t)], text)
    check(lambda t: reporting.card(poison(samples.card, t), TODAY, lang), text)
    check(lambda t: reporting.card_count(poison(samples.card, t), lang), text)
    check(lambda t: reporting.card_date(poison(samples.card, t), TODAY, lang), text)


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_reminder_and_pause_texts(samples: Samples, text: str, lang: Lang) -> None:
    def reminder(t: str) -> Any:
        return dataclasses.replace(poison(samples.reminder, t), language=lang)

    check(lambda t: reminders.reminder_text(reminder(t)), text)
    check(
        lambda t: reminders.reminder_text(
            dataclasses.replace(reminder(t), blocks=reminder(t).blocks[:1])
        ),
        text,
    )
    check(lambda t: reminders.pause_status(poison(samples.pause, t), TODAY, lang), text)
    check(
        lambda t: reminders.pause_status(
            dataclasses.replace(poison(samples.pause, t), paused_until=None), TODAY, lang
        ),
        text,
    )
    check(
        lambda t: reminders.pause_changed(
            PauseOutcome("changed", poison(samples.pause, t)), TODAY, lang
        ),
        text,
    )


# --- admins --------------------------------------------------------------------------------


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_team_texts(samples: Samples, text: str, lang: Lang) -> None:
    check(
        lambda t: team.invite_created(poison(samples.invite, t), "LoftesbotenBot", TZ, lang),
        text,
    )
    check(lambda t: team.pick_municipality([(1, t), (2, "Åsele")], lang), text)
    check(lambda t: team.pick_role(1, t, lang), text)
    check(lambda t: team.redeemed(poison(samples.redemption, t), lang), text)
    check(
        lambda t: team.redeemed(
            dataclasses.replace(poison(samples.redemption, t), already=True), lang
        ),
        text,
    )
    check(lambda t: team.teams(poison(samples.teams, t), 0, TZ, lang), text)
    check(
        lambda t: [team.removed(m, lang) for tm in poison(samples.teams, t) for m in tm.members],
        text,
    )
    check(lambda t: team.invite_revoked(t, lang), text)
    check(lambda t: team.list_pledges(poison(samples.options, t), lang), text)
    check(lambda t: team.list_prompt(poison(samples.list_result, t), lang), text)
    check(lambda t: team.list_saved(poison(samples.list_result, t), lang), text)


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_import_and_catalogue_texts(samples: Samples, text: str, lang: Lang) -> None:
    check(
        lambda t: [catalogue.reading_summary(d, lang) for d in poison(samples.documents, t)],
        text,
    )
    check(
        lambda t: [admin.preview_without_period(d, lang) for d in poison(samples.documents, t)],
        text,
    )
    check(lambda t: admin.cannot_read(lang, t), text)
    check(lambda t: admin.cannot_import(lang, t), text)
    check(lambda t: admin.not_admin_for(lang, t), text)
    check(lambda t: admin.imported(lang, poison(samples.imported, t)), text)
    check(
        lambda t: admin.imported(
            lang, dataclasses.replace(poison(samples.imported, t), changed=False)
        ),
        text,
    )
    check(lambda t: admin.pledge_list(list(poison(samples.pledge_rows, t)), lang), text)
    check(lambda t: admin.renamed(lang, poison(samples.pledge_rows[0], t)), text)
    # A refusal carries a key; the text that comes from a person is one of its values.
    check(lambda t: admin.rename_refused(lang, Invalid("rename.common_word", name=t)), text)


@given(text=LONG, lang=LANG)
@settings(max_examples=25, deadline=None)
def test_import_and_list_texts_with_long_texts(samples: Samples, text: str, lang: Lang) -> None:
    check(
        lambda t: [
            catalogue.reading_summary(d, lang) for d in poison(samples.documents, t, LONG_FIELDS)
        ],
        text,
        exact=False,
    )
    check(
        lambda t: admin.pledge_list(list(poison(samples.pledge_rows, t, LONG_FIELDS)), lang),
        text,
        exact=False,
    )
    check(
        lambda t: team.list_saved(poison(samples.list_result, t[:200], LONG_FIELDS), lang),
        text,
        exact=False,
    )


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_schedule_and_export_texts(samples: Samples, text: str, lang: Lang) -> None:
    def view(t: str, **changes: Any) -> Any:
        poisoned = poison(samples.schedule, t)
        plan = dataclasses.replace(poisoned.schedule, **changes)
        return dataclasses.replace(poisoned, schedule=plan)

    check(lambda t: schedule.schedule_view(view(t), TZ, lang), text)
    check(
        lambda t: schedule.schedule_view(view(t, approval=True, unanswered="hold"), TZ, lang),
        text,
    )
    check(lambda t: schedule.pick_municipality([(1, t), (2, t)], lang), text)
    check(lambda t: schedule.comment_saved(t, lang), text)
    check(lambda t: [schedule.decided(d, t, "2026-Q3", lang) for d in ("publish", "skip")], text)
    check(lambda t: [schedule.settled(c, t, "P2026-01-01", lang) for c in (True, False)], text)
    check(lambda t: export.pick_municipality([(1, t), (2, t)], lang), text)
    check(lambda t: export.pick_kind(1, t, lang), text)
    check(
        lambda t: [
            export.caption(dataclasses.replace(poison(samples.export_info, t), public=p), lang)
            for p in (True, False)
        ],
        text,
        limit=CAPTION_LIMIT,
    )


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_common_texts(samples: Samples, text: str, lang: Lang) -> None:
    check(lambda t: texts.welcome(poison(samples.who, t), t, lang), text)
    check(lambda t: texts.help_text(poison(samples.who, t), lang), text)
    check(lambda t: texts.error_note_for_admins(t, t), text)


# --- the progress report: Telegram, Markdown, web page -------------------------------------


@given(text=TEXT, lang=LANG)
@EXAMPLES
def test_report_in_every_form(samples: Samples, text: str, lang: Lang) -> None:
    check(lambda t: [report.telegram_messages(r, lang) for r in poison(samples.reports, t)], text)
    check(
        lambda t: [report.chart_caption(r, lang) for r in poison(samples.reports, t)],
        text,
        limit=CAPTION_LIMIT,
    )
    check(lambda t: [_title(r, lang) for r in poison(samples.reports, t)], text)
    for item in poison(samples.reports, text):
        assert_markdown(report.markdown(item, lang))
        assert_web_page(report.html_page(item, lang))


@given(text=LONG, lang=LANG)
@settings(max_examples=25, deadline=None)
def test_report_with_long_texts(samples: Samples, text: str, lang: Lang) -> None:
    check(
        lambda t: [
            report.telegram_messages(r, lang) for r in poison(samples.reports[:4], t, LONG_FIELDS)
        ],
        text,
        exact=False,
    )
    for item in poison(samples.reports[:4], text, LONG_FIELDS):
        assert_markdown(report.markdown(item, lang))
        assert_web_page(report.html_page(item, lang))


def test_samples_cover_what_the_properties_need(samples: Samples, tmp_path: Path) -> None:
    """The properties are only as good as their samples: each shape is really there."""
    assert any(d.result_note for d in samples.details)
    assert any(d.recent for d in samples.details)
    assert any(line.coverage for view in samples.overviews for line in view.lines)
    assert {o.kind for o in samples.outcomes} >= {"saved", "offer"}
    assert any(o.entry and o.entry.list_items for o in samples.outcomes)
    assert any(post.status == "ambiguous" for post in samples.schedule.posts)
    assert any(team.open_invites for team in samples.teams)
    assert any(r.extras for r in samples.reports) or any(r.extra_entries for r in samples.reports)
    assert all(doc["focus_areas"] for doc in samples.documents)
