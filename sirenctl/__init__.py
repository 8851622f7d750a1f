"""sirenctl: run a community warning-siren network."""

__version__ = "0.1.0"
