"""Scheduling: signals, programmes, campaigns, occurrences, holidays and (with a database)
work orders and their execution. Import submodules directly; this package imports nothing."""
