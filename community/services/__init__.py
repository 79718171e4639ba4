"""Services of the community plugin: take plain values and models, flush, never commit."""
