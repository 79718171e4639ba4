"""The assessments plugin honours the contract and requires courses."""

from __future__ import annotations

import assessments
from lms.plugins import Plugin


def test_plugin_description():
    plugin = assessments.plugin
    assert isinstance(plugin, Plugin) and plugin.name == plugin.blueprint.name == "assessments"
    assert plugin.requires == ("courses",)


def test_home_page_in_russian(login_as):
    page = login_as("tutor").get("/assessments/")
    assert page.status_code == 200 and "<h1>Диагностика</h1>" in page.text


def test_dashboard_links_to_the_plugins(login_as):
    page = login_as("teacher").get("/").text
    assert 'href="/courses/"' in page and 'href="/assessments/"' in page
