"""Ledgers in the web service: imports, the 37 ledgers, supplementary entries.

- ``importing`` / ``writers``: system exports -> database, in batches with Core SQL,
  idempotent by natural keys, with history and a per-row report.
- ``catalog``: the record kinds a ledger can show, their joins and fields.
- ``queries``: a ledger's page and export rows (through ``ecase.access``), pickers.
- ``operations``: imports (a commit point of their own), supplementary entries
  (create, correct, void — never erase), fixing the list of units.
- ``exports``: a ledger as .xlsx.
- ``views`` / ``blueprint``: the pages; ``commands``: ``ecase import`` and
  ``ecase ledger-units``.
"""
