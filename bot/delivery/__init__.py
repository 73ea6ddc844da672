"""The delivery wing: what goes out to Telegram on the bot's own initiative, paced, exactly once
or openly ambiguous.

- `errors`: what a failed send means (sent, refused, not sent, or ambiguous);
- `outbox`: the paced sender (`Pacer`, `drain`, `OutboxWorker`, on the leader only);
- `publisher`: the channel publisher (claim, render once, store the parts, send them);
- `scheduler`: the schedule run through PTB's JobQueue (posts, approvals, reminders, retention);
- `reminders`: the week's reminders written and queued in the outbox.

The services below compute what to post and keep the claims; only this wing and the handlers
speak to Telegram (`tests/test_import_rules.py`).
"""
