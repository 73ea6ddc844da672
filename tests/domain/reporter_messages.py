"""Realistic reporter messages and what the bot should make of them.

Written for the example catalogue (``bot/demo/catalogue.json``) and a fixed today,
``TODAY`` = Saturday 21 November 2026. Each row holds the message, the municipalities of the
reporter, the pledge key the message is about (None when the bot must ask or offer choices:
nothing fits, several fit equally, or the activity did not happen), the count, and the day as
days before today (None when the message names no single past day).

A row with an expected pledge may still be one that the reader should ask about (a lone
number, a vague day, a weak word): it then counts as "asked", never as "right".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TODAY = date(2026, 11, 21)

H = ("Härjedalen",)
A = ("Åsele",)
P = ("Haparanda",)
N = ("Härnösand",)


@dataclass(frozen=True, slots=True)
class ReporterMessage:
    message: str
    municipalities: tuple[str, ...]
    pledge: str | None
    count: int
    days_ago: int | None


ROWS: tuple[ReporterMessage, ...] = (
    # --- Härjedalen: traffic ------------------------------------------------------------------
    ReporterMessage("3 trafikkontroller E45 igår", H, "hj-trafikkontroller", 3, 1),
    ReporterMessage("tre hastighetskontroller vid Rv 84 i tisdags", H, "hj-trafikkontroller", 3, 4),
    ReporterMessage(
        "Nykterhetskontroll E45 Hede i morse, 2 patruller", H, "hj-trafikkontroller", 1, 0
    ),
    ReporterMessage("skoterkontroll Lofsdalen igår", H, "hj-trafikkontroller", 1, 1),
    ReporterMessage("trafikkontrol vid rv84 i onsdags", H, "hj-trafikkontroller", 1, 3),
    ReporterMessage("hastighetskontoll E45 igår", H, "hj-trafikkontroller", 1, 1),
    ReporterMessage("fyra hastighetskontroller vid E45 i förrgår", H, "hj-trafikkontroller", 4, 2),
    ReporterMessage("en trafikkontroll på väg 311", H, "hj-trafikkontroller", 1, 0),
    ReporterMessage("trafikkontroller 5 st, Rv 84", H, "hj-trafikkontroller", 5, 0),
    ReporterMessage("Trafikkontroll Rv 84 Funäsdalen, kl 14-16", H, "hj-trafikkontroller", 1, 0),
    ReporterMessage("hastighetskontroll E45 Sveg 17/11", H, "hj-trafikkontroller", 1, 4),
    ReporterMessage(
        "trafikkontroll i Vemdalen, 45 förare blåste, inga rattfyllerister",
        H,
        "hj-trafikkontroller",
        1,
        0,
    ),
    ReporterMessage("Nykterhetskontrollerna vid Lv 315 igår kväll", H, "hj-trafikkontroller", 1, 1),
    # A head of the compound only: probably traffic, but the bot asks.
    ReporterMessage("kontroller E45", H, "hj-trafikkontroller", 1, 0),
    # A vague week: the bot asks for the day.
    ReporterMessage(
        "nykterhetskontroller i Funäsdalen förra veckan, 4 st", H, "hj-trafikkontroller", 4, None
    ),
    # --- Härjedalen: schools and youth ---------------------------------------------------------
    ReporterMessage("Skolbesök på Sveg skola idag", H, "hj-spontana-besok", 1, 0),
    ReporterMessage(
        "spontanbesök fritidsgården Funäsdalen i fredags kväll", H, "hj-spontana-besok", 1, 1
    ),
    ReporterMessage("skolbesoket hede skola igar", H, "hj-spontana-besok", 1, 1),
    ReporterMessage("2 skolbesök idag, Sveg och Hede", H, "hj-spontana-besok", 2, 0),
    ReporterMessage("2 timmar skolbesök Hede", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("Skolbesök åk 7 Hede skola", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("rastbesök i skolan i Ytterhogdal", H, "hj-spontana-besok", 1, 0),
    # A lone number: two visits? the bot asks.
    ReporterMessage("Skolbesök Sveg 3", H, "hj-spontana-besok", 3, 0),
    ReporterMessage(
        "lag och rätt åk 8 Södra skolan Sveg, två klasser", H, "hj-ak8-lag-och-ratt", 2, 0
    ),
    ReporterMessage(
        "Lektion om lag & rätt för åttorna i Funäsdalen 12/11", H, "hj-ak8-lag-och-ratt", 1, 9
    ),
    ReporterMessage("lag och rätt ytterhogdal", H, "hj-ak8-lag-och-ratt", 1, 0),
    ReporterMessage("Lag och rätt i 8B på Hede skola", H, "hj-ak8-lag-och-ratt", 1, 0),
    ReporterMessage("föräldramöte Funäsdalen", H, "hj-moten-andt", 1, 0),
    ReporterMessage("möte med lärare på Hede skola om droger", H, "hj-moten-andt", 1, 0),
    ReporterMessage("ungdomsgruppsmöte i Sveg ikväll", H, "hj-moten-andt", 1, 0),
    ReporterMessage("Föräldramöten x2 Sveg", H, "hj-moten-andt", 2, 0),
    ReporterMessage("narkotikatips inkom, bearbetat", H, "hj-tips-droger", 1, 0),
    ReporterMessage("tre drogtips bearbetade i förrgår", H, "hj-tips-droger", 3, 2),
    ReporterMessage("drogtips x3", H, "hj-tips-droger", 3, 0),
    ReporterMessage("ANDT-utbildning för personalen på gymnasiet", H, "hj-andt-utbildning", 1, 0),
    ReporterMessage("tobaksfri duo, info på Södra skolan", H, "hj-tobaksfri-duo", 1, 0),
    ReporterMessage("drogvaneundersökningen genomförd i åk 9", H, "hj-drogkartlaggning", 1, 0),
    ReporterMessage("Enkät om drogvanor, Sveg", H, "hj-drogkartlaggning", 1, 0),
    ReporterMessage("samtal med rektor om rökning på skolgården", H, "hj-rokfria-skolgardar", 1, 0),
    ReporterMessage("integrationsbesök sfi Sveg", H, "hj-integration-besok", 1, 0),
    ReporterMessage("besökte HVB-boendet, 2 timmar", H, "hj-integration-besok", 1, 0),
    ReporterMessage("Besök hos nyanlända familjer i Ytterhogdal", H, "hj-integration-besok", 1, 0),
    ReporterMessage("integrationsbeök Sveg", H, "hj-integration-besok", 1, 0),
    ReporterMessage("samverkansmöte med kommunen i tisdags", H, "hj-samverkan", 1, 4),
    # --- Härjedalen: nothing fits, or too vague, or not done -----------------------------------
    ReporterMessage("nattvandring med föreningarna i fredags", H, None, 1, 1),
    ReporterMessage("möte i Sveg", H, None, 1, 0),
    ReporterMessage("Utbildning", H, None, 1, 0),
    ReporterMessage("tobak", H, None, 1, 0),
    ReporterMessage("besök Sveg", H, None, 1, 0),
    ReporterMessage("skolbesök och trafikkontroll idag", H, None, 1, 0),
    ReporterMessage("skolbesök imorgon Hede", H, None, 1, None),
    ReporterMessage("Trafikkontroll inställd pga väder", H, None, 1, 0),
    ReporterMessage("planerad trafikkontroll på E45 nästa vecka", H, None, 1, None),
    ReporterMessage("Trafikkontroll E45?", H, None, 1, 0),
    ReporterMessage("0 skolbesök den här veckan", H, None, 0, None),
    ReporterMessage("-2 skolbesök", H, None, -2, 0),
    # --- Åsele --------------------------------------------------------------------------------
    ReporterMessage("Trafikinsats Rv 92 Fredrika igår", A, "as-trafikinsatser", 1, 1),
    ReporterMessage("buskörning åsele centrum i lördags", A, "as-trafikinsatser", 1, 7),
    ReporterMessage("2 nykterhetskontroller rv 90 i torsdags", A, "as-trafikinsatser", 2, 2),
    ReporterMessage("rattonykterhet, kontroll Åsele", A, "as-trafikinsatser", 1, 0),
    ReporterMessage("Tre trafikinsatser i veckan", A, "as-trafikinsatser", 3, None),
    ReporterMessage("Skolbesök Åsele centralskola", A, "as-skolbesok", 1, 0),
    ReporterMessage("besök i skolan i Fredrika", A, "as-skolbesok", 1, 0),
    ReporterMessage("skolbesöket i Fredrika skola i måndags", A, "as-skolbesok", 1, 5),
    ReporterMessage("skolbesok fredrika skola", A, "as-skolbesok", 1, 0),
    ReporterMessage("trafikinformation för föräldrar i Åsele", A, "as-trafikutbildning", 1, 0),
    ReporterMessage("Informationsträff om trafik på centralskolan", A, "as-trafikutbildning", 1, 0),
    ReporterMessage("Åsele centralskola trafikinformation åk 6", A, "as-trafikutbildning", 1, 0),
    ReporterMessage("personalträff om drogtecken", A, "as-lararinformation", 1, 0),
    ReporterMessage(
        "Konflikthantering med lärarna på Fredrika skola 18/11", A, "as-lararinformation", 1, 3
    ),
    # --- Haparanda ----------------------------------------------------------------------------
    ReporterMessage("Orossamtal med 15-åring och vårdnadshavare", P, "hp-orossamtal", 1, 0),
    ReporterMessage("2 orossamtal igår", P, "hp-orossamtal", 2, 1),
    ReporterMessage("PSS-samtal i förrgår", P, "hp-orossamtal", 1, 2),
    ReporterMessage("orosamtal igår", P, "hp-orossamtal", 1, 1),
    ReporterMessage("narkotikainsats Haparanda centrum fredag kväll", P, "hp-droginsatser", 1, 1),
    ReporterMessage("operativ insats mot droger på Seskarö", P, "hp-droginsatser", 1, 0),
    ReporterMessage("drogkontroll E4 igår, 40 förare", P, "hp-droger-i-trafiken", 1, 1),
    ReporterMessage("drograttfylleri-kontroll rv 99 Karungi", P, "hp-droger-i-trafiken", 1, 0),
    ReporterMessage("trafikinsats", P, "hp-droger-i-trafiken", 1, 0),
    ReporterMessage("föräldraträff på Språkskolan", P, "hp-foraldratraffar", 1, 0),
    ReporterMessage("Föräldrakväll i Haparanda med Brå-gruppen", P, "hp-foraldratraffar", 1, 0),
    ReporterMessage("foraldratraff i haparanda igar", P, "hp-foraldratraffar", 1, 1),
    ReporterMessage("synlig polis på torget 2 timmar", P, "hp-synlig-polis", 1, 0),
    ReporterMessage("Fotpatrull, polis på plats i Nikkala", P, "hp-synlig-polis", 1, 0),
    ReporterMessage("synlighet Karungi i söndags", P, "hp-synlig-polis", 1, 6),
    ReporterMessage("Samverkan kring våld i nära relationer", P, "hp-vald-i-nara-relation", 1, 0),
    ReporterMessage("samtal", P, None, 1, 0),
    ReporterMessage("möte", P, None, 1, 0),
    # --- Härnösand ----------------------------------------------------------------------------
    ReporterMessage("ytterområde Häggdånger 3 timmar", N, "hn-ytteromraden", 1, 0),
    ReporterMessage(
        "Patrullerade ytterområdena Ramvik och Hälledal i lördags", N, "hn-ytteromraden", 1, 7
    ),
    ReporterMessage("Landsbygdspass Viksjö igår", N, "hn-ytteromraden", 1, 1),
    ReporterMessage("Medborgardialog på Härnösands bibliotek", N, "hn-invanardialog", 1, 0),
    ReporterMessage("trygghetsdialog Brunne i tisdags", N, "hn-invanardialog", 1, 4),
    ReporterMessage("medborgardailog i Älandsbro", N, "hn-invanardialog", 1, 0),
    ReporterMessage(
        "åk 8 sociala medier Brännaskolan, 2 lektioner", N, "hn-ak8-sociala-medier", 2, 0
    ),
    ReporterMessage(
        "Lektion om sexuella ofredanden årskurs 8 Hälledalsskolan 16/11",
        N,
        "hn-ak8-sociala-medier",
        1,
        5,
    ),
    ReporterMessage("skolbesök Härnösands gymnasium, nolltolerans", N, "hn-skolbesok", 1, 0),
    ReporterMessage("besök på högstadiet Älandsbro skola", N, "hn-skolbesok", 1, 0),
    ReporterMessage("Evenemang: julmarknad i centrum, 2 patruller", N, "hn-evenemang", 1, 0),
    ReporterMessage("SIG-möte i fredags", N, "hn-sig", 1, 1),
    ReporterMessage("social insatsgrupp, ärendedragning", N, "hn-sig", 1, 0),
    ReporterMessage("insatsgrupp möte", N, "hn-sig", 1, 0),
    ReporterMessage("Nyhetsbrev till invånarna om inbrott", N, "hn-gemensam-information", 1, 0),
    ReporterMessage("info till invånare om bedrägerier", N, "hn-gemensam-information", 1, 0),
    ReporterMessage(
        "mopedkontroll Älandsbro, 6 mopeder kontrollerade", N, "hn-motorburen-ungdom", 1, 0
    ),
    ReporterMessage(
        "EPA-kontroller 2 st i Härnösand centrum igår", N, "hn-motorburen-ungdom", 2, 1
    ),
    ReporterMessage("information", N, None, 1, 0),
    # --- Reporters in two municipalities --------------------------------------------------------
    ReporterMessage("skolbesök", A + N, None, 1, 0),
    ReporterMessage("Skolbesök Fredrika skola", A + N, "as-skolbesok", 1, 0),
    ReporterMessage("trafikinsats", A + P, None, 1, 0),
    ReporterMessage("trafikinsats i Åsele", A + P, "as-trafikinsatser", 1, 0),
    ReporterMessage("Åsele: hastighetskontroll vid skolan", A + P, "as-trafikinsatser", 1, 0),
    ReporterMessage("föräldramöte", H + P, None, 1, 0),
    ReporterMessage("Föräldramöte i Haparanda", H + P, "hp-foraldratraffar", 1, 0),
    ReporterMessage("3 trafikkontroller E45 igår", H + A, "hj-trafikkontroller", 3, 1),
    # --- Longer, freer messages -----------------------------------------------------------------
    ReporterMessage(
        "Var på Hede skola och pratade med åk 8 om lag och rätt", H, "hj-ak8-lag-och-ratt", 1, 0
    ),
    ReporterMessage(
        "Genomförde nykterhetskontroller på E45 söder om Sveg mellan 06-08 idag, 112 förare",
        H,
        "hj-trafikkontroller",
        1,
        0,
    ),
    ReporterMessage("Besök på fritidsgården i Sveg ikväll, lugnt", H, "hj-spontana-besok", 1, 0),
    ReporterMessage(
        "tips om narkotikaförsäljning vid busstationen i Sveg", H, "hj-tips-droger", 1, 0
    ),
    ReporterMessage("Utbildningsinsats ANDT för fritidsledare", H, "hj-andt-utbildning", 1, 0),
    ReporterMessage("Kartläggning av drogvanor åk 9 klar", H, "hj-drogkartlaggning", 1, 0),
    ReporterMessage("tr.kontroll E45 x 2", H, "hj-trafikkontroller", 2, 0),
    ReporterMessage("Hast.kontroll Rv84 Tännäs 20/11", H, "hj-trafikkontroller", 1, 1),
    ReporterMessage(
        "Vi hade ett samverkansmöte med socialtjänsten och skolan i onsdags",
        H,
        "hj-samverkan",
        1,
        3,
    ),
    ReporterMessage(
        "Träffade SFI-gruppen i Sveg och pratade om polisens arbete",
        H,
        "hj-integration-besok",
        1,
        0,
    ),
    ReporterMessage("Tobakskontrakt skrevs med elever i Funäsdalen", H, "hj-tobaksfri-duo", 1, 0),
    ReporterMessage("idag: skolbesök x 2 (Sveg + Hede)", H, "hj-spontana-besok", 2, 0),
    ReporterMessage(
        "Föräldramöte på Ytterhogdals skola om ANDT, ca 30 föräldrar", H, "hj-moten-andt", 1, 0
    ),
    ReporterMessage(
        "Har varit ute på skolgårdarna i Sveg och Hede, rökfritt", H, "hj-rokfria-skolgardar", 1, 0
    ),
    ReporterMessage("Hade ett möte", H, None, 1, 0),
    ReporterMessage("Allt lugnt i Sveg idag", H, None, 1, 0),
    ReporterMessage(
        "Trafikkontroll på E45 igår och skolbesök på Hede skola idag", H, None, 1, None
    ),
    ReporterMessage("hastighetsövervakning Rv 92 Åsele, 3 timmar", A, "as-trafikinsatser", 1, 0),
    ReporterMessage(
        "Kontroll av rattonykterhet vid Rv 90 i förrgår, 60 blåste", A, "as-trafikinsatser", 1, 2
    ),
    ReporterMessage(
        "Polisen besökte centralskolan och träffade eleverna på rasten", A, "as-skolbesok", 1, 0
    ),
    ReporterMessage(
        "information till personal på Åsele centralskola om drogtecken",
        A,
        "as-lararinformation",
        1,
        0,
    ),
    ReporterMessage(
        "Trafikutbildning för mellanstadiet, Fredrika skola", A, "as-trafikutbildning", 1, 0
    ),
    ReporterMessage("orossamtal x 3 denna vecka", P, "hp-orossamtal", 3, None),
    ReporterMessage(
        "Har haft orossamtal med en ungdom och föräldrarna i tisdags", P, "hp-orossamtal", 1, 4
    ),
    ReporterMessage("Gemensam narkotikainsats med tullen vid gränsen", P, "hp-droginsatser", 1, 0),
    ReporterMessage(
        "rattfylleri kontroller E4 Haparanda 19/11, 2 st", P, "hp-droger-i-trafiken", 2, 2
    ),
    ReporterMessage(
        "Föräldraträff på Tornedalsskolan, 25 föräldrar", P, "hp-foraldratraffar", 1, 0
    ),
    ReporterMessage(
        "Närvaro i centrum under lördagskvällen, många samtal", P, "hp-synlig-polis", 1, 0
    ),
    ReporterMessage("Medborgardialog om trygghet i Haparanda", P, None, 1, 0),
    ReporterMessage("Arbetstid ute i Gussjö 4 tim", N, "hn-ytteromraden", 1, 0),
    ReporterMessage("Dialogmöte med boende i Brunne om inbrotten", N, "hn-invanardialog", 1, 0),
    ReporterMessage(
        "Lektion om sociala medier och sexuella ofredanden för åttor på Viksjö skola",
        N,
        "hn-ak8-sociala-medier",
        1,
        0,
    ),
    ReporterMessage("Midsommar, polis på plats på Smitingen", N, "hn-evenemang", 1, 0),
    ReporterMessage("a-traktorkontroll i Älandsbro ikväll", N, "hn-motorburen-ungdom", 1, 0),
    ReporterMessage("Skickade ut nyhetsbrevet", N, "hn-gemensam-information", 1, 0),
    ReporterMessage("Skolbesök på Brännaskolan i fredags", N, "hn-skolbesok", 1, 1),
    ReporterMessage("lektion", N, None, 1, 0),
    ReporterMessage("lektion", H + N, None, 1, 0),
)
