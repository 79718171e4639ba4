"""Reports: plugins register report providers; the core lists and renders them."""
