#define _XOPEN_SOURCE 700 /* nftw */

#include "helpers.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "load.h"
#include "util.h"
#include "validate.h"
#include "yaml_read.h"

#include "../tmpdir.h"

char *diags_text(const diag_list *diags)
{
    strbuf sb;
    strbuf_init(&sb);
    char line[4096];
    for (size_t i = 0; i < diags->n; i++) {
        diag_format(&diags->items[i], line, sizeof(line));
        strbuf_printf(&sb, "%s%s", i ? "\n" : "", line);
    }
    return strbuf_detach(&sb);
}

char *check_yaml_len(const char *yaml, size_t len)
{
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    if (pipeline_load_buffer(yaml, len, ".", &p, &diags)) {
        validate_options opts = {false};
        pipeline_validate(&p, &opts, &diags);
    }
    diag_list_sort(&diags);
    char *text = diags_text(&diags);
    pipeline_free(&p);
    diag_list_free(&diags);
    return text;
}

char *check_yaml(const char *yaml)
{
    return check_yaml_len(yaml, strlen(yaml));
}

char *read_yaml(const char *data, size_t len, bool *ok)
{
    value v;
    diag_list diags;
    diag_list_init(&diags);
    *ok = yaml_read_buffer(data, len, "t.yaml", &v, &diags);
    if (*ok)
        value_free(&v);
    char *text = diags_text(&diags);
    diag_list_free(&diags);
    return text;
}

char *check_folder(const char *dir)
{
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    pipeline_check_folder(dir, &p, &diags);
    char *text = diags_text(&diags);
    pipeline_free(&p);
    diag_list_free(&diags);
    return text;
}

char *check_layout(const char *yaml, const char *layout)
{
    pipeline p;
    diag_list diags;
    diag_list_init(&diags);
    if (pipeline_load_buffer(yaml, strlen(yaml), ".", &p, &diags))
        pipeline_load_layout_buffer(layout, strlen(layout), &p, &diags);
    diag_list_sort(&diags);
    char *text = diags_text(&diags);
    pipeline_free(&p);
    diag_list_free(&diags);
    return text;
}

char *temp_dir(void)
{
    char tmpl[4096];
    if (!test_mkdtemp(tmpl, sizeof(tmpl), "weir-core-test")) {
        perror("mkdtemp");
        abort();
    }
    return xstrdup(tmpl);
}

void write_text(const char *dir, const char *rel, const char *text)
{
    char *path = fs_join(dir, rel);
    char *slash = strrchr(path, '/');
    char err[256];
    *slash = '\0';
    if (fs_mkdirs(path, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
    free(path);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
