"""Individual educational routes: the catalogue's coverage, the builder, the workflow and progress."""
