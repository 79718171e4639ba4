"""Courses plugin: IT-школа and Smart-школа programmes, groups, schedule, attendance, consultations.

Importing the package (or a pure part of it such as ``courses.choices``) loads nothing else: the
plugin's description is read from :mod:`courses.manifest` the first time ``courses.plugin`` is asked for, and
the loader (:func:`lms.plugins.load_plugins`) imports the views named there.
"""


def __getattr__(name: str):
    if name == "plugin":
        from courses.manifest import plugin

        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
