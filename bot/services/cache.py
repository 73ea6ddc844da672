"""What reporters' messages are read against, kept in memory between messages.

A reporter's municipalities and the pledges, focus areas and list items of those municipalities
change a few times a year but were read on every logged message. The database keeps a
catalogue version that triggers bump on every change to those tables, whoever makes it (an
admin in this instance, another instance, an import from the command line, a person with
`psql`). Each transaction that uses the cache reads the version first; a different version
empties the cache. So a copy is never used after the change is committed, and a message
handled in one transaction sees one consistent catalogue.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

MAX_ENTRIES = 4096


class VersionedCache:
    """A bounded least-recently-used map, valid for one catalogue version at a time."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.version: int | None = None
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def sync(self, version: int | None) -> None:
        """Forget everything unless the copy was read at `version` (None: no version known)."""
        if version is None or version != self.version:
            self._entries.clear()
        self.version = version

    def get(self, key: Hashable) -> object | None:
        if self.version is None:
            return None
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: Hashable, value: object) -> None:
        if self.version is None:
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def peek(self, key: Hashable) -> object | None:
        """The entry as last known, without counting as a use (for routing guesses)."""
        return self._entries.get(key)

    def __len__(self) -> int:
        return len(self._entries)
