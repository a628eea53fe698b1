-- file.lua: the file source and sink, JSON Lines or CSV (shipped with weir).
--
-- Preview reads the source's sample file (the sample settings are added by
-- weir); the sink shows the records as they would be written, unchanged.

weir.node_type {
    kind = "source",
    name = "file",
    title = "File",
    description = "Read JSON Lines or CSV files",
    settings = {
        { name = "path", type = "string", required = true,
          help = "file or glob to read in production" },
        { name = "format", type = "choice", required = true, default = "jsonl",
          choices = { "jsonl", "csv" },
          help = "record format" },
    },
}

weir.node_type {
    kind = "sink",
    name = "file",
    title = "File",
    description = "Write JSON Lines or CSV files",
    settings = {
        { name = "path", type = "string", required = true,
          help = "file to write in production" },
        { name = "format", type = "choice", required = true, default = "jsonl",
          choices = { "jsonl", "csv" },
          help = "record format" },
    },
}
