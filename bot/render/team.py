"""Texts and buttons for invites, the admins' list of reporters, and coverage lists.

Callback actions: iv|M (roles for municipality M), iv|M|R|O (create invite: role r/a,
organisation p/k/-), rm|S (ask to remove membership S), ry|S (remove), ri|I (revoke invite I),
ll|P (give the list of pledge P), lf (the list is complete: save it), la (cancel the list
question).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.words import count
from bot.render.callbacks import encode
from bot.render.html import b, esc, i, join_names
from bot.render.keyboards import Button, Keyboard
from bot.render.links import start_link
from bot.render.messages import pick, t
from bot.render.reporting import progress_line
from bot.render.texts import Lang
from bot.services.invites import NewInvite, Redemption, Team, TeamMember
from bot.services.lists import ListStep
from bot.services.reporting import ListResult, Option
from storage.models import Organisation, Role

Markup = Keyboard


def _button(text: str, action: str, *args: int | str) -> Button:
    return Button(text[:60], callback_data=encode(action, *args))


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def role_name(role: Role, organisation: Organisation | None, lang: Lang) -> str:
    if role is Role.ADMIN:
        return pick(lang, "administratör", "admin")
    org = {Organisation.POLICE: "polisen", Organisation.MUNICIPALITY: "kommunen"}.get(
        organisation  # type: ignore[arg-type]
    )
    base = pick(lang, "rapportör", "reporter")
    return f"{base} ({org})" if org else base


def deep_link(username: str | None, code: str) -> str | None:
    return start_link(username, code)


def invite_created(invite: NewInvite, username: str | None, tz: ZoneInfo, lang: Lang) -> str:
    link = deep_link(username, invite.code)
    who = role_name(invite.role, invite.organisation, lang)
    lines = [
        pick(
            lang,
            f"Inbjudan som {b(who)} i {b(invite.municipality)}.",
            f"Invitation as {b(who)} in {b(invite.municipality)}.",
        ),
        pick(
            lang,
            "Skicka länken till personen. Den fungerar en gång och gäller till "
            f"{_when(invite.expires_at, tz)}.",
            f"Send the link to the person. It works once and is valid until "
            f"{_when(invite.expires_at, tz)}.",
        ),
    ]
    if link:
        lines.append(esc(link))
    lines.append(
        pick(lang, "Eller skriv till boten:", "Or send the bot:")
        + f" <code>/start {esc(invite.code)}</code>"
    )
    return "\n".join(lines)


def pick_municipality(places: Sequence[tuple[int, str]], lang: Lang) -> tuple[str, Markup]:
    rows = [[_button(name, "iv", mid)] for mid, name in places]
    return pick(lang, "Inbjudan till vilken kommun?", "Invite to which municipality?"), Markup(rows)


def pick_role(municipality_id: int, municipality: str, lang: Lang) -> tuple[str, Markup]:
    choices = (
        (pick(lang, "Rapportör – polisen", "Reporter – police"), "r", "p"),
        (pick(lang, "Rapportör – kommunen", "Reporter – municipality"), "r", "k"),
        (pick(lang, "Administratör", "Admin"), "a", "-"),
    )
    rows = [[_button(label, "iv", municipality_id, role, org)] for label, role, org in choices]
    return pick(
        lang,
        f"Vem bjuder du in till {esc(municipality)}?",
        f"Whom are you inviting to {esc(municipality)}?",
    ), Markup(rows)


def redeemed(result: Redemption, lang: Lang) -> str:
    assert result.role is not None
    assert result.municipality is not None
    place = b(result.municipality)
    if result.already:
        return pick(
            lang,
            f"Du är redan med i {place}. Inbjudan är nu förbrukad.",
            f"You are already part of {place}. The invitation is now used up.",
        )
    if result.role is Role.ADMIN:
        return pick(
            lang,
            f"Välkommen! Du är nu administratör för {place}. "
            "Skriv /hjalp för att se vad du kan göra.",
            f"Welcome! You are now an admin for {place}. Send /help to see what you can do.",
        )
    return pick(
        lang,
        f"Välkommen! Du kan nu rapportera för {place}.\n"
        "Skriv vad du gjort, till exempel ”3 trafikkontroller E45 i går” – eller använd /logga.",
        f"Welcome! You can now report for {place}.\n"
        "Write what you did, for example ”3 trafikkontroller E45 i går” – or use /log.",
    )


def refused(result: Redemption, lang: Lang) -> str:
    reason = result.refused
    if reason == "slow_down":
        minutes = max(
            1, int((result.retry_after or timedelta(minutes=1)).total_seconds() // 60) + 1
        )
        return pick(
            lang,
            f"För många försök med felaktiga koder. Vänta {count(minutes, 'minut', 'minuter')} "
            "och försök igen.",
            f"Too many attempts with wrong codes. Wait {count(minutes, 'minute', 'minutes')} "
            "and try again.",
        )
    if reason == "used":
        return pick(
            lang,
            "Den inbjudan har redan använts. Be den som bjöd in dig om en ny.",
            "That invitation has already been used. Ask for a new one.",
        )
    if reason == "expired":
        return pick(
            lang,
            "Den inbjudan har gått ut. Be den som bjöd in dig om en ny.",
            "That invitation has expired. Ask for a new one.",
        )
    return pick(
        lang,
        "Den inbjudningskoden fungerar inte. "
        "Kontrollera att du fick med hela länken, eller be om en ny.",
        "That invitation code does not work. "
        "Check that you used the whole link, or ask for a new one.",
    )


def _member_line(member: TeamMember, tz: ZoneInfo, lang: Lang) -> str:
    name = esc(member.name or pick(lang, "(namn saknas)", "(no name)"))
    since = member.since.astimezone(tz).strftime("%Y-%m-%d")
    role = role_name(member.role, member.organisation, lang)
    return f"• {name} – {role}, {pick(lang, 'sedan', 'since')} {since}"


def teams(
    teams: Sequence[Team], user_id: int, tz: ZoneInfo, lang: Lang
) -> tuple[str, Markup | None]:
    if not teams:
        return pick(
            lang, "Det här kommandot är till för administratörer.", "This command is for admins."
        ), None
    lines: list[str] = []
    rows: list[list[Button]] = []
    for team in teams:
        lines.append(b(team.municipality))
        if not team.members:
            lines.append(i(pick(lang, "Inga rapportörer än.", "No reporters yet.")))
        for member in team.members:
            lines.append(_member_line(member, tz, lang))
            if member.user_id != user_id:
                label = pick(lang, "Ta bort ", "Remove ") + (member.name or str(member.user_id))
                rows.append([_button(f"{label} ({team.municipality})", "rm", member.membership_id)])
        for invite in team.open_invites:
            who = role_name(invite.role, invite.organisation, lang)
            until = pick(lang, "gäller till", "valid until")
            lines.append(
                pick(lang, "• Öppen inbjudan: ", "• Open invitation: ")
                + f"{who}, {until} {_when(invite.expires_at, tz)}"
            )
            rows.append(
                [
                    _button(
                        pick(lang, "Återkalla inbjudan ", "Revoke invitation ")
                        + _when(invite.expires_at, tz),
                        "ri",
                        invite.id,
                    )
                ]
            )
        lines.append("")
    lines.append(pick(lang, "Ny inbjudan: /inbjudan", "New invitation: /invite"))
    return "\n".join(lines), Markup(rows) if rows else None


def confirm_remove(membership_id: int, lang: Lang) -> tuple[str, Markup]:
    return pick(lang, "Ta bort personens behörighet?", "Remove this person's access?"), Markup(
        [[_button(pick(lang, "Ja, ta bort", "Yes, remove"), "ry", membership_id)]]
    )


def removed(member: TeamMember, lang: Lang) -> str:
    name = esc(member.name or str(member.user_id))
    return pick(
        lang,
        f"{name} kan inte längre rapportera här. Det som redan loggats ligger kvar.",
        f"{name} can no longer report here. What was already logged stays.",
    )


def invite_revoked(municipality: str, lang: Lang) -> str:
    return pick(
        lang,
        f"Inbjudan till {esc(municipality)} är återkallad.",
        f"The invitation to {esc(municipality)} is revoked.",
    )


def list_pledges(options: Sequence[Option], lang: Lang) -> tuple[str, Markup | None]:
    if not options:
        return pick(
            lang, "Det här kommandot är till för administratörer.", "This command is for admins."
        ), None
    rows = [
        [_button(f"{o.short_name} ({o.municipality})", "ll", o.pledge_id)] for o in options[:30]
    ]
    return pick(
        lang,
        "Vilket löfte gäller listan (skolor, boenden, byar …)?",
        "Which pledge is the list for (schools, homes, villages …)?",
    ), Markup(rows)


def _entries(n: int, lang: Lang) -> str:
    return count(n, "insats", "insatser") if lang == "sv" else count(n, "entry", "entries")


def _items(n: int, lang: Lang) -> str:
    return count(n, "post", "poster") if lang == "sv" else count(n, "item", "items")


def _list_buttons(lang: Lang, *, done: bool) -> Markup:
    row = [_button(pick(lang, "Avbryt", "Cancel"), "la")]
    if done:
        row.insert(0, _button(pick(lang, "✅ Klar", "✅ Done"), "lf"))
    return Markup([row])


def list_prompt(current: ListResult, lang: Lang) -> tuple[str, Markup]:
    lines = [f"{b(current.pledge)} · {esc(current.municipality)}"]
    if current.items:
        lines.append(
            pick(
                lang, f"Listan nu ({len(current.items)}):", f"The list now ({len(current.items)}):"
            )
        )
        lines.extend(f"• {esc(name)}" for name in current.items)
    else:
        lines.append(pick(lang, "Ingen lista än.", "No list yet."))
    lines.append(
        pick(
            lang,
            "Skicka den nya listan, en post per rad, i ett eller flera meddelanden "
            "(eller som en .txt- eller .csv-fil). Tryck Klar eller skriv klar när den är komplett: "
            "då ersätter den listan ovan.",
            "Send the new list, one item per line, in one message or several "
            "(or as a .txt or .csv file). Press Done when it is complete: "
            "then it replaces the list above.",
        )
    )
    return "\n".join(lines), _list_buttons(lang, done=False)


def list_step(step: ListStep, lang: Lang) -> tuple[str, Markup | None]:
    """The reply to a message (or the press) while a list is collected or when it is saved."""
    if step.kind == "saved" and step.result is not None:
        return list_saved(step.result, lang), None
    if step.kind == "closed":
        return list_closed(lang), None
    lines: list[str] = []
    if step.edited:
        lines.append(pick(lang, "Rättat.", "Corrected."))
    if step.added:
        lines.append(pick(lang, "Tillagt: ", "Added: ") + join_names(list(step.added), lang) + ".")
    if step.again:
        lines.append(
            pick(lang, "Fanns redan med: ", "Already there: ")
            + join_names(list(step.again), lang)
            + "."
        )
    count = len(step.collected)
    lines.append(
        pick(
            lang,
            f"Den nya listan för {b(step.pledge)} har {_items(count, lang)} hittills. "
            "Skicka fler eller tryck Klar för att spara den.",
            f"The new list for {b(step.pledge)} has {_items(count, lang)} so far. "
            "Send more or press Done to save it.",
        )
    )
    return "\n".join(lines), _list_buttons(lang, done=True)


def list_closed(lang: Lang) -> str:
    return pick(
        lang,
        "Ingen lista är öppen just nu. Börja med /lista.",
        "No list is open just now. Start with /list.",
    )


def list_saved(result: ListResult, lang: Lang) -> str:
    matching = result.matching
    counted = {c.item: c for c in matching.counted} if matching else {}
    lines = [
        pick(
            lang,
            f"Listan för {b(result.pledge)} i {esc(result.municipality)} "
            f"har nu {_items(len(result.items), lang)}:",
            f"The list for {b(result.pledge)} in {esc(result.municipality)} "
            f"now has {_items(len(result.items), lang)}:",
        )
    ]
    for name in result.items:
        line = f"• {esc(name)}"
        if matching is not None:
            found = counted.get(name)
            if found is None:
                line += pick(lang, " – inget inrapporterat än", " – nothing logged yet")
            else:
                line += f" – {_entries(found.entries, lang)}"
                other = [p for p in found.places if p.casefold() != name.casefold()]
                if other:
                    line += pick(lang, " (skrivet som ", " (written as ")
                    line += join_names(other, lang) + ")"
        lines.append(line)
    progress = result.progress
    if progress is not None and progress.coverage is not None and progress.window is not None:
        shown = progress_line(progress, progress.window.end, lang)
        if shown:
            lines.append(shown)
    if result.removed:
        lines.append(
            pick(lang, "Borttagna från listan: ", "Taken off the list: ")
            + join_names(list(result.removed), lang)
        )
    if matching is not None and matching.unmatched:
        lines.append(
            pick(
                lang,
                "Inrapporterade platser som inte finns på listan och inte räknas:",
                "Logged places that are not on the list and do not count:",
            )
        )
        lines.extend(
            f"• {esc(p.place)} ({_entries(p.entries, lang)})" for p in matching.unmatched[:20]
        )
        if len(matching.unmatched) > 20:
            more = len(matching.unmatched) - 20
            lines.append(pick(lang, f"… och {more} till", f"… and {more} more"))
        lines.append(
            pick(
                lang,
                "Hör någon av dem till en post på listan? Då kan rapportören rätta platsen "
                "under /mina, eller så skriver du postens namn så som den platsen brukar skrivas.",
                "Does one of them belong to an item on the list? Then the reporter can correct "
                "the place under /mine, or you write the item's name the way that place is "
                "usually written.",
            )
        )
    if matching is not None and matching.without_place:
        n = matching.without_place
        lines.append(
            pick(
                lang,
                f"{_entries(n, lang).capitalize()} utan plats räknas inte mot listan.",
                f"{_entries(n, lang).capitalize()} without a place "
                f"{'does' if n == 1 else 'do'} not count towards the list.",
            )
        )
    return "\n".join(lines)


def list_problem(key: str, lang: Lang) -> str:
    return t("list.long" if key == "list.long" else "list.empty", lang)
