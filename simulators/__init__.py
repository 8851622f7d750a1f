"""Simulated controllers and test benches (installed as ``sirenctl.simulators``)."""
