#include "nodetypes.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Settings every source accepts: how preview reads its sample. */
#define SOURCE_SAMPLE_SETTINGS                                                                  \
    {"sample", SETTING_FILE, false, NULL, NULL, 0, 0,                                          \
     "sample records for preview: a .jsonl or .csv file under samples/"},                      \
        {"sample_format", SETTING_CHOICE, false, NULL, "jsonl|csv", 0, 0,                       \
         "format of the sample file (default: from its extension)"},                            \
        {"delimiter", SETTING_STRING, false, ",", NULL, 0, 0, "CSV field delimiter"},           \
        {"limit", SETTING_INTEGER, false, "1000", NULL, 1, 100000000,                           \
         "how many sample records preview reads"},                                               \
        {"schema", SETTING_SCHEMA, false, NULL, NULL, 0, 0,                                     \
         "column types (integer, real, text, boolean, timestamp, json); inferred when absent"}

static const setting_spec kafka_source[] = {
    {"brokers", SETTING_STRING, true, "localhost:9092", NULL, 0, 0, "bootstrap servers, host:port,..."},
    {"topic", SETTING_STRING, true, NULL, NULL, 0, 0, "topic to consume"},
    {"format", SETTING_CHOICE, false, "json", "json|avro|csv|protobuf", 0, 0, "message encoding"},
    {"group", SETTING_STRING, false, NULL, NULL, 0, 0, "consumer group id"},
    {"start", SETTING_CHOICE, false, "latest", "earliest|latest", 0, 0, "where a new group starts"},
    {"sasl_username", SETTING_STRING, false, NULL, NULL, 0, 0, "SASL user name"},
    {"sasl_password", SETTING_SECRET, false, NULL, NULL, 0, 0, "SASL password, as ${secret:NAME}"},
    SOURCE_SAMPLE_SETTINGS,
};

static const setting_spec file_source[] = {
    {"path", SETTING_STRING, true, NULL, NULL, 0, 0, "file or glob to read in production"},
    {"format", SETTING_CHOICE, true, "jsonl", "jsonl|csv", 0, 0, "record format"},
    SOURCE_SAMPLE_SETTINGS,
};

static const setting_spec postgres_source[] = {
    {"connection", SETTING_SECRET, true, NULL, NULL, 0, 0, "connection string, as ${secret:NAME}"},
    {"table", SETTING_STRING, true, NULL, NULL, 0, 0, "schema.table to read (change data capture)"},
    SOURCE_SAMPLE_SETTINGS,
};

static const setting_spec http_source[] = {
    {"url", SETTING_STRING, true, NULL, NULL, 0, 0, "endpoint to poll, or the webhook path"},
    {"method", SETTING_CHOICE, false, "GET", "GET|POST", 0, 0, "HTTP method"},
    {"format", SETTING_CHOICE, false, "json", "json|jsonl|csv", 0, 0, "body format"},
    {"interval", SETTING_INTEGER, false, "60", NULL, 1, 86400, "seconds between polls"},
    {"token", SETTING_SECRET, false, NULL, NULL, 0, 0, "bearer token, as ${secret:NAME}"},
    SOURCE_SAMPLE_SETTINGS,
};

static const setting_spec sql_transform[] = {
    {"sql", SETTING_FILE, true, NULL, NULL, 0, 0, "the SELECT, in sql/ID.sql"},
};

static const setting_spec lua_transform[] = {
    {"lua", SETTING_FILE, true, NULL, NULL, 0, 0, "the transform(record) function, in lua/ID.lua"},
};

static const setting_spec kafka_sink[] = {
    {"brokers", SETTING_STRING, true, "localhost:9092", NULL, 0, 0, "bootstrap servers, host:port,..."},
    {"topic", SETTING_STRING, true, NULL, NULL, 0, 0, "topic to produce to"},
    {"format", SETTING_CHOICE, false, "json", "json|avro|csv|protobuf", 0, 0, "message encoding"},
    {"key", SETTING_STRING, false, NULL, NULL, 0, 0, "field used as the message key"},
    {"sasl_username", SETTING_STRING, false, NULL, NULL, 0, 0, "SASL user name"},
    {"sasl_password", SETTING_SECRET, false, NULL, NULL, 0, 0, "SASL password, as ${secret:NAME}"},
};

static const setting_spec file_sink[] = {
    {"path", SETTING_STRING, true, NULL, NULL, 0, 0, "file to write in production"},
    {"format", SETTING_CHOICE, true, "jsonl", "jsonl|csv", 0, 0, "record format"},
};

static const setting_spec postgres_sink[] = {
    {"connection", SETTING_SECRET, true, NULL, NULL, 0, 0, "connection string, as ${secret:NAME}"},
    {"table", SETTING_STRING, true, NULL, NULL, 0, 0, "schema.table to write"},
    {"mode", SETTING_CHOICE, false, "append", "append|upsert", 0, 0, "insert only, or upsert on key"},
    {"key", SETTING_LIST, false, NULL, NULL, 0, 0, "key columns for upsert"},
};

static const setting_spec stdout_sink[] = {
    {"format", SETTING_CHOICE, false, "jsonl", "jsonl|csv|table", 0, 0, "how records are printed"},
};

#define TYPE(name, kind, title, desc, settings)                                                  \
    {name, kind, title, desc, settings, COUNT(settings), NULL, NULL, NULL}

static const node_type types[] = {
    TYPE("file", NODE_SOURCE, "File", "Read JSON Lines or CSV files", file_source),
    TYPE("http", NODE_SOURCE, "HTTP", "Poll an HTTP endpoint or receive a webhook", http_source),
    TYPE("kafka", NODE_SOURCE, "Kafka", "Consume a Kafka topic", kafka_source),
    TYPE("postgres", NODE_SOURCE, "PostgreSQL", "Capture changes from a PostgreSQL table",
         postgres_source),
    {"lua", NODE_TRANSFORM, "Lua", "Per-record Lua function: emit, drop or fan out", lua_transform,
     COUNT(lua_transform), "lua", "lua", ".lua"},
    {"sql", NODE_TRANSFORM, "SQL", "A SELECT over the inputs: join, filter, aggregate",
     sql_transform, COUNT(sql_transform), "sql", "sql", ".sql"},
    TYPE("file", NODE_SINK, "File", "Write JSON Lines or CSV files", file_sink),
    TYPE("kafka", NODE_SINK, "Kafka", "Produce to a Kafka topic", kafka_sink),
    TYPE("postgres", NODE_SINK, "PostgreSQL", "Insert or upsert into a PostgreSQL table",
         postgres_sink),
    TYPE("stdout", NODE_SINK, "Stdout", "Print records, for debugging", stdout_sink),
};

size_t node_type_count(void)
{
    return COUNT(types);
}

const node_type *node_type_at(size_t i)
{
    return i < COUNT(types) ? &types[i] : NULL;
}

const node_type *node_type_find(node_kind kind, const char *name)
{
    for (size_t i = 0; i < COUNT(types); i++)
        if (types[i].kind == kind && strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

const setting_spec *node_type_setting(const node_type *type, const char *name)
{
    for (size_t i = 0; i < type->n_settings; i++)
        if (strcmp(type->settings[i].name, name) == 0)
            return &type->settings[i];
    return NULL;
}

const char *node_kind_name(node_kind kind)
{
    static const char *const names[] = {"source", "transform", "sink"};
    return names[kind];
}

const char *node_kind_section(node_kind kind)
{
    static const char *const names[] = {"sources", "transforms", "sinks"};
    return names[kind];
}

const char *setting_type_name(setting_type type)
{
    static const char *const names[] = {"string", "integer", "number", "boolean", "choice",
                                        "secret", "file",    "list",   "schema"};
    return names[type];
}

const char *const schema_type_names[] = {"boolean", "integer", "json", "real", "text", "timestamp"};
const size_t schema_type_count = COUNT(schema_type_names);

bool schema_type_valid(const char *name)
{
    for (size_t i = 0; i < schema_type_count; i++)
        if (strcmp(schema_type_names[i], name) == 0)
            return true;
    return false;
}
