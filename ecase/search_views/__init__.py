"""Full-text search in the service: keeping the index in step with the database, the
search page, the JSON API and ``ecase search``.

- ``indexing``: builds ``search.PageRecord`` rows from a volume's current version.
- ``tasks``: the task that (re)indexes a volume after ingest, recognition, corrections
  and edits.
- ``views`` / ``blueprint`` / ``commands``: the page, the API and the CLI.

The access scope of the searcher (``ecase.access.scope``) is passed into every query,
so results, counts, groups and snippets never reach outside it.
"""
