"""Importing a published report into the data file (pure: no Telegram, no database).

``import_report(filename, data)`` reads a .txt copied from a web page, a .docx (typed in Word or
rendered by nianbao), a PDF with a text layer, an .html page or a data file, and returns the report
with a warning for each thing it could not read, the format it recognised, and the findings of the
checks. Every kind of input becomes the same blocks (``blocks``); one outline reader finds the prose
(``outline``) and one matcher, driven by the schema's labels, finds the numbers (``tokens``,
``labels``, ``tables``).
``files`` is the gate every uploaded file passes first.
"""

from bot.importer.files import ImportFailed
from bot.importer.read import Imported, import_report

__all__ = ["ImportFailed", "Imported", "import_report"]
