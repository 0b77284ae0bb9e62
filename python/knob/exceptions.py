"""Exceptions, with Optuna's names. Failures of libknob carry its message and `status`
(the C status code)."""


class OptunaError(Exception):
    """Base class of knob's errors (named as Optuna's, so `except optuna.exceptions.
    OptunaError` catches them)."""

    status = None


KnobError = OptunaError


class TrialPruned(OptunaError):
    """Raise it in an objective to end the trial as PRUNED."""


class CLIUsageError(OptunaError):
    pass


class StorageInternalError(OptunaError):
    """The storage failed (an I/O or database error, a busy or corrupt database)."""


class DuplicatedStudyError(OptunaError):
    """A study of that name exists already."""


class UpdateFinishedTrialError(OptunaError, RuntimeError):
    """The trial is finished already: it cannot be told or changed again."""


class TellFinishedTrialError(UpdateFinishedTrialError, ValueError):
    """Study.tell of a trial that is finished: a ValueError, as Optuna's tell raises, and
    knob's UpdateFinishedTrialError."""


class KnobValueError(OptunaError, ValueError):
    """An argument libknob refused (a bad range, a distribution that changed, an unknown
    option or sampler name ...)."""


class KnobNotFoundError(OptunaError, KeyError):
    """No such study or trial."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class KnobNotSupportedError(OptunaError, NotImplementedError):
    pass


class KnobMemoryError(OptunaError, MemoryError):
    pass


class KnobDoneError(OptunaError):
    """The sampler has nothing left to propose (an exhausted grid), or the study holds
    its maximum number of trials."""


class ExperimentalWarning(Warning):
    pass
