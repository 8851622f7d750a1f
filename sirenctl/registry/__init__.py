"""Registry services: validated, audited changes to sites and assets."""
