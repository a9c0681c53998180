"""Cases, volumes and their versions as the reviewer sees them: the case list, the case
page, the volume viewer with its pages, documents and fields, and the edits a clerk or
reviewer makes (late documents, moved pages, new splits, field corrections).

- ``operations``: writes (new versions, recognition results, corrections).
- ``queries``: reads, always through ``ecase.access``.
- ``views`` / ``blueprint``: the pages.
- ``hooks``: what other areas hang on a change to a volume (the search area re-indexes
  it), so this area imports none of them.
"""
