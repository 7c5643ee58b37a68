"""spwf-tui: a terminal workbench for ST's SPWF04SA/SC Wi-Fi module."""

__version__ = "0.1.0"
