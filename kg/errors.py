"""Domain errors. The CLI turns each into one line on stderr and exit code 2."""


class KGError(Exception):
    """Base class: the message says what is wrong and what to do."""


class InputError(KGError):
    """An article path or file that cannot be read as an article."""


class ModelError(KGError):
    """The requested spaCy pipeline is not installed or cannot load."""


class QueryError(KGError):
    """A SPARQL query or update that the store rejects."""


class StoreError(KGError):
    """A store location that cannot be opened or written."""


class OutputError(KGError):
    """An output file (export, page) that cannot be written; the old file, if any, is kept."""
