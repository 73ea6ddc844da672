"""The public pages as files: Jinja2 templates with autoescape on, a kommun's own templates first.

`Site` renders one kommun's pages into a `Bundle` (relative path -> `Resource`), which both the
static generator (`bot.site.generate`) writes to disk and the live server (`bot.site.live`)
answers from memory. Paths:

    index.html, site.css
    <kommun>/index.html, data.json, feed.atom, widget.html, fragment.html, fragment.css,
    chart.png
    <kommun>/<pledge>/index.html

User and imported text reaches the templates as plain strings and is escaped by autoescape;
no template marks such text safe. The kommun's own folder (`[site] templates`) is searched
before the package's templates, so it can replace `base.html` (or only its blocks, by extending
`lb/base.html`, the package's own copy) without touching code.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from bot.render.chart import render_chart
from bot.site.model import KommunPage, KommunSummary
from bot.site.texts import Lang, counted, text

CSS_FILE = "site.css"
CHART_FILE = "chart.png"

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".atom": "application/atom+xml; charset=utf-8",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Resource:
    body: bytes
    media_type: str
    etag: str  # quoted, strong
    modified: datetime  # for Last-Modified


def resource(path: str, body: bytes | str, modified: datetime) -> Resource:
    data = body.encode() if isinstance(body, str) else body
    suffix = path[path.rfind(".") :] if "." in path else ".html"
    digest = hashlib.sha256(data).hexdigest()[:32]
    return Resource(
        data, MEDIA_TYPES.get(suffix, "application/octet-stream"), f'"{digest}"', modified
    )


Bundle = dict[str, Resource]


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def make_environment(templates: Path | None = None) -> Environment:
    """The templates: a kommun's folder first (when configured), then ours. Ours are also
    reachable as `lb/<name>`, so a kommun's `base.html` can extend `lb/base.html`."""
    ours = PackageLoader("bot.site", "templates")
    loaders: list[Any] = []
    if templates is not None:
        loaders.append(FileSystemLoader(str(templates)))
    loaders += [ours, PrefixLoader({"lb": ours})]
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "atom"), default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _share_links(url: str, title: str, lang: Lang) -> list[tuple[str, str]]:
    """Plain links that share `url`: e-mail, Facebook, LinkedIn, X. No script, no tracker."""
    mail = "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)
    return [
        (text("share_mail", lang), mail),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
    ]


class Site:
    """Renders pages in one language, for one public address (empty: links stay relative and
    pages carry no absolute addresses)."""

    def __init__(self, *, lang: Lang = "sv", base_url: str = "", templates: Path | None = None):
        self.lang: Lang = lang
        self.base_url = base_url.rstrip("/")
        self.env = make_environment(templates)
        self.env.globals.update(
            lang=lang,
            t=lambda key, **fields: text(key, lang, **fields),
            tn=lambda key, n: counted(key, n, lang),
            base_url=self.base_url,
        )

    def url(self, *parts: str) -> str:
        """The absolute address of a page ("" without a public address); a last part "" ends
        the address with "/" (a folder's page)."""
        if not self.base_url:
            return ""
        path = "/".join(p.strip("/") for p in parts if p)
        if parts and parts[-1] == "" and path:
            path += "/"
        return f"{self.base_url}/{path}"

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def css(self) -> str:
        return self._render("site.css.j2")

    def index(self, pages: Sequence[KommunSummary], generated_at: datetime) -> str:
        return self._render(
            "index.html",
            root="",
            pages=pages,
            page_url=self.url(),
            generated_at=generated_at,
            description=text("index_intro", self.lang),
            og_image="",
        )

    def kommun_files(self, page: KommunPage, chart: bytes | None) -> Bundle:
        """Every file of one kommun, keyed by its path under the site's root (the chart's only
        when given: the generator draws charts in other processes and writes them later)."""
        modified = page.updated_at or page.generated_at
        slug = page.slug
        description = text("description", self.lang, name=page.name, summary=page.summary_text)
        common: dict[str, Any] = {
            "page": page,
            "description": description,
            "og_image": self.url(slug, CHART_FILE),
            "kommun_url": self.url(slug, ""),
        }
        files: Bundle = {}
        files[f"{slug}/index.html"] = resource(
            "index.html",
            self._render("kommun.html", root="../", page_url=self.url(slug, ""), **common),
            modified,
        )
        for pledge in page.pledges:
            url = self.url(slug, pledge.slug, "")
            title = text("share_subject", self.lang, name=page.name, pledge=pledge.short_name)
            files[f"{slug}/{pledge.slug}/index.html"] = resource(
                "index.html",
                self._render(
                    "pledge.html",
                    root="../../",
                    pledge=pledge,
                    page_url=url,
                    share=_share_links(url, title, self.lang) if url else [],
                    **common,
                ),
                modified,
            )
        files[f"{slug}/widget.html"] = resource(
            "widget.html", self._render("widget.html", root="../", page_url="", **common), modified
        )
        files[f"{slug}/fragment.html"] = resource(
            "fragment.html", self._render("fragment.html", page_url="", **common), modified
        )
        files[f"{slug}/fragment.css"] = resource(
            "fragment.css", self._render("fragment.css.j2"), modified
        )
        files[f"{slug}/feed.atom"] = resource(
            "feed.atom",
            self._render(
                "feed.atom",
                feed_url=self.url(slug, "feed.atom"),
                feed_id=self.url(slug, "") or f"urn:loftesboten:kommun:{slug}",
                **common,
            ),
            modified,
        )
        files[f"{slug}/data.json"] = resource("data.json", page.export, modified)
        if chart is not None:
            files[f"{slug}/{CHART_FILE}"] = resource(CHART_FILE, chart, modified)
        return files


async def draw_chart(page: KommunPage) -> bytes:
    """The kommun's chart, the same drawing as the channel report's (off the event loop)."""
    return await asyncio.to_thread(
        render_chart,
        page.chart_title,
        page.chart_subtitle,
        page.chart_rows,
        note=page.chart_note,
        lang=page.lang,
    )
