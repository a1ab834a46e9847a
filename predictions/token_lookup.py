"""A presented API key's tokens, each with its owner and the owner's permissions,
read in one statement.

knox reads the token with its user, then the permission check reads the user's
permissions (direct and through groups). Built by the ORM, those two queries cost
more than the prediction they guard; this is the same read as one raw statement,
written once per database. The models' values pass through the backend's own
converters, so the instances are what the ORM would have made.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from knox.models import get_token_model

from predictions.writes import cursor_for

PERMS = "drugsite_perms"  # the column of "app_label.codename" names, space-separated


class Lookup:
    """The statement for one database, and how to read its rows back."""

    def __init__(self, connection) -> None:
        token_model, user_model = get_token_model(), get_user_model()
        self.token_fields = token_model._meta.concrete_fields
        self.user_fields = user_model._meta.concrete_fields
        q = connection.ops.quote_name
        columns = [f"t.{q(f.column)}" for f in self.token_fields]
        columns += [f"u.{q(f.column)}" for f in self.user_fields]
        self.sql = (
            f"SELECT {', '.join(columns)}, ({permissions_sql(connection)}) AS {PERMS} "
            f"FROM {q(token_model._meta.db_table)} t "
            f"JOIN {q(user_model._meta.db_table)} u "
            f"ON u.{q(user_model._meta.pk.column)} = "
            f"t.{q(token_model._meta.get_field('user').column)} "
            f"WHERE t.{q(token_model._meta.get_field('token_key').column)} = %s"
        )
        # The same statement for the driver's own cursor (predictions.writes).
        sqlite = connection.vendor != "postgresql"
        self.driver_sql = self.sql.replace("%s", "?") if sqlite else self.sql
        self.token_names = [f.attname for f in self.token_fields]
        self.user_names = [f.attname for f in self.user_fields]
        self.converters = []  # (index, the column, its converters), as the ORM's
        for index, field in enumerate([*self.token_fields, *self.user_fields]):
            column = field.get_col(field.model._meta.db_table)
            found = connection.ops.get_db_converters(column)
            found += column.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def instances(self, alias: str, connection, row: tuple) -> tuple:
        """The token and its user, from one row of the statement."""
        values = list(row)
        for index, column, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        split = len(self.token_names)
        token = get_token_model().from_db(alias, self.token_names, values[:split])
        user = get_user_model().from_db(alias, self.user_names, values[split:])
        token.user = user
        return token, user


def permissions_sql(connection) -> str:
    """The user ``u``'s permission names, direct or through a group, in one text."""
    q = connection.ops.quote_name
    user_meta = get_user_model()._meta
    direct = user_meta.get_field("user_permissions").remote_field.through._meta
    groups = user_meta.get_field("groups").remote_field.through._meta
    granted = Group.permissions.through._meta
    name = "ct.app_label || '.' || p.codename"
    joined = (
        f"string_agg({name}, ' ')"
        if connection.vendor == "postgresql"
        else f"group_concat({name}, ' ')"
    )
    user_id = f"u.{q(user_meta.pk.column)}"
    return (
        f"SELECT {joined} FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN (SELECT permission_id FROM {q(direct.db_table)} "
        f"WHERE user_id = {user_id} "
        f"UNION SELECT gp.permission_id FROM {q(granted.db_table)} gp "
        f"JOIN {q(groups.db_table)} ug ON ug.group_id = gp.group_id "
        f"WHERE ug.user_id = {user_id})"
    )


@cache
def lookup_for(alias: str, vendor: str) -> Lookup:
    """The lookup of one database, made once per process."""
    return Lookup(connections[alias])


def tokens_with_owners(token_key: str, checked: bool = True) -> list:
    """The tokens whose key starts the presented key (knox's ``token_key``), each
    with ``.user`` set and the user's permissions cached for ``has_perm``.

    Through Django's cursor, the first query of a request checks the connection
    first (``CONN_HEALTH_CHECKS``): on PostgreSQL a ``SELECT 1``, a round trip of
    its own. ``checked=False`` reads on the driver's own cursor without it, for a
    caller that takes the checked path when the read fails (the lane hands the
    request to the view); a connection that failed is then closed and made anew
    (Django's ``close_if_unusable_or_obsolete``)."""
    alias = router.db_for_read(get_token_model())
    connection = connections[alias]
    lookup = lookup_for(alias, connection.vendor)
    if checked:
        with connection.cursor() as cursor:
            cursor.execute(lookup.sql, [token_key])
            rows = cursor.fetchall()
    else:
        with connection.wrap_database_errors, cursor_for(connection) as cursor:
            cursor.execute(lookup.driver_sql, [token_key])
            rows = cursor.fetchall()
    tokens = []
    for row in rows:
        token, user = lookup.instances(alias, connection, row[:-1])
        if not user.is_superuser:  # who holds every permission needs no list
            user._perm_cache = set(row[-1].split(" ")) if row[-1] else set()
        tokens.append(token)
    return tokens
