-- kafka.lua: the Kafka source and sink (shipped with weir).
--
-- Preview never connects to Kafka: the source reads its sample file (the
-- sample settings are added by weir), and the sink shows each message it
-- would produce: the message key (when `key` names a field) and the record.

weir.node_type {
    kind = "source",
    name = "kafka",
    title = "Kafka",
    description = "Consume a Kafka topic",
    settings = {
        { name = "brokers", type = "string", required = true, default = "localhost:9092",
          help = "bootstrap servers, host:port,..." },
        { name = "topic", type = "string", required = true,
          help = "topic to consume" },
        { name = "format", type = "choice", default = "json",
          choices = { "json", "avro", "csv", "protobuf" },
          help = "message encoding" },
        { name = "group", type = "string",
          help = "consumer group id" },
        { name = "start", type = "choice", default = "latest",
          choices = { "earliest", "latest" },
          help = "where a new group starts" },
        { name = "sasl_username", type = "string",
          help = "SASL user name" },
        { name = "sasl_password", type = "secret",
          help = "SASL password, as ${secret:NAME}" },
    },
}

-- A message key is bytes: show it as the text the key field serialises to.
local function key_text(v)
    if v == nil then
        return nil
    end
    if math.type(v) == "integer" then
        return string.format("%d", v)
    end
    return tostring(v)
end

weir.node_type {
    kind = "sink",
    name = "kafka",
    title = "Kafka",
    description = "Produce to a Kafka topic",
    settings = {
        { name = "brokers", type = "string", required = true, default = "localhost:9092",
          help = "bootstrap servers, host:port,..." },
        { name = "topic", type = "string", required = true,
          help = "topic to produce to" },
        { name = "format", type = "choice", default = "json",
          choices = { "json", "avro", "csv", "protobuf" },
          help = "message encoding" },
        { name = "key", type = "string",
          help = "field used as the message key" },
        { name = "sasl_username", type = "string",
          help = "SASL user name" },
        { name = "sasl_password", type = "secret",
          help = "SASL password, as ${secret:NAME}" },
    },
    -- Each record is one message: its value is the record, its key the text
    -- of the key field (absent, i.e. a null key, when that field is NULL).
    -- The key is shown as a `key` field; a record field named `key` is
    -- replaced by it in the preview (the message value still holds it).
    show = function(record, node)
        local field = node.settings.key
        if field == nil or field == "" then
            return record
        end
        local key = key_text(record[field])
        record.key = key
        return record
    end,
}
