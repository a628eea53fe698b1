-- dedupe.lua: drop repeated records by key within a time window (shipped
-- with weir).  A SQL template: the generated SELECT is written to
-- sql/ID.sql.
--
-- A record is dropped when an earlier record with the same key -- earlier
-- in event time, the `time` field, ties broken by arrival order -- is at
-- most `window` seconds older.  Every earlier record counts, dropped or
-- not, so a key repeated every minute with a 5-minute window passes once
-- (as in Kafka Streams' de-duplication example, which refreshes a key's
-- time on every duplicate).
--
-- Why SQL and not a per-record function: a record function sees records in
-- arrival order and would have to keep state across calls, and a late
-- record (older than one already seen) would be judged against the wrong
-- neighbour.  A window function orders each key's records by event time,
-- is deterministic, and shows the rule in the generated SQL.
--
-- Times are ISO-8601 text (with or without a zone offset; to the second)
-- or epoch numbers (seconds, or milliseconds with time_unit: ms).  A
-- record whose time is NULL or not a timestamp is always kept.  The
-- output keeps the input's columns and order.
--
-- No input field can change the result: the helper values (seq, t, k1, ...)
-- live in tables of their own built from fields named with their table, and
-- arrival order is row_number() over a plain scan of the input, not its
-- rowid (a field named rowid would take its place).  The output must be
-- exactly the input's columns, so the final SELECT cannot carry a row
-- number to filter on: it sorts the kept records first, in arrival order,
-- and a LIMIT of their count drops the rest.

-- max_inputs = 1 has validation say "reads one input" at inputs:; this
-- guard only keeps the template from rendering SQL over a wrong input.
local function one_input(node)
    if #node.inputs ~= 1 then
        return string.format("dedupe reads exactly one input (this one has %d)", #node.inputs)
    end
    return nil
end

local function check_key(value)
    if type(value) ~= "table" or #value == 0 then
        return "list at least one key field"
    end
    return weir.check_names(value, "key field")
end

weir.node_type {
    kind = "transform",
    name = "dedupe",
    title = "Dedupe",
    description = "Drop records whose key was seen within a time window before",
    max_inputs = 1,
    settings = {
        { name = "key", type = "list", required = true,
          help = "the fields that make two records duplicates, e.g. [order_id]",
          check = check_key },
        { name = "time", type = "string", required = true,
          help = "the event time field: ISO-8601 text or epoch numbers",
          check = function(value)
              if type(value) ~= "string" or value == "" then
                  return "name the event time field"
              end
              return nil
          end },
        { name = "window", type = "integer", required = true, min = 1, max = 31622400,
          help = "seconds: a record repeating its key at most this long after the last one is dropped" },
        { name = "time_unit", type = "choice", default = "s", choices = { "s", "ms" },
          help = "unit of epoch-number times (ISO-8601 text needs none)" },
    },
    sql = function(node)
        local problem = one_input(node) or check_key(node.settings.key)
        if problem then
            error(problem, 0)
        end
        local s = node.settings
        local input = weir.sql_ident(node.inputs[1])
        local timed = weir.sql_fresh_name("dedupe_timed", node.inputs[1])
        local ranked = weir.sql_fresh_name("dedupe_ranked", node.inputs[1])
        local kept = weir.sql_fresh_name("dedupe_kept", node.inputs[1])
        local keys, parts = {}, {}
        for i, f in ipairs(s.key) do
            keys[#keys + 1] = "           " .. input .. "." .. weir.sql_ident(f) .. " AS k" .. i
            parts[#parts + 1] = "k" .. i
        end
        return table.concat({
            "-- seq: a record's place in arrival order, its row in a plain scan of " .. input,
            "WITH " .. timed .. " AS (",
            "    SELECT row_number() OVER () AS seq,",
            -- Qualified: SQLite reads an unknown "name" alone as a string literal.
            "           " .. weir.sql_epoch_seconds(input .. "." .. weir.sql_ident(s.time),
                                                    s.time_unit, 11) .. " AS t,",
            table.concat(keys, ",\n"),
            "    FROM " .. input,
            "),",
            ranked .. " AS (",
            "    SELECT seq, t,",
            "           lag(t) OVER (PARTITION BY " .. table.concat(parts, ", ") ..
                " ORDER BY t, seq) AS previous",
            "    FROM " .. timed,
            "),",
            kept .. " AS (",
            "    SELECT seq FROM " .. ranked,
            "    WHERE t IS NULL OR previous IS NULL OR t - previous > " ..
                string.format("%d", s.window),
            ")",
            "-- The kept records, in arrival order, with exactly the input's columns:",
            "-- they sort first (numbered by the same scan), and LIMIT drops the rest.",
            "SELECT " .. input .. ".*",
            "FROM " .. input,
            "ORDER BY row_number() OVER () IN (SELECT seq FROM " .. kept .. ") DESC,",
            "         row_number() OVER ()",
            -- count(seq): preview's authorizer takes count(*) over a CTE for
            -- a read of a table that is not an input.
            "LIMIT (SELECT count(seq) FROM " .. kept .. ")",
        }, "\n")
    end,
}
