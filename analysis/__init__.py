"""Lessons from Boston: a reproducible rebuild of KERI's 2020 Boston bio-cluster report.

The flow runs one way, one package per stage:

- ``build``: raw files → clean tables → the Great Expectations gate → ``data/clean/``, published whole;
- ``report``: what the Quarto chapters import: the clean tables read, cited, charted and worded;
- ``render``: the project's pre-render (build, gate, one execution of every document) and post-render;
- ``checks``: what a reader is finally shown, read back: the pages and PDF, charts, pairings, the site;
- ``review``: the published site, its editions, and what changed between them.

Shared by several stages: ``paths``, ``errors``, ``markup`` (the one escaping helper for Markdown),
``edition`` (which edition a render is), ``folders`` (replacing a published folder whole) and
``inputs`` (what a step's output was made from, hashed). ``cli`` is ``boston-report``.
"""

__version__ = "0.1.0"
