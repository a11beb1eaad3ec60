"""Border Watch: Telegram alerts for armed incidents on the Armenia–Azerbaijan border."""

__all__ = ["__version__"]

__version__ = "0.1.0"
