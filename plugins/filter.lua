-- filter.lua: keep the records that match a SQL condition (shipped with
-- weir).  A SQL template: the generated SELECT is written to sql/ID.sql.

-- max_inputs = 1 has validation say "reads one input" at inputs:; this
-- guard only keeps the template from rendering SQL over a wrong input.
local function one_input(node)
    local n = #node.inputs
    if n ~= 1 then
        return string.format("a filter reads exactly one input (this one has %d)", n)
    end
    return nil
end

weir.node_type {
    kind = "transform",
    name = "filter",
    title = "Filter",
    description = "Keep the records that match a SQL condition",
    max_inputs = 1,
    settings = {
        { name = "where", type = "string", required = true,
          help = "a SQL condition over the input's columns, e.g. amount > 100 AND country = 'NO'",
          check = function(value)
              if type(value) ~= "string" or not value:find("%S") then
                  return "the condition is empty: write one such as amount > 100"
              end
              return nil
          end },
    },
    -- Nothing follows the condition, so a trailing "-- comment" in it is
    -- harmless; a record for which it is NULL is dropped, as in SQL.
    sql = function(node)
        local problem = one_input(node)
        if problem then
            error(problem, 0)
        end
        return "SELECT *\nFROM " .. weir.sql_ident(node.inputs[1]) ..
               "\nWHERE " .. node.settings.where
    end,
}
