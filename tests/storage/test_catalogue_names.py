"""Municipality names: typed without å/ä/ö they find the real one; Habo and Håbo stay two."""

from __future__ import annotations

from storage import catalogue
from storage.db import Database


async def test_names_without_accents_and_the_habo_pair(db: Database) -> None:
    async with db.transaction() as session:
        harjedalen = await catalogue.get_or_create_municipality(session, "Härjedalen")
        again = await catalogue.get_or_create_municipality(session, "harjedalen")
        assert again.id == harjedalen.id
        habo_a = await catalogue.get_or_create_municipality(session, "Håbo", exact=True)
        habo = await catalogue.get_or_create_municipality(session, "Habo", exact=True)
        assert habo.id != habo_a.id
        assert habo.slug != habo_a.slug
        assert (await catalogue.municipality_by_name(session, "Habo")).id == habo.id  # type: ignore[union-attr]
        assert (await catalogue.municipality_by_name(session, "Håbo")).id == habo_a.id  # type: ignore[union-attr]
        assert (await catalogue.municipality_by_name(session, "harjedalen")).id == harjedalen.id  # type: ignore[union-attr]
