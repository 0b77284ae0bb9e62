/* The cheapest trial program bench/run can start: prints loss=1 with one write and exits.
 * Built static by run.sh (PROGRAM=static): no dynamic loader, no shared libraries, so its
 * start is the exec alone. */
#include <unistd.h>

int main(void)
{
    static const char line[] = "loss=1\n";
    return write(STDOUT_FILENO, line, sizeof line - 1) == (ssize_t)(sizeof line - 1) ? 0 : 1;
}
