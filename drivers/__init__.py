"""Device drivers and links (installed as ``sirenctl.drivers``). Knows nothing of the registry."""
