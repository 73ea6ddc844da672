"""The public pages served live by `loftesbot run` (`[site] serve = true`), from memory.

In webhook mode the handlers join the webhook's tornado server; in polling mode `SiteServer`
listens on its own (`[site] listen`). A kommun's files are rendered together on first request
and kept, keyed by what changes whenever they would (`model.change_keys`: the kommun's last
activity change, its newest result text and published post) and by the day (a status depends
on the date). Every request asks the database for that key first — three small queries — so a
page is never older than the latest logged activity, and an unchanged page costs no rendering.

Answers carry a strong ETag (a hash of the body), Last-Modified and
`Cache-Control: public, max-age=60`; a matching If-None-Match gets 304. The pages have no
script; the Content-Security-Policy says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import select

from bot.config import SiteSettings
from bot.site.model import KommunPage, build_kommun, change_keys
from bot.site.render import CSS_FILE, Bundle, Resource, Site, draw_chart, http_date, resource
from bot.site.urls import pledge_id_of
from storage.db import Database
from storage.models import Municipality

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=60"
SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'"


class LiveSite:
    """Pages by path, rendered once per change of their kommun's data."""

    def __init__(
        self,
        db: Database,
        settings: SiteSettings,
        tz: tzinfo,
        now: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.settings = settings
        self.tz = tz
        self.now = now
        self.renders = 0  # kommun bundles rendered (tests and the benchmark read it)
        self._sites: dict[str, Site] = {}
        self._pages: dict[int, tuple[Any, KommunPage]] = {}
        self._bundles: dict[tuple[str, int], tuple[Any, Bundle]] = {}
        self._index: dict[str, tuple[Any, Resource]] = {}
        self._locks: dict[Any, asyncio.Lock] = {}

    def base_for(self, request_base: str) -> str:
        return self.settings.public_url or request_base

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
            now = self.now().astimezone(self.tz)
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
        return self.now().astimezone(self.tz).date().isoformat()

    async def _page(self, municipality_id: int, key: Any) -> KommunPage:
        cached = self._pages.get(municipality_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        async with self.db.read() as session:
            page = await build_kommun(
                session, municipality_id, now=self.now(), tz=self.tz, lang=self.settings.lang
            )
        self._pages[municipality_id] = (key, page)
        return page

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
            return cached[1]
        async with self._lock(("kommun", base, municipality_id)):
            cached = self._bundles.get((base, municipality_id))
            if cached is not None and cached[0] == key:
                return cached[1]
            page = await self._page(municipality_id, key)
            bundle = self._site(base).kommun_files(page, await draw_chart(page))
            self._bundles[(base, municipality_id)] = (key, bundle)
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
            pages = [await self._page(mid, (today, keys.get(mid))) for mid, _, _ in everyone]
            now = self.now().astimezone(self.tz)
            modified = max((p.updated_at for p in pages if p.updated_at), default=now)
            item = resource("index.html", self._site(base).index(pages, now), modified)
            self._index[base] = (key, item)
            return item


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


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
        inm = self.request.headers.get("If-None-Match")
        if inm is not None and _matches(inm, item.etag):
            self.set_status(304)
            self.finish()
            return
        self.set_header("Content-Type", item.media_type)
        self.finish(item.body)

    async def head(self, path: str) -> None:
        await self.get(path)


def handlers(live: LiveSite) -> list[Any]:
    """Tornado routes for every public page; put them after any other route."""
    return [(r"/(.*)", SitePageHandler, {"live": live})]


class SiteServer:
    """Its own listener for the pages (polling mode, `[site] listen`)."""

    def __init__(self, live: LiveSite, *, listen: str = "127.0.0.1", port: int = 8080) -> None:
        self.live = live
        self.listen = listen
        self.requested_port = port
        self.port: int | None = None
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> int:
        from bot.serve import ServeError, _log_request

        application = tornado.web.Application(handlers(self.live), log_function=_log_request)
        try:
            sockets = tornado.netutil.bind_sockets(self.requested_port, address=self.listen)
        except OSError as exc:
            raise ServeError(
                f"kan inte lyssna på {self.listen}:{self.requested_port} "
                f"([site] listen): {exc.strerror or exc}"
            ) from exc
        self._server = tornado.httpserver.HTTPServer(application, xheaders=True)
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.close_all_connections(), 5.0)
