"""What can go wrong reading ledgers, in words for the operator."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of the ledgers package's errors."""


class InputFileError(LedgerError):
    """A file cannot be read at all (not a spreadsheet, unsupported encoding, empty)."""


class ConfigError(LedgerError):
    """A ledger definition or header mapping is inconsistent."""


class CellError(LedgerError):
    """One cell's value cannot be understood; the message is the reason shown to the user."""
