"""The questionnaire: questions derived from the schema, answers parsed, the next step derived from
stored answers. Pure functions of data; nothing here knows about Telegram or the database."""
