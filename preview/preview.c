typedef int preview_placeholder;
