"""Turn the bytes of a scan into pages, words with boxes, typed documents and PDFs.

This package knows nothing of Flask or the database: plain functions and dataclasses
in, dataclasses out (see ``scanning.types``). Each outside program (tesseract, qpdf …)
sits behind one small module in ``scanning._exec`` that can say whether it is installed
and which version it is.
"""
