"""More reporter messages, written after the reader's first table, for a figure it was not
tuned on.

Same catalogue, today and row format as ``tests.domain.reporter_messages``. ``TUNING`` may be
looked at while the reader is changed; ``HELD_OUT`` (every fourth message as first written,
set aside before the reader was run on any of them) is only ever scored as a whole, so that its
figure says how the reader does on messages nobody tuned it for.

A row whose pledge is None, or whose day is None, must be asked about; every other row should be
saved as written (pledge, count and day), and at worst asked — never saved otherwise.
"""

from __future__ import annotations

from tests.domain.reporter_messages import TODAY, ReporterMessage

H = ("Härjedalen",)
A = ("Åsele",)
P = ("Haparanda",)
N = ("Härnösand",)

__all__ = ["HELD_OUT", "TODAY", "TUNING"]

TUNING: tuple[ReporterMessage, ...] = (
    ReporterMessage(
        "Hastighetskontroll på 84:an vid Lillhärdal igår, 3 timmar", H, "hj-trafikkontroller", 1, 1
    ),
    ReporterMessage("fartkontroll E45 Överhogdal i förrgår", H, "hj-trafikkontroller", 1, 2),
    ReporterMessage(
        "nykterhetskontroller x3 Funäsdalen i torsdags", H, "hj-trafikkontroller", 3, 2
    ),
    ReporterMessage("trafikkontrol rv 84 tännäs 19/11", H, "hj-trafikkontroller", 1, 2),
    ReporterMessage(
        "yrkestrafikkontroll E45 Sveg, 6 lastbilar kontrollerade", H, "hj-trafikkontroller", 1, 0
    ),
    ReporterMessage(
        "skoterkontroll på leden mot Ljusnedal i söndags", H, "hj-trafikkontroller", 1, 6
    ),
    ReporterMessage("Rastbesök Hede skola, pratade med eleverna", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("skolbesök 4 dagar sedan på Funäsdalens skola", H, "hj-spontana-besok", 1, 4),
    ReporterMessage(
        "spontanbesök fritidsgården Sveg i fredags kväll, ca 25 ungdomar",
        H,
        "hj-spontana-besok",
        1,
        1,
    ),
    ReporterMessage("Lag och rätt med åttorna på Hede skola 18/11", H, "hj-ak8-lag-och-ratt", 1, 3),
    ReporterMessage("lag & rätt åk8 Funäsdalen, 2 klasser", H, "hj-ak8-lag-och-ratt", 2, 0),
    ReporterMessage("Föräldramöte Sveg ikväll, ca 40 föräldrar", H, "hj-moten-andt", 1, 0),
    ReporterMessage("drogtips från allmänheten, 2 st, bearbetade", H, "hj-tips-droger", 2, 0),
    ReporterMessage("narkotikatips x 2 igår", H, "hj-tips-droger", 2, 1),
    ReporterMessage(
        "ANDT-föreläsning för personalen på Sveg gymnasium", H, "hj-andt-utbildning", 1, 0
    ),
    ReporterMessage(
        "drogvaneundersökning åk 9 genomförd i onsdags", H, "hj-drogkartlaggning", 1, 3
    ),
    ReporterMessage(
        "rökfri skolgård, kollade Sveg skolgård på rasten", H, "hj-rokfria-skolgardar", 1, 0
    ),
    ReporterMessage("integrationsbesök på HVB i Sveg", H, "hj-integration-besok", 1, 0),
    ReporterMessage("samverkansmöte med socialtjänsten 17/11", H, "hj-samverkan", 1, 4),
    ReporterMessage("BRÅ-möte med kommunen i tisdags", H, "hj-samverkan", 1, 4),
    ReporterMessage("nattvandring i Sveg med föräldrar", H, None, 1, 0),
    ReporterMessage("skolbesök i Åsele igår", H, None, 1, 1),
    ReporterMessage("traffic control E45 Sveg yesterday", H, "hj-trafikkontroller", 1, 1),
    ReporterMessage("school visit at Hede skola today", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("trafikkontroll 30/11", H, "hj-trafikkontroller", 1, None),
    ReporterMessage("skolbesök 3,5 timmar Sveg", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("hastighetskontroll kl 07-09 vid Sveg skola", H, "hj-trafikkontroller", 1, 0),
    ReporterMessage("fartkontroll vid Åsele centralskola i måndags", A, "as-trafikinsatser", 1, 5),
    ReporterMessage(
        "Buskörning med mopeder i Fredrika, pratade med 4 ungdomar", A, "as-trafikinsatser", 1, 0
    ),
    ReporterMessage("nykterhetskontroll rv 92 igår kväll, 30 förare", A, "as-trafikinsatser", 1, 1),
    ReporterMessage("Besök i skolan i Åsele, lunchrasten", A, "as-skolbesok", 1, 0),
    ReporterMessage("trafikträff för föräldrar på centralskolan", A, "as-trafikutbildning", 1, 0),
    ReporterMessage("Info till personalen om drogtecken 16/11", A, "as-lararinformation", 1, 5),
    ReporterMessage("orossamtal med vårdnadshavare i onsdags", P, "hp-orossamtal", 1, 3),
    ReporterMessage("3 orossamtal denna vecka", P, "hp-orossamtal", 3, None),
    ReporterMessage("PSS samtal igår em", P, "hp-orossamtal", 1, 1),
    ReporterMessage("fotpatrull på Torget i Haparanda 2 timmar", P, "hp-synlig-polis", 1, 0),
    ReporterMessage("synlig polis vid gränsen i fredags, 2 poliser", P, "hp-synlig-polis", 1, 1),
    ReporterMessage("Patrullering Seskarö, lugnt", P, "hp-synlig-polis", 1, 0),
    ReporterMessage("drogkontroll i trafiken x 4 igår", P, "hp-droger-i-trafiken", 4, 1),
    ReporterMessage("föräldrakväll på Tornedalsskolan 19/11", P, "hp-foraldratraffar", 1, 2),
    ReporterMessage("parents meeting at Språkskolan yesterday", P, "hp-foraldratraffar", 1, 1),
    ReporterMessage("foot patrol in the centre last Friday", P, "hp-synlig-polis", 1, 1),
    ReporterMessage("droginsats Haparanda förra veckan", P, "hp-droginsatser", 1, None),
    ReporterMessage("Ytterområde Viksjö 3 tim igår", N, "hn-ytteromraden", 1, 1),
    ReporterMessage("medborgardialog i Brunne 18/11, ca 50 besökare", N, "hn-invanardialog", 1, 3),
    ReporterMessage(
        "Lektion sociala medier åk 8 Brännaskolan idag", N, "hn-ak8-sociala-medier", 1, 0
    ),
    ReporterMessage(
        "pratade med åttorna på Viksjö skola om nätmobbning", N, "hn-ak8-sociala-medier", 1, 0
    ),
    ReporterMessage("SIG ärendemöte igår", N, "hn-sig", 1, 1),
    ReporterMessage("mopedkontroll x 3 i Älandsbro, 5 mopeder", N, "hn-motorburen-ungdom", 3, 0),
    ReporterMessage("nyhetsbrev om inbrott skickat", N, "hn-gemensam-information", 1, 0),
    ReporterMessage("skolbesök Brännaskolan", A + N, "hn-skolbesok", 1, 0),
    ReporterMessage("Föräldramöte på Språkskolan i Haparanda", H + P, "hp-foraldratraffar", 1, 0),
    ReporterMessage(
        "Trygghetsdialog på biblioteket för 2 dagar sedan", N, "hn-invanardialog", 1, 2
    ),
    ReporterMessage(
        "2 st hastighetskontroller Rv84 Hede 20/11, 1,5 h vardera", H, "hj-trafikkontroller", 2, 1
    ),
    ReporterMessage("skolbesök centralskolan, 2 klasser, 45 min", A, "as-skolbesok", 1, 0),
)

# Set aside before the reader was run on any message of this file: never tuned on.
HELD_OUT: tuple[ReporterMessage, ...] = (
    ReporterMessage(
        "Alkoholkontroll vid Vemdalsskalet, 85 förare blåste", H, "hj-trafikkontroller", 1, 0
    ),
    ReporterMessage("2 trafikkontroller idag och en igår", H, "hj-trafikkontroller", 2, None),
    ReporterMessage("skolbesk Ytterhogdal idag", H, "hj-spontana-besok", 1, 0),
    ReporterMessage("föräldraträff i Hede om droger i tisdags", H, "hj-moten-andt", 1, 4),
    ReporterMessage("tobaksfri duo på Hede skola idag", H, "hj-tobaksfri-duo", 1, 0),
    ReporterMessage("besök på SFI igår, 20 deltagare", H, "hj-integration-besok", 1, 1),
    ReporterMessage("trygghetsvandring i Funäsdalen", H, None, 1, 0),
    ReporterMessage("speed checks x2 on road 84 on Friday", H, "hj-trafikkontroller", 2, None),
    ReporterMessage(
        "Föräldramöten x2 i Ytterhogdal, totalt 30 föräldrar", H, "hj-moten-andt", 2, 0
    ),
    ReporterMessage("skolbesök Fredrika skola 2 dagar sedan", A, "as-skolbesok", 1, 2),
    ReporterMessage("trafikinsats i Härjedalen", A, None, 1, 0),
    ReporterMessage("narkotikaspaning i centrum ikväll", P, "hp-droginsatser", 1, 0),
    ReporterMessage(
        "rattfyllerikontroll E4 Nikkala, 120 förare blåste", P, "hp-droger-i-trafiken", 1, 0
    ),
    ReporterMessage(
        "Våld i nära relation, samverkansmöte med socialtjänsten",
        P,
        "hp-vald-i-nara-relation",
        1,
        0,
    ),
    ReporterMessage("landsbygdspatrull Häggdånger i tisdags", N, "hn-ytteromraden", 1, 4),
    ReporterMessage("valborg i centrum, polis på plats", N, "hn-evenemang", 1, 0),
    ReporterMessage("Skolbesök Härnösands gymnasium 20/11", N, "hn-skolbesok", 1, 1),
    ReporterMessage("Närvaro vid Haparanda station hela eftermiddagen", P, "hp-synlig-polis", 1, 0),
)
