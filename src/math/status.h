/* The statuses of src/math: 0 on success, else one of the negative codes below. Math
 * functions set no error message: the caller, which knows what the numbers stand for,
 * words it (the samplers with knob_set_error). */
#ifndef KNOB_MATH_STATUS_H
#define KNOB_MATH_STATUS_H

enum {
    KNOB__MATH_OK = 0,
    KNOB__MATH_ENOMEM = -1, /* memory ran out */
    KNOB__MATH_EDIMS = -2,  /* more dimensions than the function takes */
    KNOB__MATH_ENOTPD = -3, /* a matrix is not positive definite, even with jitter */
};

#endif
