/* cli: the headless commands (`weir validate`, `weir fmt`, ...), git-style.
 *
 * Exit codes, for every command: 0 success, 1 the check failed (invalid
 * pipeline, would reformat, node failed), 2 usage or I/O error. */
#ifndef WEIR_CLI_H
#define WEIR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "nodetypes.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;               /* one line for `weir --help` */
    const char *usage;                 /* full text for `weir CMD --help` */
} cli_command;

/* The command named argv[1], or NULL when argv[1] is not a command (then
 * `weir [DIR]` opens the TUI). */
const cli_command *cli_find(const char *name);

/* Run `weir ARGS...` for a command or a global option (--help, --version).
 * Returns the exit code. */
int cli_main(int argc, char **argv);

/* True for argv[1] values handled by cli_main rather than the TUI. */
bool cli_handles(const char *arg);

/* Shared helpers for command implementations. */
bool cli_wants_help(int argc, char **argv); /* -h / --help anywhere */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_print_diags(FILE *out, const diag_list *diags, const char *dir);
/* Print text that may quote a file or a plugin: control characters become
 * '?' (newlines and tabs spaces) and it stops after 4 KiB with "…". */
void cli_put_text(FILE *out, const char *s);

/* Option scanning shared by the commands, git-style.
 *
 * cli_option_value: argv[*i] is "NAME VALUE" or "NAME=VALUE": sets *value
 * (advancing *i past a separate value) and returns 1; returns 0 when
 * argv[*i] is another argument, and -1 after printing a usage error when
 * the value is missing.
 *
 * cli_folder_arg: a positional argument naming the pipeline folder; the
 * second one is a usage error (returns EXIT_USAGE, else EXIT_OK).
 *
 * cli_other_arg: an argument none of the command's own options took:
 * while *options, "--" ends them and another "-x" is a usage error; the
 * rest is the folder (cli_folder_arg).  Returns EXIT_OK or EXIT_USAGE. */
int cli_option_value(const char *command, int argc, char **argv, int *i, const char *name,
                     const char **value);
int cli_folder_arg(const char *command, const char **dir, const char *arg);
int cli_other_arg(const char *command, bool *options, const char **dir, const char *arg);

/* Load the node types for the pipeline in dir (NULL: no pipeline, only
 * the user's and the shipped plugins) and make them current, printing
 * plugin problems to report (NULL: silent).  Every command that reads a
 * pipeline calls it once, after parsing its arguments; later calls in the
 * same process return the registry already loaded. */
const node_registry *cli_use_plugins(const char *dir, FILE *report);

/* Print the loaded plugins' problems as warnings ("weir: path:line: ..."),
 * leaving out those of the pipeline's own plugins/ unless pipeline_too. */
void cli_report_plugin_problems(const char *dir, FILE *out, bool pipeline_too);

/* Append the problems of the pipeline's own plugin files (DIR/plugins/) to
 * diags: they are part of the pipeline, so `weir validate` counts them. */
void cli_pipeline_plugin_problems(diag_list *diags);

/* Read the plugin files again (the canvas's preview `r`): the new registry
 * becomes current and the old one is freed, so no thread may be reading it
 * (stop the preview worker first) and no node_type pointer may be kept. */
const node_registry *cli_reload_plugins(const char *dir);

/* Each command, in its own cmd_*.c file. */
int cmd_new(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge_driver(int argc, char **argv);
int cmd_plugins(int argc, char **argv);

#endif
