"""Sweden's 290 municipalities (kommuner): name, SCB municipality code (kommunkod) and county (län).

Public facts; this module is the one list of them in the project. The code is the four-digit
kommunkod of Statistics Sweden (SCB): the county's two-digit code followed by two digits
("0114" Upplands Väsby in Stockholms län "01"; "2361" Härjedalen in Jämtlands län "23").
Grouped by county in the order of the county codes, alphabetical within each county; that order
is kept by ``SWEDISH_MUNICIPALITIES``. Citizens' questions are read against all of them (a kommun
the bot holds no promises for is named as such, never "unknown"); tests and benchmarks use them as
a realistic list of names to recognise. Towns and localities are in ``bot.domain.towns``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "COUNTIES",
    "KOMMUNER",
    "KOMMUN_BY_CODE",
    "KOMMUN_BY_NAME",
    "MUNICIPALITY_NAMES",
    "SWEDISH_MUNICIPALITIES",
    "Kommun",
]


@dataclass(frozen=True, slots=True)
class Kommun:
    """One municipality: ``code`` is SCB's kommunkod, ``county_code`` its first two digits."""

    code: str
    name: str
    county: str

    @property
    def county_code(self) -> str:
        return self.code[:2]


# A line of two digits and a name starts a county (län); a line of four digits and a name is a
# kommun of that county.
_TABLE = """
01 Stockholms län
0127 Botkyrka
0162 Danderyd
0125 Ekerö
0136 Haninge
0126 Huddinge
0123 Järfälla
0186 Lidingö
0182 Nacka
0188 Norrtälje
0140 Nykvarn
0192 Nynäshamn
0128 Salem
0191 Sigtuna
0163 Sollentuna
0184 Solna
0180 Stockholm
0183 Sundbyberg
0181 Södertälje
0138 Tyresö
0160 Täby
0114 Upplands Väsby
0139 Upplands-Bro
0115 Vallentuna
0187 Vaxholm
0120 Värmdö
0117 Österåker
03 Uppsala län
0381 Enköping
0331 Heby
0305 Håbo
0330 Knivsta
0360 Tierp
0380 Uppsala
0319 Älvkarleby
0382 Östhammar
04 Södermanlands län
0484 Eskilstuna
0482 Flen
0461 Gnesta
0483 Katrineholm
0480 Nyköping
0481 Oxelösund
0486 Strängnäs
0488 Trosa
0428 Vingåker
05 Östergötlands län
0560 Boxholm
0562 Finspång
0513 Kinda
0580 Linköping
0586 Mjölby
0583 Motala
0581 Norrköping
0582 Söderköping
0584 Vadstena
0563 Valdemarsvik
0512 Ydre
0561 Åtvidaberg
0509 Ödeshög
06 Jönköpings län
0604 Aneby
0686 Eksjö
0662 Gislaved
0617 Gnosjö
0643 Habo
0680 Jönköping
0642 Mullsjö
0682 Nässjö
0684 Sävsjö
0687 Tranås
0665 Vaggeryd
0685 Vetlanda
0683 Värnamo
07 Kronobergs län
0764 Alvesta
0761 Lessebo
0781 Ljungby
0767 Markaryd
0763 Tingsryd
0760 Uppvidinge
0780 Växjö
0765 Älmhult
08 Kalmar län
0885 Borgholm
0862 Emmaboda
0860 Hultsfred
0821 Högsby
0880 Kalmar
0861 Mönsterås
0840 Mörbylånga
0881 Nybro
0882 Oskarshamn
0834 Torsås
0884 Vimmerby
0883 Västervik
09 Gotlands län
0980 Gotland
10 Blekinge län
1082 Karlshamn
1080 Karlskrona
1060 Olofström
1081 Ronneby
1083 Sölvesborg
12 Skåne län
1260 Bjuv
1272 Bromölla
1231 Burlöv
1278 Båstad
1285 Eslöv
1283 Helsingborg
1293 Hässleholm
1284 Höganäs
1266 Hörby
1267 Höör
1276 Klippan
1290 Kristianstad
1261 Kävlinge
1282 Landskrona
1262 Lomma
1281 Lund
1280 Malmö
1273 Osby
1275 Perstorp
1291 Simrishamn
1265 Sjöbo
1264 Skurup
1230 Staffanstorp
1214 Svalöv
1263 Svedala
1270 Tomelilla
1287 Trelleborg
1233 Vellinge
1286 Ystad
1277 Åstorp
1292 Ängelholm
1257 Örkelljunga
1256 Östra Göinge
13 Hallands län
1382 Falkenberg
1380 Halmstad
1315 Hylte
1384 Kungsbacka
1381 Laholm
1383 Varberg
14 Västra Götalands län
1440 Ale
1489 Alingsås
1460 Bengtsfors
1443 Bollebygd
1490 Borås
1438 Dals-Ed
1445 Essunga
1499 Falköping
1439 Färgelanda
1444 Grästorp
1447 Gullspång
1480 Göteborg
1471 Götene
1466 Herrljunga
1497 Hjo
1401 Härryda
1446 Karlsborg
1482 Kungälv
1441 Lerum
1494 Lidköping
1462 Lilla Edet
1484 Lysekil
1493 Mariestad
1463 Mark
1461 Mellerud
1430 Munkedal
1481 Mölndal
1421 Orust
1402 Partille
1495 Skara
1496 Skövde
1427 Sotenäs
1415 Stenungsund
1486 Strömstad
1465 Svenljunga
1435 Tanum
1472 Tibro
1498 Tidaholm
1419 Tjörn
1452 Tranemo
1488 Trollhättan
1473 Töreboda
1485 Uddevalla
1491 Ulricehamn
1470 Vara
1442 Vårgårda
1487 Vänersborg
1492 Åmål
1407 Öckerö
17 Värmlands län
1784 Arvika
1730 Eda
1782 Filipstad
1763 Forshaga
1764 Grums
1783 Hagfors
1761 Hammarö
1780 Karlstad
1715 Kil
1781 Kristinehamn
1762 Munkfors
1760 Storfors
1766 Sunne
1785 Säffle
1737 Torsby
1765 Årjäng
18 Örebro län
1882 Askersund
1862 Degerfors
1861 Hallsberg
1863 Hällefors
1883 Karlskoga
1881 Kumla
1860 Laxå
1814 Lekeberg
1885 Lindesberg
1864 Ljusnarsberg
1884 Nora
1880 Örebro
19 Västmanlands län
1984 Arboga
1982 Fagersta
1961 Hallstahammar
1960 Kungsör
1983 Köping
1962 Norberg
1981 Sala
1904 Skinnskatteberg
1907 Surahammar
1980 Västerås
20 Dalarnas län
2084 Avesta
2081 Borlänge
2080 Falun
2026 Gagnef
2083 Hedemora
2029 Leksand
2085 Ludvika
2023 Malung-Sälen
2062 Mora
2034 Orsa
2031 Rättvik
2061 Smedjebacken
2082 Säter
2021 Vansbro
2039 Älvdalen
21 Gävleborgs län
2183 Bollnäs
2180 Gävle
2104 Hofors
2184 Hudiksvall
2161 Ljusdal
2132 Nordanstig
2101 Ockelbo
2121 Ovanåker
2181 Sandviken
2182 Söderhamn
22 Västernorrlands län
2280 Härnösand
2282 Kramfors
2283 Sollefteå
2281 Sundsvall
2262 Timrå
2260 Ånge
2284 Örnsköldsvik
23 Jämtlands län
2326 Berg
2305 Bräcke
2361 Härjedalen
2309 Krokom
2303 Ragunda
2313 Strömsund
2321 Åre
2380 Östersund
24 Västerbottens län
2403 Bjurholm
2425 Dorotea
2481 Lycksele
2418 Malå
2401 Nordmaling
2417 Norsjö
2409 Robertsfors
2482 Skellefteå
2422 Sorsele
2421 Storuman
2480 Umeå
2462 Vilhelmina
2404 Vindeln
2460 Vännäs
2463 Åsele
25 Norrbottens län
2506 Arjeplog
2505 Arvidsjaur
2582 Boden
2523 Gällivare
2583 Haparanda
2510 Jokkmokk
2514 Kalix
2584 Kiruna
2580 Luleå
2521 Pajala
2581 Piteå
2560 Älvsbyn
2513 Överkalix
2518 Övertorneå
"""


def _parse(table: str) -> tuple[dict[str, str], tuple[Kommun, ...]]:
    counties: dict[str, str] = {}
    kommuner: list[Kommun] = []
    county = ""
    for line in table.strip().splitlines():
        code, _, name = line.strip().partition(" ")
        if len(code) == 2:
            counties[code] = county = name
        else:
            kommuner.append(Kommun(code, name, county))
    return counties, tuple(kommuner)


_COUNTIES, KOMMUNER = _parse(_TABLE)

#: County (län) names by their two-digit SCB code.
COUNTIES: Mapping[str, str] = MappingProxyType(_COUNTIES)
KOMMUN_BY_CODE: Mapping[str, Kommun] = MappingProxyType({k.code: k for k in KOMMUNER})
KOMMUN_BY_NAME: Mapping[str, Kommun] = MappingProxyType({k.name: k for k in KOMMUNER})

#: The names, as they are usually written, in the order of ``KOMMUNER``.
SWEDISH_MUNICIPALITIES: tuple[str, ...] = tuple(k.name for k in KOMMUNER)
#: The same names as a set, for membership tests.
MUNICIPALITY_NAMES: frozenset[str] = frozenset(SWEDISH_MUNICIPALITIES)
