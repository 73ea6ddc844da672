"""Addresses of the public pages, for the pages themselves and for the bot's share links.

Imports nothing of the bot but the slug rule, so that handlers and the delivery wing can link
to a page without loading the site's templates.
"""

from __future__ import annotations

import re

from storage.catalogue import slugify


def pledge_slug(pledge_id: int, short_name: str) -> str:
    """The pledge page's folder: "skolbesok-12" (ASCII, and the id keeps it unique)."""
    words = slugify(short_name)[:50].strip("-")
    return f"{words}-{pledge_id}" if words else str(pledge_id)


def pledge_id_of(slug: str) -> int | None:
    """The pledge id at the end of a pledge folder's name (any words before it)."""
    found = re.search(r"(?:^|-)(\d{1,12})$", slug)
    return int(found.group(1)) if found else None


def kommun_url(public_url: str, municipality_slug: str) -> str | None:
    """The kommun's page, or None without a public address."""
    base = public_url.rstrip("/")
    return f"{base}/{municipality_slug}/" if base and municipality_slug else None


def pledge_url(
    public_url: str, municipality_slug: str, pledge_id: int, short_name: str
) -> str | None:
    """A pledge's page, or None without a public address."""
    page = kommun_url(public_url, municipality_slug)
    return f"{page}{pledge_slug(pledge_id, short_name)}/" if page else None
