"""iso10002: customer complaints handled as ISO 10002:2018 describes."""

from iso10002._version import __version__

__all__ = ["__version__"]
