"""Every way code could delete a row of an append-only table; each must fail on both databases."""

from django.db import connection, models


def delete_paths(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    return {
        "base_manager": lambda: model._base_manager.filter(pk=pk).delete(),
        "plain_queryset": lambda: models.QuerySet(model).filter(pk=pk).delete(),
        "raw_delete": lambda: model._base_manager.filter(pk=pk)._raw_delete(connection.alias),
        "raw_sql": lambda: connection.cursor().execute(f"DELETE FROM {table} WHERE id = %s", [pk]),  # noqa: S608
        "base_manager_update": lambda: model._base_manager.filter(pk=pk).update(id=pk),
    }
