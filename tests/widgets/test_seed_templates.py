"""Every seed template's widget section is valid for its widget, so it publishes as it is."""

import pytest

import widgets
from rules.templates import list_templates, load_template


@pytest.mark.parametrize("name", list_templates())
def test_seed_template_widget_config_is_valid(name):
    bundle = load_template(name)
    assert widgets.validate_widget(bundle["widget"]) == []
