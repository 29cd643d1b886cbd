class ClientError(Exception):
    """Base client error."""


class MD5ValidationError(Exception):
    """Base MD5 validation error."""
