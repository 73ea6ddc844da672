"""The console: an in-process Bot API for the offline demo chat (and for the tests)."""
