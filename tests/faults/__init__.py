"""Fault tests: the bot as a real process against a fake Bot API on loopback (kill -9,
redelivery, a locked database, Telegram failing), and two schedulers on one PostgreSQL
database. Marked `faults`; `pytest -m "not faults"` leaves them out."""
