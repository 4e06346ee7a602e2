"""The one error a renderer raises, with a message fit to show a person."""


class RenderError(Exception):
    pass
