"""Community plugin: the methodological service's work with its teachers beyond courses and tests —
associations (МО/РМО, temporary groups, communities of practice) with their meetings, mentoring, network
events, contests, lesson visits, written appeals, the annual work plan, materials and best practice, schools'
statuses.

Importing the package (or a pure part of it) loads nothing else: the plugin's description is read from
:mod:`community.manifest` the first time ``community.plugin`` is asked for, and the loader
(:func:`lms.plugins.load_plugins`) imports the views named there.
"""


def __getattr__(name: str):
    if name == "plugin":
        from community.manifest import plugin

        return plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
