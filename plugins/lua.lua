-- lua.lua: the Lua transform (shipped with weir).  The user writes
-- transform(record) in lua/ID.lua; preview runs it in the sandbox
-- (docs/preview.md, "Lua transforms").

weir.node_type {
    kind = "transform",
    name = "lua",
    title = "Lua",
    description = "Per-record Lua function: emit, drop or fan out",
    settings = {
        { name = "lua", type = "file", required = true,
          help = "the transform(record) function, in lua/ID.lua" },
    },
    code = { setting = "lua", language = "lua" },
}
