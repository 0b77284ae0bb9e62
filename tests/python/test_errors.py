"""libknob's messages reach Python whole, however long: an unknown option's message lists
every option of the sampler, and a long value named in a message is not cut."""

import pytest

import knob as optuna
from knob import samplers


def test_unknown_option_lists_every_option():
    # gp has many options: the list used to stop at 512 characters ("... reference_poin")
    with pytest.raises(ValueError) as e:
        optuna.create_study(sampler=samplers.KnobSampler("gp", bogus=1))
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
