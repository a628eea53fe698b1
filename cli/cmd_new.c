/* weir new DIR [--name NAME]: scaffold a pipeline that validates at once.
 *
 * orders (file source, 200 sample orders) -> enrich (SQL: amounts in EUR,
 * cancelled orders dropped) -> mask (Lua: amounts rounded, test orders
 * dropped) -> out (stdout sink).  pipeline.yaml and layout.yaml come from
 * the writer, so the new folder is canonical (`weir fmt --check` passes).
 * Every file is written atomically; DIR must not exist or be empty. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsutil.h"
#include "load.h"
#include "util.h"
#include "vcs_merge.h"
#include "writer.h"

enum { SAMPLE_ORDERS = 200, NAME_MAX_LEN = 63 };

static const char enrich_sql[] =
    "-- enrich: every order with its amount in euros; cancelled orders dropped.\n"
    "-- Each input is a table named by its node id: here, orders.\n"
    "SELECT\n"
    "  id,\n"
    "  customer_id,\n"
    "  amount,\n"
    "  currency,\n"
    "  CASE currency\n"
    "    WHEN 'EUR' THEN amount\n"
    "    WHEN 'USD' THEN amount * 0.92\n"
    "    WHEN 'GBP' THEN amount * 1.17\n"
    "    WHEN 'CHF' THEN amount * 1.05\n"
    "  END AS amount_eur,\n"
    "  country,\n"
    "  created_at,\n"
    "  status\n"
    "FROM orders\n"
    "WHERE status <> 'cancelled'\n";

static const char mask_lua[] =
    "-- mask: amounts rounded to cents; test orders (the QA account) dropped.\n"
    "-- transform(record) returns the record to emit it, nil to drop it, or a\n"
    "-- list of records to emit several.\n"
    "local TEST_CUSTOMER = 9999\n"
    "\n"
    "local function cents(x)\n"
    "  if type(x) ~= \"number\" then\n"
    "    return x\n"
    "  end\n"
    "  return math.floor(x * 100 + 0.5) / 100\n"
    "end\n"
    "\n"
    "function transform(record)\n"
    "  if record.customer_id == TEST_CUSTOMER then\n"
    "    return nil\n"
    "  end\n"
    "  record.amount = cents(record.amount)\n"
    "  record.amount_eur = cents(record.amount_eur)\n"
    "  return record\n"
    "end\n";

/* .weir/ ignores itself, so the pipeline needs no .gitignore of its own
 * (which weir commit would leave untracked: it is not an artifact). */
static const char gitignore[] = "*\n";

/* xorshift32: the sample data is the same on every machine and every run. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static char *sample_orders(void)
{
    static const char *const euro_countries[] = {"DE", "FR", "NL", "ES", "IT", "IE", "AT", "BE"};
    uint32_t seed = 20260302u;
    strbuf sb;
    strbuf_init(&sb);
    long minutes = 8 * 60; /* from 2026-03-02T00:00:00Z */
    for (int i = 0; i < SAMPLE_ORDERS; i++) {
        minutes += 3 + (long)(next_random(&seed) % 17);
        int second = (int)(next_random(&seed) % 60);
        int customer = i % 23 == 7 ? 9999 : 1000 + (int)(next_random(&seed) % 400);
        uint32_t r = next_random(&seed) % 100;
        const char *currency, *country;
        if (r < 55) {
            currency = "EUR";
            country = euro_countries[next_random(&seed) % 8];
        } else if (r < 80) {
            currency = "USD", country = "US";
        } else if (r < 93) {
            currency = "GBP", country = "GB";
        } else {
            currency = "CHF", country = "CH";
        }
        long cents = 500 + (long)(next_random(&seed) % 49500);
        r = next_random(&seed) % 100;
        const char *status = r < 55   ? "paid"
                             : r < 75 ? "shipped"
                             : r < 87 ? "pending"
                             : r < 95 ? "cancelled"
                                      : "refunded";
        strbuf_printf(&sb,
                      "{\"id\":%d,\"customer_id\":%d,\"amount\":%ld.%02ld,\"currency\":\"%s\","
                      "\"country\":\"%s\",\"created_at\":\"2026-03-%02ldT%02ld:%02ld:%02dZ\","
                      "\"status\":\"%s\"}\n",
                      100001 + i, customer, cents / 100, cents % 100, currency, country,
                      2 + minutes / 1440, minutes % 1440 / 60, minutes % 60, second, status);
    }
    return strbuf_detach(&sb);
}

static void put_schema(node *n)
{
    static const char *const columns[][2] = {
        {"id", "integer"},   {"customer_id", "integer"},  {"amount", "real"}, {"currency", "text"},
        {"country", "text"}, {"created_at", "timestamp"}, {"status", "text"},
    };
    value *schema = value_map_put(&n->settings, "schema");
    value_init_map(schema);
    for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
        value_set_scalar(value_map_put(schema, columns[i][0]), columns[i][1]);
}

static void place(node *n, int x, int y)
{
    n->has_xy = true;
    n->x = x;
    n->y = y;
}

static void build_model(pipeline *p, const char *dir, const char *name)
{
    pipeline_init(p);
    p->dir = xstrdup(dir);
    p->name = xstrdup(name);
    p->version = 1;
    p->description = xstrdup("Web shop orders in euros, test orders removed");
    p->tags = xmalloc(sizeof(char *));
    p->tags[p->n_tags++] = xstrdup("example");
    p->has_layout = true;

    node *n = pipeline_add_node(p, "orders", NODE_SOURCE, "file");
    n->description = xstrdup("Orders from the web shop, one JSON object per line");
    node_set_setting(n, "path", "data/orders/*.jsonl");
    node_set_setting(n, "format", "jsonl");
    node_set_setting(n, "sample", "samples/orders.jsonl");
    put_schema(n);
    place(n, 2, 2);

    n = pipeline_add_node(p, "enrich", NODE_TRANSFORM, "sql");
    n->description = xstrdup("Amounts in EUR; cancelled orders dropped");
    node_add_input(n, "orders");
    node_set_setting(n, "sql", "sql/enrich.sql");
    place(n, 22, 2);

    n = pipeline_add_node(p, "mask", NODE_TRANSFORM, "lua");
    n->description = xstrdup("Amounts rounded to cents; test orders dropped");
    node_add_input(n, "enrich");
    node_set_setting(n, "lua", "lua/mask.lua");
    place(n, 42, 2);

    n = pipeline_add_node(p, "out", NODE_SINK, "stdout");
    node_add_input(n, "mask");
    node_set_setting(n, "format", "table");
    place(n, 62, 2);
}

/* A pipeline name is also a folder name and shows in commit messages:
 * lowercase letters, digits, '-' and '_', starting with a letter. */
static bool name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > NAME_MAX_LEN || !(name[0] >= 'a' && name[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* The last component of dir, resolved when it exists ("." -> its name). */
static char *default_name(const char *dir)
{
    char real[PATH_MAX];
    const char *path = realpath(dir, real) ? real : dir;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return xstrndup(path + start, n - start);
}

/* 0: usable (missing or an empty folder); otherwise prints why and returns 2. */
static int check_target(const char *dir)
{
    if (!fs_exists(dir))
        return EXIT_OK;
    if (!fs_is_dir(dir)) {
        fprintf(stderr, "weir new: %s exists and is not a folder\n", dir);
        return EXIT_USAGE;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "weir new: cannot read %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty) {
        fprintf(stderr,
                "weir new: %s is not empty; give a new folder or an empty one "
                "(weir new never overwrites files)\n",
                dir);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* "Next: cd DIR && weir", with DIR quoted for the shell when it needs it. */
static void print_next_step(const char *dir)
{
    bool plain = true;
    for (const char *c = dir; *c; c++)
        plain &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 strchr("_./-+,:@%", *c) != NULL;
    fputs("\nNext: cd ", stdout);
    if (plain) {
        fputs(dir, stdout);
    } else {
        putchar('\'');
        for (const char *c = dir; *c; c++) {
            if (*c == '\'')
                fputs("'\\''", stdout);
            else
                putchar(*c);
        }
        putchar('\'');
    }
    fputs(" && weir\n", stdout);
}

typedef struct new_file {
    const char *rel;
    char *text; /* owned */
    const char *note;
} new_file;

int cmd_new(int argc, char **argv)
{
    const char *dir = NULL, *name_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--name") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("new", "--name needs a value");
            name_arg = argv[++i];
        } else if (strncmp(a, "--name=", 7) == 0) {
            name_arg = a + 7;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !dir) {
            dir = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("new", "unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            return cli_usage_error("new", "one folder at a time ('%s' and '%s')", dir, a);
        }
    }
    if (!dir || !*dir)
        return cli_usage_error("new", "which folder? e.g. weir new orders");
    int rc = check_target(dir);
    if (rc != EXIT_OK)
        return rc;
    cli_use_plugins(NULL, stderr); /* a new folder has no plugins of its own */
    char *name = name_arg ? xstrdup(name_arg) : default_name(dir);
    if (!name_valid(name)) {
        fprintf(stderr,
                "weir new: '%s' is not a valid pipeline name (lowercase letters, digits, '-' "
                "and '_', starting with a letter, at most %d characters); %s\n",
                name, NAME_MAX_LEN, name_arg ? "choose another" : "choose one with --name NAME");
        free(name);
        return EXIT_USAGE;
    }

    pipeline p;
    build_model(&p, dir, name);
    new_file files[] = {
        {PIPELINE_FILE, writer_pipeline_yaml(&p), "topology: orders -> enrich -> mask -> out"},
        {LAYOUT_FILE, writer_layout_yaml(&p), "canvas positions"},
        {"sql/enrich.sql", xstrdup(enrich_sql), "the SQL transform"},
        {"lua/mask.lua", xstrdup(mask_lua), "the Lua transform"},
        {"samples/orders.jsonl", sample_orders(), "200 sample orders"},
        {".weir/.gitignore", xstrdup(gitignore), "keeps .weir/ (local state) out of git"},
        {".gitattributes", xstrdup(VCS_GITATTRIBUTES), "merges pipeline files with weir"},
    };
    pipeline_free(&p);
    const size_t n_files = sizeof(files) / sizeof(files[0]);

    char err[512];
    static const char *const subdirs[] = {"", "sql", "lua", "samples", ".weir"};
    for (size_t i = 0; i < 5 && rc == EXIT_OK; i++) {
        char *path = *subdirs[i] ? fs_join(dir, subdirs[i]) : xstrdup(dir);
        if (fs_mkdirs(path, err, sizeof(err)) != 0) {
            fprintf(stderr, "weir new: %s\n", err);
            rc = EXIT_USAGE;
        }
        free(path);
    }
    for (size_t i = 0; i < n_files && rc == EXIT_OK; i++) {
        char *path = fs_join(dir, files[i].rel);
        if (fs_write_atomic(path, files[i].text, strlen(files[i].text), err, sizeof(err)) != 0) {
            fprintf(stderr, "weir new: %s (the folder is left incomplete)\n", err);
            rc = EXIT_USAGE;
        }
        free(path);
    }
    if (rc == EXIT_OK) {
        printf("Created pipeline '%s' in %s:\n", name, dir);
        for (size_t i = 0; i < n_files; i++)
            printf("  %-22s %s\n", files[i].rel, files[i].note);
        if (strcmp(dir, ".") == 0 || strcmp(dir, "./") == 0)
            printf("\nNext: weir\n");
        else
            print_next_step(dir);
        printf("(once per git repository, to let git merge pipeline files with weir:\n"
               "  git config merge.weir.driver 'weir merge-driver %%O %%A %%B %%P')\n");
    }
    for (size_t i = 0; i < n_files; i++)
        free(files[i].text);
    free(name);
    return rc;
}
