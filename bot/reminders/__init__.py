"""Deadline reminders (issue 4), the pure parts: nothing here knows the database or the job queue.

``calendar``: China's working days, 调休 included. ``schedule``: the reminder slots of one report.
``pacing``: the rate limiter that keeps every Bot API call of the bot within Telegram's limits.
"""
