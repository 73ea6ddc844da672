"""Limits shared by the database module (`storage.db`) and the SQLite driver
(`storage.sqlite_driver`), kept apart so that neither imports the other."""

SQLITE_BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another connection's lock
