"""The outbound wing: what speaks to Telegram on the bot's own initiative."""
