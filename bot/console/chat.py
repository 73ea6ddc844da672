"""`loftesbot demo`: the real application in a terminal, offline, on example data.

Each line typed is sent to the bot as a Telegram message from the current person and goes
through PTB's real dispatch (`Application.process_update`); the bot's answers come back through
the in-process transport and are printed with their formatting rendered for a terminal. Inline
buttons are numbered; `#2` presses the second. Lines starting with ':' talk to the demo itself.
When standard input is not a terminal, one message is read per line, so the demo can be scripted.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar, TextIO

from bot.app import build_application
from bot.clock import Clock, SystemClock, local_today
from bot.config import DatabaseSettings, Settings
from bot.console.transport import ApiCall, OfflineTransport
from bot.console.updates import Person, UpdateFactory
from bot.services.core import Services
from bot.services.examples import DEMO_PEOPLE, DemoPerson, load_examples
from storage import migrate
from storage.db import Database

ROLE_WORDS = {
    "medborgare": "citizen",
    "citizen": "citizen",
    "rapportör": "reporter",
    "rapportor": "reporter",
    "reporter": "reporter",
    "admin": "admin",
}

DEMO_HELP = """\
Demo-kommandon:
  :som medborgare | :som rapportör | :som admin   byt vem du är
  :språk sv | :språk en                            byt språk i din Telegram
  :vem                                             visa vem du är
  :fil SÖKVÄG                                      skicka en fil (t.ex. en löftessida) till boten
  :foto [BILDTEXT]                                 skicka ett foto, med bildtext om du vill
  :ändra N TEXT                                    ändra ditt meddelande nr N (1 = ditt första)
  :avsluta                                         avsluta (eller Ctrl-D)
  #N                                               tryck på knapp N i senaste svaret
Allt annat skickas till boten som ett meddelande. Svar till någon annan än dig (en admin, en
kanal) visas med mottagaren; diagram som boten skickar sparas som PNG-filer."""

# A 1x1 grey PNG: what `:foto` sends (the bot keeps a photo's file id, never its pixels).
DEMO_PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081dd436af40000000049454e44ae426082"
)


class TerminalHTML(HTMLParser):
    """Telegram's HTML subset to terminal text: bold and italics as ANSI when colour is on."""

    STYLES: ClassVar[dict[str, str]] = {
        "b": "1",
        "strong": "1",
        "i": "3",
        "em": "3",
        "u": "4",
        "ins": "4",
        "s": "9",
    }

    def __init__(self, colour: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.colour = colour
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.STYLES and self.colour:
            self._open.append(self.STYLES[tag])
            self.parts.append(f"\033[{self.STYLES[tag]}m")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
        elif tag == "blockquote":
            self.parts.append("│ ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.STYLES and self.colour and self._open:
            self._open.pop()
            self.parts.append("\033[0m" + "".join(f"\033[{s}m" for s in self._open))
        elif tag == "a" and self._href:
            href = self._href.pop()
            if href:
                self.parts.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def render(cls, html_text: str, *, colour: bool) -> str:
        parser = cls(colour)
        parser.feed(html_text)
        parser.close()
        return "".join(parser.parts)


@dataclass
class Button:
    text: str
    callback_data: str | None
    url: str | None
    message_id: int


@dataclass
class DemoChat:
    app: Any
    transport: OfflineTransport
    out: TextIO
    colour: bool
    echo: bool
    person: DemoPerson = DEMO_PEOPLE[0]
    language: str = "sv"
    buttons: list[Button] = field(default_factory=list)
    factory: UpdateFactory | None = None
    charts: Path | None = None  # where charts the bot sends are saved (None: not saved)
    sent: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (user id, update)
    _printed: int = 0
    _saved: int = 0

    def _person(self) -> Person:
        return Person(self.person.user_id, self.person.first_name, self.language)

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def handle_line(self, line: str) -> bool:
        """Handle one line; returns False when the demo should end."""
        line = line.strip()
        if not line:
            return True
        if self.echo:
            self.write(f"› {self.person.label_sv}: {line}")
        assert self.factory is not None
        if line.startswith(":"):
            word, _, rest = line[1:].strip().partition(" ")
            if word.lower() in ("fil", "file"):
                await self._send_file(rest.strip())
                self._print_new()
                return True
            if word.lower() in ("foto", "photo", "bild"):
                await self._send_photo(rest.strip())
                self._print_new()
                return True
            if word.lower() in ("ändra", "andra", "edit"):
                await self._edit(rest.strip())
                self._print_new()
                return True
            return self._meta(line[1:].strip())
        if line.startswith("#") and line[1:].isdigit():
            await self._press(int(line[1:]))
        else:
            await self._send(self.factory.message(self._person(), line))
        self._print_new()
        return True

    async def _send(self, data: dict[str, Any]) -> None:
        assert self.factory is not None
        self.sent.append((self.person.user_id, data))
        await self.app.process_update(self.factory.to_update(data))

    async def _send_photo(self, caption: str) -> None:
        assert self.factory is not None
        file_id = f"demo{len(self.transport.files) + 1}"
        self.transport.files[file_id] = DEMO_PHOTO
        photo = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "width": 1,
            "height": 1,
            "file_size": len(DEMO_PHOTO),
        }
        extra: dict[str, Any] = {"photo": [photo]}
        if caption:
            extra["caption"] = caption
        await self._send(self.factory.message(self._person(), None, extra=extra))

    async def _edit(self, rest: str) -> None:
        """`:ändra N TEXT`: the current person's text message number N (1 = their first in
        this demo) edited to TEXT, as Telegram sends an edit."""
        assert self.factory is not None
        mine = [
            data
            for user_id, data in self.sent
            if user_id == self.person.user_id and "text" in data["message"]
        ]
        number, _, text = rest.partition(" ")
        text = text.strip()
        if not mine:
            self.write("(Du har inte skickat något meddelande att ändra.)")
            return
        if not (number.isdigit() and 1 <= int(number) <= len(mine) and text):
            listed = "; ".join(f"{n} «{d['message']['text']}»" for n, d in enumerate(mine, 1))
            self.write(f"(Skriv :ändra N ny text. Dina meddelanden: {listed}.)")
            return
        original = mine[int(number) - 1]
        self.write(f"(Meddelande {number} ändrat: «{original['message']['text']}» → «{text}»)")
        await self.app.process_update(self.factory.to_update(self.factory.edited(original, text)))

    def _meta(self, command: str) -> bool:
        word, _, rest = command.partition(" ")
        word, rest = word.lower(), rest.strip().lower()
        if word in ("avsluta", "quit", "exit", "q"):
            return False
        if word in ("som", "as") and rest in ROLE_WORDS:
            role = ROLE_WORDS[rest]
            self.person = next(p for p in DEMO_PEOPLE if p.role == role)
            self.buttons = []
            self.write(f"(Du är nu {self.person.first_name}, {self.person.label_sv}.)")
        elif word in ("språk", "sprak", "language", "lang") and rest in ("sv", "en"):
            self.language = rest
            self.write(
                f"(Din Telegram är nu inställd på {'svenska' if rest == 'sv' else 'engelska'}.)"
            )
        elif word in ("vem", "who", "whoami"):
            self.write(f"(Du är {self.person.first_name}, {self.person.label_sv}.)")
        else:
            self.write(DEMO_HELP)
        return True

    async def _send_file(self, name: str) -> None:
        assert self.factory is not None
        path = Path(name)
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            self.write(f"(Filen {path} kan inte läsas: {exc.strerror})")
            return
        file_id = f"demo{len(self.transport.files) + 1}"
        self.transport.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": path.name,
            "file_size": len(content),
        }
        data = self.factory.message(self._person(), None, extra={"document": document})
        await self.app.process_update(self.factory.to_update(data))

    async def _press(self, number: int) -> None:
        assert self.factory is not None
        if not 1 <= number <= len(self.buttons):
            self.write("(Det finns ingen sådan knapp i det senaste svaret.)")
            return
        button = self.buttons[number - 1]
        if button.url is not None:
            self.write(f"(Knappen öppnar {button.url})")
            return
        data = self.factory.callback(
            self._person(), button.callback_data or "", message_id=button.message_id
        )
        await self.app.process_update(self.factory.to_update(data))

    def _recipient(self, chat_id: int | str | None) -> str:
        """' → Alex (admin ...)' for a message to someone other than the current person."""
        if chat_id is None or chat_id == self.person.user_id:
            return ""
        if isinstance(chat_id, str) or chat_id < 0:
            return f" → kanalen {chat_id}"
        for person in DEMO_PEOPLE:
            if person.user_id == chat_id:
                return f" → {person.first_name}, {person.label_sv}"
        return f" → chatt {chat_id}"

    def _save_chart(self, call: ApiCall) -> str:
        """Save an uploaded picture as a numbered PNG file; the words that name it."""
        content = call.uploads.get("photo")
        if self.charts is None or not content:
            return ""
        self._saved += 1
        path = self.charts / f"diagram-{self._saved}.png"
        while path.exists():  # from an earlier demo: kept
            self._saved += 1
            path = self.charts / f"diagram-{self._saved}.png"
        try:
            self.charts.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as exc:
            return f": kunde inte sparas i {path}: {exc.strerror}"
        return f": sparad i {path}"

    def _print_new(self) -> None:
        calls = self.transport.calls[self._printed :]
        self._printed = len(self.transport.calls)
        for call in calls:
            self._print_call(call)

    def _print_call(self, call: ApiCall) -> None:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self.write(f"  (ruta) {call.params['text']}")
            return
        if call.method not in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText"):
            return
        body = call.text or ""
        if call.params.get("parse_mode") == "HTML":
            body = TerminalHTML.render(body, colour=self.colour)
        label = "Löftesboten (ändrat)" if call.method.startswith("edit") else "Löftesboten"
        self.write(f"{label}{self._recipient(call.chat_id)}:")
        if call.method == "sendPhoto":
            self.write(f"  [bild{self._save_chart(call)}]")
        if call.method == "sendDocument":
            self.write("  [fil]")
        for text_line in body.splitlines() or [""]:
            self.write(f"  {text_line}" if text_line else "")
        rows = call.buttons
        if rows:
            self.buttons = []
            message_id = int(call.params.get("message_id") or len(self.transport.calls))
            for row in rows:
                shown = []
                for button in row:
                    self.buttons.append(
                        Button(
                            button["text"],
                            button.get("callback_data"),
                            button.get("url"),
                            message_id,
                        )
                    )
                    shown.append(f"[{len(self.buttons)}] {button['text']}")
                self.write("  " + "   ".join(shown))
        self.write()


async def run_demo(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    *,
    interactive: bool,
    db_path: Path | None = None,
    clock: Clock | None = None,
    charts: Path | None = None,
) -> int:
    """The demo chat. Charts the bot sends are saved in `charts` (by default a folder
    `loftesbot-demo` in the system's temporary directory, kept after the demo ends)."""
    clock = clock or SystemClock()
    with tempfile.TemporaryDirectory(prefix="loftesbot-demo-") as tmp:
        path = db_path or Path(tmp) / "demo.sqlite3"
        if path.exists():
            path.unlink()
        settings = Settings(
            telegram=settings.telegram,
            database=DatabaseSettings(url=f"sqlite:///{path}"),
            bot=settings.bot,
            channels=settings.channels,
        )
        db = Database(settings.database.url)
        await migrate.upgrade(db)
        today = local_today(clock, settings.bot.timezone)
        async with db.transaction() as session:
            await load_examples(session, today=today, now=clock.now())
        transport = OfflineTransport()
        services = Services(settings=settings, db=db, clock=clock)
        app = build_application(services, request=transport)
        chat = DemoChat(
            app=app,
            transport=transport,
            out=stdout,
            colour=interactive,
            echo=not interactive,
            charts=charts or Path(tempfile.gettempdir()) / "loftesbot-demo",
        )
        await app.initialize()
        chat.factory = UpdateFactory(app.bot, now=clock.now())
        transport.clear()
        try:
            if interactive:
                chat.write("Löftesboten – demo utan nätverk, med exempeldata för fyra kommuner.")
                chat.write(
                    "Skriv /start för att börja, :hjälp för demo-kommandon, :avsluta för att sluta."
                )
                chat.write(f"(Du är {chat.person.first_name}, {chat.person.label_sv}.)")
                chat.write()
            while True:
                if interactive:
                    stdout.write("du › ")
                    stdout.flush()
                line = stdin.readline()
                if not line:
                    break
                if not await chat.handle_line(line):
                    break
        finally:
            await app.shutdown()
            await db.dispose()
    return 0
