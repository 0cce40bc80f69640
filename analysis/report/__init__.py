"""The report side of the flow: everything the Quarto chapters call, and nothing the build needs.

raw → clean → validate → publish happen in the modules beside this package; this package only
reads ``data/clean/`` (``data``), computes the chapters' numbers (``views``, ``density``,
``investment``, ``hospitals``, ``quality``), formats them (``text``, ``charts``) and post-processes
the rendered output (``offline``). ``qmd`` reads the chapters' sources for the tests.
"""
