"""Catalog mappers: store structure, attribute sets, attributes, products."""
