/* The page of knob report and knob dashboard, embedded: web/build.mjs bundles it at build
 * time (src/cli/CMakeLists.txt) and the assembler includes the file as it is. A knob built
 * without node and npm, or with -DKNOB_WEB=OFF (KNOB_WEB_OFF), has no page, and says which
 * when asked for a report or a dashboard. */
#include "cli/web.h"

#include <stdio.h>

#ifdef KNOB_WEB_PAGE
__asm__(".section .rodata\n"
        ".balign 16\n"
        "cli_web_page_start:\n"
        ".incbin \"" KNOB_WEB_PAGE "\"\n"
        "cli_web_page_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const char cli_web_page_start[] __asm__("cli_web_page_start");
extern const char cli_web_page_end[] __asm__("cli_web_page_end");

const char *cli_web_page(size_t *len)
{
    *len = (size_t)(cli_web_page_end - cli_web_page_start);
    return cli_web_page_start;
}
#else
const char *cli_web_page(size_t *len)
{
    *len = 0;
    return NULL;
}
#endif

int cli_web_missing(const char *command)
{
#ifdef KNOB_WEB_OFF
    /* turned off on purpose: node and npm may well be there */
    fprintf(stderr,
            "knob %s: this knob was built without its web page (configured with "
            "-DKNOB_WEB=OFF): configure with -DKNOB_WEB=ON (it needs node and npm; Debian: "
            "apt-get install nodejs npm) and build again\n",
            command);
#else
    fprintf(stderr,
            "knob %s: this knob was built without its web page (node and npm were not found "
            "when it was built): install them (Debian: apt-get install nodejs npm), then "
            "configure and build again (cmake -DKNOB_WEB=ON makes them required)\n",
            command);
#endif
    return -1;
}
