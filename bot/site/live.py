"""The public pages served live by `loftesbot run` (`[site] serve = true`), from memory.

In webhook mode the rules (`handlers`) join the webhook's listener; in polling mode they get a
listener of their own (`bot.http.Listener` on `[site] listen`; both in `bot.serve.run`). A
kommun's files are rendered together on first request and kept, keyed by what changes whenever
they would (`model.change_keys`: the kommun's last activity change, its newest result text and
published post) and by the day (a status depends on the date). Every request asks the
database for that key first — a few small queries — so a page is never older than the latest
logged activity, and an unchanged page costs no rendering. The files of the `MAX_BUNDLES`
kommuner asked for most recently are kept; the index keeps a summary line per kommun.

Answers carry a strong ETag (a hash of the body), Last-Modified and
`Cache-Control: public, max-age=60`; a matching If-None-Match (or If-Modified-Since) gets 304.
The pages have no script; the Content-Security-Policy says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

import tornado.web
from sqlalchemy import select

from bot.clock import Clock
from bot.config import SiteSettings
from bot.http import Rule
from bot.site.model import (
    KommunPage,
    KommunSummary,
    build_kommun,
    build_summary,
    change_keys,
    summary_of,
)
from bot.site.render import CSS_FILE, Bundle, Resource, Site, draw_chart, http_date, resource
from bot.site.urls import pledge_id_of
from storage.db import Database
from storage.models import Municipality

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=60"
MAX_BUNDLES = 64  # kommuner whose rendered files are kept in memory
SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'"


class LiveSite:
    """Pages by path, rendered once per change of their kommun's data."""

    def __init__(
        self,
        db: Database,
        settings: SiteSettings,
        tz: tzinfo,
        clock: Clock,
        *,
        max_bundles: int = MAX_BUNDLES,
    ) -> None:
        self.db = db
        self.settings = settings
        self.tz = tz
        self.clock = clock
        self.renders = 0  # kommun bundles rendered (tests and the benchmark read it)
        self._sites: dict[str, Site] = {}
        self._summaries: dict[int, tuple[Any, KommunSummary]] = {}
        # The kommuner asked for most recently (a bundle holds the kommun's data.json, up to a
        # megabyte or two for the largest): at most `max_bundles` of them.
        self.max_bundles = max_bundles
        self._bundles: OrderedDict[tuple[str, int], tuple[Any, Bundle]] = OrderedDict()
        self._index: dict[str, tuple[Any, Resource]] = {}
        self._locks: dict[Any, asyncio.Lock] = {}

    def base_for(self, request_base: str) -> str:
        """The pages' public address: the configured one only. The request's Host header is
        never used: anyone can send any host, and each would get pages of its own in memory
        (and links to itself). Without `[site] public_url`, links stay relative."""
        return self.settings.public_url

    def _site(self, base: str) -> Site:
        site = self._sites.get(base)
        if site is None:
            site = Site(lang=self.settings.lang, base_url=base, templates=self.settings.templates)
            self._sites[base] = site
        return site

    def _lock(self, key: Any) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    async def lookup(self, path: str, base: str) -> Resource | None:
        """The file at `path` (as requested, without the leading "/"), or None."""
        path = path.lstrip("/")
        if path in ("", "index.html"):
            return await self._index_page(base)
        if path == CSS_FILE:
            site = self._site(base)
            now = self.clock.now().astimezone(self.tz)
            return resource(CSS_FILE, site.css(), now.replace(hour=0, minute=0, second=0))
        slug, _, rest = path.partition("/")
        if not rest or rest.endswith("/"):
            rest += "index.html"
        elif "." not in rest.rsplit("/", 1)[-1]:
            rest += "/index.html"
        bundle = await self._kommun(slug, base)
        if bundle is None:
            return None
        found = bundle.get(f"{slug}/{rest}")
        if found is None and rest.endswith("/index.html") and rest.count("/") == 1:
            # A pledge asked for by its id alone, or under an older name.
            wanted = pledge_id_of(rest.split("/", 1)[0])
            for name, item in bundle.items():
                parts = name.split("/")
                if len(parts) == 3 and wanted is not None and pledge_id_of(parts[1]) == wanted:
                    return item
        return found

    def _today(self) -> str:
        return self.clock.now().astimezone(self.tz).date().isoformat()

    async def _page(self, municipality_id: int, key: Any) -> KommunPage:
        async with self.db.read() as session:
            page = await build_kommun(
                session, municipality_id, now=self.clock.now(), tz=self.tz, lang=self.settings.lang
            )
        self._summaries[municipality_id] = (key, summary_of(page))
        return page

    async def _summary(self, municipality_id: int, key: Any) -> KommunSummary:
        cached = self._summaries.get(municipality_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        async with self.db.read() as session:
            summary = await build_summary(
                session, municipality_id, now=self.clock.now(), tz=self.tz, lang=self.settings.lang
            )
        self._summaries[municipality_id] = (key, summary)
        return summary

    async def _kommun(self, slug: str, base: str) -> Bundle | None:
        async with self.db.read() as session:
            municipality_id = await session.scalar(
                select(Municipality.id).where(Municipality.slug == slug)
            )
            if municipality_id is None:
                return None
            keys = await change_keys(session, municipality_id)
        key = (self._today(), keys.get(municipality_id))
        cached = self._bundles.get((base, municipality_id))
        if cached is not None and cached[0] == key:
            self._bundles.move_to_end((base, municipality_id))
            return cached[1]
        async with self._lock(("kommun", base, municipality_id)):
            cached = self._bundles.get((base, municipality_id))
            if cached is not None and cached[0] == key:
                return cached[1]
            page = await self._page(municipality_id, key)
            bundle = self._site(base).kommun_files(page, await draw_chart(page))
            self._bundles[(base, municipality_id)] = (key, bundle)
            self._bundles.move_to_end((base, municipality_id))
            while len(self._bundles) > self.max_bundles:
                self._bundles.popitem(last=False)
            self.renders += 1
            return bundle

    async def _index_page(self, base: str) -> Resource:
        from bot.site.model import municipalities

        async with self.db.read() as session:
            everyone = await municipalities(session)
            keys = await change_keys(session)
        today = self._today()
        key = (today, tuple(sorted((mid, keys.get(mid)) for mid, _, _ in everyone)))
        cached = self._index.get(base)
        if cached is not None and cached[0] == key:
            return cached[1]
        async with self._lock(("index", base)):
            cached = self._index.get(base)
            if cached is not None and cached[0] == key:
                return cached[1]
            pages = [await self._summary(mid, (today, keys.get(mid))) for mid, _, _ in everyone]
            now = self.clock.now().astimezone(self.tz)
            modified = max((p.updated_at for p in pages if p.updated_at), default=now)
            item = resource("index.html", self._site(base).index(pages, now), modified)
            self._index[base] = (key, item)
            return item


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _not_modified(if_none_match: str | None, if_modified_since: str | None, item: Resource) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since (whole seconds)."""
    if if_none_match is not None:
        return _matches(if_none_match, item.etag)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return item.modified.replace(microsecond=0) <= since


class SitePageHandler(tornado.web.RequestHandler):
    """GET/HEAD of any public page; 404 for what is not one."""

    live: LiveSite

    def initialize(self, live: LiveSite) -> None:
        self.live = live

    async def get(self, path: str) -> None:
        base = self.live.base_for(f"{self.request.protocol}://{self.request.host}")
        try:
            item = await self.live.lookup(path, base)
        except Exception:
            log.exception("site: could not render /%s", path)
            self.set_status(500)
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("Sidan kunde inte visas just nu.\n")
            return
        if item is None:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", CACHE_CONTROL)
            self.finish("Sidan finns inte.\n")
            return
        self.set_header("ETag", item.etag)
        self.set_header("Last-Modified", http_date(item.modified))
        self.set_header("Cache-Control", CACHE_CONTROL)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", SECURITY_POLICY)
        self.set_header("Referrer-Policy", "no-referrer")
        if _not_modified(
            self.request.headers.get("If-None-Match"),
            self.request.headers.get("If-Modified-Since"),
            item,
        ):
            self.set_status(304)
            self.finish()
            return
        self.set_header("Content-Type", item.media_type)
        self.finish(item.body)

    async def head(self, path: str) -> None:
        await self.get(path)


def handlers(live: LiveSite) -> list[Rule]:
    """Tornado rules for every public page (`bot.http.Listener`); a catch-all, so put them
    after any other rule."""
    return [(r"/(.*)", SitePageHandler, {"live": live})]
