"""For reviewers: what is published and how it changed, apart from the build and the chapters.

The flow reads left to right in ``analysis/``: the build (sources → cleaning → validate → publish)
writes ``data/clean/``; ``report/`` turns it into chapters; this package takes a finished render to
the people who check it:

- ``site``: assemble ``_site/`` (landing page, report, PDF, data zip, Data Docs, editions) and
  ``check_site``: open it offline from a sub-path in Chromium and follow every link;
- ``editions``: the archive of published editions and its index; ``changes``: an edition's
  "무엇이 바뀌었나" page, from ``datadiff`` against the previous edition's commit;
- ``datadiff`` and ``status`` (``boston-report diff``/``status``), printed through ``listing``.
"""
