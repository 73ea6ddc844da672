"""Follow-up results and the pledge each reports on, written in several people's styles.

Each pair: a restated pledge or result as a follow-up page words it (with who kept it), the
pledges of the set, and the index of the pledge it belongs to (None: none of them). ``TUNED``
was used while building the lexicon matching; ``HELD_OUT`` is only scored as a whole.
"""

from __future__ import annotations

Pledge = tuple[str, str]  # (text, responsible)
Pair = tuple[str, str, tuple[Pledge, ...], int | None]

_TRAFFIC = (
    ("Polisen genomför trafikkontroller på infartsvägarna varje månad.", "polisen"),
    ("Polisen besöker skolorna i kommunen under läsåret.", "polisen"),
    ("Kommunen bjuder in till föräldramöten om ungdomars alkoholvanor.", "kommunen"),
)
_EVENING = (
    ("Kommunen stöttar föreningar som nattvandrar på helgerna.", "kommunen"),
    ("Kommunen förbättrar belysningen i gångtunnlarna.", "kommunen"),
    ("Polisen håller trafikkontroller vid skolorna.", "polisen"),
)
_PRESENCE = (
    ("Polisen ska vara synlig i centrum fredag och lördag kväll.", "polisen"),
    ("Polisen kontrollerar yrkestrafiken på E4.", "polisen"),
    ("Kommunen och polisen genomför en trygghetsvandring per år.", "båda"),
)
_SCHOOL = (
    ("Polisen besöker alla klasser i årskurs 8 under hösten.", "polisen"),
    ("Kommunen erbjuder ANDT-utbildning för personal på fritidsgårdarna.", "kommunen"),
    ("Polisen ökar närvaron vid ungdomsevenemang.", "polisen"),
)
_DIALOGUE = (
    ("Polisen och kommunen håller medborgardialoger i varje kommundel.", "båda"),
    ("Kommunen startar grannsamverkan i nya bostadsområden.", "kommunen"),
    ("Polisen kontrollerar serveringsställen tillsammans med kommunen.", "polisen"),
)

TUNED: tuple[Pair, ...] = (
    ("Hastighetsövervakning har gjorts 14 gånger på infarterna.", "polisen", _TRAFFIC, 0),
    ("Fartkontroller, totalt 9 st under året", "polisen", _TRAFFIC, 0),
    ("Nykterhetskontroller genomförda vid 11 tillfällen", "polisen", _TRAFFIC, 0),
    ("Vuxna ute kvällstid: föreningarna har gått 30 kvällar.", "kommunen", _EVENING, 0),
    ("Nattvandrarna var ute varje helg i sommar", "kommunen", _EVENING, 0),
    ("Lasermätning utanför skolorna 6 ggr", "polisen", _EVENING, 2),
    ("Närpolis på torget varje fredagskväll under hösten.", "polisen", _PRESENCE, 0),
    ("Fotpatrullering i centrum har skett 40 helgkvällar", "polisen", _PRESENCE, 0),
    ("Tungtrafikkontroller: 5 insatser med Trafikverket", "polisen", _PRESENCE, 1),
    ("Klassbesök hos samtliga åttor genomfört", "polisen", _SCHOOL, 0),
    ("Drogutbildning för fritidsledare, 2 tillfällen", "kommunen", _SCHOOL, 1),
    ("Dialogmöten i alla kommundelar (4 st)", "båda", _DIALOGUE, 0),
    ("Krogtillsyn tillsammans med alkoholhandläggare 8 ggr", "polisen", _DIALOGUE, 2),
    ("Två nya grannstödsområden har startats", "kommunen", _DIALOGUE, 1),
    # None: police work against a kommun pledge, or nothing in the set.
    ("Nattvandring med polisens volontärer", "polisen", _EVENING, None),
    ("Snöskoterkontroller på sjöarna 3 helger", "polisen", _TRAFFIC, None),
    ("Trygghetsmätningen visar ökad trygghet", "kommunen", _SCHOOL, None),
    ("Information om bedrägerier till seniorer", "polisen", _PRESENCE, None),
)

HELD_OUT: tuple[Pair, ...] = (
    ("Speed checks on the main road, 7 times", "polisen", _TRAFFIC, 0),
    ("trafikövervakning vid skolor 4 ggr", "polisen", _EVENING, 2),
    ("Synlig polis i centrum under 25 helger", "polisen", _PRESENCE, 0),
    ("Lektioner med niorna om droger", "polisen", _SCHOOL, None),
    ("Kontroller av krogar och restauranger, 6 st", "polisen", _DIALOGUE, 2),
    ("Föräldravandringar på fredagar i stan", "kommunen", _EVENING, 0),
)
