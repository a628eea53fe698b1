-- stdout.lua: the stdout sink, for debugging (shipped with weir).  Preview
-- shows the records as they would be printed, unchanged.

weir.node_type {
    kind = "sink",
    name = "stdout",
    title = "Stdout",
    description = "Print records, for debugging",
    settings = {
        { name = "format", type = "choice", default = "jsonl",
          choices = { "jsonl", "csv", "table" },
          help = "how records are printed" },
    },
}
