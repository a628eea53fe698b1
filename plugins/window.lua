-- window.lua: tumbling and hopping window aggregates (shipped with weir).
-- SQL templates: the generated SELECT is written to sql/ID.sql.
--
-- A tumbling window of `size` seconds cuts time into back-to-back windows
-- [k*size, (k+1)*size) counted from 1970-01-01T00:00:00Z; a hopping window
-- starts one every `hop` seconds, each `size` seconds long, so a record
-- falls in about size/hop windows.  Each output row is one window and
-- group: window_start, window_end (ISO-8601 UTC text,
-- 2024-05-01T10:05:00Z; the end is exclusive), the group_by fields, then
-- the aggregates.  Rows come ordered by window, then group.
--
-- Times are ISO-8601 text (with or without a zone offset) or epoch numbers
-- (seconds, or milliseconds with time_unit: ms); a fraction of a second
-- does not move a record to another window.  A record whose time is NULL
-- or not a timestamp falls in no window.
--
-- Aggregates are "expression as name", e.g. "count(*) as orders" or
-- "sum(amount) as revenue": the expression is SQL over the input's
-- columns, the name an identifier.  No input field name changes a window
-- (see render); an input field whose name starts with __weir_ must be
-- written with its table in an aggregate, "orders"."__weir_t".

local MAX_SECONDS = 31622400 -- 366 days
local MAX_WINDOWS = 300      -- windows per record for a hopping window: each record is
                             -- joined to every window; 300 keeps a preview of 1,000
                             -- records well within its 1-second budget

-- "sum(amount)  AS revenue" -> "sum(amount)", "revenue"; or nil, message.
local function parse_aggregate(item)
    if type(item) ~= "string" then
        return nil, "an aggregate must be text such as 'count(*) as orders'"
    end
    local expr, name = weir.split_alias(item)
    if not name then
        return nil, string.format("aggregate '%s' does not look like 'expression as name', " ..
                                  "e.g. 'sum(amount) as revenue'", item)
    end
    if not name:find("^[%a_][%w_]*$") then
        return nil, string.format("aggregate '%s': the name after 'as' must be an identifier " ..
                                  "(letters, digits, _)", item)
    end
    return expr, name
end

local function check_group_by(value)
    if value == nil then
        return nil
    end
    if type(value) ~= "table" then
        return "group_by is a list of fields"
    end
    local problem = weir.check_names(value, "group_by field")
    if problem then
        return problem
    end
    for _, f in ipairs(value) do
        if f == "window_start" or f == "window_end" then
            return string.format("'%s' is an output column of the window: rename the input field", f)
        end
    end
    return nil
end

local function check_aggregates(value, node)
    if type(value) ~= "table" or #value == 0 then
        return "list at least one aggregate, e.g. 'count(*) as orders'"
    end
    local names = { window_start = "the window", window_end = "the window" }
    local group_by = node.settings.group_by
    if type(group_by) == "table" then
        for _, f in ipairs(group_by) do
            names[f] = "group_by"
        end
    end
    for _, item in ipairs(value) do
        local _, name = parse_aggregate(item)
        if not _ then
            return name
        end
        if names[name] then
            return string.format("aggregate name '%s' is already an output column (%s)",
                                 name, names[name])
        end
        names[name] = "another aggregate"
    end
    return nil
end

-- max_inputs = 1 has validation say "reads one input" at inputs:; this
-- guard only keeps the template from rendering SQL over a wrong input.
local function one_input(node)
    if #node.inputs ~= 1 then
        return string.format("a window reads exactly one input (this one has %d)", #node.inputs)
    end
    return nil
end

local function windows_per_record(size, hop)
    return (size + hop - 1) // hop
end

local function check_hop(value, node)
    local size = node.settings.size
    if math.type(value) ~= "integer" or math.type(size) ~= "integer" or value < 1 then
        return nil -- the type and bounds checks report these
    end
    if value > size then
        return string.format("hop (%d s) must not be longer than size (%d s): records between " ..
                             "windows would be lost", value, size)
    end
    local n = windows_per_record(size, value)
    if n > MAX_WINDOWS then
        return string.format("size / hop is %d: a record would fall in more than %d windows; " ..
                             "use a longer hop", n, MAX_WINDOWS)
    end
    return nil
end

local function common_settings()
    return {
        { name = "time", type = "string", required = true,
          help = "the event time field: ISO-8601 text or epoch numbers",
          check = function(value)
              if type(value) ~= "string" or value == "" then
                  return "name the event time field"
              end
              return nil
          end },
        { name = "size", type = "integer", required = true, min = 1, max = MAX_SECONDS,
          help = "window length in seconds, e.g. 300 for five minutes" },
        { name = "group_by", type = "list",
          help = "fields to group by within each window (none: one row per window)",
          check = check_group_by },
        { name = "aggregates", type = "list", required = true,
          help = "'expression as name' items, e.g. 'count(*) as orders', 'sum(amount) as revenue'",
          check = check_aggregates },
        { name = "time_unit", type = "choice", default = "s", choices = { "s", "ms" },
          help = "unit of epoch-number times (ISO-8601 text needs none)" },
    }
end

local function iso(expr)
    return "strftime('%Y-%m-%dT%H:%M:%SZ', " .. expr .. ", 'unixepoch')"
end

-- The SELECT shared by both kinds (hop nil: tumbling).  weir's helper
-- values live in tables of their own, under names starting with __weir_:
-- `timed` has each distinct time of the input and its whole seconds
-- (__weir_t), `windowed` each such time with the start of every window
-- holding it (__weir_start).  The final SELECT joins the input to
-- `windowed` on the time and names each helper with its table, so no input
-- field can take a helper's place (an input field w_start is just a
-- field), while the aggregates read the input's fields by their names.
-- The join is on the time value, not a row number, because a record's
-- windows depend on its time alone and the input has no column of weir's.
-- An aggregate naming a __weir_ input field bare sees two columns of that
-- name: SQLite says "ambiguous column name", never picks the wrong one.
local function render(node, hop)
    local problem = one_input(node) or check_group_by(node.settings.group_by) or
                    check_aggregates(node.settings.aggregates, node)
    if problem then
        error(problem, 0)
    end
    local s = node.settings
    local input = node.inputs[1]
    local qinput = weir.sql_ident(input)
    -- Qualified: SQLite reads an unknown "name" alone as a string literal.
    local time = qinput .. "." .. weir.sql_ident(s.time)
    local size = s.size
    local timed = weir.sql_fresh_name("timed", input)
    local hops = weir.sql_fresh_name("hops", input)
    local windowed = weir.sql_fresh_name("windowed", input)
    local start = windowed .. ".__weir_start"

    local out = {
        "       " .. iso(start) .. " AS \"window_start\"",
        "       " .. iso(string.format("%s + %d", start, size)) .. " AS \"window_end\"",
    }
    local group = { start }
    for _, f in ipairs(s.group_by or {}) do
        -- Qualified: SQLite reads an unknown "name" alone as a string literal.
        local col = qinput .. "." .. weir.sql_ident(f)
        out[#out + 1] = "       " .. col .. " AS " .. weir.sql_ident(f)
        group[#group + 1] = col
    end
    for _, item in ipairs(s.aggregates) do
        local expr, name = parse_aggregate(item)
        out[#out + 1] = "       " .. expr .. " AS " .. weir.sql_ident(name)
    end

    local step = hop or size
    local lines = {
        "-- weir's helper columns, always named with their table so that no input field",
        "-- takes their place: __weir_time, each distinct " .. weir.sql_ident(s.time) .. "; __weir_t, it in",
        "-- whole seconds since 1970-01-01T00:00:00Z; __weir_start, a window holding it",
        "WITH " .. timed .. " AS (",
        "    SELECT DISTINCT " .. time .. " AS __weir_time,",
        "           " .. weir.sql_epoch_seconds(time, s.time_unit, 11) .. " AS __weir_t",
        "    FROM " .. qinput,
        "),",
    }
    -- The start of the window holding t: t rounded down to a multiple of
    -- the step (also right for times before 1970, where % is negative).
    local floor = string.format("__weir_t - (__weir_t %% %d + %d) %% %d", step, step, step)
    if not hop then
        lines[#lines + 1] = windowed .. " AS ("
        lines[#lines + 1] = "    SELECT __weir_time, " .. floor .. " AS __weir_start"
        lines[#lines + 1] = "    FROM " .. timed
        lines[#lines + 1] = "    WHERE __weir_t IS NOT NULL"
        lines[#lines + 1] = ")"
    else
        -- Window k back from the latest one that holds t starts k hops
        -- earlier; the final WHERE keeps those that still reach t.
        local n = windows_per_record(size, hop)
        lines[#lines + 1] = string.format("-- a record falls in up to %d windows, one starting every %d s",
                                          n, hop)
        lines[#lines + 1] = hops .. "(__weir_k) AS ("
        lines[#lines + 1] = string.format("    SELECT 0 UNION ALL SELECT __weir_k + 1 FROM %s WHERE __weir_k < %d",
                                          hops, n - 1)
        lines[#lines + 1] = "),"
        lines[#lines + 1] = windowed .. " AS ("
        lines[#lines + 1] = "    SELECT __weir_time, __weir_t,"
        lines[#lines + 1] = string.format("           %s - __weir_k * %d AS __weir_start", floor, hop)
        lines[#lines + 1] = "    FROM " .. timed .. " CROSS JOIN " .. hops
        lines[#lines + 1] = "    WHERE __weir_t IS NOT NULL"
        lines[#lines + 1] = ")"
    end
    lines[#lines + 1] = "SELECT " .. table.concat(out, ",\n"):sub(8)
    lines[#lines + 1] = "FROM " .. qinput
    -- A NULL time matches no window.
    lines[#lines + 1] = "JOIN " .. windowed .. " ON " .. windowed .. ".__weir_time = " .. time
    if hop then
        lines[#lines + 1] = string.format("WHERE %s.__weir_t < %s + %d", windowed, start, size)
    end
    lines[#lines + 1] = "GROUP BY " .. table.concat(group, ", ")
    lines[#lines + 1] = "ORDER BY " .. table.concat(group, ", ")
    return table.concat(lines, "\n")
end

weir.node_type {
    kind = "transform",
    name = "tumbling_window",
    title = "Tumbling window",
    description = "Aggregate over back-to-back time windows of a fixed size",
    max_inputs = 1,
    settings = common_settings(),
    sql = function(node)
        return render(node, nil)
    end,
}

local hopping = common_settings()
table.insert(hopping, 3, {
    name = "hop", type = "integer", required = true, min = 1, max = MAX_SECONDS,
    help = "seconds between window starts, at most size, e.g. 60 with a size of 300",
    check = check_hop,
})

weir.node_type {
    kind = "transform",
    name = "hopping_window",
    title = "Hopping window",
    description = "Aggregate over overlapping time windows: size long, one every hop",
    max_inputs = 1,
    settings = hopping,
    sql = function(node)
        return render(node, node.settings.hop)
    end,
}
