"""The page reader on the five published seed pages and on pages written for these tests.

Seed pages live in ``shared/seeds`` beside the repository (skipped when absent); the pages in
``tests/domain/pages`` are invented kommuner written in other styles.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.domain.pages import PageError, PageReading, PageTarget, read_page
from bot.domain.pages.matching import Candidate, closest, match_pledges
from bot.domain.pages.names import content_words, is_not_a_name, tidy_short_name

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PAGES = Path(__file__).resolve().parent / "pages"
TODAY = date(2024, 5, 1)


def seed(prefix: str) -> bytes:
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not available: {SEEDS} does not exist")
    matches = sorted(SEEDS.glob(f"{prefix}_*"))
    if not matches:
        pytest.skip(f"seed page {prefix}_* not found in {SEEDS}")
    return matches[0].read_bytes()


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def T(
    count: int | None,
    at_least: bool,
    per: str | None,
    unit: str | None,
    coverage: str | None = None,
) -> PageTarget:
    return PageTarget(count, at_least, per, unit, coverage)  # type: ignore[arg-type]


@dataclass(frozen=True)
class P:
    """An expected pledge."""

    short_name: str
    responsible: str
    target: PageTarget | None = None
    results: tuple[tuple[int | None, bool], ...] | None = None
    starts: str | None = None


@dataclass(frozen=True)
class Spec:
    kind: str
    municipality: str
    police_area: str | None
    period: tuple[date | None, date | None]
    areas: tuple[tuple[str | None, tuple[P, ...]], ...]
    extras: tuple[tuple[str, int | None], ...] = ()
    warnings: tuple[str, ...] = ()


def check(reading: PageReading, spec: Spec) -> None:
    assert reading.kind == spec.kind
    assert reading.municipality == spec.municipality
    assert reading.police_area == spec.police_area
    assert (reading.period.start, reading.period.end) == spec.period
    assert [a.name for a in reading.focus_areas] == [name for name, _ in spec.areas]
    for area, (name, expected) in zip(reading.focus_areas, spec.areas, strict=True):
        got = [(p.short_name, p.responsible) for p in area.pledges]
        assert got == [(e.short_name, e.responsible) for e in expected], name
        for pledge, e in zip(area.pledges, expected, strict=True):
            assert pledge.target == e.target, pledge.short_name
            if e.starts is not None:
                assert pledge.text.startswith(e.starts), pledge.text
            if e.results is not None or reading.kind == "follow_up":
                results = [(r.count, r.approximate) for r in pledge.results]
                assert results == list(e.results or ()), pledge.short_name
                assert all(r.text for r in pledge.results)
    extras = [(x.text, x.count) for x in reading.extra_activities]
    assert len(extras) == len(spec.extras)
    for (text, count), (starts, expected_count) in zip(extras, spec.extras, strict=True):
        assert text.startswith(starts), text
        assert count == expected_count, text
    for wanted in spec.warnings:
        assert any(wanted in w for w in reading.warnings), (wanted, reading.warnings)
    for warning in reading.warnings:
        assert any(w in warning for w in spec.warnings), f"unexpected warning: {warning}"
    names = [p.short_name for p in reading.pledges]
    assert len(names) == len(set(names))
    for name in names:
        assert name == tidy_short_name(name), name  # lower case, acronyms as written
        assert not is_not_a_name(name), name
        assert 1 <= content_words(name) <= 3, name


# ---------------------------------------------------------------------------------------------
# The seed pages

SEED_SPECS: dict[str, Spec] = {
    "000": Spec(
        kind="pledges",
        municipality="Härjedalen",
        police_area=None,
        period=(None, None),
        areas=(
            ("Trafiksäkerhet", (P("trafikkontroller", "polisen"),)),
            (
                "Ungdomarna i fokus",
                (
                    P(
                        "lag och rätt åk 8",
                        "polisen",
                        T(None, False, "period", "besök", "alla årskurs 8"),
                    ),
                    P("skolbesök", "polisen"),
                    P("föräldramöten", "polisen"),
                    P("tips", "polisen"),
                    P("utbildningsinsatser", "kommunen"),
                    P("tobaksfri DUO", "kommunen"),
                    P("användning av droger", "kommunen"),
                    P("rökfria skolgårdar", "kommunen"),
                ),
            ),
            ("Integration", (P("besök invandrargrupper", "polisen"),)),
            (None, (P("förbättra samverkan", "båda"),)),
        ),
        warnings=("Hittade ingen period – ange den vid importen",),
    ),
    "001": Spec(
        kind="follow_up",
        municipality="Härjedalen",
        police_area=None,
        period=(date(2019, 1, 1), date(2020, 12, 31)),
        areas=(
            (
                "Trafiksäkerhet",
                (
                    P("trafikkontroller", "polisen", results=((80, False),)),
                    P("samverkan mot alkohol och droger", "båda", results=((1, False),)),
                    P(
                        "information om trafikregler och trafiksäkerhet",
                        "båda",
                        results=((None, False),),
                    ),
                    P("tryggare trafikmiljö", "kommunen", results=((None, False), (None, False))),
                ),
            ),
            (
                "Alkohol, narkotika, droger och dopning, ANDT",
                (
                    P(
                        "besök hos alla åttor",
                        "polisen",
                        T(None, False, "period", "besök", "alla åttondeklasser"),
                        results=((None, False),),
                    ),
                    P("polisen medverkar vid möten", "polisen", results=((None, False),)),
                    P("besök i skolor och fritidsgårdar", "polisen", results=((40, True),)),
                    P("tips som rör unga", "polisen", results=((None, False),)),
                    P("drogförebyggande arbete i skolorna", "kommunen", results=((None, False),)),
                    P("tobaksfri duo", "kommunen", results=((None, False),)),
                    P("kartlägga droganvändning", "kommunen", results=((None, False),)),
                ),
            ),
            (
                "Integration",
                (
                    P("besök hos invandrargrupper", "polisen", results=((None, False),)),
                    P("information om ANDT på SFI", "kommunen", results=((None, False),)),
                    P("information till invandrare", "båda", results=((0, False),)),
                    P("utveckla samverkan", "båda", results=((None, False),)),
                ),
            ),
        ),
        extras=(
            ("Nykter studentkortege: ", None),
            ("Drogförebyggande arbete i skolan med narkotikahund: ", None),
            ("Medling: ", None),
            ("Tillsammans mot nätdroger: ", None),
        ),
    ),
    "002": Spec(
        kind="pledges",
        municipality="Åsele",
        police_area=None,
        period=(date(2017, 1, 1), date(2017, 12, 31)),
        areas=(
            (
                None,
                (
                    P("trafikinsatser", "polisen", T(4, True, "year", "trafikinsatser")),
                    P("informationsträffar trafik", "båda"),
                    P(
                        "skolbesök",
                        "polisen",
                        T(2, True, "year", "besök", "skolorna i kommunen"),
                    ),
                    P("informationsinsatser", "båda"),
                ),
            ),
        ),
    ),
    "003": Spec(
        kind="pledges",
        municipality="Haparanda",
        police_area="Östra Norrbotten",
        period=(None, None),
        areas=(
            (
                None,
                (
                    P("drogförebyggande arbete", "båda"),
                    P("operativa insatser", "polisen", T(2, True, "half_year", "insatser")),
                    P("insatser mot droger", "båda"),
                    P(
                        "aktivitetstillfällen",
                        "båda",
                        T(2, True, "period", "aktivitetstillfällen"),
                    ),
                    P("närvaro på publika platser", "polisen", T(1, True, "week", "tillfällen")),
                    P("insatser mot våld", "båda"),
                ),
            ),
        ),
        warnings=("Hittade ingen period – ange den vid importen",),
    ),
    "004": Spec(
        kind="pledges",
        municipality="Härnösand",
        police_area="Södra Ångermanland",
        period=(TODAY, None),
        areas=(
            (
                "Mer tillgänglig polis",
                (
                    P(
                        "arbetstid i ytterområden",
                        "polisen",
                        T(
                            None,
                            False,
                            "period",
                            None,
                            "Ramvik/Hälledal, Brunne, Gussjö, Häggdånger, Viksjö och Älandsbro",
                        ),
                    ),
                    P("invånardialoger", "polisen"),
                    P("kunskap kring sexuella ofredanden", "båda"),
                    P(
                        "skolbesök",
                        "båda",
                        T(None, False, "term", "besök", "högstadie- och gymnasieskolor"),
                    ),
                    P("samverkan vid evenemang", "båda"),
                    P("sociala insatsgrupper", "båda"),
                    P("information om samarbeten", "båda"),
                ),
            ),
            (
                "Trafik och miljö",
                (P("insatser mot motorburen ungdom", "polisen", T(2, True, "year", "tillfällen")),),
            ),
        ),
        warnings=("saknar publiceringsdatum – perioden räknas från i dag (2024-05-01)",),
    ),
}


@pytest.mark.parametrize("prefix", sorted(SEED_SPECS))
def test_seed_page(prefix: str) -> None:
    reading = read_page(seed(prefix), source=f"seeds/{prefix}", today=TODAY)
    check(reading, SEED_SPECS[prefix])


def test_follow_up_seed_matches_the_pledge_seed() -> None:
    pledges = read_page(seed("000"), source="000", today=TODAY)
    follow_up = read_page(seed("001"), source="001", today=TODAY)
    assert pledges.municipality == follow_up.municipality
    assert follow_up.kind == "follow_up" and pledges.kind == "pledges"
    results = [r for p in follow_up.pledges for r in p.results]
    assert len(results) == 16
    assert sum(1 for r in results if r.count is not None) == 4
    # "98 procent" and "Två/Tre gånger per år" are not activity counts.
    assert all(r.count not in (98, 2, 3) for r in results)


@pytest.mark.parametrize("prefix", sorted(SEED_SPECS))
def test_seed_pages_read_fast(prefix: str) -> None:
    content = seed(prefix)
    started = time.perf_counter()
    read_page(content, source=prefix, today=TODAY)
    assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------------------------------------
# Pages written for these tests

OWN_SPECS: dict[str, Spec] = {
    "01_bergsvik_versaler.txt": Spec(
        kind="pledges",
        municipality="Bergsvik",
        police_area="Norra Kusten",
        period=(date(2021, 1, 1), date(2022, 12, 31)),
        areas=(
            (
                "Trygg skolväg",
                (
                    P(
                        "hastighetskontroller",
                        "polisen",
                        T(6, True, "month", "hastighetskontroller"),
                        starts="Polisen lovar att genomföra minst sex",
                    ),
                    P(
                        "farthinder",
                        "kommunen",
                        T(11, False, "period", "farthinder"),
                        starts="Kommunen lovar att sätta upp elva",
                    ),
                    P(
                        "trafikvandringar",
                        "båda",
                        T(3, False, "year", "trafikvandringar"),
                        starts="Tillsammans lovar vi att bjuda in",
                    ),
                ),
            ),
            (
                "Narkotika bland unga",
                (
                    P(
                        "besök niondeklasser",
                        "polisen",
                        T(None, False, "period", "besök", "alla niondeklasser"),
                        starts="Polisen lovar att besöka alla",
                    ),
                    P(
                        "närvaro i centrum",
                        "kommunen",
                        T(None, False, "week", "fredagskvällar"),
                        starts="Kommunens fältassistenter",
                    ),
                    P(
                        "föräldrakväll om cannabis",
                        "båda",
                        T(1, False, "term", "föräldrakvällar"),
                        starts="Tillsammans lovar vi att ordna",
                    ),
                ),
            ),
        ),
    ),
    "02_fjallmo_roller.html": Spec(
        kind="pledges",
        municipality="Fjällmo",
        police_area="Övre Dalen",
        period=(date(2018, 1, 1), date(2019, 12, 31)),
        areas=(
            (
                "Trygg centrumkärna",
                (
                    P(
                        "fotpatrullering",
                        "polisen",
                        T(2, True, "week", "kvällar"),
                        starts="Fotpatrullera på torget",
                    ),
                    P(
                        "krogkontroller",
                        "båda",
                        T(4, False, "quarter", "krogkontroller"),
                        starts="Genomföra fyra krogkontroller",
                    ),
                    P("belysningen", "kommunen", None, starts="Byta ut belysningen"),
                    P(
                        "nattvandringar",
                        "kommunen",
                        T(8, False, "term", "nattvandringar"),
                        starts="Anordna åtta nattvandringar",
                    ),
                    P(
                        "trygghetsvandring",
                        "båda",
                        T(1, False, "tertial", "trygghetsvandringar"),
                        starts="Hålla en trygghetsvandring",
                    ),
                ),
            ),
            (
                "Ungdomar och droger",
                (
                    P(
                        "besök åk 9",
                        "polisen",
                        T(None, False, "period", "besök", "alla årskurs 9"),
                        starts="Besöka alla årskurs 9",
                    ),
                    P(
                        "föräldrautbildning",
                        "kommunen",
                        T(2, False, "half_year", "föräldrautbildningar"),
                        starts="Erbjuda föräldrautbildning",
                    ),
                    P("sommarlovets insatser", "båda", None, starts="Kommunen och polisen"),
                ),
            ),
        ),
    ),
    "03_sjobacka_uppfoljning.txt": Spec(
        kind="follow_up",
        municipality="Sjöbacka",
        police_area=None,
        period=(date(2022, 1, 1), date(2023, 12, 31)),
        areas=(
            (
                None,
                (
                    P(
                        "nykterhetskontroller",
                        "polisen",
                        T(12, True, "year", "nykterhetskontroller"),
                        results=((15, False),),
                        starts="Polisen lovar att genomföra minst tolv",
                    ),
                    P(
                        "föräldraträffar",
                        "kommunen",
                        T(4, False, "period", "föräldraträffar"),
                        results=((3, False),),
                        starts="Sjöbacka kommun lovar",
                    ),
                    P(
                        "nattvandringar",
                        "båda",
                        T(None, False, "week", "nattvandringar"),
                        results=((100, True),),
                        starts="Tillsammans lovar vi",
                    ),
                    P(
                        "öppet hus",
                        "polisen",
                        T(1, False, "quarter", "gånger"),
                        results=((0, False),),
                        starts="Polisen lovar att hålla öppet hus",
                    ),
                ),
            ),
        ),
        extras=(("Cykelkampanj: ", 200), ("Trygghetsmätning: ", None)),
        warnings=('Resultatet "Utfallet blev 5 nya grupper', "kunde inte kopplas till något löfte"),
    ),
    "04_nordvik_utan_rubriker.txt": Spec(
        kind="pledges",
        municipality="Nordvik",
        police_area="Fjällbygden",
        period=(date(2020, 1, 1), date(2021, 12, 31)),
        areas=(
            (
                None,
                (
                    P(
                        "trafikkontroller",
                        "polisen",
                        T(30, True, "year", "trafikkontroller"),
                        starts="Polisen lovar att genomföra minst 30",
                    ),
                    P("belysningen", "kommunen", None, starts="Nordviks kommun lovar att rusta"),
                    P(
                        "medborgardialoger",
                        "båda",
                        T(2, False, "year", "medborgardialoger"),
                        starts="Polisen och kommunen lovar att tillsammans",
                    ),
                    P("fältgrupp", "kommunen", None, starts="Kommunen lovar att socialtjänstens"),
                ),
            ),
        ),
    ),
    "05_talldal_trasig.html": Spec(
        kind="pledges",
        municipality="Talldal",
        police_area="Skogsbygd",
        period=(date(2021, 9, 14), None),
        areas=(
            (
                "Mindre skadegörelse",
                (
                    P(
                        "insatser mot skadegörelse",
                        "polisen",
                        T(3, True, "tertial", "insatser"),
                        starts="Polisen lovar att göra minst 3",
                    ),
                    P("klotter", "kommunen", None, starts="Talldals kommun lovar att sanera"),
                    P("kameror", "kommunen", None, starts="Kommunen lovar att installera"),
                ),
            ),
            (
                "Trygga idrottsevenemang",
                (
                    P(
                        "hemmamatcher",
                        "polisen",
                        T(None, False, "period", None, "samtliga hemmamatcher"),
                        starts="Polisen lovar att närvara",
                    ),
                    P(
                        "matchvärdar",
                        "kommunen",
                        T(12, False, None, "matchvärdar"),
                        starts="Kommunen lovar att utbilda tolv matchvärdar",
                    ),
                ),
            ),
        ),
        warnings=('Frekvensen "per säsong"',),
    ),
    "06_ekholma_numrerad.txt": Spec(
        kind="pledges",
        municipality="Ekholma",
        police_area="Mälarstrand",
        period=(date(2024, 1, 1), None),
        areas=(
            (
                "Trafik i bostadsområden",
                (
                    P(
                        "hastighetsmätningar",
                        "polisen",
                        T(5, True, "month", "hastighetsmätningar"),
                        starts="genomföra åtminstone fem hastighetsmätningar",
                    ),
                    P(
                        "resultatet",
                        "polisen",
                        T(None, False, "quarter", None),
                        starts="rapportera resultatet",
                    ),
                    P(
                        "korsningar",
                        "kommunen",
                        T(2, False, "period", "korsningar"),
                        starts="bygga om två korsningar",
                    ),
                    P(
                        "trafikträff",
                        "kommunen",
                        T(1, False, "half_year", "trafikträffar"),
                        starts="erbjuda boende",
                    ),
                ),
            ),
            (
                "Brott i nära relationer",
                (
                    P(
                        "utbildning för personal",
                        "båda",
                        T(1, False, "year", "utbildningar"),
                        starts="Polisen och kommunen lovar att genomföra en gemensam",
                    ),
                    P("orosanmälningar", "kommunen", None, starts="Kommunens socialtjänst"),
                ),
            ),
        ),
    ),
    "07_granlunda_resultatlista.html": Spec(
        kind="follow_up",
        municipality="Granlunda",
        police_area="Västra Slätten",
        period=(date(2023, 1, 1), date(2023, 12, 31)),
        areas=(
            (
                None,
                (
                    P(
                        "hastighetskontroller",
                        "polisen",
                        T(40, True, "year", "hastighetskontroller"),
                        results=((46, False),),
                    ),
                    P(
                        "föreläsning om nätmobbning",
                        "kommunen",
                        T(None, False, "period", "föreläsningar", "alla sjundeklasser"),
                        results=((None, False),),
                    ),
                    P(
                        "mottagning",
                        "polisen",
                        T(None, False, "week", None),
                        results=((24, False),),
                    ),
                    P("sly", "kommunen", T(2, False, "year", "gånger"), results=((1, False),)),
                    P(
                        "trygghetsvandring",
                        "båda",
                        T(None, False, "period", "trygghetsvandringar", "varje kommundel"),
                        results=((4, False),),
                    ),
                ),
            ),
        ),
        warnings=('Resultatet "Cykelstöldsmärkning', "kunde inte kopplas till något löfte"),
    ),
    "08_vallbo_roller.txt": Spec(
        kind="pledges",
        municipality="Vallbo",
        police_area="Sjödalen",
        period=(date(2019, 1, 1), date(2019, 12, 31)),
        areas=(
            (
                "Trygghet i Vallbo centrum",
                (
                    P(
                        "insatser mot langning",
                        "polisen",
                        T(5, True, "year", "insatser"),
                        starts="Vi genomför fler än fyra (4)",
                    ),
                    P(
                        "närvaro vid vallbodagarna och valborgsfirandet",
                        "polisen",
                        None,
                        starts="Vi finns på plats",
                    ),
                    P(
                        "fältassistenterna",
                        "kommunen",
                        T(None, False, "week", "kvällar"),
                        starts="Vi ser till att",
                    ),
                    P("klotter", "kommunen", None, starts="Vi tar bort klotter"),
                    P(
                        "besök åttondeklasser",
                        "båda",
                        T(None, False, "period", "besök", "alla åttondeklasser"),
                        starts="Vi besöker alla",
                    ),
                    P(
                        "medborgardialog",
                        "båda",
                        T(None, False, "quarter", "medborgardialoger"),
                        starts="Vi bjuder in",
                    ),
                ),
            ),
        ),
    ),
    "09_myrvik_uppfoljning.html": Spec(
        kind="follow_up",
        municipality="Myrvik",
        police_area="Kustlandet",
        period=(date(2020, 1, 1), date(2021, 12, 31)),
        areas=(
            (
                "Trafik",
                (
                    P(
                        "nykterhetskontroller vid färjeläget",
                        "polisen",
                        T(8, True, "year", "nykterhetskontroller"),
                        results=((21, False),),
                    ),
                    P("säkrare skolvägar", "kommunen", None, results=((0, False),)),
                ),
            ),
            (
                "Ungdomar",
                (
                    P(
                        "fritidsgården fyren",
                        "kommunen",
                        T(3, False, "week", "kvällar"),
                        results=((None, False),),
                    ),
                    P(
                        "polisen på sociala medier",
                        "polisen",
                        T(None, False, "month", "inlägg"),
                        results=((40, True),),
                    ),
                ),
            ),
        ),
        extras=(("Midsommarfirandet: ", None), ("Sommarjobb: ", 35)),
    ),
}


def test_there_are_enough_own_pages() -> None:
    files = sorted(
        p.name for p in PAGES.iterdir() if p.suffix in (".txt", ".html") and p.name < "10"
    )
    assert files == sorted(OWN_SPECS)  # 10_* onwards: test_pages_varied.py
    assert len(files) >= 8
    assert sum(1 for f in files if f.endswith(".html")) >= 2


@pytest.mark.parametrize("name", sorted(OWN_SPECS))
def test_own_page(name: str) -> None:
    reading = read_page(page(name), source=name, today=TODAY)
    check(reading, OWN_SPECS[name])


def test_follow_up_restating_pledges_keeps_each_pledge_once() -> None:
    reading = read_page(page("03_sjobacka_uppfoljning.txt"), source="03", today=TODAY)
    texts = [p.text for p in reading.pledges]
    assert len(texts) == len(set(texts)) == 4
    assert all(len(p.results) == 1 for p in reading.pledges)


def test_script_navigation_captions_and_footer_are_not_read() -> None:
    reading = read_page(page("02_fjallmo_roller.html"), source="02", today=TODAY)
    everything = json.dumps(reading.to_json(), ensure_ascii=False)
    for furniture in ("5 saker", "kakor", "Kommun och politik", "skriver under", "0123-456"):
        assert furniture not in everything


def test_cp1252_and_utf16_pages_read_like_utf8() -> None:
    text = page("04_nordvik_utan_rubriker.txt").decode("utf-8")
    expected = read_page(text, source="x", today=TODAY).to_json()
    assert read_page(text.encode("cp1252"), source="x", today=TODAY).to_json() == expected
    assert read_page(text.encode("utf-16"), source="x", today=TODAY).to_json() == expected
    assert read_page(b"\xef\xbb\xbf" + text.encode(), source="x", today=TODAY).to_json() == expected


# ---------------------------------------------------------------------------------------------
# The JSON document


def test_to_json_has_exactly_the_documented_shape() -> None:
    reading = read_page(page("03_sjobacka_uppfoljning.txt"), source="s.txt", today=TODAY)
    document = reading.to_json()
    assert json.loads(json.dumps(document)) == document
    assert set(document) == {
        "source",
        "kind",
        "municipality",
        "police_area",
        "period",
        "focus_areas",
        "extra_activities",
        "warnings",
        "reported_period",  # optional: "vad som blev gjort under 2022" on a 2022–2023 page
    }
    assert document["reported_period"] == {"start": "2022-01-01", "end": "2022-12-31"}
    assert document["source"] == "s.txt"
    assert document["period"] == {"start": "2022-01-01", "end": "2023-12-31"}
    area = document["focus_areas"][0]
    assert set(area) == {"name", "pledges"}
    pledge = area["pledges"][0]
    # "synonyms" is optional: only when the lexicon has words for the pledge's activity.
    assert set(pledge) - {"synonyms"} == {"text", "short_name", "responsible", "target", "results"}
    assert all(isinstance(w, str) for w in pledge.get("synonyms", []))
    assert set(pledge["target"]) == {"count", "at_least", "per", "unit", "coverage"}
    assert set(pledge["results"][0]) == {"text", "count", "approximate"}
    assert set(document["extra_activities"][0]) == {"text", "count"}
    assert all(isinstance(w, str) for w in document["warnings"])


def test_reported_period_only_when_the_page_names_one() -> None:
    pledges = read_page(page("01_bergsvik_versaler.txt"), source="x", today=TODAY).to_json()
    assert "reported_period" not in pledges
    whole = read_page(page("09_myrvik_uppfoljning.html"), source="x", today=TODAY).to_json()
    assert "reported_period" not in whole


def test_null_target_and_open_period_in_json() -> None:
    document = read_page(page("05_talldal_trasig.html"), source="t", today=TODAY).to_json()
    assert document["period"] == {"start": "2021-09-14", "end": None}
    assert document["focus_areas"][0]["pledges"][1]["target"] is None


def test_municipality_hint_overrides_and_warns_when_it_differs() -> None:
    content = page("04_nordvik_utan_rubriker.txt")
    same = read_page(content, source="x", today=TODAY, municipality_hint="Nordvik")
    assert same.municipality == "Nordvik"
    assert not any("angavs" in w for w in same.warnings)
    other = read_page(content, source="x", today=TODAY, municipality_hint="Storby")
    assert other.municipality == "Storby"
    assert any("Nordvik" in w and "Storby" in w for w in other.warnings)


def test_open_ended_period_without_any_date_starts_today_with_warning() -> None:
    text = (
        "Medborgarlöften i Storby\n\nLöftena gäller tills vidare.\n\n"
        "• Polisen lovar att genomföra minst två trygghetsvandringar per år.\n"
    )
    reading = read_page(text, source="x", today=date(2025, 3, 9))
    assert (reading.period.start, reading.period.end) == (date(2025, 3, 9), None)
    assert any("2025-03-09" in w for w in reading.warnings)
    dated = read_page("Publicerad 2019-05-02\n\n" + text, source="x", today=date(2025, 3, 9))
    assert (dated.period.start, dated.period.end) == (date(2019, 5, 2), None)
    assert dated.warnings == ()


@pytest.mark.parametrize(
    ("line", "period"),
    [
        ("Medborgarlöften 2018-2019", (date(2018, 1, 1), date(2019, 12, 31))),
        ("Medborgarlöften 2018–2019", (date(2018, 1, 1), date(2019, 12, 31))),
        ("Löftena gäller för 2019 och 2020.", (date(2019, 1, 1), date(2020, 12, 31))),
        ("Medborgarlöfte 2017", (date(2017, 1, 1), date(2017, 12, 31))),
        ("Löftena gäller 2021-03-01 – 2022-02-28.", (date(2021, 3, 1), date(2022, 2, 28))),
        ("Löftena gäller från och med nu och tills vidare.", (TODAY, None)),
    ],
)
def test_period_forms(line: str, period: tuple[date | None, date | None]) -> None:
    text = f"Storby kommun\n\n{line}\n\n• Polisen lovar att synas mer i Storby centrum.\n"
    reading = read_page(text, source="x", today=TODAY)
    assert (reading.period.start, reading.period.end) == period


def test_a_bullet_without_subject_under_a_joint_intro_is_joint() -> None:
    text = (
        "Medborgarlöften i Storby\n\n"
        "Polisen och Storby kommun lovar att göra följande genom att:\n"
        "• Ordna trygghetsvandringar i centrum.\n"
        "• Polisen genomför fler fotpatruller.\n"
        "• Kommunen rustar upp belysningen i parken.\n"
    )
    reading = read_page(text, source="x", today=TODAY)
    assert [p.responsible for p in reading.pledges] == ["båda", "polisen", "kommunen"]


def test_unclear_responsibility_becomes_a_warning() -> None:
    text = "Medborgarlöften i Storby 2022\n\nVåra löften\n\n• Fler trygghetsvandringar i centrum.\n"
    reading = read_page(text, source="x", today=TODAY)
    assert reading.pledges[0].responsible == "båda"
    assert any("framgår inte vem som ansvarar" in w for w in reading.warnings)


def test_numbers_that_are_not_targets() -> None:
    text = (
        "Medborgarlöften i Storby 2022\n\n"
        "• Polisen lovar att kontrollera trafiken på E4 och väg 56 under 2022.\n"
        "• Kommunen lovar att ge alla elever i årskurs 7 information om droger.\n"
        "• Kommunen lovar att 95 procent av klottret ska vara borta inom 24 timmar.\n"
    )
    reading = read_page(text, source="x", today=TODAY)
    # "alla elever i årskurs 7" is a coverage, not a count of 7.
    assert [p.target for p in reading.pledges] == [
        None,
        T(None, False, "period", None, "alla elever i årskurs 7"),
        None,
    ]
    assert reading.warnings == ()


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("content", [b"", "", "   \n\t  ", b"\n\n"])
def test_empty_input(content: bytes | str) -> None:
    with pytest.raises(PageError, match="tom"):
        read_page(content, source="x", today=TODAY)


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\x03binary\x00data" * 50,
        b"Polisen lovar\x00att",
        "Polisen lovar\x00att",
        bytes(range(256)) * 4,
    ],
)
def test_binary_input(content: bytes | str) -> None:
    with pytest.raises(PageError, match=r"binär|går inte att läsa som text"):
        read_page(content, source="x", today=TODAY)


def test_known_binary_formats_get_their_own_message() -> None:
    with pytest.raises(PageError, match="PDF"):
        read_page(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", source="x", today=TODAY)
    with pytest.raises(PageError, match="bild"):
        read_page(b"\x89PNG\r\n\x1a\n\x00\x00", source="x", today=TODAY)


def test_bytes_that_are_neither_utf8_nor_cp1252() -> None:
    with pytest.raises(PageError, match="varken UTF-8 eller Windows-1252"):
        read_page(b"Polisen lovar \x81\x8d\x8f\x90\x9d att", source="x", today=TODAY)


@pytest.mark.parametrize("as_text", [False, True])
def test_a_five_megabyte_page_is_refused(as_text: bool) -> None:
    line = "• Polisen lovar att genomföra minst fyra trafikkontroller per år i Storby.\n"
    text = "Medborgarlöften i Storby\n\n" + line * (5 * 1024 * 1024 // len(line.encode()) + 1)
    started = time.perf_counter()
    with pytest.raises(PageError, match="för stor"):
        read_page(text if as_text else text.encode(), source="x", today=TODAY)
    assert time.perf_counter() - started < 1.0


def test_a_page_without_pledges() -> None:
    text = (
        "Nyheter från Storby kommun\n\n"
        "Kommunfullmäktige sammanträder på torsdag. Mötet börjar klockan 18.\n\n"
        "Läs mer om trygghet i Storby på kommunens webbplats.\n"
    )
    with pytest.raises(PageError, match="Hittade inga löften"):
        read_page(text, source="x", today=TODAY)


def test_a_page_without_municipality_needs_a_hint() -> None:
    text = "Våra löften\n\n• Polisen lovar att genomföra minst fyra trafikkontroller per år.\n"
    with pytest.raises(PageError, match="Hittade ingen kommun"):
        read_page(text, source="x", today=TODAY)
    reading = read_page(text, source="x", today=TODAY, municipality_hint="Storby")
    assert reading.municipality == "Storby"
    assert reading.pledges[0].target == T(4, True, "year", "trafikkontroller")


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><h1>Medborgarlöften i Storby</h1><ul><li>Polisen lovar att genomföra"
        " minst fyra trafikkontroller per år<li>Kommunen lovar att laga belysningen i parken",
        "<div><div><p>Medborgarlöften i Storby</div></span></p><p>Polisen lovar att genomföra"
        " minst fyra trafikkontroller per år.<p>Kommunen lovar att laga belysningen i parken.",
        "<h1>Medborgarlöften i Storby<h2>Trafik<ul><li>Polisen lovar att genomföra minst fyra"
        " trafikkontroller per år</ul></h1><li>Kommunen lovar att laga belysningen i parken",
    ],
)
def test_broken_html_is_still_read(markup: str) -> None:
    reading = read_page(markup, source="x", today=TODAY)
    assert reading.municipality == "Storby"
    assert [p.responsible for p in reading.pledges] == ["polisen", "kommunen"]
    assert reading.pledges[0].target == T(4, True, "year", "trafikkontroller")


def test_deeply_nested_html_is_read_without_recursion() -> None:
    markup = (
        "<html><body><h1>Medborgarlöften i Storby</h1>"
        + "<div>" * 5000
        + "<ul><li>Polisen lovar att genomföra minst fyra trafikkontroller per år.</li></ul>"
    )
    started = time.perf_counter()
    reading = read_page(markup, source="x", today=TODAY)
    assert len(reading.pledges) == 1
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    "markup",
    ["<html><body><div></div><script>var a = 1;</script></body></html>", "<p> </p><br><hr>"],
)
def test_html_without_text_is_empty(markup: str) -> None:
    with pytest.raises(PageError, match="tom"):
        read_page(markup, source="x", today=TODAY)


# ---------------------------------------------------------------------------------------------
# Matching a follow-up's restated pledges to the pledges of a set


def test_school_years_written_differently_match() -> None:
    existing = [
        Candidate(
            "Polisen lovar att besöka alla årskurs 8 för lektioner om lag och rätt.",
            ("lag och rätt åk 8",),
            "polisen",
        ),
        Candidate(
            "Polisen lovar att besöka invandrargrupper och informera.",
            ("besök invandrargrupper",),
            "polisen",
        ),
    ]
    reported = [
        Candidate(
            "Polisen besöker alla åttondeklasser och föreläser.",
            ("besök hos alla åttor",),
            "polisen",
        ),
    ]
    [match] = match_pledges(reported, existing)
    assert match.index == 0 and match.sure


def test_two_restated_pledges_are_never_merged_into_one() -> None:
    existing = [
        Candidate("Kommunen ger information om ANDT till elever på SFI.", ("sfi",), "kommunen")
    ]
    reported = [
        Candidate(
            "Kommunen ger information om ANDT på SFI.", ("information om andt på sfi",), "kommunen"
        ),
        Candidate(
            "Polisen och kommunen tar fram information till invandrare.",
            ("information till invandrare",),
            "båda",
        ),
    ]
    matches = match_pledges(reported, existing)
    assert [m.index for m in matches] == [0, None]


def test_a_match_between_two_equal_pledges_is_not_sure() -> None:
    twins = [Candidate("Polisen besöker skolorna.", ("skolbesök",), "polisen")] * 2
    [match] = match_pledges([Candidate("Polisen besöker skolorna.", ("skolbesök",))], twins)
    assert match.index == 0 and not match.sure


def test_a_pledge_of_the_other_party_does_not_match() -> None:
    existing = [Candidate("Kommunen röjer sly längs skolvägen.", ("sly",), "kommunen")]
    reported = [Candidate("Polisen röjer sly längs skolvägen.", ("sly",), "polisen")]
    assert match_pledges(reported, existing)[0].index is None


def test_shared_filler_words_are_not_a_match() -> None:
    existing = [
        Candidate(
            "Polisen och kommunen lovar att fortlöpande förbättra nuvarande samverkan samt "
            "söka nya samarbetsområden.",
            ("förbättra samverkan",),
            "båda",
        ),
    ]
    reported = [
        Candidate(
            "Polisen och kommun samverkar kring information till allmänheten om "
            "trafikregler och trafiksäkerhet.",
            ("information om trafikregler och trafiksäkerhet",),
            "båda",
        ),
    ]
    assert match_pledges(reported, existing)[0].index is None


def test_closest_refuses_when_two_are_about_as_close() -> None:
    candidates = [
        Candidate("Polisen besöker skolorna i Norrby."),
        Candidate("Polisen besöker skolorna i Söderby."),
        Candidate("Kommunen lagar belysningen i parken."),
    ]
    assert closest("Belysningen i parken är lagad.", candidates)[0] == 2
    assert closest("Skolorna fick besök.", candidates)[0] is None
