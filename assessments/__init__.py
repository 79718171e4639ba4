"""Assessments plugin: competency framework, item bank, deficit diagnostics, individual routes.

Importing the package (or a pure part of it such as ``assessments.engine``) loads nothing else: the
plugin's description is read from :mod:`assessments.manifest` the first time ``assessments.plugin`` is asked for, and
the loader (:func:`lms.plugins.load_plugins`) imports the views named there.
"""


def __getattr__(name: str):
    if name == "plugin":
        from assessments.manifest import plugin

        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
