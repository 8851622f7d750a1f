"""Authority: accounts, passphrases, signing keys, signed plans and approvals (issue 9).

Public API (other modules build on these):

- :func:`sirenctl.security.identity.resolve_login`: the login name (``--user``), never a secret;
- :func:`sirenctl.security.authn.authenticate`: passphrase (SQLite) or ``session_user``
  (PostgreSQL) to an :class:`~sirenctl.security.authn.Authenticated` person (actor + key);
- :func:`sirenctl.security.authn.require_role`;
- :func:`sirenctl.security.approval_check.verify_for_execution`: what run-due calls before executing
  and right before the first audible command.
"""
