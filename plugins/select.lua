-- select.lua: choose and rename fields (shipped with weir).  A SQL
-- template: the generated SELECT is written to sql/ID.sql.
--
-- `fields` lists the output fields in order; each item is a field name, or
-- "name as new_name" to rename it.  Names are taken literally (spaces and
-- capitals included) and quoted, so they never need SQL quoting.

-- "  a   as  b " -> "a", "b";  "a" -> "a", "a";  nil, nil, message when malformed.
local function parse_field(item)
    if type(item) ~= "string" then
        return nil, nil, "a field must be a name or 'name as new_name'"
    end
    local name, new = weir.split_alias(item)
    if new then
        return name, new
    end
    if name == "" then
        return nil, nil, "a field is empty"
    end
    -- An "as" with nothing on one side.
    local lower = name:lower()
    if lower:sub(1, 3) == "as " or lower:sub(-3) == " as" then
        return nil, nil, string.format("'%s': write 'name as new_name'", item)
    end
    return name, name
end

local function check_fields(value)
    if type(value) ~= "table" or #value == 0 then
        return "list at least one field"
    end
    local seen = {}
    for _, item in ipairs(value) do
        local _, new, problem = parse_field(item)
        if problem then
            return problem
        end
        if seen[new] then
            return string.format("two fields are named '%s': rename one with 'as'", new)
        end
        seen[new] = true
    end
    return nil
end

weir.node_type {
    kind = "transform",
    name = "select",
    title = "Select fields",
    description = "Keep some fields, in a chosen order, renaming some",
    max_inputs = 1,
    settings = {
        { name = "fields", type = "list", required = true,
          help = "the fields to keep, in order; 'name as new_name' renames one",
          check = function(value)
              return check_fields(value)
          end },
    },
    sql = function(node)
        if #node.inputs ~= 1 then
            error(string.format("select reads exactly one input (this one has %d)",
                                #node.inputs), 0)
        end
        local problem = check_fields(node.settings.fields)
        if problem then
            error(problem, 0)
        end
        local cols = {}
        local input = weir.sql_ident(node.inputs[1])
        for _, item in ipairs(node.settings.fields) do
            local name, new = parse_field(item)
            -- Qualified, and always named: SQLite reads an unknown "name"
            -- alone as a string literal instead of reporting it.
            cols[#cols + 1] = input .. "." .. weir.sql_ident(name) .. " AS " .. weir.sql_ident(new)
        end
        return "SELECT " .. table.concat(cols, ",\n       ") ..
               "\nFROM " .. input
    end,
}
