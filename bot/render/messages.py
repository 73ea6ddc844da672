"""One text catalogue for Swedish and English.

Every text that code outside the render layer asks for is named by a message key, gettext
style: services raise errors that carry a key and values (``Invalid("schedule.bad_time")``),
and the handlers turn them into text in the person's language here, with ``t``. Counts use
``n``, which picks the singular or plural form. Texts that only one render function uses
may stay beside it as a pair through ``pick(lang, sv, en)``: the one way, in the whole bot,
of choosing between a Swedish and an English text.

A key names a family and a case ("report.future", "import.too_slow"); a plural key has two
forms, "<key>.one" and "<key>.other". Placeholders are ``str.format`` names ("{municipality}").
The values are put in as they are: a caller that shows the text as HTML escapes the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

Lang = Literal["sv", "en"]


def pick(lang: Lang | str, sv: str, en: str) -> str:
    """The Swedish text for Swedish, the English one for everyone else."""
    return sv if lang == "sv" else en


MESSAGES: dict[str, tuple[str, str]] = {
    # -- generic service errors (the fallback for an error raised without its own key) --
    "error.error": ("Det gick inte.", "Not possible."),
    "error.not_allowed": ("Det får du inte göra.", "You may not do that."),
    "error.not_found": ("Det finns inte.", "That does not exist."),
    "error.invalid": ("Det gick inte.", "Not possible."),
    # -- rights --
    "access.not_admin": ("Du är inte administratör.", "You are not an admin."),
    "access.not_admin_there": (
        "Du är inte administratör där.",
        "You are not an admin there.",
    ),
    "access.not_admin_in": (
        "Du är inte administratör i {municipality}.",
        "You are not an admin in {municipality}.",
    ),
    "access.not_admin_in_id": (
        "Du är inte administratör i kommun {municipality_id}.",
        "You are not an admin in municipality {municipality_id}.",
    ),
    "access.not_admin_of_pledge": (
        "Du är inte administratör för löftets kommun.",
        "You are not an admin of the pledge's municipality.",
    ),
    "access.not_reporter": ("Du är inte rapportör.", "You are not a reporter."),
    "access.not_your_municipality": (
        "Kommun {municipality_id} hör inte till dina kommuner.",
        "Municipality {municipality_id} is not one of yours.",
    ),
    "access.not_your_pledge": (
        "Löfte {pledge_id} hör inte till dina kommuner.",
        "Pledge {pledge_id} does not belong to your municipalities.",
    ),
    "access.not_your_focus_area": (
        "Fokusområde {focus_area_id} hör inte till dina kommuner.",
        "Focus area {focus_area_id} does not belong to your municipalities.",
    ),
    "access.not_your_entry": ("Posten är någon annans.", "The entry is someone else's."),
    "access.not_your_draft": ("Utkastet är någon annans.", "The draft is someone else's."),
    "access.not_your_activity": (
        "Aktivitet {activity_id} är någon annans.",
        "Activity {activity_id} is someone else's.",
    ),
    # -- things that are not there --
    "missing.municipality": (
        "Kommunen {name} finns inte.",
        "The municipality {name} does not exist.",
    ),
    "missing.municipality_id": (
        "Kommun {municipality_id} finns inte.",
        "Municipality {municipality_id} does not exist.",
    ),
    "missing.pledge": ("Löfte {pledge_id} finns inte.", "Pledge {pledge_id} does not exist."),
    "missing.word": (
        "Ordet {pledge_id}/{index} finns inte.",
        "Word {pledge_id}/{index} does not exist.",
    ),
    "missing.membership": (
        "Medlemskap {membership_id} finns inte.",
        "Membership {membership_id} does not exist.",
    ),
    "missing.invite": ("Inbjudan {invite_id} finns inte.", "Invite {invite_id} does not exist."),
    "missing.draft": ("Utkast {draft_id} finns inte.", "Draft {draft_id} does not exist."),
    "missing.activity": (
        "Aktivitet {activity_id} finns inte.",
        "Activity {activity_id} does not exist.",
    ),
    "missing.list_item": ("Listpost {item} finns inte.", "List item {item} does not exist."),
    "missing.focus_area": (
        "Fokusområde {focus_area} finns inte.",
        "Focus area {focus_area} does not exist.",
    ),
    "missing.nothing_to_undo": ("Det finns inget att ångra.", "There is nothing to undo."),
    "missing.choice": ("Det valet finns inte.", "That choice does not exist."),
    "missing.button_id": ("Knappen saknar id.", "The button has no id."),
    "missing.approval": ("Godkännandet finns inte.", "The approval does not exist."),
    "missing.report": ("Rapporten finns inte.", "The report does not exist."),
    # -- reporting: what a reporter is told when nothing was saved --
    "report.unsaved": ("Det gick inte att spara.", "That could not be saved."),
    "report.count_missing": ("Det gick inte att spara.", "That could not be saved."),
    "report.day_missing": ("Det gick inte att spara.", "That could not be saved."),
    "report.item_missing": ("Det gick inte att spara.", "That could not be saved."),
    "report.edited_answer": (
        "Det meddelandet var ett svar på min fråga, så ändringen sparar ingenting. Rätta posten "
        "med knapparna under bekräftelsen, eller se /mina.",
        "That message answered my question, so the edit saves nothing. Fix the entry with the "
        "buttons under the confirmation, or see /mine.",
    ),
    "report.too_long": (
        "Meddelandet är för långt för en rapport (högst 4 000 tecken). Skriv kort vad du gjorde, "
        "till exempel ”3 trafikkontroller E45 i går”.",
        "The message is too long for a report (at most 4,000 characters). Write briefly what "
        "you did, for example ”3 trafikkontroller E45 i går”.",
    ),
    "report.future": (
        "Datumet ligger i framtiden, så jag sparade ingenting. Skriv när det hände, till exempel "
        "”i går” eller ”12/3” – du kan också redigera meddelandet.",
        "That date is in the future, so nothing was saved. Write when it happened, for example "
        "”i går” or ”12/3” – or edit the message.",
    ),
    "report.too_old": (
        "Datumet ligger mer än ett år bakåt, så jag sparade ingenting. Äldre insatser lägger en "
        "administratör in.",
        "That date is more than a year ago, so nothing was saved. An admin can add older work.",
    ),
    "report.invalid": (
        "Det datumet finns inte i kalendern, så jag sparade ingenting. Skriv till exempel "
        "”12/3” eller ”2026-03-12”.",
        "That date does not exist, so nothing was saved. Write for example ”12/3” or ”2026-03-12”.",
    ),
    "report.unclear": (
        "Jag kunde inte avgöra vilken dag det gällde, så jag sparade ingenting. Skriv dagen, "
        "till exempel ”i fredags” eller ”13/11” – du kan också redigera meddelandet.",
        "I could not tell which day it was, so nothing was saved. Write the day, for example "
        "”i fredags” or ”13/11” – or edit the message.",
    ),
    "report.zero": (
        "Antalet blev 0, så jag sparade ingenting. Skriv hur många gånger – eller inget antal "
        "alls, så räknar jag en.",
        "The count was 0, so nothing was saved. Write how many times – or no number, and I "
        "count one.",
    ),
    "report.negative": (
        "Antalet kan inte vara negativt, så jag sparade ingenting. Vill du ta bort något du "
        "loggat? Använd /angra eller /mina.",
        "The count cannot be negative, so nothing was saved. To remove an entry, use /undo or "
        "/mine.",
    ),
    "report.too_large": (
        "Antalet är större än 999, så jag sparade ingenting. Stämmer det? Dela gärna upp det i "
        "flera rapporter.",
        "The count is above 999, so nothing was saved. Is that right? Split it into several "
        "reports.",
    ),
    "report.count_low": ("Antalet ska vara minst 1.", "The count must be at least 1."),
    "report.count_high": ("Antalet kan vara högst 999.", "The count can be at most 999."),
    "report.not_a_number": (
        "Skriv antalet med siffror, till exempel 3.",
        "Type the count in digits, e.g. 3.",
    ),
    "report.not_a_day": (
        "Jag förstod inte dagen. Skriv till exempel ”i går”, ”i tisdags” eller ”12/3”.",
        "I did not understand the day. Write for example ”i går”, ”i tisdags” or ”12/3”.",
    ),
    "report.place_missing": ("Skriv en plats.", "Type a place."),
    # -- feedback (/tyck) --
    "feedback.empty": ("Skriv något efter /tyck.", "Write something after /feedback."),
    "feedback.long": (
        "Synpunkten är för lång (högst 2 000 tecken).",
        "Too long (at most 2,000 characters).",
    ),
    "feedback.rate": (
        "Tack! Du har skickat flera synpunkter den senaste timmen – vänta en stund innan nästa.",
        "Thank you! You have sent several in the last hour – please wait a while.",
    ),
    # -- reminders paused (/paus) --
    "pause.unclear": (
        "Jag förstod inte hur länge du vill pausa. Skriv till exempel /paus 2 veckor, "
        "/paus till 24/12 eller /paus tills vidare – eller /paus av för att slå på "
        "påminnelserna igen.",
        "I did not understand how long to pause. Write e.g. /pause 2 weeks, /pause until 24/12 "
        "or /pause until further notice – or /pause off to turn the reminders back on.",
    ),
    "pause.past": (
        "Det datumet har redan varit. Skriv ett datum från och med i dag, till exempel "
        "/paus till 24/12.",
        "That date has passed. Write a date from today on, e.g. /pause until 24/12.",
    ),
    "pause.invalid": (
        "Det datumet finns inte i kalendern. Skriv till exempel /paus till 24/12 eller "
        "/paus till 2027-01-06.",
        "That date does not exist. Write e.g. /pause until 24/12 or /pause until 2027-01-06.",
    ),
    "pause.too_far": (
        "Det är mer än ett år fram. Vill du pausa utan slutdatum, skriv /paus tills vidare.",
        "That is more than a year ahead. To pause without an end, send "
        "/pause until further notice.",
    ),
    # -- lists of places, schools, ... --
    "list.long": (
        "Listan är för lång (högst 200 poster).",
        "The list is too long (at most 200 items).",
    ),
    "list.empty": (
        "Jag hittade inga namn i listan. Skriv ett namn per rad.",
        "I found no names in the list. Write one name per line.",
    ),
    # -- the publishing schedule (/schema) --
    "schedule.bad_time": (
        "Skriv tiden som TT:MM, till exempel 09:00.",
        "Write the time as HH:MM, for example 09:00.",
    ),
    "schedule.bad_every": (
        "Välj kvartal, tertial, halvår, år, månad eller av.",
        "Choose quarter, tertial, half year, year, month or off.",
    ),
    "schedule.bad_unanswered": ("Välj publicera eller vänta.", "Choose publish or wait."),
    "schedule.bad_approval_hours": (
        "Godkännandet kan begäras mellan 1 timme och 14 dagar i förväg.",
        "Approval can be asked for between 1 hour and 14 days ahead.",
    ),
    "schedule.bad_reminder_weeks": (
        "Välj mellan 0 (inga påminnelser) och 26 veckor.",
        "Choose between 0 (no reminders) and 26 weeks.",
    ),
    "schedule.settled_here": (
        "Rapporten är redan avgjord och kan inte ändras här.",
        "The report is already decided and cannot be changed here.",
    ),
    "schedule.settled": ("Rapporten är redan avgjord.", "The report is already decided."),
    "schedule.comment_empty": ("Kommentaren är tom.", "The comment is empty."),
    "schedule.comment_long": (
        "Kommentaren får vara högst 1 500 tecken.",
        "The comment may be at most 1,500 characters.",
    ),
    # -- invites and members --
    "invite.bad_lifetime": (
        "giltighetstiden ska vara mellan fem minuter och 30 dagar",
        "an invite lasts between five minutes and 30 days",
    ),
    "team.not_yourself": ("du kan inte ta bort dig själv", "you cannot remove yourself"),
    # -- renaming a pledge (/byt_namn) --
    "rename.hidden_characters": (
        "namnet innehåller osynliga tecken ({characters}); skriv det med vanliga bokstäver",
        "the name has invisible characters ({characters}); write it with plain letters",
    ),
    "rename.length": ("ett kortnamn är 2–40 tecken", "a short name is 2–40 characters"),
    "rename.common_word": (
        "”{name}” läses som ett vanligt ord – välj ett namn som säger vad löftet gäller",
        "”{name}” reads as a common word – choose a name that says what the pledge is about",
    ),
    "rename.taken": (
        "kortnamnet ”{name}” används redan i {municipality}",
        "the short name ”{name}” is already used in {municipality}",
    ),
    # -- importing a page of pledges or a follow-up --
    "import.unreadable": ("{reason}", "{reason}"),
    "import.refused": ("{reason}", "{reason}"),
    "import.too_slow": (
        "Sidan tog för lång tid att läsa. Spara bara själva löftessidan, "
        "eller klistra in dess text, och försök igen.",
        "The page took too long to read. Save only the pledge page itself, "
        "or paste its text, and try again.",
    ),
    "import.bad_date": (
        "'{value}' är inget datum (ÅÅÅÅ-MM-DD)",
        "'{value}' is not a date (YYYY-MM-DD)",
    ),
    "import.municipality_missing": ("kommunens namn saknas", "the municipality's name is missing"),
    "import.hidden_characters": (
        "kortnamnet '{name}' innehåller osynliga tecken ({characters}); "
        "skriv det med vanliga bokstäver",
        "the short name '{name}' has invisible characters ({characters}); "
        "write it with plain letters",
    ),
    "import.not_admin_for": (
        "Sidan gäller {municipality}, men du är inte admin där.",
        "The page is about {municipality}, where you are not an admin.",
    ),
    "import.file_too_big": (
        "filen är {size} MB; en löftessida är högst {limit} MB",
        "the file is {size} MB; a pledge page is at most {limit} MB",
    ),
    "import.file_unreadable": (
        "filen kan inte läsas ({reason})",
        "the file cannot be read ({reason})",
    ),
    # -- a document of pledges that cannot be stored --
    "catalogue.bad_date": (
        "{field}: '{value}' är inget datum (ÅÅÅÅ-MM-DD)",
        "{field}: '{value}' is not a date (YYYY-MM-DD)",
    ),
    "catalogue.period_start_missing": ("periodens början saknas", "the period's start is missing"),
    "catalogue.period_backwards": (
        "perioden slutar innan den börjar",
        "the period ends before it begins",
    ),
    "catalogue.pledge_text_missing": ("ett löfte saknar text", "a pledge has no text"),
    "catalogue.bad_responsible": (
        "okänd ansvarig '{responsible}' (polisen, kommunen eller båda)",
        "unknown responsible '{responsible}' (polisen, kommunen or båda)",
    ),
    "catalogue.bad_target": (
        "målet för '{text}' måste vara ett positivt heltal",
        "the target of '{text}' must be a positive whole number",
    ),
    "catalogue.hidden_characters": (
        "kortnamnet för '{text}' innehåller osynliga tecken ({characters}); "
        "skriv det med vanliga bokstäver",
        "the short name of '{text}' has invisible characters ({characters}); "
        "write it with plain letters",
    ),
    "catalogue.common_word": (
        "kortnamnet '{name}' för '{text}' läses som ett vanligt ord; "
        "välj ett namn som säger vad löftet gäller",
        "the short name '{name}' of '{text}' reads as a common word; "
        "choose a name that says what the pledge is about",
    ),
    # -- report periods (/rapport 2026-Q3) --
    "period.unreadable": (
        "Perioden {text} går inte att läsa. Skriv till exempel 2026-Q3 (kvartal), "
        "2026-T2 (tertial), 2026-H1 (halvår), 2026 (år) eller period (hela löftesperioden).",
        "The period {text} cannot be read. Write for example 2026-Q3 (quarter), "
        "2026-T2 (tertial), 2026-H1 (half year), 2026 (year) or period (the whole pledge period).",
    ),
    "period.not_begun": ("Perioden {sv} har inte börjat än.", "The period {en} has not begun yet."),
    "period.no_pledges": (
        "Kommunen har inga medborgarlöften som har börjat gälla.",
        "The municipality has no pledges in force yet.",
    ),
    # -- words the bot has learnt (/ord) --
    "words.none": (
        "Boten har inte lärt sig några ord än. När en rapportör väljer löfte för ett "
        "meddelande som boten inte förstod, blir orden ett synonym för löftet – de visas här.",
        "The bot has not learnt any words yet. When a reporter picks a pledge for a message "
        "the bot did not understand, its words become a synonym of the pledge – shown here.",
    ),
    "words.title": ("Ord som boten har lärt sig", "Words the bot has learnt"),
    "words.tap_to_remove": (
        "Tryck på ett ord för att ta bort det: då läses sådana meddelanden inte längre som "
        "det löftet.",
        "Tap a word to remove it: such messages are then no longer read as that pledge.",
    ),
    "words.removed": ("Borttaget: ”{word}” för {pledge}.", "Removed: ”{word}” for {pledge}."),
    "words.gone": ("Det ordet finns inte längre.", "That word is no longer there."),
    # -- export (/export) --
    "export.only_admins": (
        "Tack för att du frågar! Exporten av data är till för administratörer. "
        "Vill du se hur det går med löftena, skriv /hurgardet.",
        "Thanks for asking! Exporting data is for admins. "
        "To see how the pledges are going, send /progress.",
    ),
    "export.not_admin_there": (
        "Du är inte administratör för den kommunen, så du kan inte hämta dess data.",
        "You are not an admin for that municipality, so you cannot download its data.",
    ),
    "export.all_mine": ("Alla mina kommuner", "All my municipalities"),
    "export.which_municipality": (
        "Export – vilken kommun gäller det?",
        "Export – which municipality?",
    ),
    "export.all_yours": ("alla dina kommuner", "all your municipalities"),
    "export.choose_kind": (
        "<b>Export</b> av {which}\n\n"
        "<b>Internt</b>: allt som sparats – platser, anteckningar, organisation och borttagna "
        "poster. Bara för er själva.\n"
        "<b>Publikt</b>: antal och datum, platser bara där de markerats som offentliga. Inga "
        "namn och inga anteckningar. Går att dela.\n\n"
        "CSV öppnas direkt i Excel; JSON passar för andra program.",
        "<b>Export</b> of {which}\n\n"
        "<b>Internal</b>: everything stored – places, notes, organisation and deleted "
        "entries. For your team only.\n"
        "<b>Public</b>: counts and dates, places only where marked public. No names and no "
        "notes. Fine to share.\n\n"
        "CSV opens directly in Excel; JSON suits other programs.",
    ),
    "export.internal": ("internt", "internal"),
    "export.public": ("publikt", "public"),
    "export.preparing": ("Filen skapas …", "Making the file …"),
    "export.too_large": (
        "Filen blev större än {megabytes} MB, och så stora filer kan jag inte skicka här. "
        "Välj en kommun i taget, eller använd kommandot <code>loftesbot export</code> på servern.",
        "The file is larger than {megabytes} MB, which I cannot send here. Choose one "
        "municipality at a time, or use <code>loftesbot export</code> on the server.",
    ),
    "export.municipalities": ("{count} kommuner", "{count} municipalities"),
    # -- counts (see n) --
    "count.week.one": ("{count} vecka", "{count} week"),
    "count.week.other": ("{count} veckor", "{count} weeks"),
    "count.pledge.one": ("{count} löfte", "{count} pledge"),
    "count.pledge.other": ("{count} löften", "{count} pledges"),
    "count.result.one": ("{count} resultat", "{count} result"),
    "count.result.other": ("{count} resultat", "{count} results"),
    "count.extra_activity.one": ("{count} extra insats", "{count} extra activity"),
    "count.extra_activity.other": ("{count} extra insatser", "{count} extra activities"),
    "count.focus_area.one": ("{count} fokusområde", "{count} focus area"),
    "count.focus_area.other": ("{count} fokusområden", "{count} focus areas"),
    "count.activity.one": ("{count} aktivitet", "{count} activity"),
    "count.activity.other": ("{count} aktiviteter", "{count} activities"),
    "count.result_text.one": ("{count} resultattext", "{count} result text"),
    "count.result_text.other": ("{count} resultattexter", "{count} result texts"),
    "count.result_note.one": ("{count} resultattext", "{count} result note"),
    "count.result_note.other": ("{count} resultattexter", "{count} result notes"),
}


def t(key: str, lang: Lang | str, /, **values: object) -> str:
    """The text for `key` in `lang` (English for anything but Swedish), its placeholders
    filled from `values`. An unknown key is a bug and raises KeyError."""
    sv, en = MESSAGES[key]
    text = pick(lang, sv, en)
    return text.format(**values) if values else text


def n(key: str, count: int, lang: Lang | str, /, **values: object) -> str:
    """The singular ("<key>.one") for exactly one, else the plural ("<key>.other"), in
    Swedish and English alike; ``{count}`` is the number."""
    form = "one" if count == 1 else "other"
    return t(f"{key}.{form}", lang, count=count, **values)


class Keyed(Protocol):
    """Anything that carries a message key and its values, like a service error."""

    key: str
    values: Mapping[str, object]


def say(message: Keyed, lang: Lang | str) -> str:
    """The text of a keyed message (a service error) in `lang`."""
    return t(message.key, lang, **message.values)
