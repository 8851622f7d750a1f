"""PostgreSQL identity: the database's ``session_user`` and its sirenctl group roles.

Whatever ``--user`` says, on PostgreSQL the person is the role the server authenticated
(password, certificate or peer); ``SET ROLE`` does not change ``session_user``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from sirenctl.identity import Actor, AuthMethod, Role

_ROLES = text(
    "SELECT session_user, g.rolname FROM pg_roles g "
    "WHERE g.rolname = ANY(:groups) AND pg_has_role(session_user, g.oid, 'MEMBER')"
)


def pg_session_actor(session: Session) -> Actor:
    groups = [r.pg_group for r in Role]
    rows = session.execute(_ROLES, {"groups": groups}).all()
    login = session.execute(text("SELECT session_user")).scalar_one()
    by_group = {r.pg_group: r for r in Role}
    roles = frozenset(by_group[row[1]] for row in rows)
    return Actor(str(login), roles, AuthMethod.POSTGRESQL)
