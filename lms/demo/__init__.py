"""Demo data for `flask demo load`: the core's own, then each plugin's demo_loader."""
