"""The public pages' words, in Swedish (the default) and English.

Templates call `t("key")` for a fixed text, `t("key", name=...)` for one with a place to fill,
and `tn("key", n)` for a counted word with its right plural ("1 insats", "3 insatser"). A kommun
that overrides a template can use the same keys. Values are plain text: the templates escape.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["sv", "en"]

# key -> (Swedish, English)
TEXTS: dict[str, tuple[str, str]] = {
    "site_name": ("Medborgarlöften", "Citizen pledges"),
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "nav_label": ("Huvudmeny", "Main menu"),
    "all_kommuner": ("Alla kommuner", "All municipalities"),
    "index_title": ("Medborgarlöften – hur går det?", "Citizen pledges – how are they going?"),
    "index_intro": (
        "Polisen och kommunerna lovar invånarna att göra vissa saker under en period. "
        "Här syns hur det går, med siffror från deras egna noteringar.",
        "The police and the municipalities promise their residents to do certain things over "
        "a period. Here you can see how it is going, with figures from their own records.",
    ),
    "no_kommuner": ("Inga kommuner ännu.", "No municipalities yet."),
    "kommun_title": ("Hur går det i {name}?", "How is {name} doing?"),
    "kommun_short": ("Medborgarlöften i {name}", "Citizen pledges in {name}"),
    "police_area": ("Lokalpolisområde", "Local police area"),
    "period": ("Period", "Period"),
    "period_open": ("från {start}, tills vidare", "from {start}, until further notice"),
    "no_period": ("Ingen period ännu", "No period yet"),
    "status_summary": ("Läget", "Status"),
    "running_as_of": ("Perioden pågår; läget {day}.", "The period is still running; as of {day}."),
    "ended_as_of": (
        "Läget när perioden slutade, {day}.",
        "Where things stood when the period ended, {day}.",
    ),
    "no_pledges": (
        "Kommunen har inga medborgarlöften för perioden.",
        "The municipality has no pledges for the period.",
    ),
    "focus_area": ("Fokusområde", "Focus area"),
    "other_pledges": ("Övriga löften", "Other pledges"),
    "responsible": ("Ansvar", "Responsible"),
    "target": ("Mål", "Target"),
    "no_target": ("Inget mätbart mål", "No measurable target"),
    "done_window": ("Gjort {when}", "Done {when}"),
    "done_period": ("Gjort under perioden", "Done in the period"),
    "where_now": ("Läge", "Progress"),
    "status": ("Status", "Status"),
    "last_activity": ("Senaste insats", "Latest activity"),
    "none_yet": ("Ingen ännu", "None yet"),
    "latest_result": ("Senaste resultat", "Latest result"),
    "results": ("Resultat", "Results"),
    "no_results": (
        "Inga publicerade resultattexter för perioden.",
        "No published result texts for the period.",
    ),
    "read_more": ("Mer om löftet: {name}", "More about the pledge: {name}"),
    "chart": ("Diagram", "Chart"),
    "chart_alt": (
        "Diagram över löftena i {name}: {summary}. Samma siffror finns i tabellen nedanför.",
        "Chart of the pledges in {name}: {summary}. The same figures are in the table below.",
    ),
    "chart_table": (
        "Diagrammets siffror: gjort mot målet i löftets egen period",
        "The chart's figures: done against the target in the pledge's own period",
    ),
    "col_pledge": ("Löfte", "Pledge"),
    "col_responsible": ("Ansvar", "Responsible"),
    "col_done": ("Gjort", "Done"),
    "col_target": ("Mål", "Target"),
    "col_status": ("Status", "Status"),
    "col_window": ("Period", "Period"),
    "col_text": ("Text", "Text"),
    "dash": ("–", "–"),
    "extras": ("Extra insatser utöver löftena", "Extra activities beyond the pledges"),
    "no_extras": ("Inga extra insatser under perioden.", "No extra activities in the period."),
    "extras_total": (
        "{what} utanför löftena under perioden.",
        "{what} outside the pledges in the period.",
    ),
    "extras_latest": ("De senaste", "The latest"),
    "updated": ("Senast uppdaterad", "Last updated"),
    "never_updated": ("Inga insatser loggade än", "No activities logged yet"),
    "history": ("Gjort per period", "Done per period"),
    "history_caption": (
        "Insatser per period för {name}",
        "Activities per period for {name}",
    ),
    "no_history": ("Ingen period har börjat än.", "No period has begun yet."),
    "share": ("Dela", "Share"),
    "share_mail": ("E-post", "E-mail"),
    "share_address": ("Sidans adress", "The page's address"),
    "share_subject": ("Medborgarlöfte i {name}: {pledge}", "Citizen pledge in {name}: {pledge}"),
    "share_hint": (
        "Dela med en länk; inga knappar hämtar något från andra webbplatser.",
        "Share with a link; no buttons load anything from other sites.",
    ),
    "back_to_kommun": ("Alla löften i {name}", "All pledges in {name}"),
    "data": ("Data (JSON)", "Data (JSON)"),
    "feed": ("Flöde (Atom)", "Feed (Atom)"),
    "feed_title": ("Lägesrapporter för {name}", "Progress reports for {name}"),
    "widget_more": ("Hela sidan om löftena", "The full page on the pledges"),
    "footer": (
        "Siffrorna är antal och datum från polisens och kommunens egna noteringar; inga namn "
        "redovisas. Status räknas mot målet i löftets egen period.",
        "Figures are counts and dates from the police's and the municipality's own records; "
        "no names are shown. Status is measured against the target in the pledge's own period.",
    ),
    "footer_bot": (
        "Samma siffror som i Löftesboten på Telegram.",
        "The same figures as in Löftesboten on Telegram.",
    ),
    "description": (
        "Polisens och kommunens medborgarlöften i {name}: {summary}.",
        "The citizen pledges of the police and the municipality in {name}: {summary}.",
    ),
    "at": ("kl.", "at"),
}

# key -> (Swedish one, Swedish many, English one, English many)
COUNTED: dict[str, tuple[str, str, str, str]] = {
    "pledge": ("löfte", "löften", "pledge", "pledges"),
    "activity": ("insats", "insatser", "activity", "activities"),
    "time": ("gång", "gånger", "time", "times"),
    "post": ("lägesrapport", "lägesrapporter", "progress report", "progress reports"),
}


def text(key: str, lang: Lang, **fields: object) -> str:
    """A fixed text, with `{name}` places filled from `fields`."""
    sv, en = TEXTS[key]
    value = sv if lang == "sv" else en
    return value.format(**fields) if fields else value


def counted(key: str, n: int, lang: Lang) -> str:
    """ "1 löfte", "0 löften", "3 pledges": the singular only for exactly one."""
    sv_one, sv_many, en_one, en_many = COUNTED[key]
    if lang == "sv":
        return f"{n} {sv_one if n == 1 else sv_many}"
    return f"{n} {en_one if n == 1 else en_many}"
