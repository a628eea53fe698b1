-- sql.lua: the SQL transform (shipped with weir).  The user writes one
-- SELECT over the inputs in sql/ID.sql; preview runs it in SQLite, each
-- input a table named by its id (docs/preview.md, "SQL transforms").

weir.node_type {
    kind = "transform",
    name = "sql",
    title = "SQL",
    description = "A SELECT over the inputs: join, filter, aggregate",
    settings = {
        { name = "sql", type = "file", required = true,
          help = "the SELECT, in sql/ID.sql" },
    },
    code = { setting = "sql", language = "sql" },
}
