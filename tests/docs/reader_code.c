/* What the docs' C examples leave to the reader ("your code"), defined so that an example
 * with a main links. Declarations belong in the examples themselves. */
#include <stdint.h>

double train_and_validate(double lr, int64_t depth, const char *optimizer);

double train_and_validate(double lr, int64_t depth, const char *optimizer)
{
    return lr * (double)depth + (optimizer[0] == 'a');
}
