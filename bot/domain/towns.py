"""Towns, larger localities (tätorter) and city districts of Sweden, and the kommun each lies in.

Public facts, compiled for this project: the main town of every kommun whose name differs from
the kommun's, the larger other towns, and the best-known districts of the largest cities (people
ask about "Rinkeby" or "Angered" and mean Stockholm or Göteborg). A town whose name equals its
kommun's name ("Kiruna") needs no row. Names that several kommuner share ("Vik") are left out:
a question naming one of them is asked back, never guessed.

``TOWNS`` maps each town to its kommun, written as in ``SWEDISH_MUNICIPALITIES`` (read-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["TOWNS"]

# kommun: towns, comma-separated; an indented line goes on with the line above. Grouped by
# county as in ``municipality_names``.
_TABLE = """
Botkyrka: Tumba, Tullinge, Fittja, Hallunda, Norsborg, Vårsta, Grödinge
Danderyd: Djursholm, Stocksund, Enebyberg, Mörby
Ekerö: Stenhamra, Färentuna
Haninge: Handen, Jordbro, Västerhaninge, Brandbergen, Tungelsta, Vendelsö, Dalarö
Huddinge: Flemingsberg, Skogås, Trångsund, Segeltorp, Stuvsta, Vårby
Järfälla: Jakobsberg, Barkarby, Kallhäll, Viksjö
Lidingö: Larsberg, Käppala
Nacka: Saltsjöbaden, Fisksätra, Orminge, Saltsjö-Boo, Boo, Sickla, Älta, Björknäs
Norrtälje: Rimbo, Hallstavik, Grisslehamn, Älmsta
Nynäshamn: Ösmo, Sorunda, Stora Vika
Salem: Rönninge
Sigtuna: Märsta, Rosersberg, Steninge
Sollentuna: Rotebro, Häggvik, Edsberg, Tureberg, Helenelund
Solna: Bergshamra, Hagalund, Råsunda, Frösunda
Sundbyberg: Hallonbergen, Rissne, Ursvik, Duvbo
Södertälje: Järna, Hölö, Mölnbo, Östertälje, Ronna, Hovsjö
Tyresö: Bollmora, Trollbäcken
Täby: Arninge, Näsby park, Viggbyholm, Gribbylund, Hägernäs
Upplands Väsby: Runby, Breddby
Upplands-Bro: Kungsängen, Bro, Brunna
Vallentuna: Brottby, Lindholmen, Karby
Värmdö: Gustavsberg, Hemmesta, Ingarö, Djurö
Österåker: Åkersberga, Svinninge
Stockholm: Södermalm, Kungsholmen, Vasastan, Östermalm, Norrmalm, Gamla stan, Bromma, Kista,
    Rinkeby, Tensta, Husby, Akalla, Spånga, Vällingby, Hässelby, Skärholmen, Farsta, Enskede,
    Hägersten, Älvsjö, Skarpnäck, Liljeholmen, Hammarby sjöstad, Rågsved, Hagsätra, Bagarmossen,
    Hjulsta, Sätra, Bredäng
Enköping: Grillby, Örsundsbro, Fjärdhundra
Heby: Östervåla, Morgongåva, Vittinge
Håbo: Bålsta
Knivsta: Alsike
Tierp: Söderfors, Örbyhus, Karlholmsbruk, Skärplinge, Månkarbo
Uppsala: Storvreta, Gottsunda, Gränby, Sävja, Björklinge, Vattholma, Bälinge
Älvkarleby: Skutskär, Älvkarlö
Östhammar: Gimo, Alunda, Öregrund, Österbybruk, Forsmark
Eskilstuna: Torshälla, Kjula, Ärla, Hällbybrunn
Flen: Malmköping, Sparreholm, Hälleforsnäs, Mellösa
Gnesta: Stjärnhov
Katrineholm: Björkvik, Sköldinge
Nyköping: Stigtomta, Jönåker, Vrena, Svalsta
Strängnäs: Mariefred, Åkers styckebruk, Stallarholmen
Trosa: Vagnhärad, Västerljung
Vingåker: Högsjö, Marmorbyn
Boxholm: Strålsnäs
Finspång: Rejmyre, Lotorp, Hällestad
Kinda: Kisa, Rimforsa
Linköping: Ljungsbro, Linghem, Malmslätt, Sturefors, Vikingstad, Skeda udde
Mjölby: Skänninge, Mantorp, Väderstad
Motala: Borensberg, Fornåsa, Tuddarp
Norrköping: Krokek, Skärblacka, Kimstad, Svärtinge, Vikbolandet
Söderköping: Östra Ryd
Valdemarsvik: Gusum, Ringarum
Ydre: Österbymo, Rydsnäs
Åtvidaberg: Grebo, Björsäter
Ödeshög: Hästholmen
Aneby: Frinnaryd
Eksjö: Mariannelund, Ingatorp
Gislaved: Anderstorp, Smålandsstenar, Burseryd, Reftele
Gnosjö: Hillerstorp, Åsenhöga
Habo: Brandstorp
Jönköping: Huskvarna, Bankeryd, Gränna, Tenhult, Taberg, Norrahammar, Jöransberg, Råslätt
Mullsjö: Sandhem
Nässjö: Bodafors, Anneberg, Forserum, Malmbäck
Sävsjö: Vrigstad, Stockaryd, Rörvik
Tranås: Sommen, Gripenberg
Vaggeryd: Skillingaryd
Vetlanda: Ekenässjön, Holsbybrunn, Landsbro, Korsberga
Värnamo: Bredaryd, Forsheda, Rydaholm
Alvesta: Moheda, Vislanda, Grimslöv
Lessebo: Hovmantorp, Kosta, Skruv
Ljungby: Lagan, Ryssby, Lidhult
Markaryd: Strömsnäsbruk, Timsfors
Tingsryd: Linneryd, Konga, Urshult
Uppvidinge: Åseda, Lenhovda, Alstermo, Älghult
Växjö: Braås, Rottne, Ingelstad, Gemla, Lammhult, Åryd, Teleborg
Älmhult: Diö, Liatorp, Eneryda
Borgholm: Köpingsvik, Löttorp, Byxelkrok
Emmaboda: Vissefjärda, Lindås, Johansfors
Hultsfred: Virserum, Målilla, Järnforsen, Mörlunda
Högsby: Fågelfors
Kalmar: Lindsdal, Läckeby, Rinkabyholm, Trekanten, Ljungbyholm
Mönsterås: Blomstermåla, Timmernabben
Mörbylånga: Färjestaden, Degerhamn
Nybro: Orrefors, Alsterbro, Örsjö
Oskarshamn: Påskallavik, Kristdala, Figeholm
Torsås: Söderåkra, Bergkvara
Vimmerby: Södra Vi, Storebro, Gullringen
Västervik: Gamleby, Ankarsrum, Överum, Totebo
Gotland: Visby, Hemse, Slite, Klintehamn, Fårösund
Karlshamn: Mörrum, Asarum, Svängsta
Karlskrona: Lyckeby, Jämjö, Rödeby, Nättraby, Sturkö
Olofström: Jämshög, Kyrkhult
Ronneby: Kallinge, Bräkne-Hoby, Johannishus
Sölvesborg: Mjällby, Hällevik, Nogersund
Bjuv: Billesholm, Ekeby
Bromölla: Näsum
Burlöv: Arlöv, Åkarp
Båstad: Torekov, Förslöv, Grevie
Eslöv: Marieholm, Löberöd, Flyinge
Helsingborg: Råå, Påarp, Ödåkra, Mörarp, Bårslöv, Rydebäck
Hässleholm: Tyringe, Vinslöv, Sösdala, Bjärnum
Höganäs: Viken, Mölle, Jonstorp, Arild
Hörby: Ludvigsborg
Höör: Tjörnarp
Klippan: Ljungbyhed, Östra Ljungby
Kristianstad: Åhus, Tollarp, Degeberga, Fjälkinge, Everöd
Kävlinge: Löddeköpinge, Furulund, Barsebäckshamn
Landskrona: Häljarp, Glumslöv
Lomma: Bjärred
Lund: Dalby, Södra Sandby, Genarp, Veberöd, Stångby
Malmö: Limhamn, Rosengård, Hyllie, Fosie, Husie, Oxie, Bunkeflostrand, Kirseberg, Möllevången,
    Västra Hamnen
Osby: Lönsboda
Perstorp: Oderljunga
Simrishamn: Kivik, Skillinge, Gärsnäs
Sjöbo: Vollsjö, Blentarp
Skurup: Rydsgård
Staffanstorp: Hjärup, Kyrkheddinge
Svalöv: Teckomatorp, Kågeröd, Billeberga
Svedala: Klågerup
Tomelilla: Brösarp
Trelleborg: Anderslöv, Skegrie, Smygehamn
Vellinge: Höllviken, Skanör, Falsterbo, Ljunghusen
Ystad: Löderup, Glemmingebro
Åstorp: Kvidinge
Ängelholm: Munka-Ljungby, Vejbystrand, Skälderviken
Örkelljunga: Skånes Fagerhult
Östra Göinge: Broby, Knislinge, Glimåkra, Hanaskog
Falkenberg: Ullared, Vessigebro
Halmstad: Getinge, Oskarström, Tylösand, Harplinge
Hylte: Hyltebruk, Torup, Unnaryd
Kungsbacka: Onsala, Åsa, Frillesås, Kullavik, Särö, Fjärås
Laholm: Mellbystrand, Skottorp, Våxtorp
Varberg: Veddige, Träslövsläge, Tvååker, Bua
Ale: Nödinge, Nol, Älvängen, Alafors, Surte, Bohus
Alingsås: Sollebrunn, Ingared
Bengtsfors: Billingsfors, Dals Långed
Bollebygd: Olsfors
Borås: Fristad, Sandared, Dalsjöfors, Viskafors
Dals-Ed: Ed
Essunga: Nossebro
Falköping: Floby, Stenstorp, Vartofta
Färgelanda: Högsäter
Grästorp: Tengene
Gullspång: Hova, Otterbäcken
Göteborg: Angered, Hisingen, Biskopsgården, Frölunda, Västra Frölunda, Majorna, Torslanda,
    Hammarkullen, Bergsjön, Gårdsten, Lövgärdet, Tynnered, Kortedala, Askim, Backa
Götene: Källby, Lundsbrunn
Hjo: Korsberga
Härryda: Mölnlycke, Landvetter, Hindås, Rävlanda
Karlsborg: Mölltorp
Kungälv: Ytterby, Kode, Kareby
Lerum: Gråbo, Floda, Stenkullen
Lidköping: Järpås, Saleby
Lilla Edet: Lödöse
Lysekil: Brastad, Grundsund
Mariestad: Hasslerör, Sjötorp
Mark: Kinna, Skene, Fritsla, Örby, Horred
Mellerud: Åsensbruk
Munkedal: Hedekas, Dingle
Mölndal: Kållered, Lindome
Orust: Henån, Ellös, Svanesund, Varekil
Partille: Sävedalen, Öjersjö
Skara: Axvall, Ardala
Skövde: Skultorp, Väring, Timmersdala
Sotenäs: Kungshamn, Smögen, Hunnebostrand, Väjern
Stenungsund: Ucklum, Jörlanda
Strömstad: Skee
Svenljunga: Mjöbäck
Tanum: Tanumshede, Grebbestad, Fjällbacka, Hamburgsund
Tibro: Fagersanna
Tidaholm: Madängsholm
Tjörn: Skärhamn, Rönnäng, Kållekärr
Tranemo: Limmared, Länghem, Grimsås
Trollhättan: Sylte
Töreboda: Moholm, Älgarås
Uddevalla: Ljungskile, Herrestad
Ulricehamn: Gällstad, Dalum
Vara: Kvänum, Vedum
Vårgårda: Horla
Vänersborg: Vargön, Brätte
Åmål: Tösse
Öckerö: Hönö, Björkö, Hälsö
Arvika: Edane, Klässbol
Eda: Charlottenberg, Åmotfors, Koppom
Filipstad: Lesjöfors, Nykroppa
Forshaga: Deje
Grums: Slottsbron
Hagfors: Ekshärad, Uddeholm, Råda
Hammarö: Skoghall
Karlstad: Skåre, Vålberg, Molkom, Väse
Kil: Fagerås
Kristinehamn: Björneborg, Väse bruk
Storfors: Kyrksten
Sunne: Rottneros, Västra Ämtervik
Säffle: Svanskog, Värmlandsbro
Torsby: Sysslebäck, Östmark
Årjäng: Töcksfors
Askersund: Åsbro
Degerfors: Svartå
Hallsberg: Pålsboda, Vretstorp
Hällefors: Grythyttan
Karlskoga: Villingsberg
Kumla: Hällabrottet, Ekeby-Almby
Laxå: Hasselfors, Finnerödja
Lekeberg: Fjugesta
Lindesberg: Frövi, Fellingsbro, Storå, Vedevåg
Ljusnarsberg: Kopparberg
Nora: Gyttorp
Örebro: Vintrosa, Odensbacken, Glanshammar, Vivalla, Brickebacken, Garphyttan
Arboga: Götlunda
Fagersta: Västanfors
Hallstahammar: Kolbäck
Köping: Kolsva
Norberg: Kärrgruvan
Sala: Ransta, Möklinta, Västerfärnebo
Skinnskatteberg: Riddarhyttan
Surahammar: Virsbo, Ramnäs
Västerås: Skultuna, Irsta, Tillberga, Barkarö, Dingtuna, Önsta-Gryta
Avesta: Krylbo, Horndal
Borlänge: Kvarnsveden, Torsång
Falun: Svärdsjö, Grycksbo, Bjursås, Sundborn
Gagnef: Djurås, Mockfjärd, Björbo
Hedemora: Långshyttan, Vikmanshyttan
Leksand: Insjön, Siljansnäs
Ludvika: Grängesberg, Fredriksberg
Malung-Sälen: Sälen, Lima, Transtrand
Mora: Östnor, Venjan, Färnäs
Orsa: Skattungbyn
Rättvik: Vikarbyn, Boda
Smedjebacken: Söderbärke
Säter: Gustafs, Stora Skedvi
Vansbro: Äppelbo, Dala-Järna
Älvdalen: Idre, Särna, Grövelsjön
Bollnäs: Arbrå, Kilafors
Gävle: Valbo, Forsbacka, Hille, Bergby, Hedesunda
Hofors: Torsåker
Hudiksvall: Iggesund, Delsbo, Forsa
Ljusdal: Järvsö, Färila
Nordanstig: Bergsjö, Harmånger, Gnarp
Ockelbo: Åmot
Ovanåker: Edsbyn, Alfta
Sandviken: Storvik, Järbo, Årsunda
Söderhamn: Ljusne, Sandarne, Vallvik
Härnösand: Älandsbro, Brunne, Viksjö, Häggdånger, Ramvik
Kramfors: Bollstabruk, Nyland, Ullånger, Docksta
Sollefteå: Långsele, Ramsele, Junsele, Näsåker
Sundsvall: Njurundabommen, Kvissleby, Matfors, Alnö, Stöde, Söråker
Timrå: Sörberge, Fagervik
Ånge: Ljungaverk, Fränsta, Torpshammar
Örnsköldsvik: Husum, Bjästa, Bredbyn, Köpmanholmen, Själevad
Berg: Svenstavik, Myrviken, Åsarna
Bräcke: Kälarne, Gällö
Härjedalen: Sveg, Funäsdalen, Hede, Vemdalen, Lillhärdal, Ytterhogdal, Tännäs, Ljusnedal,
    Bruksvallarna, Lofsdalen, Björnrike
Krokom: Föllinge, Nälden
Ragunda: Hammarstrand, Bispgården, Stugun
Strömsund: Hoting, Backe, Gäddede
Åre: Järpen, Duved, Mörsil, Undersåker, Edsåsdalen, Storlien
Östersund: Brunflo, Frösön
Bjurholm: Agnäs
Dorotea: Risbäck
Lycksele: Kristineberg
Malå: Adak
Nordmaling: Rundvik, Lögdeå
Norsjö: Bastuträsk
Robertsfors: Bygdeå, Ånäset
Skellefteå: Skelleftehamn, Ursviken, Kåge, Byske, Boliden, Jörn, Bureå
Sorsele: Ammarnäs
Storuman: Tärnaby, Hemavan, Stensele
Umeå: Holmsund, Sävar, Hörnefors, Obbola, Ersboda, Ålidhem
Vilhelmina: Saxnäs
Vindeln: Hällnäs
Vännäs: Vännäsby
Arjeplog: Laisvall
Arvidsjaur: Glommersträsk
Boden: Harads, Gunnarsbyn
Gällivare: Malmberget, Koskullskulle, Nattavaara
Haparanda: Karungi, Nikkala
Jokkmokk: Porjus, Vuollerim
Kalix: Töre, Nyborg, Sangis
Kiruna: Vittangi, Abisko, Karesuando, Svappavaara, Jukkasjärvi
Luleå: Gammelstad, Råneå, Södra Sunderbyn, Bergnäset
Pajala: Korpilombolo, Junosuando
Piteå: Rosvik, Hortlax, Norrfjärden, Öjebyn, Roknäs
Älvsbyn: Vidsel
Överkalix: Lansjärv
Övertorneå: Svanstein, Juoksengi
"""


def _parse(table: str) -> dict[str, str]:
    towns: dict[str, str] = {}
    shared: set[str] = set()
    # A line that starts with spaces goes on with the previous kommun's towns.
    joined = table.strip().replace("\n    ", " ")
    for line in joined.splitlines():
        kommun, _, rest = line.partition(":")
        for town in (t.strip() for t in rest.split(",")):
            if not town:
                continue
            if town in towns and towns[town] != kommun.strip():
                shared.add(town)
            towns[town] = kommun.strip()
    for town in shared:
        del towns[town]
    return towns


TOWNS: Mapping[str, str] = MappingProxyType(_parse(_TABLE))
