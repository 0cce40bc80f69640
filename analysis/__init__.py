"""Lessons from Boston: a reproducible rebuild of KERI's 2020 Boston bio-cluster report.

The flow runs one way: ``sources`` (verify raw files) -> ``cleaning`` (raw -> tidy tables) ->
``validate`` (Great Expectations gate) -> ``pipeline`` (atomic publish to data/clean) -> ``report``.
"""

__version__ = "0.1.0"
