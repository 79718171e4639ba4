"""LTI 1.3 (tool and platform) lives here; see DESIGN.md "LTI 1.3". Built by a later issue."""
