"""Internals of the fake Odoo 18 server (see ``magodoo.testing.fake_odoo``)."""
