"""libknob's messages reach Python whole, however long: an unknown option's message lists
every option of the sampler, and a long value named in a message is not cut."""

import pytest

import knob as optuna
from knob import samplers


def test_unknown_option_lists_every_option():
    # gp has many options: the list used to stop at 512 characters ("... reference_poin")
    with pytest.raises(TypeError) as e:  # when made, as Optuna's constructors raise it
        samplers.KnobSampler("gp", bogus=1)
    msg = str(e.value)
    assert "unknown option 'bogus'" in msg
    listed = msg[msg.index("(options: ") + len("(options: ") :]
    assert listed.endswith(")") and len(listed) > 512, msg[-80:]
    names = listed[:-1].split(", ")
    assert "reference_point" in names and "mo_acquisition" in names and "seed" in names


def test_long_value_in_a_message_is_whole():
    value = "x" * 3000 + "<end>"
    with pytest.raises(ValueError) as e:
        optuna.create_study(sampler=samplers.KnobSampler("tpe", gamma_strategy=value))
    assert value + "'" in str(e.value)


def test_an_optuna_distribution_is_taken_or_named():
    """A distribution of Optuna's own beside `import knob as optuna` (a script half moved):
    used as knob's of the same name (it raised AttributeError: '_to_c'); something else is
    refused naming knob.distributions."""
    import knob as optuna
    import optuna as real

    study = optuna.create_study()
    trial = study.ask(fixed_distributions={"x": real.distributions.FloatDistribution(0, 1, step=0.25)})
    assert trial.params["x"] in (0, 0.25, 0.5, 0.75, 1)
    study.tell(trial, 1.0)
    study.add_trial(real.trial.create_trial(params={"k": "b"}, distributions={"k": real.distributions.CategoricalDistribution(["a", "b"])}, value=2.0))
    assert study.trials[-1].params == {"k": "b"}
    with pytest.raises(TypeError, match="not a distribution of knob.distributions"):
        study.ask(fixed_distributions={"x": (0, 1)})
