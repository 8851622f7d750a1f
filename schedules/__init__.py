"""Shipped schedule definitions and programmes (installed as ``sirenctl.schedules``)."""
