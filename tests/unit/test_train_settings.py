"""/train's settings: one table, and the link, the config and the CLI command all agree with it."""

import pytest

from lib import cli, models, train_settings


def test_the_link_round_trips_every_setting():
    settings = train_settings.defaults()
    settings.update(preset="small_cnn", epochs=12, batch_size=128, validation_split=0.25,
                    data="keras", train_size=600, augment=True, optimizer="sgd",
                    optimizer_arguments={"lr": 0.05, "momentum": 0.9, "decay": 1e-6,
                                         "nesterov": True})
    again, ignored = train_settings.from_query(train_settings.to_query(settings))
    assert again == settings and ignored == []


@pytest.mark.parametrize(("name", "text"), [
    ("epochs", "0"), ("epochs", "101"), ("batch", "x"), ("val", "0.9"), ("val", "nan"),
    ("size", "-1"), ("preset", "resnet"), ("optimizer", "lbfgs"), ("data", "/etc/passwd"),
    ("aug", "maybe"), ("lr", "-1"), ("lr", "inf"), ("lr", "20"), ("beta_1", "1"),
    ("epsilon", "0"),
])
def test_values_outside_the_table_fall_back_to_the_default(name, text):
    settings, ignored = train_settings.from_query({name: text})
    assert ignored == [name]
    assert settings == train_settings.defaults()


def test_all_digits_is_zero_everywhere():
    settings = train_settings.defaults()
    assert settings["train_size"] == train_settings.ALL_DIGITS == 0
    assert train_settings.to_config(settings).train_size == 0
    assert "--train-size" not in train_settings.cli_command(settings)


@pytest.mark.parametrize("optimizer", list(models.OPTIMIZERS))
def test_the_cli_command_repeats_the_page_config(optimizer):
    settings = train_settings.defaults()
    settings.update(optimizer=optimizer, epochs=3, batch_size=32, train_size=500, augment=True,
                    optimizer_arguments=train_settings.optimizer_defaults(optimizer))
    argv = train_settings.cli_command(settings).split()[3:]  # After "python -m lib.cli".
    arguments = cli.build_parser().parse_args(argv)
    given = {name: value for name in train_settings.OPTIMIZER_ARGUMENTS
             if (value := getattr(arguments, name)) is not None}
    # What the command leaves out is the optimizer's default (a flag such as --nesterov).
    given = {**train_settings.optimizer_defaults(optimizer), **given}
    from lib.training import TrainingConfig

    config = TrainingConfig(
        preset=arguments.preset, epochs=arguments.epochs, batch_size=arguments.batch_size,
        optimizer=arguments.optimizer, optimizer_arguments=given,
        validation_split=arguments.validation_split, augment=arguments.augment,
        train_size=arguments.train_size)
    assert config == train_settings.to_config(settings)


def test_the_cli_refuses_what_the_page_refuses(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["train", "--epochs", "1000"])
    assert "expected int in 1..100" in capsys.readouterr().err


@pytest.mark.parametrize(("flag", "text", "expected"), [
    ("--lr", "20", "expected float in 1e-05..10"), ("--momentum", "1.5", "in 0..0.999"),
])
def test_the_cli_bounds_optimizer_arguments_as_the_page_does(flag, text, expected, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["train", "--optimizer", "sgd", flag, text])
    assert expected in capsys.readouterr().err


def test_each_optimizer_argument_has_one_bound_for_the_widget_the_link_and_the_cli():
    for optimizer, entry in models.OPTIMIZERS.items():
        arguments = models.optimizer_arguments(optimizer)
        assert list(arguments) == list(entry["defaults"])
        for name, argument in arguments.items():
            assert argument.default == entry["defaults"][name]
            setting = train_settings.OPTIMIZER_ARGUMENTS[name]
            assert (setting.minimum, setting.maximum) == (argument.minimum, argument.maximum)
            if argument.kind == "float":
                assert argument.minimum <= argument.default <= argument.maximum
