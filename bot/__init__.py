"""Löftesboten: medborgarlöften in Telegram."""

import os

# Opt in to python-telegram-bot's coming behaviour: time periods (RetryAfter.retry_after and
# others) are timedeltas. Without it every 429 raises a deprecation warning; the bot reads
# retry_after as a timedelta or a number either way (bot.delivery.outbox.retry_after_seconds).
os.environ.setdefault("PTB_TIMEDELTA", "true")
