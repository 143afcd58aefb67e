"""Django's SQLite backend with one addition: the append-only tables' DELETE triggers.

On SQLite the triggers that refuse DELETE on the audit trail and the study evidence ask
`yufang_flushing()`, a function this backend registers on each connection. It is true only while
Django flushes the database (`manage.py flush`, and the test framework between transactional
tests, which on SQLite empties tables with DELETE where PostgreSQL uses TRUNCATE). Any other
DELETE, whether from the ORM's base manager, a plain queryset, `_raw_delete` or raw SQL, is
refused; a connection without the function (the sqlite3 shell) cannot delete either."""

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        self.connection.flushing = True
        try:
            super().execute_sql_flush(sql_list)
        finally:
            self.connection.flushing = False


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    flushing = False

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        conn.create_function("yufang_flushing", 0, lambda: int(self.flushing))
        return conn
