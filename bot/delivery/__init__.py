"""The delivery wing: what goes out to Telegram on the bot's own initiative, paced, exactly once
or openly ambiguous."""
