"""A strict checker for the HTML the bot sends: only the tags the bot itself writes, only the
entities `html.escape` makes, nothing raw from the input, nothing escaped twice.

Telegram's HTML parse mode refuses a message with an unknown tag, an unclosed tag or a bare
`&`/`<`, and would render an injected `<a href=…>` as a link: the checker fails on all of them.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

TAGS = frozenset({"b", "i", "code"})  # what bot/render writes (grep: <b>, <i>, <code>)
ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
TOKEN = re.compile(r"</?(?:b|i|code)>|&(?:lt|gt|amp|quot);|[<>&]")
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS or attrs:
            self.problems.append(f"tag the bot never writes: {self.get_starttag_text()!r}")
        if "code" in self.stack:
            self.problems.append(f"<{tag}> inside <code>")
        if tag in self.stack:
            self.problems.append(f"<{tag}> nested in itself")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag {self.get_starttag_text()!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open tag {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.problems.append(f"raw {char!r} in {data[:60]!r}")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.problems.append(f"entity the bot never writes: &{name};")
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.problems.append(f"character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:40]}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl[:40]}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data[:40]}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"unknown declaration {data[:40]}")


def problems(text: str, planted: str = "", *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """What is wrong with `text` as a Telegram HTML message built with `planted` in it."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    found = list(parser.problems)
    if parser.stack:
        found.append(f"unclosed tags {parser.stack}")
    # The exact forms: html.parser accepts <B>, < b> and &amp (no semicolon); Telegram and we don't.
    for match in TOKEN.finditer(text):
        if len(match.group(0)) == 1:
            at = match.start()
            found.append(f"bare {match.group(0)!r} at {at}: {text[max(0, at - 20) : at + 20]!r}")
    visible = "".join(parser.visible)
    if len(visible) > limit:
        found.append(f"{len(visible)} characters, more than {limit}")
    # Escaped twice: the reader would see "&lt;" where the input had "<".
    if planted and "&" not in planted:
        for entity in ("&lt;", "&gt;", "&amp;"):
            if entity in visible:
                found.append(f"escaped twice: {entity!r} shows in the text")
    return found


def assert_telegram_html(text: str, planted: str = "", *, limit: int = MESSAGE_LIMIT) -> str:
    """The visible text of a valid message; fails with every problem found."""
    found = problems(text, planted, limit=limit)
    assert not found, f"{found}\nplanted: {planted!r}\nmessage: {text[:600]!r}"
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return "".join(parser.visible)


PAGE_TAGS = frozenset(
    {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "ul", "li", "br"}
    | {"strong", "em"}
)
PAGE_ATTRS = {"html": {"lang"}, "meta": {"charset", "name", "content"}, "p": {"class"}}
VOID = frozenset({"meta", "br"})


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in PAGE_TAGS:
            self.problems.append(f"tag the page never has: {self.get_starttag_text()!r}")
        for name, _value in attrs:
            if name not in PAGE_ATTRS.get(tag, set()):
                self.problems.append(f"attribute {name!r} on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.stack[-1:]}")
            return
        self.stack.pop()
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style and any(c in data for c in "<>&"):
            self.problems.append(f"raw markup character in {data[:60]!r}")

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES | {"#x27"}:
            self.problems.append(f"entity &{name};")

    def handle_charref(self, name: str) -> None:
        if name != "x27":  # html.escape writes ' as &#x27;
            self.problems.append(f"character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("unknown declaration")


def assert_web_page(page: str) -> None:
    """The report's HTML page: its own tags and attributes only, every text escaped."""
    parser = _PageParser()
    parser.feed(page.removeprefix("<!DOCTYPE html>"))
    parser.close()
    found = parser.problems + ([f"unclosed {parser.stack}"] if parser.stack else [])
    assert not found, f"{found}\npage: {page[:800]!r}"


MARKDOWN_ACTIVE = "<>[]`|"  # the report's Markdown never writes these itself


def assert_markdown(text: str) -> None:
    """The report's Markdown: no raw HTML, link, image or code span can come from the input,
    because every such character is backslash-escaped."""
    for at, char in enumerate(text):
        if char in MARKDOWN_ACTIVE:
            slashes = len(text[:at]) - len(text[:at].rstrip("\\"))
            assert slashes % 2 == 1, (
                f"unescaped {char!r} at {at}: {text[max(0, at - 30) : at + 30]!r}"
            )
