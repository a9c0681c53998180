"""Ledgers (台账): the records the case-handling system exports, how to read them, and the
37 ledgers as configuration.

Purity rule: nothing in this package imports Flask or the database. Records come in as
files or dataclasses and go out as dicts and dataclasses; ``ecase.ledger_views`` writes
them to the database and shows them. (Like Flask's ``sansio`` folder: the parts here can
be tested and reused without an app.)

Parts:
- ``errors``: the package's exception tree.
- ``values``: parsing one cell — times in every format of LEDGERS.md (Excel date cells
  included), yes/no, natures, measure kinds, document titles, names lists; Beijing time.
- ``mapping``: the header-to-field mapping (the default of LEDGERS.md built in, a bureau's
  JSON on top), and detecting which kind of record a sheet holds from its headers.
- ``readers``: streaming readers for CSV (UTF-8 or GB18030, detected) and XLSX (openpyxl
  read-only), yielding numbered rows; ``rows`` turns a raw row into a record or reasons.
- ``limits``: legal end dates of measures (bail 12 months …) and days left, as of a date.
- ``definitions``: the 37 ledgers (records, columns, filters, order, warnings) as data.
- ``synthetic``: a made-up bureau (units, officers, a year of incidents and cases) written
  as system exports for demos and benchmarks (``ecase.demo.load_bureau`` loads one
  straight into the database).
- ``rules``, ``rates``, ``scoring``: the supervision rules, rates and scores (owned by the
  supervision area; pure in the same way).
"""
