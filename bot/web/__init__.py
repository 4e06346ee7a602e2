"""The web channel: the same bot in a chat page, for offices without Telegram.

An embedded server speaks the Telegram Bot API to the unchanged python-telegram-bot application (its
TELEGRAM_API_URL points here) and serves a chat page to browsers: what the bot sends is shown on the page,
what a person types, taps or uploads there becomes a Bot API update. Nothing of the walk is written twice.
"""
