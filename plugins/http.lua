-- http.lua: the HTTP source, polling an endpoint or receiving a webhook
-- (shipped with weir).  Preview reads the sample file (the sample settings
-- are added by weir) and never makes a request.

weir.node_type {
    kind = "source",
    name = "http",
    title = "HTTP",
    description = "Poll an HTTP endpoint or receive a webhook",
    settings = {
        { name = "url", type = "string", required = true,
          help = "endpoint to poll, or the webhook path" },
        { name = "method", type = "choice", default = "GET",
          choices = { "GET", "POST" },
          help = "HTTP method" },
        { name = "format", type = "choice", default = "json",
          choices = { "json", "jsonl", "csv" },
          help = "body format" },
        { name = "interval", type = "integer", default = 60, min = 1, max = 86400,
          help = "seconds between polls" },
        { name = "token", type = "secret",
          help = "bearer token, as ${secret:NAME}" },
    },
}
