"""Questions citizens might write to the bot, and what the bot should make of them.

Written for the example catalogue (``bot/demo/catalogue.json``: Härjedalen, Åsele, Haparanda,
Härnösand) and the list of Sweden's 290 municipalities. Each row holds the message, the kind of
question, the municipality it names (None when it names none), the focus (a focus area's name
or the short name of the pledge that should come first; None when the question is about the
whole municipality) and the responsible party it asks about.

``remembered`` is the municipality the chat remembers: the caller reads the topics of that one
when the message names none. ``unknown_place``, when set, is the place the bot should say it
does not know. ``missing``: the question asks about a topic none of the municipality's pledges
is about (the bot says so instead of showing another pledge). A town leads to its kommun
("Sveg" → Härjedalen), and a kommun the example catalogue does not hold is still named.

``ROWS`` is the table the reader was tuned on; ``HELD_OUT`` was written in other people's
styles at the same time and kept aside while tuning: its figure is measured, not tuned for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

H = "Härjedalen"
A = "Åsele"
P = "Haparanda"
N = "Härnösand"


@dataclass(frozen=True, slots=True)
class CitizenQuestion:
    text: str
    kind: str
    municipality: str | None
    focus: str | None = None
    responsible: str | None = None
    remembered: str | None = None
    unknown_place: str | None = None
    missing: bool = False


def _random_text(seed: int, length: int) -> str:
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzåäö ÅÄÖ.,!?-0123456789      "
    return "".join(rng.choice(alphabet) for _ in range(length))


Q = CitizenQuestion

ROWS: tuple[CitizenQuestion, ...] = (
    # --- How is it going, for a whole municipality ---------------------------------------------
    Q("hur går det i Åsele?", "progress", A),
    Q("Hur går det i asele", "progress", A),
    Q("HUR GÅR DET I HÄRJEDALEN", "progress", H),
    Q("hur gar det i harjedalen", "progress", H),
    Q("Hur går det för Härnösands kommun?", "progress", N),
    Q("läget i haparanda?", "progress", P),
    Q("Härnösand", "progress", N),
    Q("asele", "progress", A),
    Q("haparanda?", "progress", P),
    Q("Åsele kommun", "progress", A),
    Q("hur ligger ni till i Härnösand?", "progress", N),
    Q("Status Haparanda", "progress", P),
    Q("vad har hänt i Åsele i år?", "progress", A),
    Q("Hur har det gått med medborgarlöftena i Härjedalen?", "progress", H),
    Q("Haparnda", "progress", P),
    Q("hur går det i Härnösnad", "progress", N),
    Q("hur går det i Harjedlen?", "progress", H),
    Q("Åseles medborgarlöften, hur går det?", "progress", A),
    Q("uppföljning härnösand", "progress", N),
    Q("har ni hållit löftena i Åsele?", "progress", A),
    Q("hur går det i HAPARANDA", "progress", P),
    Q("hur går det för Åsele", "progress", A),
    Q("i härnösand då?", "progress", N),
    Q("hur e läget i åsele", "progress", A),
    Q("hur går det?", "progress", None),
    Q("Hur går det med löftena?", "progress", None, remembered=P),
    Q("hur går det i Upplands Väsby?", "progress", "Upplands Väsby"),
    Q("hur går det i Örnsköldsvik", "progress", "Örnsköldsvik"),
    Q("Hur går det i Goteborg", "progress", "Göteborg"),
    Q("hur går det i stockholm", "progress", "Stockholm"),
    Q("malung sälen?", "progress", "Malung-Sälen"),
    # --- How is it going, for a topic ----------------------------------------------------------
    Q("hur går det med trafiken i Härjedalen", "progress", H, "trafikkontroller"),
    Q("hur går det med trafiksäkerheten i Härjedalen?", "progress", H, "Trafiksäkerhet"),
    Q("har ni besökt skolorna?", "progress", None, "skolbesök", remembered=H),
    Q("Har polisen varit på skolorna i Åsele?", "progress", A, "skolbesök", "polisen"),
    Q("hur går det med narkotikan", "progress", None, "droginsatser", remembered=P),
    Q("droger i haparanda?", "progress", P, "droginsatser"),
    Q("hur går det med ungdomarna i Härjedalen", "progress", H, "Ungdomar i fokus"),
    Q("skolbesöken i Härnösand?", "progress", N, "skolbesök"),
    Q(
        "Hur många trafikkontroller har ni gjort i Härjedalen i år?",
        "progress",
        H,
        "trafikkontroller",
    ),
    Q("hur går det med föräldraträffarna i Haparanda", "progress", P, "föräldraträffar"),
    Q("våld i nära relationer, hur går det i Haparanda?", "progress", P, "våld i nära relation"),
    Q("hur går det med buskörningen i Åsele", "progress", A, "trafikinsatser"),
    Q("integrationen i härjedalen", "progress", H, "Integration"),
    Q("hur går det med samverkan i Härjedalen?", "progress", H, "Samverkan"),
    Q("läget för mopederna i Härnösand?", "progress", N, "motorburen ungdom"),
    Q("hur går det med evenemangen i Härnösand", "progress", N, "evenemang"),
    Q("har ni varit ute i ytterområdena i Härnösand?", "progress", N, "ytterområden"),
    Q("hur går det med tobaksfri duo i härjedalen", "progress", H, "tobaksfri duo"),
    Q("hur går det med orossamtalen i Haparanda", "progress", P, "orossamtal"),
    Q("hur går det med hastighetskontrollerna i Åsele", "progress", A, "trafikinsatser"),
    Q("Hur går det med lärarinformationen i Åsele?", "progress", A, "lärarinformation"),
    Q(
        "hur går det med de sociala insatsgrupperna i Härnösand",
        "progress",
        N,
        "sociala insatsgrupper",
    ),
    Q("Har det blivit några föräldramöten i Härjedalen?", "progress", H, "föräldramöten"),
    Q("årskurs 8 i Härnösand, hur går det?", "progress", N, "årskurs 8"),
    Q("hur går det med lag och rätt i Härjedalen", "progress", H, "lag och rätt"),
    Q("hur gar det med skolbesoken i asele", "progress", A, "skolbesök"),
    Q("hur går det med trafiken i Härnösand", "progress", N, "Trafik och miljö"),
    Q("drogvaneundersökningen i Härjedalen?", "progress", H, "drogvaneundersökning"),
    Q("trafiken i Haparanda", "progress", P, "droger i trafiken"),
    Q("Hur går det med skolorna i Härnösands kommun?", "progress", N, "skolbesök"),
    Q(
        "hur har polisen lyckats med trafiken i Härjedalen",
        "progress",
        H,
        "trafikkontroller",
        "polisen",
    ),
    Q("och skolbesöken?", "progress", None, "skolbesök", remembered=A),
    Q("hur går det med synlig polis i haparanda", "progress", P, "synlig polis"),
    Q("hur går det med tryggheten i Åsele?", "progress", A, "Trygghet och synlig polis"),
    Q(
        "har kommunen gjort något åt rökningen på skolgårdarna?",
        "progress",
        None,
        "rökfria skolgårdar",
        "kommunen",
        remembered=H,
    ),
    # --- What was promised ---------------------------------------------------------------------
    Q("vad har polisen lovat i Haparanda", "pledges", P, None, "polisen"),
    Q("Vad har kommunen lovat i Härnösand?", "pledges", N, None, "kommunen"),
    Q("vilka löften har ni i Åsele?", "pledges", A),
    Q("medborgarlöften i Härjedalen", "pledges", H),
    Q("vad lovar polisen i asele", "pledges", A, None, "polisen"),
    Q("Härnösands medborgarlöften", "pledges", N),
    Q("vilka är löftena?", "pledges", None, remembered=A),
    Q("vad har ni lovat om trafiken i Härjedalen?", "pledges", H, "trafikkontroller"),
    Q("Vad har kommunen lovat om droger i Haparanda", "pledges", P, "orossamtal", "kommunen"),
    Q("vad ska polisen göra i Åsele?", "pledges", A, None, "polisen"),
    Q("Härjedalens löften", "pledges", H),
    Q("vad har ni lovat kring integration i harjedalen", "pledges", H, "Integration"),
    # --- English ---------------------------------------------------------------------------------
    Q("how is it going in Asele", "progress", A),
    Q("What did the police promise in Haparanda?", "pledges", P, None, "polisen"),
    Q("How are things going in Härnösand?", "progress", N),
    Q("which promises has the municipality made in Harjedalen", "pledges", H, None, "kommunen"),
    Q("how is the traffic work going in Harjedalen?", "progress", H, "trafikkontroller"),
    Q("have the police visited the schools in Asele?", "progress", A, "skolbesök", "polisen"),
    Q("any progress on drugs in Haparanda?", "progress", P, "droginsatser"),
    Q("what has the council done in Härnösand", "progress", N, None, "kommunen"),
    Q("how's it going?", "progress", None, remembered=N),
    # --- The responsible party -----------------------------------------------------------------
    Q("vad gör kommunen mot droger i Haparanda", "progress", P, "orossamtal", "kommunen"),
    Q("vad gör Åsele kommun?", "progress", A),
    Q("hur går det för polisen i Härjedalen", "progress", H, None, "polisen"),
    Q("hur går det i kommunen?", "progress", None, remembered=A),
    # --- Places we do not know -----------------------------------------------------------------
    Q("hur går det i Narnia", "progress", None, unknown_place="Narnia"),
    Q("hur går det i Sveg?", "progress", H),
    Q("vad har polisen lovat i Gondor", "pledges", None, None, "polisen", unknown_place="Gondor"),
    Q("how is it going in Springfield", "progress", None, unknown_place="Springfield"),
    Q("hur går det för narnia kommun", "progress", None, unknown_place="narnia"),
    # --- More ways of asking -------------------------------------------------------------------
    Q("Hur funkar det med trafikkontrollerna i Härjedalen?", "progress", H, "trafikkontroller"),
    Q("Hur ser det ut i Haparanda?", "progress", P),
    Q("Vad har ni gjort i Härnösand hittills?", "progress", N),
    Q("Har ni gjort några trafikinsatser i Åsele?", "progress", A, "trafikinsatser"),
    Q("fick ni till några föräldrakvällar i haparanda", "progress", P, "föräldraträffar"),
    Q("Hur går det med HVB i Härjedalen?", "progress", H, "integrationsbesök"),
    Q("vad händer med skolbesöken i härnösand", "progress", N, "skolbesök"),
    Q("polisen i haparanda, vad har de lovat?", "pledges", P, None, "polisen"),
    Q("vad har åsele kommun lovat", "pledges", A),
    Q("visa löftena för Härnösand", "pledges", N),
    Q("Härnösand – hur går det med valborg?", "progress", N, "evenemang"),
    Q("hur går det med epa-traktorerna i Härnösand", "progress", N, "motorburen ungdom"),
    Q("hur går det med nykterhetskontrollerna i härjedalen", "progress", H, "trafikkontroller"),
    Q(
        "Har polisen gjort några skoterkontroller i Härjedalen?",
        "progress",
        H,
        "trafikkontroller",
        "polisen",
    ),
    Q(
        "hur mycket har kommunen gjort mot rökning i Härjedalen",
        "progress",
        H,
        "rökfria skolgårdar",
        "kommunen",
    ),
    Q("Hur går det med medborgardialogerna i Härnösand?", "progress", N, "invånardialog"),
    Q("hur går det med landsbygden i härnösand", "progress", N, "ytterområden"),
    Q("How is Haparanda doing with domestic violence?", "progress", P, "våld i nära relation"),
    Q("Hur går det i Upplands-Bro?", "progress", "Upplands-Bro"),
    Q("hur går det i lilla edet", "progress", "Lilla Edet"),
    Q("läget i Malmö", "progress", "Malmö"),
    Q("Hur går det i Vara?", "progress", "Vara"),
    Q("Hur går det i Mark", "progress", "Mark"),
    Q("hur går det i Åre?", "progress", "Åre"),
    Q("Vilka medborgarlöften finns i Örebro?", "pledges", "Örebro"),
    Q("hur går det i Linkoping", "progress", "Linköping"),
    Q("hur går det i Karlskona", "progress", None, unknown_place="Karlskona"),
    Q("Hej! Hur går det i Åsele?", "progress", A),
    Q("Tack för svaret. Och i Haparanda?", "progress", P),
    Q("Hur går det med polisens löften i Härnösand?", "progress", N, None, "polisen"),
    Q("hur går det för poliserna i åsele", "progress", A, None, "polisen"),
    Q("vad gör polisen åt langningen i haparanda", "progress", P, None, "polisen", missing=True),
    Q("berätta om trafiksäkerheten i härjedalen", "progress", H, "Trafiksäkerhet"),
    Q("hur många skolbesök blev det i Härnösand förra terminen?", "progress", N, "skolbesök"),
    Q("have you done any speed checks in Asele?", "progress", A, "trafikinsatser"),
    Q("what are the promises in Åsele?", "pledges", A),
    Q("promises Härnösand", "pledges", N),
    Q("Hur går det med drogerna i Härjedalen?", "progress", H, "drogvaneundersökning"),
    Q("narkotikatipsen i härjedalen?", "progress", H, "narkotikatips"),
    Q("hur gåt det i åsele", "progress", A),
    # --- Written after the reader was tuned, kept as they came out ------------------------------
    Q(
        "Hur går det egentligen med polisens närvaro i Haparanda?",
        "progress",
        P,
        "synlig polis",
        "polisen",
    ),
    Q("vad har hänt med trafikinsatserna i åsele sen i våras", "progress", A, "trafikinsatser"),
    Q(
        "Finns det några resultat från drogvaneundersökningen?",
        "progress",
        None,
        "drogvaneundersökning",
        remembered=H,
    ),
    Q("hur är det med tryggheten i härnösand", "progress", N),
    Q("vad händer i Härjedalen", "progress", H),
    Q("Berätta vad polisen gör i Åsele", "progress", A, None, "polisen"),
    Q(
        "hur många gånger har polisen varit i ytterområdena",
        "progress",
        None,
        "ytterområden",
        "polisen",
        remembered=N,
    ),
    Q("Vad gör ni åt droger i skolan?", "progress", None, "droginsatser", remembered=P),
    Q("Hur går arbetet med medborgarlöftena i Harnosand", "progress", N),
    Q("läget med skolbesöken?", "progress", None, "skolbesök", remembered=A),
    Q(
        "Varför har ni inte gjort fler trafikkontroller?",
        "progress",
        None,
        "trafikkontroller",
        remembered=H,
    ),
    Q("Hur går det i Haparanda kommun med narkotikan", "progress", P, "droginsatser"),
    Q("has anything happened in Åsele?", "progress", A),
    Q("What is the status in Härjedalen", "progress", H),
    Q("status för åsele kommun", "progress", A),
    Q("Vilka löften har polisen i Härnösand?", "pledges", N, None, "polisen"),
    Q("Vad är medborgarlöften?", "pledges", None),
    Q("Hur följer ni upp löftena i Åsele?", "progress", A),
    Q("Jag undrar hur det går med trafiken i Haparanda", "progress", P, "droger i trafiken"),
    Q("Blev det några insatser mot droger i Haparanda i höstas?", "progress", P, "droginsatser"),
    Q("Härjedalen trafik", "progress", H, "trafikkontroller"),
    Q("hej hur går det i härnösand", "progress", N),
    Q("hur går det i sollefteå", "progress", "Sollefteå"),
    Q("vad har kommunen och polisen lovat i Åsele", "pledges", A),
    Q("hur gick det med valborgsfirandet i Härnösand?", "progress", N, "evenemang"),
    # --- Towns, other kommuner, typos and topics without a pledge --------------------------------
    Q("Funäsdalen?", "progress", H),
    Q("hur är läget i funäsdalen", "progress", H),
    Q("vad har polisen lovat i Sveg", "pledges", H, None, "polisen"),
    Q("hur går det med trafiken i sveg", "progress", H, "trafikkontroller"),
    Q("hur går det i Kiruna", "progress", "Kiruna"),
    Q("how is it going in Kiruna?", "progress", "Kiruna"),
    Q("hur går det för Märsta", "progress", "Sigtuna"),
    Q("Stockholms medborgarlöften?", "pledges", "Stockholm"),
    Q("läget i Södertälje?", "progress", "Södertälje"),
    Q("hur går det i kungsängen", "progress", "Upplands-Bro"),
    Q("Åsel", "progress", A),
    Q("hur går det i åsel?", "progress", A),
    Q("Hur går det i Malmberget?", "progress", "Gällivare"),
    Q("hur går det i Gällivare", "progress", "Gällivare"),
    Q("hur går det i Bålsta", "progress", "Håbo"),
    Q("Håbo kommun", "progress", "Håbo"),
    Q("habo", "progress", "Habo"),
    Q("hur går det i Visby?", "progress", "Gotland"),
    Q("Har polisen gjort nåt i Åsele?", "progress", A, None, "polisen"),
    Q("hur går det me trafiken i härjedalen", "progress", H, "trafikkontroller"),
    Q("Haparanda - droger?", "progress", P, "droginsatser"),
    Q("hur går det i Hudiksvall", "progress", "Hudiksvall"),
    Q("hur går det i Linköpings kommun?", "progress", "Linköping"),
    Q("vilka löften har Göteborgs stad", "pledges", "Göteborg"),
    Q("Hur går det i Rosengård?", "progress", "Malmö"),
    Q("hur går det med polisen i Angered", "progress", "Göteborg", None, "polisen"),
    Q("hur går det med skolbesöken i Haparanda?", "progress", P, missing=True),
    Q("har ni besökt skolorna i Haparanda", "progress", P, missing=True),
    Q("har ni besökt skolorna", "progress", None, missing=True, remembered=P),
    Q("Hur går det med klottret i Åsele?", "progress", A, missing=True),
    Q("vad har ni lovat om cyklarna i Haparanda", "pledges", P, missing=True),
    Q("hur många trafikkontroller har ni gjort i Härnösand?", "progress", N, missing=True),
    Q("how are the schools in Harnosand", "progress", N, "skolbesök"),
    Q("Whats the status in Haparanda?", "progress", P),
    Q("hur går det med löftena i Östersund", "progress", "Östersund"),
    Q("hur går det i Upplands Bro", "progress", "Upplands-Bro"),
    Q("Hur går det i Sundsval?", "progress", "Sundsvall"),
    Q("hur går det i Skelefteå", "progress", "Skellefteå"),
    Q("vad gör kommunen i Järpen", "progress", "Åre", None, "kommunen"),
    # --- Not a question we read ----------------------------------------------------------------
    Q("tack!", "none", None),
    Q("Hej", "none", None),
    Q("👍", "none", None),
    Q("", "none", None),
    Q("asdfghjkl qwerty", "none", None),
    Q("Jag vill anmäla ett inbrott", "none", None),
    Q("kan du ringa mig?", "none", None),
    Q("avsluta prenumerationen", "none", None),
    Q("Det är för mycket buskörning vid skolan", "none", None),
    Q("Hur mår du?", "none", None),
    Q("hur går det att prenumerera", "none", None),
    Q("vem är du", "none", None),
    Q("ok", "none", None),
    Q("Kan ni skicka mig statistiken för Åsele?", "none", A),
    Q("Jag vill prenumerera på Haparanda", "none", P),
    Q(
        "Polisen borde göra fler trafikkontroller i Härjedalen",
        "none",
        H,
        "trafikkontroller",
        "polisen",
    ),
    Q("hallå?", "none", None),
    Q("😀😀😀", "none", None),
    Q(_random_text(7, 4096), "none", None),
)


# Kept aside while the reader was tuned: measured, not tuned for.
HELD_OUT: tuple[CitizenQuestion, ...] = (
    Q("Hur går det i Östersund?", "progress", "Östersund"),
    Q("hur e läget i sveg", "progress", H),
    Q("hur gåt det med polisen i Funäsdalen", "progress", H, None, "polisen"),
    Q("Vad har kommunen lovat i Kiruna?", "pledges", "Kiruna", None, "kommunen"),
    Q("status Upplands Väsby", "progress", "Upplands Väsby"),
    Q("how are things in Stockholm", "progress", "Stockholm"),
    Q("hur går det i goteborgs kommun", "progress", "Göteborg"),
    Q("hur går det med narkotikan i Haparanda?", "progress", P, "droginsatser"),
    Q("har polisen hållit sina löften i Härnösand", "progress", N, None, "polisen"),
    Q("hur många trafikinsatser har ni gjort i åsele", "progress", A, "trafikinsatser"),
    Q("läget med föräldraträffarna?", "progress", None, "föräldraträffar", remembered=P),
    Q("hur går det med klottret i Härnösand", "progress", N, missing=True),
    Q("vad gör ni mot inbrott i Åsele?", "progress", A, missing=True),
    Q("hur går det i Hede", "progress", H),
    Q("hur går det i Vemdalen?", "progress", H),
    Q("what about Rinkeby?", "progress", "Stockholm"),
    Q("tjena, hur går det i Luleå?", "progress", "Luleå"),
    Q("Lulea", "progress", "Luleå"),
    Q("hur går det i Ornskoldsvik", "progress", "Örnsköldsvik"),
    Q("Hur har det gått med skolbesöken i Härjedalen i år?", "progress", H, "skolbesök"),
    Q("hur går de i haparanda", "progress", P),
    Q("Hur går det i Funäsdaen?", "progress", H),
    Q("hur har polisen skött sig i Kiruna", "progress", "Kiruna", None, "polisen"),
    Q("Any news from Sveg?", "progress", H),
    Q("vad händer på Södermalm", "progress", "Stockholm"),
    Q("hur går det i Upplandsbro", "progress", "Upplands-Bro"),
    Q("Hur gick det med medborgarlöftena i Borås förra året?", "progress", "Borås"),
    Q("hur går det med ungdomarna i Hede?", "progress", H, "Ungdomar i fokus"),
    Q("vad har Härjedalens kommun lovat om tobak", "pledges", H, "tobaksfri duo"),
    Q("läget i Väsby?", "progress", "Upplands Väsby"),
    Q("how is haparanda doing with drugs", "progress", P, "droginsatser"),
    Q(
        "Kan ni berätta hur det går med trafiksäkerheten i härjedalen",
        "progress",
        H,
        "Trafiksäkerhet",
    ),
)
