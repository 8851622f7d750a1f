"""Use cases: one function per thing a person (or the unattended runner) does.

The CLI and the TUI call these functions and nothing below them for anything that writes or
talks to a device. Each takes the authenticated acting person (:class:`~sirenctl.identity.Actor`),
returns a typed result and raises typed errors; authority is decided here, in one place.
"""
