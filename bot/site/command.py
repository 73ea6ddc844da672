"""The `site` command's arguments (kept apart from the generator, so that `loftesbot --help`
does not load the site's templates and services)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_parser(sub: Any, db_help: str) -> None:
    site = sub.add_parser(
        "site",
        help="skriv publika webbsidor för kommunernas löften",
        description="Skriv publika webbsidor: en sida per kommun och per löfte, data.json, ett "
        "Atom-flöde, en widget för iframe och ett fragment att klistra in i en webbsida.",
        epilog="exempel:\n"
        "  loftesbot site --out web/\n"
        "  loftesbot site --out web/ --db var/demo.sqlite3   (demons data)\n"
        "  loftesbot site --out web/ --kommun Härjedalen --base-url https://loften.kommun.se\n"
        "  loftesbot site --out web-en/ --lang en",
    )
    site.add_argument("--out", type=Path, required=True, metavar="MAPP", help="mapp för sidorna")
    site.add_argument(
        "--kommun",
        action="append",
        metavar="KOMMUN",
        help="bara den här kommunen (kan upprepas); annars alla",
    )
    site.add_argument(
        "--lang", choices=("sv", "en"), help="sidornas språk (annars [site] lang, svenska)"
    )
    site.add_argument(
        "--base-url",
        metavar="ADRESS",
        help="sidornas publika adress, för delningslänkar och förhandsbilder "
        "(annars [site] public_url)",
    )
    site.add_argument("--config", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    site.add_argument("--db", type=Path, metavar="FIL", help=db_help)
