"""Every registry plugins fill at start-up refuses a key registered twice (none silently replaces another's entry)."""

import pytest

from lms.lti.platform import register_roster
from lms.lti.resources import register_resource_kind
from lms.references import register_source
from lms.registries import registered
from lms.reports.filters import register_teacher_filter
from lms.reports.indicators import register_evidence
from lms.users.permissions import register_permissions
from lms.users.relations import register_relation


def _first(app, registry):
    entries = registered(registry, app)
    assert entries, f"no plugin filled {registry}: the check below would prove nothing"
    return next(iter(entries.items()))


def test_each_registry_refuses_a_second_entry_under_a_key(app):
    again = {
        "lms.permissions": lambda key, value: register_permissions(app, [value]),
        "lms.relations": lambda key, value: register_relation(app, key, value),
        "lms.lti.resources": lambda key, value: register_resource_kind(
            app, key, value.label, value.list_items, value.url_for_item, value.title, value.is_available),
        "lms.lti.rosters": lambda key, value: register_roster(app, key, value),
        "lms.references": lambda key, value: register_source(app, value),
        "lms.evidence": lambda key, value: register_evidence(app, value),
        "lms.teacher_filters": lambda key, value: register_teacher_filter(app, value),
    }
    for registry, register_again in again.items():
        key, value = _first(app, registry)
        before = dict(registered(registry, app))
        with pytest.raises(ValueError, match="registered twice"):
            register_again(key, value)
        assert registered(registry, app) == before, registry
