-- postgres.lua: the PostgreSQL source (change data capture) and sink
-- (shipped with weir).
--
-- Preview never connects: the source reads its sample file (the sample
-- settings are added by weir), and the sink shows each row it would write
-- with an `op` field: "insert" in append mode, "upsert" in upsert mode.

weir.node_type {
    kind = "source",
    name = "postgres",
    title = "PostgreSQL",
    description = "Capture changes from a PostgreSQL table",
    settings = {
        { name = "connection", type = "secret", required = true,
          help = "connection string, as ${secret:NAME}" },
        { name = "table", type = "string", required = true,
          help = "schema.table to read (change data capture)" },
    },
}

weir.node_type {
    kind = "sink",
    name = "postgres",
    title = "PostgreSQL",
    description = "Insert or upsert into a PostgreSQL table",
    settings = {
        { name = "connection", type = "secret", required = true,
          help = "connection string, as ${secret:NAME}" },
        { name = "table", type = "string", required = true,
          help = "schema.table to write" },
        { name = "mode", type = "choice", default = "append",
          choices = { "append", "upsert" },
          help = "insert only, or upsert on key",
          -- An upsert without key columns cannot find the row to update.
          check = function(value, node)
              local key = node.settings.key
              if value == "upsert" and (type(key) ~= "table" or #key == 0) then
                  return "mode upsert needs the key columns: set 'key' to a list of columns"
              end
              return nil
          end },
        { name = "key", type = "list",
          help = "key columns for upsert" },
    },
    show = function(record, node)
        record.op = node.settings.mode == "upsert" and "upsert" or "insert"
        return record
    end,
}
