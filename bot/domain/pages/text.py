"""From raw bytes or markup to a list of classified blocks (headings, bullets, paragraphs).

Rules:
- Input is UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252; anything else, NUL
  bytes, known binary formats or a page above 2 MB raise ``PageError`` with a Swedish message.
- HTML is recognised by its tags and turned into lines with BeautifulSoup's ``html.parser``
  (lenient: broken markup still yields its text). ``<h1>``–``<h6>`` become headings with their
  level, ``<li>`` become bullets, block elements end lines; scripts, styles, navigation, forms
  and figure captions are dropped. A table row becomes a bullet: its first cell, with the other
  short cells in parentheses ("… (Polisen)"), so that a column "Ansvarig" names the party.
- Plain text: a line starting with "•", "-", "–", "*", "1." or "1)" is a bullet; a short line
  that does not end like a sentence is a heading (level 1 in capitals, else 2); a line that
  starts in lower case (or an indented line after a bullet) continues the line above, which
  undoes hard wrapping.
- Page furniture (JavaScript and cookie notices, "Sök på polisen.se", "Till toppen", "Dela",
  publication stamps, photo captions, signatures) is kept as ``noise`` blocks: not content, but
  still searched for the publication date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from bot.domain.pages.model import PageError

MAX_PAGE_BYTES = 2 * 1024 * 1024

BlockKind = Literal["heading", "bullet", "para", "noise"]


@dataclass(slots=True)
class Block:
    """One line of content: a heading, a bullet item, a paragraph or page furniture."""

    kind: BlockKind
    text: str
    level: int = 0
    """Heading level: 1 is the top. Text pages: 1 for CAPITALS, 2 otherwise."""
    from_markup: bool = False
    """True for headings from <h1>–<h6>, which need no guessing."""


@dataclass(frozen=True, slots=True)
class PageText:
    """The decoded page: its blocks and the HTML <title>, when there was one."""

    blocks: tuple[Block, ...]
    html_title: str | None
    is_html: bool


# ---------------------------------------------------------------------------------------------
# Decoding


_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "Filen är en PDF, inte en webbsida eller text. Kopiera texten ur PDF:en i stället."),
    (
        b"PK\x03\x04",
        "Filen är ett komprimerat arkiv eller ett Office-dokument. "
        "Spara sidan som text eller HTML.",
    ),
    (b"\x89PNG", "Filen är en bild (PNG), inte en webbsida eller text."),
    (b"\xff\xd8\xff", "Filen är en bild (JPEG), inte en webbsida eller text."),
    (b"GIF8", "Filen är en bild (GIF), inte en webbsida eller text."),
    (b"\x1f\x8b", "Filen är komprimerad (gzip). Packa upp den först."),
)

_BINARY_MESSAGE = (
    "Filen verkar vara binär och inte text (den innehåller nolltecken eller styrtecken). "
    "Spara sidan som text eller HTML och försök igen."
)
_UNDECODABLE_MESSAGE = (
    "Filen går inte att läsa som text: den är varken UTF-8 eller Windows-1252. "
    "Spara sidan som text eller HTML och försök igen."
)
_EMPTY_MESSAGE = "Sidan är tom – det finns ingen text att läsa."

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _too_large(size: int) -> PageError:
    megabytes = size / (1024 * 1024)
    return PageError(
        f"Sidan är för stor ({megabytes:.1f} MB). Högst 2 MB kan läsas – "
        "importera bara själva löftessidan."
    )


def decode(content: bytes | str) -> str:
    """Decode and normalise the page text, or raise ``PageError``."""
    if isinstance(content, bytes):
        if len(content) > MAX_PAGE_BYTES:
            raise _too_large(len(content))
        if not content.strip():
            raise PageError(_EMPTY_MESSAGE)
        for magic, message in _BINARY_MAGIC:
            if content.startswith(magic):
                raise PageError(message)
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = content.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise PageError(_UNDECODABLE_MESSAGE) from exc
        elif b"\x00" in content:
            raise PageError(_BINARY_MESSAGE)
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = content.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise PageError(_UNDECODABLE_MESSAGE) from exc
    else:
        text = content
        if len(text) > MAX_PAGE_BYTES // 4 and len(text.encode("utf-8")) > MAX_PAGE_BYTES:
            raise _too_large(len(text.encode("utf-8")))
        if "\x00" in text:
            raise PageError(_BINARY_MESSAGE)
    controls = len(_CONTROL_RE.findall(text))
    if controls > 8 and controls > len(text) // 100:
        raise PageError(_BINARY_MESSAGE)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _CONTROL_RE.sub("", text)
    text = _INVISIBLE_RE.sub("", text)
    if not text.strip():
        raise PageError(_EMPTY_MESSAGE)
    return text


# ---------------------------------------------------------------------------------------------
# HTML

_HTML_RE = re.compile(
    r"<(?:!doctype\s+html|html|body|head|p|div|li|ul|ol|h[1-6]|br|span|a|table|section|"
    r"article|main|strong|em|b|i)\b[^>]*>",
    re.IGNORECASE,
)
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "nav",
    "form",
    "button",
    "select",
    "textarea",
    "input",
    "head",
    "figcaption",
    "aside",
    "footer",
    "object",
    "canvas",
    "video",
    "audio",
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "figure",
        "table",
        "thead",
        "tbody",
        "tr",
        "pre",
        "address",
        "hr",
        "body",
        "html",
        "details",
        "summary",
        "caption",
    }
)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_MARK = "\x01"
_WHITESPACE_RE = re.compile(r"\s+")
_MARK_RE = re.compile(r"^\x01H(\d)\x01")


def looks_like_html(text: str) -> bool:
    return len(_HTML_RE.findall(text[:200_000], 0)) >= 2 or bool(
        re.search(r"<(?:html|body|!doctype)", text[:5000], re.IGNORECASE)
    )


def _tables_to_items(soup: BeautifulSoup) -> None:
    """A table of pledges ("Löfte | Ansvarig | Mål") becomes a list: one item per data row, the
    first cell as the text and the other (short) cells in parentheses, where a party named
    there is read as who keeps the pledge. Header rows go."""
    for row in list(soup.find_all("tr")):
        cells = [c for c in row.find_all(["td", "th"]) if c.find_parent("tr") is row]
        if not cells or all(c.name == "th" for c in cells):
            row.decompose()
            continue
        texts = [_WHITESPACE_RE.sub(" ", c.get_text(" ")).strip() for c in cells]
        texts = [t for t in texts if t]
        if not texts:
            row.decompose()
            continue
        first, rest = texts[0], texts[1:]
        extra = [t for t in rest if len(t.split()) <= 8]
        longer = [t for t in rest if len(t.split()) > 8]
        text = " ".join([first, *longer])
        if extra:
            text = f"{text.rstrip('.')} ({', '.join(extra)})."
        item = soup.new_tag("li")
        item.string = text
        row.replace_with(item)


def _html_to_lines(markup: str) -> tuple[str, str | None]:
    """Text of the markup with one block per line; an explicit stack keeps deep or broken
    nesting linear (no recursion, no tree edits)."""
    soup = BeautifulSoup(markup, "html.parser")
    _tables_to_items(soup)
    title_tag = soup.find("title")
    html_title = title_tag.get_text(" ", strip=True) if title_tag else None
    out: list[str] = []
    in_heading = 0
    stack: list[tuple[Tag, Iterator[PageElement]]] = [(soup, iter(list(soup.contents)))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            name = node.name
            if node is soup:
                continue
            if name in _HEADING_TAGS:
                in_heading -= 1
                out.append("\n")
            elif name == "li" or name in _BLOCK_TAGS:
                out.append("\n")
            elif name in ("td", "th"):
                out.append(" ")
            continue
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                out.append(_WHITESPACE_RE.sub(" ", str(child)))
            continue
        if not isinstance(child, Tag) or child.name in _DROP_TAGS:
            continue
        name = child.name
        if name == "br":
            out.append(" " if in_heading else "\n")
            continue
        if name in _HEADING_TAGS:
            in_heading += 1
            out.append(f"\n{_MARK}H{_HEADING_TAGS[name]}{_MARK}")
        elif name == "li":
            out.append("\n• ")
        elif name in _BLOCK_TAGS:
            out.append("\n")
        stack.append((child, iter(list(child.contents))))
    return "".join(out), html_title


# ---------------------------------------------------------------------------------------------
# Lines to blocks

_BULLET_RE = re.compile(r"^(?:[•·▪◦‣●○■□➢➤►✓✔\-–—*]|\d{1,2}[.)]|[a-h]\))\s+(?=\S)")
_NUMBERED_RE = re.compile(r"^\d{1,2}[.)]\s+")

_NOISE_PATTERNS = (
    r"javascript\b.*",
    r".*\b(?:cookies?|kakor)\b.*",
    r"sök på .*",
    r"sök( på webbplatsen)?",
    r"till toppen",
    r"(?:dela|skriv ut|tipsa|lyssna|läs upp|dela sidan|dela på \w+)(?: .{0,30})?",
    r"publicerad\b.*",
    r"(?:sidan )?(?:senast )?(?:uppdaterad|ändrad)\w*\b.*",
    r"till startsidan|startsida|tillbaka|skip to content|gå tillbaka",
    r"(?:gruppbild|bild|foto|fotograf|bildtext|på bilden|längst fram|längst bak|från vänster|"
    r"i bakgrunden)\b.*",
    r"\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}[.:]\d{2})?",
    r"\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
    r"december) \d{4}(?:,? (?:kl\.? )?\d{1,2}[.:]\d{2})?",
    r"(?:hoppa till|gå till) (?:innehåll|huvudinnehåll|sidans innehåll).*",
    r"meny|stäng|logga in|lyssna på sidan|english|other languages|in english",
)
_NOISE_RE = re.compile(r"^(?:" + "|".join(_NOISE_PATTERNS) + r")$", re.IGNORECASE)
_SIGNATURE_RE = re.compile(r"\b(?:skriver under|skrev under|undertecknar|undertecknade)\b", re.I)


def _is_noise(text: str) -> bool:
    if _NOISE_RE.match(text):
        return True
    return bool(_SIGNATURE_RE.search(text)) and not re.search(r"\blovar\b", text, re.I)


def _looks_like_heading(text: str) -> bool:
    if len(text) > 100 or not text:
        return False
    words = text.split()
    if len(words) > 12:
        return False
    if text[-1] in ".;,":
        return False
    if text.endswith(":") and len(words) > 6:
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit()):
        return False
    if re.search(r"\blovar\b", text, re.IGNORECASE) and len(words) > 4:
        # A title such as "X kommun och polisen lovar – medborgarlöften 2024" is a heading.
        return bool(re.search(r"medborgarlöfte", text, re.IGNORECASE)) and " att " not in text
    return True


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _clean(line: str) -> str:
    return _SPACE_RE.sub(" ", line).strip()


def _lines_to_blocks(text: str, *, html: bool) -> list[Block]:
    blocks: list[Block] = []
    blank_before = True
    for raw in text.split("\n"):
        marked = _MARK_RE.match(raw)
        if marked:
            heading = _clean(raw[marked.end() :].replace(_MARK, ""))
            if heading:
                blocks.append(Block("heading", heading, int(marked.group(1)), from_markup=True))
            blank_before = True
            continue
        line = _clean(raw.replace(_MARK, ""))
        if not line:
            blank_before = True
            continue
        indented = raw[:1] in (" ", "\t") and not _BULLET_RE.match(line)
        previous = blocks[-1] if blocks else None
        continues = (
            previous is not None
            and not blank_before
            and (previous.kind in ("para", "bullet", "noise") or not previous.from_markup)
            and not _BULLET_RE.match(line)
            and (line[0].islower() or (indented and previous.kind == "bullet" and not html))
        )
        blank_before = False
        if previous is not None and continues:
            previous.text = f"{previous.text} {line}"
            if previous.kind == "heading" and not _looks_like_heading(previous.text):
                previous.kind = "para"
            continue
        bullet = _BULLET_RE.match(line)
        if bullet:
            rest = line[bullet.end() :].strip()
            numbered = _NUMBERED_RE.match(line) is not None
            if numbered and len(rest.split()) <= 5 and _looks_like_heading(rest):
                blocks.append(Block("heading", rest, 1 if _is_caps(rest) else 2))
            else:
                blocks.append(Block("bullet", rest))
            continue
        if _is_noise(line):
            blocks.append(Block("noise", line))
        elif _looks_like_heading(line):
            level = 6 if html else (1 if _is_caps(line) else 2)
            blocks.append(Block("heading", line, level))
        else:
            blocks.append(Block("para", line))
    # A line joined to its predecessor may have turned furniture into content or back.
    for block in blocks:
        if block.kind in ("para", "heading") and not block.from_markup and _is_noise(block.text):
            block.kind = "noise"
    return blocks


MAX_HTML_TAGS = 60_000
"""A promise page has a few thousand tags; far more is not a page a person wrote."""
MAX_TABLE_DEPTH = 8
"""Tables inside tables cost the table reader time that grows with the square of the depth."""
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_TOO_COMPLEX_MESSAGE = (
    "Sidan är för krånglig att läsa ({what}). Spara bara själva löftessidan, "
    "eller klistra in dess text, och försök igen."
)


def check_cost(markup: str) -> None:
    """Refuse markup whose reading would cost far more than a real page (one linear pass,
    before any parsing): too many tags, or tables nested too deep."""
    depth = deepest = 0
    for tags, match in enumerate(_TAG_RE.finditer(markup), start=1):
        if tags > MAX_HTML_TAGS:
            raise PageError(_TOO_COMPLEX_MESSAGE.format(what=f"över {MAX_HTML_TAGS} taggar"))
        if match.group(2).lower() == "table":
            depth = max(0, depth - 1) if match.group(1) else depth + 1
            deepest = max(deepest, depth)
            if deepest > MAX_TABLE_DEPTH:
                raise PageError(
                    _TOO_COMPLEX_MESSAGE.format(what=f"tabeller i mer än {MAX_TABLE_DEPTH} nivåer")
                )


def read_text(content: bytes | str) -> PageText:
    """Decode ``content`` and split it into blocks."""
    text = decode(content)
    html = looks_like_html(text)
    html_title: str | None = None
    if html:
        check_cost(text)
        text, html_title = _html_to_lines(text)
    blocks = _lines_to_blocks(text, html=html)
    if not any(b.kind != "noise" for b in blocks):
        raise PageError(_EMPTY_MESSAGE)
    return PageText(blocks=tuple(blocks), html_title=html_title, is_html=html)
