import logging


class RedactRequestFilter(logging.Filter):
    """Log records keep the path and status, never the request object with its POST data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True
