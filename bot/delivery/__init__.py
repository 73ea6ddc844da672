"""The delivery wing: what goes out to Telegram, paced, exactly once or openly ambiguous."""
