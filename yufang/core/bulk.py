"""Set-based writes the bulk services share."""

from django.db import connection, models


def rows_update(objs: list[models.Model], fields: list[str]) -> None:
    """Writes the named fields of many rows of one model: one parameterised UPDATE by primary key,
    run for every row at once (executemany). Django's bulk_update builds a CASE expression per
    field and row, which for thousands of rows costs far more than the writes. No audit: the
    calling service writes it."""
    if not objs:
        return
    meta = type(objs[0])._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)}"
        f" WHERE {quote(meta.pk.column)} = %s"
    )
    params = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in columns] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
