"""Open Badges 2.0 / 3.0 credentials core. Plain Python: never imports Django."""

__version__ = "0.1.0"
