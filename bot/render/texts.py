"""Texts for people, in plain Swedish (English when the user's Telegram language is English).

Every name that comes from storage or from a user is escaped here, at the point where HTML is
built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.render.html import b, esc, join_names
from bot.services.access import Who

Lang = Literal["sv", "en"]
Audience = Literal["all", "reporter", "admin"]


def lang_of(language_code: str | None) -> Lang:
    return "en" if (language_code or "").lower().startswith("en") else "sv"


@dataclass(frozen=True)
class CommandInfo:
    """One command: its Swedish name (also its key), its English name, what it does in each
    language, who sees it, and whether it belongs in the command menu."""

    name: str
    english: str
    sv: str
    en: str
    audience: Audience = "all"
    in_menu: bool = True

    @property
    def aliases(self) -> tuple[str, ...]:
        """The other names the bot answers to (the English one, when it differs)."""
        return () if self.english == self.name else (self.english,)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the bot answers to, for a CommandHandler: Swedish first."""
        return (self.name, *self.aliases)

    def called(self, lang: Lang) -> str:
        """The command's name for people of this language, without the slash."""
        return self.name if lang == "sv" else self.english


# The commands the bot answers. Help texts and the command menus are made from this list, so a
# command appears in them exactly when it exists.
COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo(
        "start", "start", "Börja om och se välkomsttexten", "Start over and see the welcome"
    ),
    CommandInfo("hjalp", "help", "Vad kan jag göra här?", "What can I do here?"),
    CommandInfo(
        "hurgardet",
        "progress",
        "Hur går det med löftena? (ange gärna kommun)",
        "How are the pledges going? (name a municipality)",
    ),
    CommandInfo(
        "loften",
        "pledges",
        "Vad har polisen och kommunen lovat?",
        "What did the police and municipality promise?",
    ),
    CommandInfo(
        "kommun", "municipality", "Välj vilken kommun du frågar om", "Choose your municipality"
    ),
    CommandInfo(
        "prenumerera",
        "subscribe",
        "Få besked när en ny lägesrapport kommer",
        "Get a note when a new progress report is out",
    ),
    CommandInfo("avsluta", "unsubscribe", "Sluta prenumerera", "Stop the subscription"),
    CommandInfo(
        "tyck",
        "feedback",
        "Skicka en synpunkt till polisen och kommunen",
        "Send your view to the police and municipality",
    ),
    CommandInfo(
        "glom",
        "forget",
        "Glöm allt du sparat om den här chatten",
        "Forget everything about this chat",
    ),
    CommandInfo(
        "logga",
        "log",
        "Logga en insats steg för steg",
        "Log an activity step by step",
        audience="reporter",
    ),
    CommandInfo(
        "mina",
        "mine",
        "Mina senaste poster: ändra eller ta bort",
        "My latest entries: change or remove",
        audience="reporter",
    ),
    CommandInfo(
        "angra", "undo", "Ångra min senaste post", "Undo my latest entry", audience="reporter"
    ),
    CommandInfo(
        "paus",
        "pause",
        "Pausa påminnelserna, t.ex. när du är ledig",
        "Pause the weekly reminders, e.g. on leave",
        audience="reporter",
    ),
    CommandInfo(
        "inbjudan",
        "invite",
        "Bjud in en rapportör eller administratör",
        "Invite a reporter or admin",
        audience="admin",
    ),
    CommandInfo(
        "rapportorer",
        "reporters",
        "Visa och ta bort rapportörer",
        "Show and remove reporters",
        audience="admin",
    ),
    CommandInfo(
        "lista",
        "list",
        "Ge listan (skolor, byar …) för ett löfte",
        "Give a pledge's list (schools, villages …)",
        audience="admin",
    ),
    CommandInfo(
        "ord",
        "words",
        "Ord som boten lärt sig av rapportörerna",
        "Words the bot learnt from reporters",
        audience="admin",
        in_menu=False,
    ),
    CommandInfo(
        "schema",
        "schedule",
        "Lägesrapporter: schema, godkännande, påminnelser",
        "Progress posts: schedule, approval, reminders",
        audience="admin",
    ),
    CommandInfo(
        "export",
        "export",
        "Hämta data som CSV- eller JSON-fil",
        "Download the data as a CSV or JSON file",
        audience="admin",
    ),
    CommandInfo(
        "kortnamn",
        "shortnames",
        "Visa eller byt löftenas kortnamn",
        "Show or change the pledges' short names",
        audience="admin",
        in_menu=False,
    ),
)

# The one table of command names: key (the Swedish name) -> (Swedish, English). The handlers
# answer to both names; texts and menus name the one of the reader's language.
COMMAND_NAMES: dict[str, tuple[str, str]] = {c.name: (c.name, c.english) for c in COMMANDS}


def command(key: str, lang: Lang) -> str:
    """A command as people of this language type it: ``command("logga", "en") == "/log"``."""
    sv, en = COMMAND_NAMES[key]
    return f"/{sv if lang == 'sv' else en}"


def commands_for(who: Who | None) -> list[CommandInfo]:
    allowed: set[str] = {"all"}
    if who is not None and who.is_reporter:
        allowed.add("reporter")
    if who is not None and who.is_admin:
        allowed.add("admin")
    return [c for c in COMMANDS if c.audience in allowed]


def _describe(command: CommandInfo, lang: Lang) -> str:
    return command.sv if lang == "sv" else command.en


def _role_lines(who: Who, lang: Lang) -> list[str]:
    lines = []
    if who.admin_in:
        names = join_names(list(who.admin_in), lang)
        lines.append(
            f"Du är admin för {names}." if lang == "sv" else f"You are an admin for {names}."
        )
    only_reporter = [m for m in who.reporter_in if m not in who.admin_in]
    if only_reporter:
        names = join_names(only_reporter, lang)
        lines.append(
            f"Du är rapportör för {names}." if lang == "sv" else f"You report for {names}."
        )
    return lines


def welcome(who: Who, first_name: str | None, lang: Lang) -> str:
    name = f", {esc(first_name)}" if first_name else ""
    if lang == "sv":
        lines = [
            b("Hej") + f"{name}! Välkommen till Löftesboten.",
            "",
            "Här kan du följa hur polisen och kommunen håller sina medborgarlöften – "
            "de löften om trygghet som de har gett tillsammans i din kommun.",
        ]
        if who.known_municipalities:
            lines += [
                "",
                f"Jag känner till löftena i {join_names(list(who.known_municipalities), lang)}.",
            ]
        else:
            lines += ["", "Inga kommuner har lagts in ännu."]
    else:
        lines = [
            b("Hi") + f"{name}! Welcome to Löftesboten.",
            "",
            "Here you can follow how the police and the municipality keep their citizen "
            "pledges (medborgarlöften) for a safer municipality.",
        ]
        if who.known_municipalities:
            names = join_names(list(who.known_municipalities), lang)
            lines += ["", f"I know the pledges of {names}."]
        else:
            lines += ["", "No municipalities have been added yet."]
    roles = _role_lines(who, lang)
    if roles:
        lines += ["", *roles]
    lines += [
        "",
        "Skriv /hjalp för att se vad du kan göra."
        if lang == "sv"
        else "Send /help to see what you can do.",
    ]
    return "\n".join(lines)


def help_text(who: Who, lang: Lang) -> str:
    commands = commands_for(who)
    title = "Det här kan du göra" if lang == "sv" else "What you can do"
    lines = [b(title), ""]
    for command in commands:
        lines.append(f"/{command.called(lang)} – {esc(_describe(command, lang))}")
    roles = _role_lines(who, lang)
    if roles:
        lines += ["", *roles]
    if who.is_reporter:
        lines += [
            "",
            "Logga en insats genom att skriva vad du gjorde, till exempel "
            "”3 trafikkontroller E45 i går” eller ”skolbesök Sveg i dag”. En bild med bildtext "
            "går också bra."
            if lang == "sv"
            else "Log an activity by writing what you did, e.g. ”3 trafikkontroller E45 i går”. "
            "A photo with a caption works too.",
        ]
    if who.is_admin:
        lines += [
            "",
            "Skicka en löftessida (.txt eller .html, eller klistra in texten) så läser jag in den."
            if lang == "sv"
            else "Send a promise page (.txt or .html, or paste the text) and I will import it.",
        ]
    if lang == "sv":
        lines += [
            "",
            "Det som visas för allmänheten är antal och datum – aldrig vem som rapporterade.",
        ]
    else:
        lines += ["", "Public answers show counts and dates only, never who reported."]
    return "\n".join(lines)


def help_button(lang: Lang) -> str:
    return "Visa hjälp" if lang == "sv" else "Show help"


def unknown_command(lang: Lang) -> str:
    if lang == "sv":
        return "Det kommandot känner jag inte igen. Skriv /hjalp för att se vad jag kan."
    return "I don't know that command. Send /help to see what I can do."


def not_understood(lang: Lang) -> str:
    if lang == "sv":
        return "Jag förstod inte riktigt. Skriv /hjalp för att se vad jag kan hjälpa till med."
    return "I didn't quite understand. Send /help to see what I can help with."


def stale_button(lang: Lang) -> str:
    if lang == "sv":
        return "Den här knappen är för gammal. Skriv /start för att börja om."
    return "This button has expired. Send /start to begin again."


def error_reply(lang: Lang) -> str:
    if lang == "sv":
        return "Något gick fel hos mig. Försök gärna igen om en liten stund."
    return "Something went wrong on my side. Please try again in a little while."


def error_note_for_admins(kind: str, where: str) -> str:
    return (
        f"⚠️ {b('Fel i Löftesboten')}\n"
        f"Ett oväntat fel ({esc(kind)}) inträffade i {esc(where)}. "
        "Detaljerna finns i loggen."
    )


# What Telegram shows before the first message: the short description on the bot's profile
# and in shared links (at most 120 characters), the description in the empty chat (at most
# 512). Plain text: Telegram shows them as written.
SHORT_DESCRIPTION_LIMIT = 120
DESCRIPTION_LIMIT = 512


def bot_short_description(lang: Lang) -> str:
    if lang == "sv":
        return (
            "Följ polisens och kommunens medborgarlöften där du bor. "
            "För polis och kommun: logga insatser och visa läget."
        )
    return (
        "Follow what the police and your municipality promised where you live. "
        "For their staff: log the work, show progress."
    )


def bot_description(lang: Lang) -> str:
    if lang == "sv":
        return (
            "Medborgarlöften är det som polisen och kommunen lovar att göra tillsammans för "
            "tryggheten där du bor.\n\n"
            "Som invånare: fråga ”hur går det i Åsele?”, se vad som är gjort, följ "
            "lägesrapporterna och skicka en synpunkt.\n\n"
            "Hos polisen eller kommunen: logga en insats med ett vanligt meddelande från "
            "telefonen, få en påminnelse när ett löfte halkar efter och publicera "
            "lägesrapporter.\n\n"
            "Tryck på Starta för att börja."
        )
    return (
        "Medborgarlöften are what the police and the municipality promise to do together for "
        "safety where you live.\n\n"
        "As a resident: ask “how is it going in Åsele?”, see what has been done, follow the "
        "progress reports and send your view.\n\n"
        "At the police or the municipality: log an activity with a plain message from your "
        "phone, get a reminder when a pledge falls behind, and publish progress reports.\n\n"
        "Press Start to begin."
    )
