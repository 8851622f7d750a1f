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


def pg_login_actor(url: str, login: str, password: str, *, timeout: float = 10.0) -> Actor:
    """A second person on PostgreSQL, proven by the server: a fresh connection to the same
    database as ``login`` with the password they typed just now (the server decides:
    scram, md5, ldap, ...). Raises BadPassphrase when the server refuses the login."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.pool import NullPool

    from sirenctl.i18n import L_
    from sirenctl.security.errors import BadPassphrase

    target = make_url(url).set(username=login, password=password or None)
    engine = create_engine(target, poolclass=NullPool, connect_args={"connect_timeout": timeout})
    try:
        with engine.connect() as conn, Session(bind=conn) as session:
            return pg_session_actor(session)
    except OperationalError:
        raise BadPassphrase(
            L_(
                "PostgreSQL refused the login {login} (wrong password, or no such login); "
                "nothing was done",
                login=login,
            )
        ) from None
    finally:
        engine.dispose()
