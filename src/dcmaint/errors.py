"""One exception family for everything a user can get wrong or meet.

The CLI prints ``str(error)`` once, on one line, and exits with
``error.exit_code``; nothing else in the code base decides exit codes.
"""

from __future__ import annotations

# Exit codes, documented in docs/cli.md.
EXIT_OK = 0
EXIT_FAILURE = 1  # the command ran and found a problem (e.g. a broken audit chain)
EXIT_USAGE = 2  # bad input: nothing was written


class DcmaintError(Exception):
    """Base of all errors dcmaint reports to a user."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DcmaintError):
    """Bad input: a wrong value, an unknown name, a malformed file. Writes nothing."""

    exit_code = EXIT_USAGE


class NotFound(UsageError):
    """A named entity (site, device, staff member...) does not exist."""


class Conflict(UsageError):
    """The change would break a rule of the register (duplicate name, entity in use)."""


class ConfigError(UsageError):
    """The configuration file or an environment variable holds a bad value."""


class SecretError(UsageError):
    """A credential reference cannot be used (malformed, missing, unsafe file mode)."""


class StoreError(DcmaintError):
    """The database cannot be reached, is behind its migrations, or an operation on it failed."""


class IntegrityFailure(DcmaintError):
    """A check found damage (edited or deleted audit rows, a broken backup)."""
