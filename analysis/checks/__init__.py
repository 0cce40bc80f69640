"""Checks on what a reader is finally shown: the rendered pages and PDF, read back and compared with the data."""
